/**
 * `<sweep-filters>`: every parameter's options as toggle buttons (pressed =
 * allowed), with per-parameter "all" and per-option "only" shortcuts, a reset
 * button, and how many trainings are selected. Every change dispatches the
 * whole new `where` (a parameter with all of its options allowed is left out).
 *
 * Made for a narrow side panel: the parameters stack in one column when the
 * element is narrow and scroll under the summary when they do not fit the
 * height the page gives. When the filters leave no training, the summary
 * says so, with the reset button.
 */

import { css, html, nothing, type TemplateResult } from 'lit';
import { viewTheme } from './shared/theme.js';
import { emptiness, emptyNotice, emptyStyles } from './shared/empty.js';
import { fmtInt } from './shared/format.js';
import type { Answer } from '../engine/answer.js';
import { categorical } from './shared/palette.js';
import { DEFAULT_VIEW_STATE, viewChange, type ViewState } from './shared/view-state.js';
import { DeferredView } from './shared/job.js';
import { dict, hasOwn, own } from '../model/dict.js';


/** The new `where` with `param` allowing `allowed` (left out when that is every option). */
export function withAllowed(
  where: Readonly<Record<string, readonly string[]>>,
  param: string,
  options: readonly string[],
  allowed: ReadonlySet<string>,
): Record<string, string[]> {
  const out = dict<string[]>();
  for (const [k, v] of Object.entries(where)) if (k !== param) out[k] = [...v];
  const list = options.filter((o) => allowed.has(o));
  if (list.length < options.length) out[param] = list;
  return out;
}

export class SweepFilters extends DeferredView {
  static override properties = {
    result: { attribute: false },
    state: { attribute: false },
  };

  declare result: Answer | null;
  declare state: ViewState;

  constructor() {
    super();
    this.result = null;
    this.state = DEFAULT_VIEW_STATE;
  }

  static override styles = [
    viewTheme,
    emptyStyles,
    css`
    /* The summary stays at the top; the parameters scroll under it when the page gives a height they exceed. */
    :host {
      display: flex;
      flex-direction: column;
      box-sizing: border-box;
      height: 100%;
      min-width: 0;
      min-height: 0;
    }
    .summary {
      flex: none;
      display: flex;
      flex-wrap: wrap;
      align-items: baseline;
      gap: 4px 12px;
      margin-bottom: 8px;
      padding-bottom: 6px;
      border-bottom: 1px solid var(--sweep-faint);
    }
    .summary .empty-selection {
      flex-basis: 100%;
      flex-direction: row;
      flex-wrap: wrap;
      justify-content: flex-start;
      align-items: baseline;
      gap: 4px 10px;
      padding: 4px 0 0;
      font-size: 13px;
      text-align: left;
    }
    .count {
      margin: 0;
      font-weight: 600;
      font-variant-numeric: tabular-nums;
    }
    .missing {
      color: var(--sweep-muted);
    }
    .params {
      flex: 1 1 auto;
      min-height: 0;
      overflow-x: hidden;
      overflow-y: auto;
      display: grid;
      /* One column in a side panel, more in a wide box; never wider than the element. */
      grid-template-columns: repeat(auto-fill, minmax(min(100%, 220px), 1fr));
      align-content: start;
      gap: 10px 18px;
      /* Room for the "only" button that shows above the first row of chips. */
      padding-top: 2px;
    }
    .param {
      min-width: 0;
    }
    .head {
      display: flex;
      align-items: baseline;
      gap: 8px;
      margin-bottom: 3px;
    }
    .name {
      font-weight: 600;
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
    }
    .filtered {
      color: var(--sweep-muted);
      font-size: 12px;
    }
    .options {
      display: flex;
      flex-wrap: wrap;
      gap: 4px;
    }
    button {
      font: inherit;
      color: inherit;
      cursor: pointer;
    }
    button:focus-visible {
      outline: 2px solid var(--sweep-accent);
      outline-offset: 1px;
    }
    .link {
      border: 0;
      background: none;
      padding: 0 2px;
      color: var(--sweep-accent);
      font-size: 12px;
      text-decoration: underline;
    }
    .link:disabled {
      color: var(--sweep-muted);
      text-decoration: none;
      cursor: default;
      opacity: 0.6;
    }
    .reset,
    .empty-reset {
      border: 1px solid var(--sweep-line);
      background: var(--sweep-panel);
      border-radius: 6px;
      padding: 3px 10px;
    }
    .chip {
      position: relative;
      display: inline-flex;
      /* A label of hundreds of characters is cut with an ellipsis (the title has it whole). */
      max-width: 100%;
      min-width: 0;
    }
    .opt {
      display: inline-flex;
      align-items: center;
      gap: 5px;
      border: 1px dashed var(--sweep-line);
      background: transparent;
      color: var(--sweep-muted);
      border-radius: 999px;
      padding: 2px 9px;
      font-size: 12px;
      white-space: nowrap;
      max-width: 100%;
      min-width: 0;
    }
    .opt .label {
      overflow: hidden;
      text-overflow: ellipsis;
    }
    .opt[aria-pressed='true'] {
      border: 1px solid var(--sweep-accent);
      background: color-mix(in srgb, var(--sweep-accent) 16%, transparent);
      color: var(--sweep-fg);
    }
    .opt:hover {
      border-color: var(--sweep-accent);
    }
    .opt[aria-pressed='false'] .label {
      text-decoration: line-through;
    }
    .dot {
      width: 9px;
      height: 9px;
      border-radius: 50%;
      border: 1px solid var(--sweep-bg);
      flex: none;
    }
    /* "only" appears over the chip while it is hovered or focused, without moving anything. */
    .only {
      position: absolute;
      left: 50%;
      bottom: calc(100% + 2px);
      transform: translateX(-50%);
      z-index: 1;
      display: none;
      border: 1px solid var(--sweep-line);
      background: var(--sweep-bg);
      border-radius: 4px;
      padding: 0 6px;
      font-size: 11px;
      white-space: nowrap;
    }
    .chip:hover .only,
    .chip:focus-within .only {
      display: block;
    }
  `,
  ];

  private allowedOf(param: string, options: readonly string[]): Set<string> {
    const w = own(this.state?.where, param);
    return new Set(w ? options.filter((o) => w.includes(o)) : options);
  }

  private emitWhere(param: string, options: readonly string[], allowed: ReadonlySet<string>): void {
    this.dispatchEvent(viewChange({ where: withAllowed(this.state?.where ?? {}, param, options, allowed) }));
  }

  private toggle(param: string, options: readonly string[], option: string, only: boolean): void {
    const allowed = this.allowedOf(param, options);
    if (only) {
      this.emitWhere(param, options, new Set([option]));
      return;
    }
    if (allowed.has(option)) allowed.delete(option);
    else allowed.add(option);
    this.emitWhere(param, options, allowed);
  }

  private reset(): void {
    this.dispatchEvent(viewChange({ where: dict(), range: null }));
  }

  protected override render(): TemplateResult {
    const r = this.result;
    if (!r) return html`<p class="count">No sweep loaded</p>`;
    const where = this.state?.where;
    const filtered = r.params.filter((p) => hasOwn(where, p.name)).length;
    const brushed = (this.state?.range ?? r.range) !== null;
    // With nothing left, the notice's own reset button stands where the usual one is.
    const empty = emptiness(r) === 'filtered';
    return html`<div class="summary">
        <p class="count" aria-live="polite">${fmtInt(r.selected)} of ${fmtInt(r.rows)} trainings selected</p>
        ${r.missing > 0 ? html`<span class="missing">(${fmtInt(r.missing)} without a ${r.metric} value left out)</span>` : nothing}
        ${empty
          ? nothing
          : html`<button type="button" class="reset" ?disabled=${filtered === 0 && !brushed} @click=${() => this.reset()}>
              Reset filters and brush
            </button>`}
        ${emptyNotice(r)}
      </div>
      <div class="params">${r.params.map((p, i) => this.param(r, i, p.name, p.options))}</div>`;
  }

  private param(r: Answer, index: number, name: string, options: readonly string[]): TemplateResult {
    const allowed = this.allowedOf(name, options);
    const all = allowed.size === options.length;
    const isGroup = r.group === index;
    const id = `param-${name.replace(/[^A-Za-z0-9_-]/g, '_')}`;
    return html`<div class="param" role="group" aria-labelledby=${id} data-param=${name}>
      <div class="head">
        <span class="name" id=${id} title=${name}>${name}</span>
        ${all ? nothing : html`<span class="filtered">${allowed.size} of ${options.length}</span>`}
        <button type="button" class="link all" ?disabled=${all} @click=${() => this.emitWhere(name, options, new Set(options))}
          aria-label="allow all options of ${name}">all</button>
      </div>
      <div class="options">
        ${options.map((o, i) => {
          const on = allowed.has(o);
          // the group's options are the histogram's stacks, in the same order: the same colour
          const g = isGroup ? i : -1;
          return html`<span class="chip">
            <button
              type="button"
              class="opt"
              data-option=${o}
              aria-pressed=${String(on)}
              title="${o}: ${fmtInt(r.optionSelected(index, i))} selected · click to ${on ? 'leave out' : 'allow'}, Alt+click for only this"
              @click=${(e: MouseEvent) => this.toggle(name, options, o, e.altKey)}
            >
              ${g >= 0 ? html`<span class="dot" style="background:${categorical(g)}"></span>` : nothing}<span class="label">${o}</span>
            </button>
            <button type="button" class="only" data-option=${o} aria-label="only ${o} for ${name}" @click=${() => this.toggle(name, options, o, true)}>
              only
            </button>
          </span>`;
        })}
      </div>
    </div>`;
  }
}

customElements.define('sweep-filters', SweepFilters);

declare global {
  interface HTMLElementTagNameMap {
    'sweep-filters': SweepFilters;
  }
}
