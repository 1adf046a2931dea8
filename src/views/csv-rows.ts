/**
 * CSV of chosen rows of a sweep (the table's export): labels and values come
 * from the sweep's trainings by row id (valuesOf: the packed copy in the page).
 */

import { formatFloat32 } from '../io/table.js';
import { csvField } from '../io/csv.js';
import { MISSING_LABEL } from '../model/binning.js';
import type { Sweep } from '../model/sweep.js';
import { valuesOf } from '../engine/row-values.js';

/**
 * The given rows of a sweep as CSV, in chunks of `chunkRows` rows (the first
 * chunk is the header line), with the quoting and number rules of
 * `writeCsvBytes` (src/io/csv.ts): categorical parameters as labels
 * (`(missing)` as an empty cell), numeric parameters and metrics as the
 * shortest decimal that reads back to the same float32, NaN as an empty cell.
 */
export function* toCsv(sweep: Sweep, rows: ArrayLike<number>, chunkRows = 8192): Generator<string, void, void> {
  const names = [...sweep.params.map((p) => p.name), ...sweep.metrics.map((m) => m.name)];
  yield names.map(csvField).join(',') + '\n';
  if (names.length === 0) return;
  const values = valuesOf(sweep);
  type Column = { labels: string[]; param: number } | { number: (id: number) => number };
  const columns: Column[] = [
    ...sweep.params.map((p, i): Column =>
      values.hasNumbers(i) ? { number: (id) => values.numeric(i, id) } : { labels: p.labels.map((l) => (l === MISSING_LABEL ? '' : csvField(l))), param: i },
    ),
    ...sweep.metrics.map((_, m): Column => ({ number: (id) => values.metric(m, id) })),
  ];
  const n = rows.length;
  const step = Math.max(1, Math.floor(chunkRows));
  for (let r0 = 0; r0 < n; r0 += step) {
    const r1 = Math.min(n, r0 + step);
    const lines: string[] = new Array(r1 - r0);
    const cells: string[] = new Array(columns.length);
    for (let k = r0; k < r1; k++) {
      const i = rows[k];
      for (let c = 0; c < columns.length; c++) {
        const col = columns[c];
        cells[c] = 'number' in col ? formatFloat32(col.number(i)) : col.labels[values.code(col.param, i)];
      }
      lines[k - r0] = cells.join(',');
    }
    yield lines.join('\n') + '\n';
  }
}
