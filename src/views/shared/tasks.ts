/**
 * Scheduling the views' main-thread work: yielding to the page between
 * slices of row work (so workers' answers, input and frames go first), and
 * running generators of row steps in slices (`drive`).
 */

/** A unit of row work: each step does a block of rows and yields the share done so far (0..1). */
export type RowSteps<T> = Generator<number, T, void>;

/** Rows a generator step handles. */
export const BLOCK_ROWS = 16384;

export interface DriveOptions {
  /** Longest stretch of work between two yields, in ms (default 5). */
  sliceMs?: number;
  /** How to give the page back control (default: `yieldToMain`). */
  yieldFn?: () => Promise<void>;
  /** Checked after every step; when it says aborted, `drive` throws `AbortedError`. */
  signal?: { readonly aborted: boolean };
  onProgress?: (fraction: number) => void;
}

/** Thrown by `drive` when its work was cancelled (a newer state arrived). */
export class AbortedError extends Error {
  override readonly name = 'AbortedError';
  constructor() {
    super('cancelled');
  }
}

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

/**
 * Yields to the event loop so input, rendering and the engine's answers can
 * run. Where the browser has `scheduler.postTask`, the row work continues as a
 * background task: anything else waiting (a worker's answer, a pointer event,
 * a frame) runs first. (`scheduler.yield()` would be wrong here: its
 * continuations go *before* other tasks, so views that restart their row work
 * on every brush change starve the workers' answers while the brush moves.)
 */
export function yieldToMain(): Promise<void> {
  return taskAt('background');
}

/**
 * Resolves in a new task of the given `scheduler.postTask` priority; where the
 * browser has no postTask, in a MessageChannel message (setTimeout(0) is
 * clamped to 4 ms when nested), else in a timeout.
 */
export function taskAt(priority: 'background' | 'user-visible'): Promise<void> {
  const s = (globalThis as { scheduler?: { postTask?: (cb: () => void, o: { priority: string }) => Promise<void> } }).scheduler;
  if (s && typeof s.postTask === 'function') return s.postTask(() => undefined, { priority });
  if (typeof MessageChannel !== 'undefined') {
    return new Promise((resolve) => {
      const ch = new MessageChannel();
      ch.port1.onmessage = () => {
        ch.port1.close();
        resolve();
      };
      ch.port2.postMessage(null);
    });
  }
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Runs row work in slices of about `sliceMs`, yielding between them. */
export async function drive<T>(steps: RowSteps<T>, opts: DriveOptions = {}): Promise<T> {
  const sliceMs = opts.sliceMs ?? 5;
  const yieldFn = opts.yieldFn ?? yieldToMain;
  let t0 = now();
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    if (opts.signal?.aborted) {
      steps.return(undefined as never);
      throw new AbortedError();
    }
    opts.onProgress?.(r.value);
    if (now() - t0 >= sliceMs) {
      await yieldFn();
      if (opts.signal?.aborted) {
        steps.return(undefined as never);
        throw new AbortedError();
      }
      t0 = now();
    }
  }
}
