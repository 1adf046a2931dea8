/**
 * The dashboard's layout: how wide the filters panel is, how tall the
 * histogram, how the matrix and the trellis share their row, how tall the
 * parallel coordinates and the table are, and which panels are collapsed.
 * The page keeps it in the address (`layout=`), beside the view state, so a
 * copied link opens the same screen. Pure: no DOM, tested in Node.
 *
 * The first screen (histogram over matrix beside trellis) always fills the
 * window's height; only the histogram's height is the user's, the matrix
 * and the trellis take the rest. The lower band (parallel coordinates, the
 * table) has heights of its own and is reached by scrolling.
 */

/** The panels a user can collapse. */
export const PANELS = ['filters', 'histogram', 'matrix', 'trellis', 'parallel', 'table'] as const;
export type PanelId = (typeof PANELS)[number];

export interface DashboardLayout {
  /** Width of the filters panel, px. */
  filtersWidth: number;
  /** Height of the histogram, px. */
  histogramHeight: number;
  /** The matrix's share of the width it shares with the trellis (0..1). */
  matrixShare: number;
  /** Heights of the lower band's panels, px. */
  parallelHeight: number;
  tableHeight: number;
  /** Collapsed panels, in PANELS order. */
  collapsed: readonly PanelId[];
}

export const DEFAULT_LAYOUT: DashboardLayout = {
  filtersWidth: 250,
  histogramHeight: 270,
  matrixShare: 0.56,
  parallelHeight: 520,
  tableHeight: 560,
  collapsed: [],
};

/** What each size may be: below the least a view is not legible; above the most it is not a dashboard. */
export const LIMITS = {
  filtersWidth: [180, 560],
  histogramHeight: [160, 640],
  matrixShare: [0.2, 0.8],
  parallelHeight: [240, 1600],
  tableHeight: [200, 2400],
} as const satisfies Record<string, readonly [number, number]>;

export type SizeKey = keyof typeof LIMITS;

/** The keys of `layout=` (short, as the address shows them) for each size. */
const KEYS: Record<SizeKey, string> = {
  filtersWidth: 'filters',
  histogramHeight: 'histogram',
  matrixShare: 'matrix',
  parallelHeight: 'parallel',
  tableHeight: 'table',
};

/** A size kept within its limits (shares to 0.01, pixels to whole pixels). */
export function clampSize(key: SizeKey, v: number): number {
  const [lo, hi] = LIMITS[key];
  const c = Math.min(hi, Math.max(lo, v));
  return key === 'matrixShare' ? Math.round(c * 100) / 100 : Math.round(c);
}

/** The layout with one size changed (clamped). */
export function resized(layout: DashboardLayout, key: SizeKey, v: number): DashboardLayout {
  return { ...layout, [key]: clampSize(key, v) };
}

/** The layout with a panel collapsed or expanded. */
export function collapsed(layout: DashboardLayout, panel: PanelId, on: boolean): DashboardLayout {
  const set = new Set(layout.collapsed);
  if (on) set.add(panel);
  else set.delete(panel);
  return { ...layout, collapsed: PANELS.filter((p) => set.has(p)) };
}

export function isCollapsed(layout: DashboardLayout, panel: PanelId): boolean {
  return layout.collapsed.includes(panel);
}

/**
 * `layout=` as the address writes it: `name:value` pairs joined by `,` for
 * every size that differs from the default, and `hide:a+b` for collapsed
 * panels; empty when the layout is the default (the key is then left out).
 */
export function writeLayout(layout: DashboardLayout): string {
  const parts: string[] = [];
  for (const key of Object.keys(KEYS) as SizeKey[]) {
    if (layout[key] !== DEFAULT_LAYOUT[key]) parts.push(`${KEYS[key]}:${layout[key]}`);
  }
  if (layout.collapsed.length) parts.push(`hide:${layout.collapsed.join('+')}`);
  return parts.join(',');
}

/** Reads `layout=`; what is malformed is named in `problems` and left at its default. */
export function readLayout(value: string | null): { layout: DashboardLayout; problems: string[] } {
  const layout: DashboardLayout = { ...DEFAULT_LAYOUT };
  const problems: string[] = [];
  if (value === null || value.trim() === '') return { layout, problems };
  const byKey = new Map(Object.entries(KEYS).map(([k, v]) => [v, k as SizeKey]));
  for (const part of value.split(',')) {
    const colon = part.indexOf(':');
    const name = colon < 0 ? part : part.slice(0, colon);
    const v = colon < 0 ? '' : part.slice(colon + 1);
    if (name === 'hide') {
      const hidden: PanelId[] = [];
      for (const p of v.split('+').filter((s) => s !== '')) {
        if ((PANELS as readonly string[]).includes(p)) hidden.push(p as PanelId);
        else problems.push(`layout: no panel '${p}' to hide (panels: ${PANELS.join(', ')})`);
      }
      layout.collapsed = PANELS.filter((p) => hidden.includes(p));
      continue;
    }
    const key = byKey.get(name);
    if (!key) {
      problems.push(`layout: '${name}' is not understood (${[...byKey.keys(), 'hide'].join(', ')})`);
      continue;
    }
    const n = Number(v);
    const [lo, hi] = LIMITS[key];
    if (v.trim() === '' || !Number.isFinite(n) || n < lo || n > hi) problems.push(`layout: ${name} must be a number from ${lo} to ${hi}, not '${v}'`);
    else layout[key] = clampSize(key, n);
  }
  return { layout, problems };
}
