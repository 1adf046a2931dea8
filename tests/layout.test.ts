import { describe, expect, it } from 'vitest';
import { collapsed, DEFAULT_LAYOUT, LIMITS, readLayout, resized, writeLayout, type DashboardLayout } from '../src/app/layout.js';

describe('the dashboard layout in the address (layout=)', () => {
  it('writes nothing for the default layout, and reads nothing as the default', () => {
    expect(writeLayout(DEFAULT_LAYOUT)).toBe('');
    expect(readLayout(null)).toEqual({ layout: DEFAULT_LAYOUT, problems: [] });
    expect(readLayout('')).toEqual({ layout: DEFAULT_LAYOUT, problems: [] });
  });

  it('round-trips sizes and collapsed panels, writing only what differs from the default', () => {
    let l: DashboardLayout = resized(DEFAULT_LAYOUT, 'filtersWidth', 320);
    l = resized(l, 'matrixShare', 0.613);
    l = collapsed(collapsed(l, 'trellis', true), 'filters', true);
    const text = writeLayout(l);
    expect(text).toBe('filters:320,matrix:0.61,hide:filters+trellis');
    expect(readLayout(text)).toEqual({ layout: l, problems: [] });
    // Through URLSearchParams, as the page writes it.
    const params = new URLSearchParams();
    params.set('layout', text);
    expect(readLayout(new URLSearchParams(params.toString()).get('layout')).layout).toEqual(l);
  });

  it('keeps sizes within their limits while dragging', () => {
    expect(resized(DEFAULT_LAYOUT, 'histogramHeight', 5).histogramHeight).toBe(LIMITS.histogramHeight[0]);
    expect(resized(DEFAULT_LAYOUT, 'histogramHeight', 1e6).histogramHeight).toBe(LIMITS.histogramHeight[1]);
    expect(resized(DEFAULT_LAYOUT, 'tableHeight', 333.7).tableHeight).toBe(334);
    expect(resized(DEFAULT_LAYOUT, 'matrixShare', 2).matrixShare).toBe(LIMITS.matrixShare[1]);
  });

  it('expands a collapsed panel, and keeps the panels in one order whatever order they were collapsed in', () => {
    const l = collapsed(collapsed(DEFAULT_LAYOUT, 'table', true), 'histogram', true);
    expect(l.collapsed).toEqual(['histogram', 'table']);
    expect(collapsed(l, 'histogram', false).collapsed).toEqual(['table']);
    expect(collapsed(l, 'table', true).collapsed).toEqual(['histogram', 'table']);
  });

  it('names what it cannot read and keeps the rest', () => {
    const { layout, problems } = readLayout('filters:wide,histogram:300,colour:red,hide:matrix+sidebar,table:99999');
    expect(layout).toEqual({ ...DEFAULT_LAYOUT, histogramHeight: 300, collapsed: ['matrix'] });
    expect(problems).toEqual([
      "layout: filters must be a number from 180 to 560, not 'wide'",
      "layout: 'colour' is not understood (filters, histogram, matrix, parallel, table, hide)",
      "layout: no panel 'sidebar' to hide (panels: filters, histogram, matrix, trellis, parallel, table)",
      "layout: table must be a number from 200 to 2400, not '99999'",
    ]);
  });
});
