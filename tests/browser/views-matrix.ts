/**
 * In-browser side of tests/browser/views-matrix.test.ts: mounts <sweep-matrix>
 * and <sweep-trellis>, takes an AggregateJson computed in Node, and records
 * every view-change the views dispatch (it runs no queries).
 */

import type { AggregateJson } from '../../src/engine/output.js';
import '../../src/views/sweep-matrix.js';
import '../../src/views/sweep-trellis.js';
import { VIEW_CHANGE, type ViewChangeEvent, type ViewState } from '../../src/views/view-state.js';

export interface ViewsMatrixApi {
  /** Hands both views a result and a state; resolves once they have rendered. */
  setResult(json: AggregateJson | null, state: ViewState): Promise<void>;
  /** Every view-change detail, in order. */
  events: Partial<ViewState>[];
  /** Exports a view; resolves to the file's text (SVG) or its bytes as base64 (PNG). */
  exportView(view: 'matrix' | 'trellis', format: 'svg' | 'png'): Promise<string>;
}

declare global {
  interface Window {
    viewsMatrix: ViewsMatrixApi;
  }
}

const matrix = document.querySelector('sweep-matrix')!;
const trellis = document.querySelector('sweep-trellis')!;
const events: Partial<ViewState>[] = [];
document.addEventListener(VIEW_CHANGE, (e) => events.push((e as ViewChangeEvent).detail));

async function blobText(b: Blob, format: 'svg' | 'png'): Promise<string> {
  if (format === 'svg') return b.text();
  const bytes = new Uint8Array(await b.arrayBuffer());
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

window.viewsMatrix = {
  events,
  async setResult(json, state) {
    matrix.result = json;
    matrix.state = state;
    trellis.result = json;
    trellis.state = state;
    await Promise.all([matrix.updateComplete, trellis.updateComplete]);
    // A frame for the resize observers, then their renders.
    await new Promise((r) => requestAnimationFrame(() => r(null)));
    await Promise.all([matrix.updateComplete, trellis.updateComplete]);
  },
  async exportView(view, format) {
    const el = view === 'matrix' ? matrix : trellis;
    const blob = format === 'svg' ? await el.exportSvg() : await el.exportPng();
    return blobText(blob, format);
  },
};
