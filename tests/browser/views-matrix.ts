/**
 * In-browser side of tests/browser/views-matrix.test.ts: mounts <sweep-matrix>
 * in a box of a given size (as the dashboard gives it one), with the page's
 * bundled font, takes an Answer computed in Node (rebuilt from its wire), records every
 * view-change the view dispatches (it runs no queries), and measures what the
 * view drew.
 */

import '@fontsource/inter/400.css';
import '@fontsource/inter/600.css';
import '@fontsource/inter/700.css';
import { fromWire, type AnswerWire } from './answer-wire.js';
import '../../src/views/sweep-matrix.js';
import type { ViewState } from '../../src/views/shared/view-state.js';
import { rect, recordViewChanges, settledViews, type Box } from './view-page.js';

/** A box in page pixels. */
export type { Box } from './view-page.js';

/** A text of the chart: its box, class, content and font size. */
export interface TextBox extends Box {
  cls: string;
  text: string;
  font: number;
  /** Rotated a quarter turn (the columns' labels). */
  rotated: boolean;
}

/** What the matrix drew, in page pixels (the chart scrolled to the top). */
export interface MatrixMeasure {
  host: Box;
  chart: Box;
  scroller: (Box & { clientH: number; scrollH: number; overflowY: string }) | null;
  toolbar: Box;
  svg: Box | null;
  texts: TextBox[];
  /** Cells and the diagonal's bars. */
  cells: (Box & { a: string; oa: string; b: string; ob: string; count: string; fill: string })[];
  bars: (Box & { kind: 'all' | 'sel'; param: string; option: string; count: string })[];
  legend: { encoding: string; map: string; scale: string; text: string } | null;
  notice: (Box & { text: string }) | null;
}

export interface ViewsMatrixApi {
  /** Sizes the view's box; resolves once it has re-laid out. */
  setBox(width: number, height: number): Promise<void>;
  /** Hands the view a result and a state; resolves once it has rendered. */
  setResult(wire: AnswerWire | null, state: ViewState): Promise<void>;
  /** Every view-change detail, in order. */
  events: Partial<ViewState>[];
  /** Resolves once the view has rendered what it was last given (and any resize after it). */
  settled(): Promise<void>;
  measure(): MatrixMeasure;
  /** Exports the view; resolves to the file's text (SVG) or its bytes as base64 (PNG). */
  exportView(format: 'svg' | 'png'): Promise<string>;
}

declare global {
  interface Window {
    viewsMatrix: ViewsMatrixApi;
  }
}

const box = document.getElementById('matrix-box') as HTMLElement;
const matrix = document.querySelector('sweep-matrix')!;
const events = recordViewChanges();

/** The view has rendered, and the frames of its resize observer (a scrollbar that appears narrows the chart) have passed. */
const settled = (): Promise<void> => settledViews([matrix], 3);

function measure(): MatrixMeasure {
  const root = matrix.shadowRoot!;
  const scroller = root.querySelector('.scroller') as HTMLElement | null;
  const svg = root.querySelector('.scroller > svg');
  const notice = root.querySelector('.empty-selection');
  const legend = root.querySelector('g.legend');
  return {
    host: rect(matrix),
    chart: rect(root.querySelector('.chart')!),
    scroller: scroller
      ? { ...rect(scroller), clientH: scroller.clientHeight, scrollH: scroller.scrollHeight, overflowY: getComputedStyle(scroller).overflowY }
      : null,
    toolbar: rect(root.querySelector('.toolbar')!),
    svg: svg ? rect(svg) : null,
    texts: [...root.querySelectorAll('.scroller > svg text')].map((t) => ({
      ...rect(t),
      cls: t.getAttribute('class') ?? t.parentElement?.getAttribute('class') ?? '',
      text: t.textContent ?? '',
      font: parseFloat(getComputedStyle(t).fontSize),
      rotated: (t.getAttribute('transform') ?? '').includes('rotate'),
    })),
    cells: [...root.querySelectorAll('rect.cell')].map((c) => ({
      ...rect(c),
      a: c.getAttribute('data-a')!,
      oa: c.getAttribute('data-oa')!,
      b: c.getAttribute('data-b')!,
      ob: c.getAttribute('data-ob')!,
      count: c.getAttribute('data-count') ?? '',
      fill: c.getAttribute('fill') ?? '',
    })),
    bars: [...root.querySelectorAll('rect.bar-all, rect.bar-sel')].map((b) => ({
      ...rect(b),
      kind: b.classList.contains('bar-all') ? ('all' as const) : ('sel' as const),
      param: b.getAttribute('data-param')!,
      option: b.getAttribute('data-option')!,
      count: b.getAttribute('data-count') ?? '',
    })),
    legend: legend
      ? {
          encoding: legend.getAttribute('data-encoding') ?? '',
          map: legend.getAttribute('data-map') ?? '',
          scale: legend.getAttribute('data-scale') ?? '',
          text: [...legend.querySelectorAll('text')].map((t) => t.textContent).join(' '),
        }
      : null,
    notice: notice ? { ...rect(notice), text: notice.textContent?.replace(/\s+/g, ' ').trim() ?? '' } : null,
  };
}

async function blobText(b: Blob, format: 'svg' | 'png'): Promise<string> {
  if (format === 'svg') return b.text();
  const bytes = new Uint8Array(await b.arrayBuffer());
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

// The bundled font before any layout: the view measures its labels with it.
await Promise.all(['400 11px Inter', '600 13px Inter', '700 11px Inter'].map((f) => document.fonts.load(f)));

window.viewsMatrix = {
  events,
  async setBox(width, height) {
    box.style.width = `${width}px`;
    box.style.height = `${height}px`;
    await settled();
  },
  async setResult(wire, state) {
    matrix.result = wire ? fromWire(wire) : null;
    matrix.state = state;
    await settled();
  },
  settled,
  measure,
  async exportView(format) {
    const blob = format === 'svg' ? await matrix.exportSvg() : await matrix.exportPng();
    return blobText(blob, format);
  },
};
