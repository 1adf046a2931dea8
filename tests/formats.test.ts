// Every format a sweep arrives in, read by its content (never its name): CSV
// and TSV with sniffed delimiters, comment lines, byte-order marks, UTF-16,
// gzip and zstd; JSON arrays and lines; Arrow IPC file and stream; Parquet with
// its usual compressions. Each reads into the same sweep. Files that are not
// tables are refused by what they are.

import { gzipSync } from 'node:zlib';
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { readSweepBytes, readSweepChunks } from '../src/io/read.js';
import { SweepError, type Sweep } from '../src/model/sweep.js';

const enc = new TextEncoder();

/** The table every format below holds: two parameters, a group and a metric. */
const ROWS = [
  { opt: 'adam', lr: 0.1, dataset: 'cifar10', acc: 0.7 },
  { opt: 'sgd', lr: 0.01, dataset: 'cifar10', acc: 0.8 },
  { opt: 'adam', lr: 0.01, dataset: 'mnist', acc: 0.9 },
  { opt: 'sgd, momentum', lr: 0.1, dataset: 'mnist', acc: 0.25 },
  { opt: 'adam', lr: 0.1, dataset: 'mnist', acc: 0.5 },
];
const OPTIONS = { params: ['opt', 'lr', 'dataset'], metric: 'acc', group: 'dataset' };

function csvText(sep: string, eol = '\n'): string {
  const q = (s: string): string => (s.includes(sep) || s.includes('"') ? `"${s.replaceAll('"', '""')}"` : s);
  return ['opt,lr,dataset,acc'.replaceAll(',', sep), ...ROWS.map((r) => [q(r.opt), r.lr, r.dataset, r.acc].join(sep))].join(eol) + eol;
}

/** The rows of a sweep as they were read: labels of each parameter, and the metric. */
function rowsOf(s: Sweep): { opt: string; lr: number; dataset: string; acc: number }[] {
  const p = (name: string): Sweep['params'][number] => {
    const found = s.params.find((x) => x.name === name);
    if (!found) throw new Error(`no parameter ${name}`);
    return found;
  };
  const opt = p('opt');
  const lr = p('lr');
  const dataset = p('dataset');
  const acc = s.metrics[0];
  return Array.from({ length: s.rows }, (_, i) => ({
    opt: opt.labels[opt.codes[i]],
    lr: Number(lr.labels[lr.codes[i]]),
    dataset: dataset.labels[dataset.codes[i]],
    acc: acc.values[i],
  }));
}

const EXPECTED = ROWS.map((r) => ({ ...r, acc: Math.fround(r.acc) }));

async function read(bytes: Uint8Array, name = 'sweep', options: object = OPTIONS): Promise<Sweep> {
  return readSweepBytes(bytes, name, options);
}

async function refusal(bytes: Uint8Array, name = 'f.csv'): Promise<string> {
  try {
    await readSweepBytes(bytes, name, OPTIONS);
  } catch (e) {
    expect(e).toBeInstanceOf(SweepError);
    const m = (e as Error).message;
    expect(m).not.toContain('\n');
    return m;
  }
  throw new Error(`${name} was read, not refused`);
}

describe('CSV and TSV', () => {
  it.each([
    ['comma', ','],
    ['semicolon', ';'],
    ['tab', '\t'],
    ['pipe', '|'],
  ])('sniffs the %s delimiter', async (_, sep) => {
    const s = await read(enc.encode(csvText(sep)));
    expect(s.metrics[0].name).toBe('acc');
    expect(rowsOf(s)).toEqual(EXPECTED);
  });

  it('reads CRLF, a UTF-8 byte-order mark and comment lines before the header', async () => {
    const text = `# exported by a sweep tool\r\n# second comment\r\n${csvText(',', '\r\n')}`;
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...enc.encode(text)]);
    expect(rowsOf(await read(bytes))).toEqual(EXPECTED);
  });

  it('reads quoted fields with delimiters, quotes and newlines', async () => {
    const text = 'opt,lr,dataset,acc\n"adam ""fast""",0.1,"cifar\n10",0.7\n"a,b",0.01,mnist,0.8\n';
    const s = await read(enc.encode(text));
    expect(rowsOf(s).map((r) => [r.opt, r.dataset])).toEqual([
      ['adam "fast"', 'cifar\n10'],
      ['a,b', 'mnist'],
    ]);
  });

  it.each(['utf-16le', 'utf-16be'] as const)('decodes %s text with a byte-order mark', async (encoding) => {
    const units = csvText(',');
    const out = new Uint8Array(2 + units.length * 2);
    const le = encoding === 'utf-16le';
    out.set(le ? [0xff, 0xfe] : [0xfe, 0xff]);
    for (let i = 0; i < units.length; i++) {
      const c = units.charCodeAt(i);
      out[2 + 2 * i + (le ? 0 : 1)] = c & 0xff;
      out[2 + 2 * i + (le ? 1 : 0)] = c >> 8;
    }
    expect(rowsOf(await read(out))).toEqual(EXPECTED);
  });

  it('reads a gzip-compressed CSV, whatever it is called', async () => {
    const gz = gzipSync(enc.encode(csvText('\t')));
    expect(rowsOf(await read(gz, 'results.tsv.gz'))).toEqual(EXPECTED);
    expect(rowsOf(await read(gz, 'results'))).toEqual(EXPECTED);
  });

  it('reads a zstd-compressed CSV', async () => {
    // `printf 'lr,opt,acc\n0.1,adam,0.7\n0.01,sgd,0.8\n0.001,adam,0.9\n' | zstd -c | base64`
    const zst = Buffer.from('KLUv/QRYoQEAbHIsb3B0LGFjYwowLjEsYWRhbSwwLjcKMC4wMSxzZ2QsMC44CjAuMDAxLGFkYW0sMC45CkvkeSw=', 'base64');
    const s = await read(new Uint8Array(zst), 'r.csv.zst', { params: ['lr', 'opt'], metric: 'acc' });
    expect(s.rows).toBe(3);
    expect(Array.from(s.metrics[0].values)).toEqual([0.7, 0.8, 0.9].map(Math.fround));
  });

  it('stops a compressed file whose decoded size outgrows the budget', async () => {
    const big = gzipSync(new Uint8Array(4 << 20).fill(0x31));
    await expect(readSweepBytes(big, 'bomb.csv.gz', {}, undefined, { maxDecodedBytes: 1 << 20 })).rejects.toThrow(/bomb\.csv\.gz.*(MiB|budget|larger)/);
  });
});

describe('JSON', () => {
  it('reads an array of flat objects', async () => {
    const s = await read(enc.encode(JSON.stringify(ROWS)), 'runs.json');
    expect(rowsOf(s)).toEqual(EXPECTED);
  });

  it('reads JSON Lines', async () => {
    const s = await read(enc.encode(ROWS.map((r) => JSON.stringify(r)).join('\n') + '\n'), 'runs.jsonl');
    expect(rowsOf(s)).toEqual(EXPECTED);
  });

  it('flattens nested objects with dotted names', async () => {
    const nested = ROWS.map((r) => ({ config: { opt: r.opt, lr: r.lr }, dataset: r.dataset, summary: { acc: r.acc } }));
    const s = await read(enc.encode(JSON.stringify(nested)), 'nested.json', {
      params: ['config.opt', 'config.lr', 'dataset'],
      metric: 'summary.acc',
    });
    // The tool's prefix is dropped from the sweep's names; the file's names are kept as the columns' sources.
    expect(s.params.map((p) => p.name)).toEqual(['opt', 'lr', 'dataset']);
    expect(s.columns?.filter((c) => c.source).map((c) => [c.name, c.source])).toEqual([
      ['opt', 'config.opt'],
      ['lr', 'config.lr'],
      ['acc', 'summary.acc'],
    ]);
    expect(Array.from(s.metrics[0].values)).toEqual(EXPECTED.map((r) => r.acc));
  });

  it('refuses a JSON scalar and names it', async () => {
    expect(await refusal(enc.encode('42'), 'n.json')).toContain('not an array of rows');
  });
});

describe('Arrow IPC and Parquet', () => {
  const columns = {
    opt: ROWS.map((r) => r.opt),
    lr: Float64Array.from(ROWS, (r) => r.lr),
    dataset: ROWS.map((r) => r.dataset),
    acc: Float32Array.from(ROWS, (r) => r.acc),
  };

  it.each(['file', 'stream'] as const)('reads the Arrow IPC %s format', async (format) => {
    const bytes = tableToIPC(tableFromArrays(columns), format);
    expect(rowsOf(await read(bytes, 'sweep.csv'))).toEqual(EXPECTED);
  });

  const parquet = (codec: 'UNCOMPRESSED' | 'SNAPPY' | 'GZIP'): Uint8Array =>
    new Uint8Array(
      parquetWriteBuffer({
        codec,
        compressors: { GZIP: (b: Uint8Array) => new Uint8Array(gzipSync(b)) },
        columnData: [
          { name: 'opt', data: columns.opt, type: 'STRING' },
          { name: 'lr', data: Array.from(columns.lr), type: 'DOUBLE' },
          { name: 'dataset', data: columns.dataset, type: 'STRING' },
          { name: 'acc', data: Array.from(columns.acc), type: 'FLOAT' },
        ],
      }),
    );

  it.each(['UNCOMPRESSED', 'SNAPPY', 'GZIP'] as const)('reads Parquet (%s)', async (codec) => {
    expect(rowsOf(await read(parquet(codec), 'sweep.parquet'))).toEqual(EXPECTED);
  });

  it('names a truncated Arrow or Parquet file in its own words', async () => {
    const arrow = tableToIPC(tableFromArrays(columns), 'file');
    const cut = await refusal(arrow.subarray(0, Math.floor(arrow.length / 2)), 'cut.arrow');
    expect(cut).toMatch(/cut\.arrow.*(truncated|corrupt)/);
    const pq = parquet('SNAPPY');
    const cutPq = await refusal(pq.subarray(0, pq.length - 20), 'cut.parquet');
    expect(cutPq).toMatch(/cut\.parquet.*(truncated|corrupt)/);
  });
});

describe('files that are not tables', () => {
  const cases: [string, number[], RegExp][] = [
    ['a ZIP archive', [0x50, 0x4b, 0x03, 0x04, 20, 0, 0, 0], /is a ZIP archive.*not a table/],
    ['a PNG image', [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13], /is a PNG image, not a table/],
    ['a PDF document', [...enc.encode('%PDF-1.7\n')], /is a PDF document/],
    ['an ELF executable', [0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0], /is an ELF executable/],
    ['an HTML page', [...enc.encode('<!DOCTYPE html><html></html>')], /is an HTML page/],
    ['bzip2', [...enc.encode('BZh91AY&SY'), 1, 2, 3], /bzip2-compressed, which sweepscope does not read/],
  ];
  it.each(cases)('refuses %s under a table name', async (_, bytes, message) => {
    expect(await refusal(new Uint8Array(bytes), 'results.csv')).toMatch(message);
  });

  it('refuses random bytes as binary data', async () => {
    let x = 12345;
    const junk = Uint8Array.from({ length: 4096 }, () => {
      x = (x * 1103515245 + 12345) >>> 0;
      return (x >>> 16) & 0xff || 1;
    });
    expect(await refusal(junk)).toContain('is binary data of a kind sweepscope does not know');
  });

  it('refuses an empty file and one of blank lines', async () => {
    expect(await refusal(new Uint8Array(0), 'e.csv')).toBe('e.csv is empty: expected a table (CSV, JSON, Arrow or Parquet)');
    expect(await refusal(enc.encode('\n \r\n\t\n'), 'b.csv')).toBe('b.csv is empty: expected a table (CSV, JSON, Arrow or Parquet)');
  });

  it('reads a table with no extension by its content', async () => {
    expect(rowsOf(await read(enc.encode(csvText(';')), 'results'))).toEqual(EXPECTED);
    expect(rowsOf(await read(enc.encode(JSON.stringify(ROWS)), 'results.csv'))).toEqual(EXPECTED);
  });
});

describe('read as it arrives, in chunks', () => {
  async function* chunked(b: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
    for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size);
  }
  it.each([1, 7, 4096, 1 << 20])('a CSV in chunks of %i bytes reads as the whole file does', async (size) => {
    // Long enough (> 64 KiB) for the streamed path.
    const rows = Array.from({ length: 3000 }, (_, i) => `${['adam', 'sgd', '"sgd, momentum"'][i % 3]},${[0.1, 0.01][i % 2]},${['cifar10', 'mnist'][i % 2]},${((i * 37) % 1000) / 1000}`);
    const bytes = enc.encode(['opt,lr,dataset,acc', ...rows, 'x,0.1,mnist'].join('\r\n'));
    const whole = await readSweepBytes(bytes, 'big.csv', OPTIONS);
    let read = 0;
    const streamed = await readSweepChunks({ chunks: chunked(bytes, size) }, 'big.csv', OPTIONS, (n) => (read = n));
    expect(read).toBe(bytes.length);
    expect(streamed.rows).toBe(3001);
    expect(streamed.notes).toEqual(whole.notes);
    expect(streamed.params.map((p) => [p.name, p.labels, Array.from(p.codes)])).toEqual(whole.params.map((p) => [p.name, p.labels, Array.from(p.codes)]));
    expect(Array.from(streamed.metrics[0].values)).toEqual(Array.from(whole.metrics[0].values));
  });

  it('gathers what is not plain CSV (gzip, JSON, Parquet) and reads it by its content', async () => {
    const gz = gzipSync(enc.encode(csvText('\t')));
    expect(rowsOf(await readSweepChunks({ chunks: chunked(gz, 5) }, 'r.gz', OPTIONS))).toEqual(EXPECTED);
    const json = enc.encode(JSON.stringify(ROWS));
    expect(rowsOf(await readSweepChunks({ chunks: chunked(json, 3) }, 'r', OPTIONS))).toEqual(EXPECTED);
  });

  it('gives the same messages for bad input cut across chunks', async () => {
    const text = `opt,acc\n${'a,1\n'.repeat(30000)}"b,2\nc,3\n`;
    const bytes = enc.encode(text);
    const whole = await readSweepBytes(bytes, 'f.csv').then(() => 'read', (e: Error) => e.message);
    const streamed = await readSweepChunks({ chunks: chunked(bytes, 999) }, 'f.csv').then(() => 'read', (e: Error) => e.message);
    expect(streamed).toBe(whole);
    expect(streamed).toMatch(/^f\.csv line 30002: a quoted field in column 'opt' is never closed/);
  });
});
