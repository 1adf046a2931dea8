/**
 * The view state in the page URL, so a copied link reproduces the view.
 * Keys: metric, norm (1/0), range (lo,hi), where (param:opt|opt;param:opt),
 * primary, secondary, bins, enc (count/share/lift), mscale (global/pair). Option
 * labels and names are percent-encoded where they contain the separators.
 */

import { DEFAULT_VIEW_STATE, type MatrixEncoding, type MatrixScale, type ViewState } from '../views/shared/view-state.js';
import { dict } from '../model/dict.js';

const enc = (s: string): string => s.replace(/[%:;|,]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
const dec = (s: string): string => s.replace(/%([0-9a-f]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16)));

const ENCODINGS: readonly MatrixEncoding[] = ['count', 'share', 'lift'];
const SCALES: readonly MatrixScale[] = ['global', 'pair'];

/** Writes the state into `params` (other keys, such as rows and seed, are left alone); defaults are omitted. */
export function writeViewState(state: ViewState, params: URLSearchParams): void {
  const set = (k: string, v: string | null): void => {
    if (v === null) params.delete(k);
    else params.set(k, v);
  };
  set('metric', state.metric ?? null);
  set('norm', state.normalize === DEFAULT_VIEW_STATE.normalize ? null : state.normalize ? '1' : '0');
  set('range', state.range ? `${state.range[0]},${state.range[1]}` : null);
  const where = Object.entries(state.where)
    .map(([p, opts]) => `${enc(p)}:${opts.map(enc).join('|')}`)
    .join(';');
  set('where', where || null);
  set('primary', state.primary ?? null);
  set('secondary', state.secondary ?? null);
  set('bins', state.bins === DEFAULT_VIEW_STATE.bins ? null : String(state.bins));
  set('enc', state.matrixEncoding === DEFAULT_VIEW_STATE.matrixEncoding ? null : state.matrixEncoding);
  set('mscale', state.matrixScale === DEFAULT_VIEW_STATE.matrixScale ? null : state.matrixScale);
}

/** Reads the state from URL parameters; a malformed value is reported in `problems` and left at its default. */
export function readViewState(params: URLSearchParams): { state: ViewState; problems: string[] } {
  const problems: string[] = [];
  const state: ViewState = { ...DEFAULT_VIEW_STATE, where: dict() };
  const metric = params.get('metric');
  if (metric) state.metric = metric;
  const norm = params.get('norm');
  if (norm !== null) {
    if (norm === '1' || norm === '0') state.normalize = norm === '1';
    else problems.push(`norm must be 1 or 0, not '${norm}'`);
  }
  const range = params.get('range');
  if (range !== null) {
    const parts = range.split(',').map(Number);
    if (parts.length === 2 && parts.every((x) => Number.isFinite(x)) && parts[0] <= parts[1]) state.range = [parts[0], parts[1]];
    else problems.push(`range must be lo,hi with lo <= hi, not '${range}'`);
  }
  const where = params.get('where');
  if (where) {
    for (const clause of where.split(';')) {
      const colon = clause.indexOf(':');
      if (colon <= 0) {
        problems.push(`where clause '${clause}' must be param:option|option`);
        continue;
      }
      const opts = clause.slice(colon + 1);
      state.where[dec(clause.slice(0, colon))] = opts === '' ? [] : opts.split('|').map(dec);
    }
  }
  const primary = params.get('primary');
  if (primary) state.primary = primary;
  const secondary = params.get('secondary');
  if (secondary) state.secondary = secondary;
  const bins = params.get('bins');
  if (bins !== null) {
    const b = Number(bins);
    if (Number.isInteger(b) && b >= 1 && b <= 4096) state.bins = b;
    else problems.push(`bins must be an integer from 1 to 4096, not '${bins}'`);
  }
  const e = params.get('enc');
  if (e !== null) {
    if ((ENCODINGS as readonly string[]).includes(e)) state.matrixEncoding = e as MatrixEncoding;
    else problems.push(`enc must be count, share or lift, not '${e}'`);
  }
  const ms = params.get('mscale');
  if (ms !== null) {
    if ((SCALES as readonly string[]).includes(ms)) state.matrixScale = ms as MatrixScale;
    else problems.push(`mscale must be global or pair, not '${ms}'`);
  }
  return { state, problems };
}

/** What the page keeps in its address besides what started it (rows, seed, engine, file). */
export interface Address {
  view: ViewState;
  /** The file's column roles the user changed (`roles=`), '' for none. */
  roles: string;
  /** Replicates combined (`combine=1`). */
  combine: boolean;
  /** The dashboard's layout (`layout=`), '' for the default. */
  layout: string;
}

/** Writes an address's keys into `params` (other keys are left alone); defaults and empty values are left out. */
export function writeAddress(a: Address, params: URLSearchParams): void {
  writeViewState(a.view, params);
  const set = (k: string, v: string): void => (v ? params.set(k, v) : params.delete(k));
  set('roles', a.roles);
  set('combine', a.combine ? '1' : '');
  set('layout', a.layout);
}

/** What AddressWriter needs from the page (a fake in tests). */
export interface AddressHost {
  now(): number;
  /** The current `?…` query string (without '?'). */
  search(): string;
  /** Replaces the address's query string (history.replaceState in the page). */
  replace(search: string): void;
  setTimeout(f: () => void, ms: number): number;
  clearTimeout(id: number): void;
}

/**
 * Keeps the address following the page. While a brush moves the state
 * changes every frame, and history.replaceState is costly (browsers throttle
 * it): the address is rewritten at most every `everyMs`, always catches up
 * after the last change, and `flush` brings it up to date at once (before
 * the page says it is idle).
 */
export class AddressWriter {
  private timer = 0;
  private last = -Infinity;

  constructor(
    private readonly host: AddressHost,
    private readonly read: () => Address,
    private readonly everyMs = 250,
  ) {}

  /** Writes now. */
  write(): void {
    if (this.timer !== 0) this.host.clearTimeout(this.timer);
    this.timer = 0;
    this.last = this.host.now();
    const params = new URLSearchParams(this.host.search());
    writeAddress(this.read(), params);
    this.host.replace(params.toString());
  }

  /** Something in the address changed: written now, or at the end of the current interval. */
  schedule(): void {
    const wait = this.last + this.everyMs - this.host.now();
    if (wait <= 0) this.write();
    else if (this.timer === 0) this.timer = this.host.setTimeout(() => this.write(), wait);
  }

  /** A write waiting for its turn is done now. */
  flush(): void {
    if (this.timer !== 0) this.write();
  }
}
