/**
 * `<sweep-status>`: the engine in use (the WebGPU adapter, or the CPU and
 * why), how many trainings are loaded, how long the last update took, and a
 * small busy indicator while a query runs.
 */

import { LitElement, css, html, nothing, type TemplateResult } from 'lit';
import type { EngineInfo } from '../engine/types.js';

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export function fmtMs(ms: number): string {
  return ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : ms.toFixed(0);
}

/** The engine in words: `WebGPU on <adapter>` or `CPU (<workers>)`, then why, if known. */
export function engineText(e: EngineInfo | null): { what: string; why: string } {
  if (!e) return { what: 'starting…', why: '' };
  const what = e.kind === 'webgpu' ? `WebGPU${e.adapter ? ` on ${e.adapter}` : ''}` : `CPU${e.adapter ? ` (${e.adapter})` : ''}`;
  return { what, why: e.reason ?? '' };
}

export class SweepStatus extends LitElement {
  static override properties = {
    engine: { attribute: false },
    rows: { type: Number },
    lastMs: { attribute: false },
    busy: { type: Boolean, reflect: true },
  };

  /** The engine answering queries; null while it starts. */
  declare engine: EngineInfo | null;
  /** Trainings loaded. */
  declare rows: number;
  /** Milliseconds the last update took; null before the first. */
  declare lastMs: number | null;
  declare busy: boolean;

  constructor() {
    super();
    this.engine = null;
    this.rows = 0;
    this.lastMs = null;
    this.busy = false;
  }

  static override styles = css`
    :host {
      display: block;
      --sweep-fg: #1f2933;
      --sweep-muted: #5f6b7a;
      --sweep-accent: #0072b2;
      --sweep-panel-bg: #f3f5f8;
      --sweep-button-line: #d5dbe2;
      --sweep-ok: #007a55;
      --sweep-warn: #a35200;
      color: var(--sweep-fg);
      font: 13px/1.35 system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif;
    }
    @media (prefers-color-scheme: dark) {
      :host {
        --sweep-fg: #e6eaef;
        --sweep-muted: #a3adb9;
        --sweep-accent: #56b4e9;
        --sweep-panel-bg: #1c2229;
        --sweep-button-line: #3a434e;
        --sweep-ok: #3ccf9a;
        --sweep-warn: #f0a050;
      }
    }
    .bar {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 4px 18px;
      padding: 6px 12px;
      background: var(--sweep-panel-bg);
      border: 1px solid var(--sweep-button-line);
      border-radius: 6px;
    }
    .label {
      color: var(--sweep-muted);
    }
    .engine[data-kind='webgpu'] .what {
      color: var(--sweep-ok);
      font-weight: 600;
    }
    .engine.warn .what {
      color: var(--sweep-warn);
      font-weight: 600;
    }
    .why {
      color: var(--sweep-muted);
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
      border: 2px solid var(--sweep-button-line);
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
  `;

  protected override render(): TemplateResult {
    const { what, why } = engineText(this.engine);
    const warn = this.engine !== null && /software|fell back|not available|no webgpu|lost/i.test(why);
    return html`<div class="bar" aria-busy=${String(this.busy)}>
      <span class="engine ${warn ? 'warn' : ''}" data-kind=${this.engine?.kind ?? ''}>
        <span class="label">Engine:</span> <span class="what">${what}</span>${why ? html` <span class="why">— ${why}</span>` : nothing}
      </span>
      <span class="rows"><span class="label">Loaded:</span> <span class="num">${integer.format(this.rows)}</span> trainings</span>
      <span class="time"
        ><span class="label">Last update:</span> ${this.lastMs === null
          ? html`<span class="num">—</span>`
          : html`<span class="num">${fmtMs(this.lastMs)}</span> ms`}</span
      >
      <span class="busy" role="status" aria-label=${this.busy ? 'updating' : 'idle'}
        ><span class="spinner" aria-hidden="true"></span>${this.busy ? 'updating…' : ''}</span
      >
    </div>`;
  }
}

customElements.define('sweep-status', SweepStatus);

declare global {
  interface HTMLElementTagNameMap {
    'sweep-status': SweepStatus;
  }
}
