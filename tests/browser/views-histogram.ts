/**
 * In-browser side of tests/browser/views-histogram.test.ts: mounts
 * <sweep-status>, <sweep-histogram> and <sweep-filters> (the last two in
 * boxes of a given size, as the dashboard gives them), plays the coordinator
 * (merges every view-change into the state and hands it back to the views;
 * the test hands in results), and records every event.
 */

import { fromWire, type AnswerWire } from './answer-wire.js';
import { settledViews } from './view-page.js';
import type { EngineInfo } from '../../src/engine/types.js';
import { svgMarkup, svgToPng } from '../../src/views/shared/export.js';
import '../../src/views/sweep-filters.js';
import '../../src/views/sweep-histogram.js';
import '../../src/views/sweep-status.js';
import { DEFAULT_VIEW_STATE, VIEW_CHANGE, type ViewChangeEvent, type ViewState } from '../../src/views/shared/view-state.js';

export interface StatusProps {
  engine: EngineInfo | null;
  rows: number;
  lastMs: number | null;
  busy: boolean;
}

export interface ViewsHistApi {
  /** Every view-change event's detail, in order. */
  events: Partial<ViewState>[];
  /** The state as merged from the events (what a coordinator would query). */
  state: ViewState;
  /** Hands both views the answer Node computed (as its wire: see answer-wire.ts). */
  setResult(wire: AnswerWire, state?: ViewState): Promise<void>;
  setStatus(props: StatusProps): Promise<void>;
  /** Sizes the box of the histogram or of the filters (width null: what the page's grid gives). */
  setBox(which: 'hist' | 'filters', width: number | null, height: number): Promise<void>;
  /** Resolves once every view has rendered. */
  settled(): Promise<void>;
  svgMarkup(svg: SVGSVGElement): string;
  svgToPng(svg: SVGSVGElement, scale?: number, background?: string): Promise<Blob>;
}

declare global {
  interface Window {
    viewsHist: ViewsHistApi;
  }
}

const root = document.getElementById('views') as HTMLElement;
const status = document.createElement('sweep-status');
const hist = document.createElement('sweep-histogram');
const filters = document.createElement('sweep-filters');
const boxes = {
  hist: document.getElementById('hist-box') as HTMLElement,
  filters: document.getElementById('filters-box') as HTMLElement,
};
(document.getElementById('status-box') as HTMLElement).append(status);
boxes.hist.append(hist);
boxes.filters.append(filters);

let state: ViewState = { ...DEFAULT_VIEW_STATE };
const events: Partial<ViewState>[] = [];

function apply(): void {
  hist.state = state;
  filters.state = state;
}

root.addEventListener(VIEW_CHANGE, (e) => {
  const detail = (e as ViewChangeEvent).detail;
  events.push(structuredClone(detail));
  state = { ...state, ...detail };
  api.state = state;
  apply();
});

/** The views have rendered, and the frames of their resize observers have passed. */
const settled = (): Promise<void> => settledViews([status, hist, filters], 2);

const api: ViewsHistApi = {
  events,
  state,
  async setResult(wire, s) {
    if (s) state = { ...s };
    api.state = state;
    const answer = fromWire(wire);
    hist.result = answer;
    filters.result = answer;
    apply();
    await settled();
  },
  async setStatus(p) {
    status.engine = p.engine;
    status.rows = p.rows;
    status.lastMs = p.lastMs;
    status.busy = p.busy;
    await settled();
  },
  async setBox(which, width, height) {
    const box = boxes[which];
    box.style.width = width === null ? '' : `${width}px`;
    box.style.height = `${height}px`;
    await settled();
  },
  settled,
  svgMarkup,
  svgToPng,
};
window.viewsHist = api;
