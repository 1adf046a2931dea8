/**
 * What every view shows when the filters leave no training (or the brush
 * selects none): one sentence saying so and one button that resets what
 * emptied it. The same wording and control in every view, so a user who
 * filtered everything away sees why in whichever panel they look at.
 */

import { css, html, nothing, type TemplateResult } from 'lit';
import { viewChange } from './view-state.js';

/** Why a view has nothing to draw, or null when it has trainings to draw. */
export type Emptiness = 'filtered' | 'brushed' | 'missing' | null;

/**
 * `filtered`: the filters exclude every training with a metric value;
 * `brushed`: trainings pass the filters but the brush selects none
 * (only for views that draw the selection); `missing`: no training has a
 * value of the metric.
 */
/** The totals of an answer that say whether a view has anything to draw (an Answer has them). */
export interface Totals {
  readonly rows: number;
  readonly missing: number;
  readonly baseline: number;
  readonly selected: number;
  readonly range: readonly [number, number] | null;
}

export function emptiness(result: Totals, drawsSelection = false): Emptiness {
  if (result.rows > 0 && result.missing >= result.rows) return 'missing';
  if (result.baseline === 0) return 'filtered';
  if (drawsSelection && result.selected === 0 && result.range !== null) return 'brushed';
  return null;
}

/** The sentence for an emptiness. */
export function emptyMessage(why: Exclude<Emptiness, null>, metric: string): string {
  switch (why) {
    case 'missing':
      return `No training has a value of ${metric}.`;
    case 'filtered':
      return 'No training passes the filters.';
    case 'brushed':
      return 'The brush selects no training.';
  }
}

/**
 * The message with its reset button (it dispatches the view change that
 * clears the filters and the brush). `nothing` when not empty.
 */
export function emptyNotice(result: Totals & { readonly metric: string }, drawsSelection = false): TemplateResult | typeof nothing {
  const why = emptiness(result, drawsSelection);
  if (why === null) return nothing;
  const reset = (e: Event): void => {
    e.currentTarget?.dispatchEvent(why === 'brushed' ? viewChange({ range: null }) : viewChange({ where: {}, range: null }));
  };
  return html`<div class="empty-selection" role="status">
    <span>${emptyMessage(why, result.metric)}</span>
    ${why === 'missing' ? nothing : html`<button type="button" class="empty-reset" @click=${reset}>${why === 'brushed' ? 'Clear the brush' : 'Reset filters and brush'}</button>`}
  </div>`;
}

/** Styles of the notice: centred over the view's plot area (the host positions it). */
export const emptyStyles = css`
  .empty-selection {
    display: flex;
    flex-direction: column;
    align-items: center;
    justify-content: center;
    gap: 10px;
    padding: 24px 16px;
    color: var(--sweep-muted);
    font-size: 14px;
    text-align: center;
  }
`;
