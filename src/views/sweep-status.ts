/**
 * `<sweep-status>`: the page's one status bar. The engine in use (the WebGPU
 * adapter, or the CPU and why), a problem with the engine chosen in the
 * address, whether the sweep's memory is shared with the workers, how many
 * trainings are loaded and how they came, how long the last update took, and
 * a small busy indicator while a query runs.
 */

import { LitElement, css, html, nothing, type TemplateResult } from 'lit';
import { fmtInt, fmtMs } from './shared/format.js';
import type { EngineInfo } from '../engine/types.js';
import { viewTheme } from './shared/theme.js';

/** The engine in words: `WebGPU on <adapter>` or `CPU (<workers>)`, then why, if known. */
export function engineText(e: EngineInfo | null): { what: string; why: string } {
  if (!e) return { what: 'starting…', why: '' };
  const what = e.kind === 'webgpu' ? `WebGPU${e.adapter ? ` on ${e.adapter}` : ''}` : `CPU${e.adapter ? ` (${e.adapter})` : ''}`;
  return { what, why: e.reason ?? '' };
}

/** A reason that deserves amber: a software adapter, a fallback, a missing GPU. */
const WORRYING = /software|fell back|not available|no webgpu|lost/i;

export class SweepStatus extends LitElement {
  static override properties = {
    engine: { attribute: false },
    notice: { attribute: false },
    isolated: { attribute: false },
    rows: { type: Number },
    detail: { attribute: false },
    lastMs: { attribute: false },
    busy: { type: Boolean, reflect: true },
  };

  /** The engine answering queries; null while it starts. */
  declare engine: EngineInfo | null;
  /** A problem with the engine asked for (?engine=…), shown under the engine. */
  declare notice: string | null;
  /** Whether the page is cross-origin isolated (the sweep is shared with the workers); null: not said. */
  declare isolated: boolean | null;
  /** Trainings loaded. */
  declare rows: number;
  /** How the sweep came: generated in so many ms, or read from a file. */
  declare detail: string;
  /** Milliseconds the last update took; null before the first. */
  declare lastMs: number | null;
  declare busy: boolean;

  constructor() {
    super();
    this.engine = null;
    this.notice = null;
    this.isolated = null;
    this.rows = 0;
    this.detail = '';
    this.lastMs = null;
    this.busy = false;
  }

  static override styles = [
    viewTheme,
    css`
      /* One line, so the dashboard keeps its height: the engine's reason and how the sweep came are cut
         to fit (whole in their tooltips); a notice about the engine asked for gets a line of its own. */
      .bar {
        display: flex;
        flex-wrap: nowrap;
        white-space: nowrap;
        align-items: center;
        gap: 4px 18px;
        padding: 6px 12px;
        background: var(--sweep-panel);
        border: 1px solid var(--sweep-line);
        border-radius: 6px;
      }
      .label {
        color: var(--sweep-muted);
      }
      .engine[data-kind='webgpu'] .what {
        color: var(--sweep-ok);
        font-weight: 600;
      }
      .engine.warn .what,
      .warn {
        color: var(--sweep-warn);
        font-weight: 600;
      }
      .why,
      .detail {
        color: var(--sweep-muted);
      }
      .bar.with-notice {
        flex-wrap: wrap;
      }
      .engine,
      .rows {
        flex: 0 1 auto;
        min-width: 4em;
        overflow: hidden;
        text-overflow: ellipsis;
      }
      .time,
      .memory,
      .busy {
        flex: none;
      }
      .notice {
        flex-basis: 100%;
        white-space: normal;
      }
      .num {
        font-variant-numeric: tabular-nums;
        font-weight: 600;
      }
      .busy {
        display: inline-flex;
        align-items: center;
        gap: 6px;
        margin-left: auto;
        color: var(--sweep-muted);
        visibility: hidden;
      }
      :host([busy]) .busy {
        visibility: visible;
      }
      .spinner {
        width: 12px;
        height: 12px;
        border-radius: 50%;
        border: 2px solid var(--sweep-line);
        border-top-color: var(--sweep-accent);
        animation: spin 0.8s linear infinite;
      }
      @keyframes spin {
        to {
          transform: rotate(360deg);
        }
      }
      @media (prefers-reduced-motion: reduce) {
        .spinner {
          animation: none;
          border-color: var(--sweep-accent);
        }
      }
    `,
  ];

  private memory(): TemplateResult | typeof nothing {
    if (this.isolated === null) return nothing;
    return html`<span class="memory"
      ><span class="label">Memory:</span> <span id="memory-info"
        >${this.isolated
          ? html`shared <span class="detail">with the workers</span>`
          : html`<span class="warn">not shared</span>
              <span class="detail">(the page is not cross-origin isolated: each engine worker holds a copy of the sweep)</span>`}</span
      ></span
    >`;
  }

  protected override render(): TemplateResult {
    const { what, why } = engineText(this.engine);
    const warn = this.engine !== null && WORRYING.test(why);
    return html`<div class="bar${this.notice ? ' with-notice' : ''}" aria-busy=${String(this.busy)}>
      <span class="engine ${warn ? 'warn' : ''}" data-kind=${this.engine?.kind ?? ''} title=${why ? `${what} — ${why}` : what}
        ><span class="label">Engine:</span> <span id="engine-info" data-kind=${this.engine?.kind ?? ''}
          ><span class="what">${what}</span>${why ? html` <span class="why">— ${why}</span>` : nothing}</span
        ></span
      >
      <span class="rows" title=${`${fmtInt(this.rows)} trainings${this.detail ? ` — ${this.detail}` : ''}`}
        ><span class="label">Loaded:</span> <span class="num">${fmtInt(this.rows)}</span> trainings${this.detail
          ? html` <span class="detail" id="sweep-info">— ${this.detail}</span>`
          : nothing}</span
      >
      <span class="time"
        ><span class="label">Last update:</span> ${this.lastMs === null
          ? html`<span class="num">—</span>`
          : html`<span class="num">${fmtMs(this.lastMs)}</span> ms`}</span
      >
      ${this.memory()}
      <span class="busy" role="status" aria-label=${this.busy ? 'updating' : 'idle'}
        ><span class="spinner" aria-hidden="true"></span>${this.busy ? 'updating…' : ''}</span
      >
      ${this.notice ? html`<span id="engine-notice" class="notice warn" role="alert">${this.notice}</span>` : nothing}
    </div>`;
  }
}

customElements.define('sweep-status', SweepStatus);

declare global {
  interface HTMLElementTagNameMap {
    'sweep-status': SweepStatus;
  }
}
