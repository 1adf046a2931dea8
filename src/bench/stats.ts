/**
 * Summaries of step timings, the same everywhere in the benchmark: a step's
 * time is the median of its repeats, and p50/p95 are over the steps of a set
 * (bench/timing.ts's percentile: the value at floor(p * n) of the sorted list).
 */

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** The p-quantile (0..1) of `xs`; NaN for none. */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
}

/** A set of steps timed over repeats. */
export interface StepFigures {
  /** Per step, the median over repeats, ms. */
  steps: number[];
  p50: number;
  p95: number;
  /** Trainings over the p50 step: a rate of answers, not of rows scanned (incremental answers visit fewer). */
  trainingsPerSecond: number;
  repeats: number;
}

/** times[repeat][step] → the set's figures. */
export function stepFigures(times: readonly (readonly number[])[], rows: number): StepFigures {
  const n = times[0]?.length ?? 0;
  const steps = Array.from({ length: n }, (_, s) => median(times.map((r) => r[s])));
  const p50 = percentile(steps, 0.5);
  return { steps, p50, p95: percentile(steps, 0.95), trainingsPerSecond: rows / (p50 / 1000), repeats: times.length };
}

/** Figures of single timings (a toggle's, say): p50/p95 over all of them. */
export function sampleFigures(times: readonly number[], rows: number): StepFigures {
  const p50 = percentile(times, 0.5);
  return { steps: [...times], p50, p95: percentile(times, 0.95), trainingsPerSecond: rows / (p50 / 1000), repeats: times.length };
}

/** The JS heap in use, when the browser tells (Chromium's performance.memory; precise with --enable-precise-memory-info), after a GC when one can be asked for (--js-flags=--expose-gc). */
export function heapUsed(): { used: number; limit: number } | null {
  const g = globalThis as { gc?: () => void; performance?: { memory?: { usedJSHeapSize: number; jsHeapSizeLimit: number } } };
  g.gc?.();
  const m = g.performance?.memory;
  return m ? { used: m.usedJSHeapSize, limit: m.jsHeapSizeLimit } : null;
}

/** Throws the signal's reason when it is aborted (AbortSignal.throwIfAborted, typed for every target). */
export function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new DOMException('the benchmark was cancelled', 'AbortError');
}

/** Lets the page paint and take input between timed work (a panel's progress bar, a Cancel button). */
export const yieldToPage = (): Promise<void> => new Promise((r) => setTimeout(r, 0));
