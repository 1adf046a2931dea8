/**
 * The page's HTML: lit templates over plain state (no components). Every
 * aggregate is a table; bars and cell shading are inline styles only.
 */

import { html, nothing, type TemplateResult } from 'lit';
import type { AggregateJson, TrellisCell } from '../engine/output.js';
import type { EngineInfo } from '../engine/types.js';
import { fmtInt, fmtMs, fmtValue } from './format.js';

/** Group colours of the stacked histogram bars (cycled). */
export const GROUP_COLOURS = ['#2563eb', '#ea580c', '#16a34a', '#9333ea', '#dc2626', '#0891b2', '#ca8a04', '#db2777'];

export interface FormState {
  normalize: boolean;
  lo: string;
  hi: string;
  bins: string;
  primary: string;
  /** '' for none. */
  secondary: string;
}

/** The sweep on the engine. */
export interface SweepView {
  /** `Synthetic sweep (seed S)` or the file's name. */
  name: string;
  rows: number;
  /** How it was made: generation or reading, for the status bar. */
  detail: string;
}

/** A load in progress: a bar of done / total, or an indeterminate one when total is 0. */
export interface TaskView {
  label: string;
  done: number;
  total: number;
}

export interface ViewState {
  /** Null while the engine starts. */
  engine: EngineInfo | null;
  /** A problem with the engine choice (?engine=…), shown beside the engine. */
  engineNotice: string | null;
  isolated: boolean;
  /** Null until the first sweep is on the engine. */
  sweep: SweepView | null;
  task: TaskView | null;
  /** Parameter names of the current sweep. */
  params: string[];
  form: FormState;
  generate: { rows: string; seed: string };
  busy: boolean;
  /** The last query's failure. */
  error: string | null;
  /** The last load's failure (the sweep before it stays). */
  loadError: string | null;
  result: { json: AggregateJson; engineMs: number; totalMs: number } | null;
  pairA: string;
  pairB: string;
  /** A file is dragged over the page. */
  dragging: boolean;
}

export interface ViewActions {
  submit(form: HTMLFormElement): void;
  pair(which: 'a' | 'b', name: string): void;
  openFile(file: File): void;
  generate(form: HTMLFormElement): void;
}

/** The engine line: which engine runs, on what, and why. */
export function describeEngine(e: EngineInfo | null): string {
  if (e === null) return 'starting…';
  const what = e.kind === 'cpu' ? `CPU${e.adapter ? ` (${e.adapter})` : ''}` : `WebGPU${e.adapter ? ` on ${e.adapter}` : ''}`;
  return `${what}${e.reason ? ` — ${e.reason}` : ''}`;
}

function statusBar(s: ViewState): TemplateResult {
  const memory = s.isolated
    ? html`<span class="ok">shared</span> (crossOriginIsolated)`
    : html`<span class="warn">not shared</span> (not crossOriginIsolated: generation runs in one worker and each engine worker holds a copy of the sweep)`;
  // Green for a hardware GPU; amber for a software adapter, a fallback or a missing GPU; plain for a chosen CPU engine.
  const reason = s.engine?.reason ?? '';
  const engineClass =
    s.engine === null ? '' : /software|fell back|not available/i.test(reason) ? 'warn' : s.engine.kind === 'webgpu' ? 'ok' : '';
  return html`<section id="status" class="status">
    <div>
      <b>Engine:</b> <span id="engine-info" class=${engineClass} data-kind=${s.engine?.kind ?? ''}>${describeEngine(s.engine)}</span>
      ${s.engineNotice ? html`<div id="engine-notice" class="warn">${s.engineNotice}</div>` : nothing}
    </div>
    <div><b>Memory:</b> <span id="memory-info">${memory}</span></div>
    ${s.sweep ? html`<div><b>Sweep:</b> <span id="sweep-info">${s.sweep.detail}</span></div>` : nothing}
  </section>`;
}

function progressBar(s: ViewState): TemplateResult | typeof nothing {
  const t = s.task;
  if (!t) return nothing;
  return html`<section id="progress" class="progress">
    ${t.total > 0 ? html`<progress max=${t.total} .value=${Math.min(t.done, t.total)}></progress>` : html`<progress></progress>`}
    <span id="progress-label">${t.label}</span>
  </section>`;
}

/** Opening a file (picker or drop) and generating a synthetic sweep. */
function loadSection(s: ViewState, act: ViewActions): TemplateResult {
  return html`<section id="load" class="load">
    <label
      >Open a sweep file (.csv, .arrow):
      <input
        id="file-input"
        type="file"
        accept=".csv,.arrow,.feather,.ipc,text/csv"
        @change=${(e: Event) => {
          const input = e.currentTarget as HTMLInputElement;
          const file = input.files?.[0];
          if (file) act.openFile(file);
          input.value = '';
        }}
    /></label>
    <span class="note">or drop one onto the page</span>
    <form
      id="generate-form"
      novalidate
      @submit=${(e: Event) => {
        e.preventDefault();
        act.generate(e.currentTarget as HTMLFormElement);
      }}
    >
      or generate
      <label>rows <input type="number" name="rows" min="1" step="1" .value=${s.generate.rows} size="9" /></label>
      <label>seed <input type="number" name="seed" min="0" step="1" .value=${s.generate.seed} size="5" /></label>
      <button type="submit">Generate</button>
    </form>
  </section>`;
}

function option(value: string, selected: string, label = value): TemplateResult {
  return html`<option value=${value} ?selected=${value === selected}>${label}</option>`;
}

function queryForm(s: ViewState, act: ViewActions): TemplateResult {
  const f = s.form;
  const disabled = s.sweep === null;
  return html`<form
    id="query-form"
    novalidate
    class="query"
    @submit=${(e: Event) => {
      e.preventDefault();
      act.submit(e.currentTarget as HTMLFormElement);
    }}
  >
    <label><input type="checkbox" name="normalize" .checked=${f.normalize} /> normalize per dataset</label>
    <label>range lo <input type="number" name="lo" step="any" .value=${f.lo} size="6" /></label>
    <label>hi <input type="number" name="hi" step="any" .value=${f.hi} size="6" /></label>
    <label>bins <input type="number" name="bins" step="1" min="1" .value=${f.bins} size="5" /></label>
    <label
      >primary
      <select name="primary">
        ${s.params.map((p) => option(p, f.primary))}
      </select></label
    >
    <label
      >secondary
      <select name="secondary">
        ${option('', f.secondary, '(none)')} ${s.params.map((p) => option(p, f.secondary))}
      </select></label
    >
    <button type="submit" ?disabled=${disabled}>Run query</button>
    <span class="busy" ?hidden=${!s.busy}>running…</span>
  </form>`;
}

function countsTable(s: ViewState): TemplateResult {
  const r = s.result;
  const j = r?.json;
  const row = (key: string, label: string, value: string): TemplateResult =>
    html`<tr>
      <th scope="row">${label}</th>
      <td data-key=${key}>${value}</td>
    </tr>`;
  return html`<table id="counts" class="counts">
    <caption>
      Counts
    </caption>
    <tbody>
      ${row('rows', 'rows', j ? fmtInt(j.rows) : '–')} ${row('missing', 'missing', j ? fmtInt(j.missing) : '–')}
      ${row('baseline', 'baseline', j ? fmtInt(j.baseline) : '–')} ${row('selected', 'selected', j ? fmtInt(j.selected) : '–')}
      ${row('engine-ms', 'engine time (ms)', r ? fmtMs(r.engineMs) : '–')}
      ${row('total-ms', 'query time (ms)', r ? fmtMs(r.totalMs) : '–')}
    </tbody>
  </table>`;
}

function histogramTable(j: AggregateJson): TemplateResult {
  const { groups, edges, baseline, selected } = j.histogram;
  const bins = edges.length - 1;
  const totals = Array.from({ length: bins }, (_, b) => groups.reduce((a, _g, g) => a + baseline[g][b], 0));
  const max = Math.max(1, ...totals);
  const bar = (b: number): TemplateResult => {
    const segs = groups.map((_g, g) => [selected[g][b], GROUP_COLOURS[g % GROUP_COLOURS.length]] as const);
    return html`<div class="bar" style="width:${(100 * totals[b]) / max}%">
      ${segs.map(([n, c]) =>
        n > 0 ? html`<span style="width:${(100 * n) / Math.max(1, totals[b])}%;background:${c}"></span>` : nothing,
      )}
    </div>`;
  };
  return html`<table id="histogram" class="histogram">
    <caption>
      Stacked histogram of ${j.metric}${j.normalize ? ' (normalized per ' + (j.group ?? 'group') + ')' : ''}: baseline / selected per
      ${j.group ?? 'group'}
    </caption>
    <thead>
      <tr>
        <th rowspan="2">bin</th>
        ${groups.map(
          (g, i) => html`<th colspan="2"><i class="swatch" style="background:${GROUP_COLOURS[i % GROUP_COLOURS.length]}"></i>${g}</th>`,
        )}
        <th rowspan="2" class="barcol">selected (colour) of baseline (grey)</th>
      </tr>
      <tr>
        ${groups.map(() => html`<th>base</th><th>sel</th>`)}
      </tr>
    </thead>
    <tbody>
      ${Array.from(
        { length: bins },
        (_, b) =>
          html`<tr>
            <th scope="row">${fmtValue(edges[b])}–${fmtValue(edges[b + 1])}</th>
            ${groups.map((_g, g) => html`<td>${fmtInt(baseline[g][b])}</td><td class="sel">${fmtInt(selected[g][b])}</td>`)}
            <td class="barcol">${bar(b)}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

function optionTables(j: AggregateJson): TemplateResult {
  return html`<div id="options" class="tiles">
    ${j.params.map((p) => {
      const counts = j.optionCounts[p.name];
      const max = Math.max(1, ...p.options.map((o) => counts[o]));
      return html`<table class="small">
        <caption>
          ${p.name}
        </caption>
        <tbody>
          ${p.options.map(
            (o) =>
              html`<tr>
                <th scope="row">${o}</th>
                <td style=${shade(counts[o] / max)}>${fmtInt(counts[o])}</td>
              </tr>`,
          )}
        </tbody>
      </table>`;
    })}
  </div>`;
}

function shade(t: number): string {
  const a = Number.isFinite(t) ? Math.max(0, Math.min(1, t)) * 0.55 : 0;
  return `background:rgba(37,99,235,${a.toFixed(3)})`;
}

function pairSection(s: ViewState, j: AggregateJson, act: ViewActions): TemplateResult {
  const names = j.params.map((p) => p.name);
  const select = (which: 'a' | 'b', value: string): TemplateResult =>
    html`<select id=${`pair-${which}`} @change=${(e: Event) => act.pair(which, (e.target as HTMLSelectElement).value)}>
      ${names.map((n) => option(n, value))}
    </select>`;
  const optsA = j.params.find((p) => p.name === s.pairA)?.options ?? [];
  const optsB = j.params.find((p) => p.name === s.pairB)?.options ?? [];
  let body: TemplateResult;
  if (s.pairA === s.pairB) {
    body = html`<p class="note">Pick two different parameters.</p>`;
  } else {
    const m = j.pairCounts[s.pairA]?.[s.pairB] ?? {};
    const base = j.baselinePairCounts[s.pairA]?.[s.pairB] ?? {};
    const max = Math.max(1, ...optsA.flatMap((a) => optsB.map((b) => m[a]?.[b] ?? 0)));
    body = html`<div class="scroll"><table id="pairs" class="matrix">
      <caption>
        Selected trainings per ${s.pairA} (rows) × ${s.pairB} (columns)
      </caption>
      <thead>
        <tr>
          <th>${s.pairA} \\ ${s.pairB}</th>
          ${optsB.map((b) => html`<th>${b}</th>`)}
        </tr>
      </thead>
      <tbody>
        ${optsA.map(
          (a) =>
            html`<tr>
              <th scope="row">${a}</th>
              ${optsB.map((b) => {
                const v = m[a]?.[b] ?? 0;
                return html`<td style=${shade(v / max)} title=${`baseline ${fmtInt(base[a]?.[b] ?? 0)}`}>${fmtInt(v)}</td>`;
              })}
            </tr>`,
        )}
      </tbody>
    </table></div>`;
  }
  return html`<section class="pairs">
    <h2>Pair counts</h2>
    <div class="pair-pick">${select('a', s.pairA)} × ${select('b', s.pairB)}</div>
    ${body}
  </section>`;
}

function isCell(x: unknown): x is TrellisCell {
  return typeof x === 'object' && x !== null && 'count' in x;
}

function trellisTables(j: AggregateJson): TemplateResult {
  const primary = j.primary ? (j.params.find((p) => p.name === j.primary)?.options ?? []) : ['(all)'];
  const secondary = j.secondary ? (j.params.find((p) => p.name === j.secondary)?.options ?? []) : null;
  const cellOf = (x: TrellisCell | Record<string, TrellisCell> | undefined, s: string | null): TrellisCell | undefined =>
    x === undefined ? undefined : isCell(x) ? x : s === null ? undefined : x[s];
  return html`<div id="trellis" class="tiles">
    ${j.params.map((p) => {
      const byOption = j.trellis[p.name] ?? {};
      const cols: [string, string | null][] = primary.flatMap((pr): [string, string | null][] =>
        secondary ? secondary.map((se): [string, string | null] => [pr, se]) : [[pr, null]],
      );
      const means = p.options.flatMap((o) => cols.map(([pr, se]) => cellOf(byOption[o]?.[pr], se)?.mean ?? NaN)).filter(Number.isFinite);
      const lo = Math.min(...means);
      const hi = Math.max(...means);
      return html`<table class="small trellis">
        <caption>
          mean ${j.normalize ? 'normalized ' : ''}${j.metric} by ${p.name}
        </caption>
        <thead>
          <tr>
            <th rowspan=${secondary ? 2 : 1}>${p.name} \\ ${j.primary ?? ''}</th>
            ${primary.map((pr) => html`<th colspan=${secondary ? secondary.length : 1}>${pr}</th>`)}
          </tr>
          ${secondary
            ? html`<tr>
                ${primary.map(() => secondary.map((se) => html`<th class="sub">${se}</th>`))}
              </tr>`
            : nothing}
        </thead>
        <tbody>
          ${p.options.map(
            (o) =>
              html`<tr>
                <th scope="row">${o}</th>
                ${cols.map(([pr, se]) => {
                  const c = cellOf(byOption[o]?.[pr], se);
                  if (!c || c.mean === null) return html`<td class="empty">–</td>`;
                  return html`<td style=${shade(hi > lo ? (c.mean - lo) / (hi - lo) : 0.5)} title=${`${fmtInt(c.count)} trainings`}>
                    ${fmtValue(c.mean)}
                  </td>`;
                })}
              </tr>`,
          )}
        </tbody>
      </table>`;
    })}
  </div>`;
}

export function pageView(s: ViewState, act: ViewActions): TemplateResult {
  const j = s.result?.json;
  return html`<header>
      <h1>sweepscope</h1>
      <p class="sub">
        ${s.sweep
          ? html`<span id="sweep-name">${s.sweep.name}</span>: <b id="row-count">${fmtInt(s.sweep.rows)}</b> trainings`
          : html`<span id="sweep-name">No sweep loaded yet</span>`}
      </p>
    </header>
    ${statusBar(s)} ${loadSection(s, act)} ${progressBar(s)}
    <div id="load-error" class="error" role="alert" ?hidden=${s.loadError === null}>${s.loadError ?? ''}</div>
    <div id="error" class="error" role="alert" ?hidden=${s.error === null}>${s.error ?? ''}</div>
    ${s.params.length ? queryForm(s, act) : nothing}
    ${j
      ? html`<main id="results" class=${s.busy ? 'stale' : ''}>
          <div class="col">
            ${countsTable(s)}
            <h2>Histogram</h2>
            ${histogramTable(j)}
          </div>
          <div class="col">
            <h2>Options of the selection</h2>
            ${optionTables(j)} ${pairSection(s, j, act)}
          </div>
          <section class="wide">
            <h2>Trellis: mean per option per ${j.primary ?? 'primary'} option${j.secondary ? ` and ${j.secondary} option` : ''}</h2>
            ${trellisTables(j)}
          </section>
        </main>`
      : nothing}
    <div id="drop-overlay" class="drop-overlay" ?hidden=${!s.dragging}>Drop a .csv or .arrow sweep to load it</div>`;
}
