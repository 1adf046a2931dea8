/**
 * What the view test pages (views-matrix.ts, views-trellis.ts, views-histogram.ts)
 * share: boxes in page pixels, the view changes a view dispatched, and
 * waiting until views have rendered what they were last given.
 */

import { VIEW_CHANGE, type ViewChangeEvent, type ViewState } from '../../src/views/shared/view-state.js';

/** A box in page pixels (with the text drawn in it, where there is one). */
export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
  text?: string;
}

export function rect(el: Element): Box {
  const r = el.getBoundingClientRect();
  return { x: r.x, y: r.y, w: r.width, h: r.height };
}

/** Every view-change detail dispatched under `target`, in order. */
export function recordViewChanges(target: EventTarget = document): Partial<ViewState>[] {
  const events: Partial<ViewState>[] = [];
  target.addEventListener(VIEW_CHANGE, (e) => events.push(structuredClone((e as ViewChangeEvent).detail)));
  return events;
}

/**
 * Resolves once the views have rendered, then `frames` times a frame (for
 * their resize observers: a scrollbar that appears narrows a chart again) and
 * the renders it asked for.
 */
export async function settledViews(views: readonly { readonly updateComplete: Promise<unknown> }[], frames: number): Promise<void> {
  const rendered = (): Promise<unknown> => Promise.all(views.map((v) => v.updateComplete));
  await rendered();
  for (let i = 0; i < frames; i++) {
    await new Promise<void>((r) => requestAnimationFrame(() => r()));
    await rendered();
  }
}
