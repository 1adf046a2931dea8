/**
 * In-browser side of tests/browser/views-trellis.test.ts: mounts
 * <sweep-trellis> in a box of a given size (as the dashboard gives it one),
 * takes an Answer computed in Node (rebuilt from its wire: answer-wire.ts), records every view-change, and
 * measures what the view drew.
 */

import { fromWire, type AnswerWire } from './answer-wire.js';
import '../../src/views/sweep-trellis.js';
import type { ViewState } from '../../src/views/shared/view-state.js';
import { rect, recordViewChanges, settledViews, type Box } from './view-page.js';

/** A box in page pixels. */
export type { Box } from './view-page.js';

/** What the trellis drew, in page pixels (the chart scrolled to the top). */
export interface TrellisMeasure {
  host: Box;
  chart: Box & { clientW: number; clientH: number; scrollW: number; scrollH: number; overflowY: string };
  toolbar: Box;
  svg: (Box & { mode: string; cols: number; gridRows: number; rowH: number; contentH: number }) | null;
  panels: (Box & { panel: string })[];
  /** Text of the chart: labels, titles, ticks, caption, legend. */
  texts: (Box & { cls: string })[];
  dots: number;
  notice: (Box & { text: string }) | null;
}

export interface ViewsTrellisApi {
  setBox(width: number, height: number): Promise<void>;
  setResult(wire: AnswerWire | null, state: ViewState): Promise<void>;
  events: Partial<ViewState>[];
  settled(): Promise<void>;
  measure(): TrellisMeasure;
}

declare global {
  interface Window {
    viewsTrellis: ViewsTrellisApi;
  }
}

const box = document.getElementById('trellis-box') as HTMLElement;
const trellis = document.querySelector('sweep-trellis')!;
const events = recordViewChanges();

/** The view has rendered, and the frames of its resize observer (a scrollbar that appears narrows the chart) have passed. */
const settled = (): Promise<void> => settledViews([trellis], 3);

function measure(): TrellisMeasure {
  const root = trellis.shadowRoot!;
  const chart = root.querySelector('.chart') as HTMLElement;
  const svg = root.querySelector('.chart > svg');
  const notice = root.querySelector('.empty-selection');
  return {
    host: rect(trellis),
    chart: {
      ...rect(chart),
      clientW: chart.clientWidth,
      clientH: chart.clientHeight,
      scrollW: chart.scrollWidth,
      scrollH: chart.scrollHeight,
      overflowY: getComputedStyle(chart).overflowY,
    },
    toolbar: rect(root.querySelector('.toolbar')!),
    svg: svg
      ? {
          ...rect(svg),
          mode: svg.getAttribute('data-mode') ?? '',
          cols: Number(svg.getAttribute('data-cols')),
          gridRows: Number(svg.getAttribute('data-grid-rows')),
          rowH: Number(svg.getAttribute('data-row-h')),
          contentH: Number(svg.getAttribute('data-content-h')),
        }
      : null,
    panels: [...root.querySelectorAll('g.panel')].map((p) => {
      const r = rect(p.querySelector('rect')!);
      return { ...r, panel: p.getAttribute('data-panel') ?? '' };
    }),
    texts: [...root.querySelectorAll('.chart svg text')].map((t) => ({ ...rect(t), cls: t.getAttribute('class') ?? '', text: t.textContent ?? '' })),
    dots: root.querySelectorAll('.dot').length,
    notice: notice ? { ...rect(notice), text: notice.textContent?.replace(/\s+/g, ' ').trim() ?? '' } : null,
  };
}

window.viewsTrellis = {
  events,
  async setBox(width, height) {
    box.style.width = `${width}px`;
    box.style.height = `${height}px`;
    await settled();
  },
  async setResult(wire, state) {
    trellis.result = wire ? fromWire(wire) : null;
    trellis.state = state;
    await settled();
  },
  settled,
  measure,
};
