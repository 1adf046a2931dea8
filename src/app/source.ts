/**
 * Sweep files in the browser: bytes from a File / Blob or a URL of the page's
 * own origin (with progress), then reading in a worker with the browser-safe
 * readers (src/io/read.ts: the content decides the format). Each step takes an
 * AbortSignal: a cancelled load stops reading and terminates its worker.
 */

import { proxy, releaseProxy, transfer, wrap } from 'comlink';
import { SweepError } from '../model/sweep.js';
import type { LoadOptions } from '../io/table.js';
import type { ParseApi, Parsed, ParsePhase } from '../../workers/parse.worker.js';

export type { ParsePhase } from '../../workers/parse.worker.js';

/**
 * The largest file the page reads: one buffer of the bytes, then the columns
 * beside it. Larger files are refused before they are read.
 */
export const MAX_FILE_BYTES = 2 ** 31;

/** What a cancelled load throws: not a failure of the file. */
export class LoadCancelled extends SweepError {
  constructor(name: string) {
    super(`loading ${name} was cancelled`);
  }
}

function checkAbort(signal: AbortSignal | undefined, name: string): void {
  if (signal?.aborted) throw new LoadCancelled(name);
}

function fmtGiB(n: number): string {
  return `${(n / 2 ** 30).toFixed(1)} GiB`;
}

function tooLarge(name: string, size: number): SweepError {
  return new SweepError(
    `${name} is ${fmtGiB(size)}; the page reads files up to ${fmtGiB(MAX_FILE_BYTES)}: filter it first, or use the CLI (sweepscope aggregate)`,
  );
}

/** Called with bytes read so far and the total (0 when unknown). */
export type ReadProgress = (done: number, total: number) => void;

function allocBytes(n: number, name: string): Uint8Array {
  if (n > MAX_FILE_BYTES) throw tooLarge(name, n);
  try {
    return new Uint8Array(n);
  } catch {
    throw new SweepError(`cannot read '${name}': the file (${(n / 2 ** 30).toFixed(1)} GiB) is too large to load at once`);
  }
}

/** Reads a stream into one buffer; `total` is a size hint (0: unknown). */
async function readStream(
  stream: ReadableStream<Uint8Array>,
  total: number,
  name: string,
  onProgress?: ReadProgress,
  signal?: AbortSignal,
): Promise<Uint8Array> {
  let out = allocBytes(total > 0 ? total : 1 << 20, name);
  let pos = 0;
  const reader = stream.getReader();
  const stop = (): void => void reader.cancel().catch(() => undefined);
  signal?.addEventListener('abort', stop);
  try {
    for (;;) {
      checkAbort(signal, name);
      const { done, value } = await reader.read();
      checkAbort(signal, name);
      if (done) break;
      if (pos + value.length > out.length) {
        const grown = allocBytes(Math.max(pos + value.length, out.length * 2), name);
        grown.set(out.subarray(0, pos));
        out = grown;
      }
      out.set(value, pos);
      pos += value.length;
      onProgress?.(pos, total);
    }
  } finally {
    signal?.removeEventListener('abort', stop);
    reader.releaseLock();
  }
  return pos === out.length ? out : out.slice(0, pos);
}

/** A File's name; a Blob has none (its content then decides the format). */
export function blobName(blob: Blob): string {
  const name = (blob as Partial<File>).name;
  return typeof name === 'string' && name !== '' ? name : 'blob';
}

/**
 * A File's bytes in the chunks its stream gives (read in the parse worker, so
 * the page never holds them); a failed read (the file changed or was removed
 * on disk) is one SweepError line.
 */
export async function* blobChunks(blob: Blob): AsyncGenerator<Uint8Array> {
  const name = blobName(blob);
  if (blob.size > MAX_FILE_BYTES) throw tooLarge(name, blob.size);
  const reader = blob.stream().getReader();
  try {
    for (;;) {
      let next: ReadableStreamReadResult<Uint8Array>;
      try {
        next = await reader.read();
      } catch (e) {
        throw new SweepError(`cannot read '${name}': ${e instanceof Error ? e.message : String(e)}`);
      }
      if (next.done) return;
      yield next.value;
    }
  } finally {
    reader.releaseLock();
  }
}

/** Fetches a URL of the page's own origin. */
export async function readUrl(url: string, onProgress?: ReadProgress, signal?: AbortSignal): Promise<Uint8Array> {
  if (typeof url !== 'string' || url.trim() === '') throw new SweepError('load({url}) needs a URL string, e.g. {url: "/data/sweep.csv"}');
  let target: URL;
  try {
    target = new URL(url, location.href);
  } catch {
    throw new SweepError(`cannot load '${url}': not a valid URL`);
  }
  if (target.origin !== location.origin)
    throw new SweepError(`cannot load '${url}': only files of this page's origin (${location.origin}) can be loaded; serve the file from here`);
  let res: Response;
  try {
    res = await fetch(target, { credentials: 'same-origin', signal });
  } catch (e) {
    checkAbort(signal, url);
    throw new SweepError(`cannot load '${url}': ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!res.ok) throw new SweepError(`cannot load '${url}': HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`);
  // A dev server answers unknown paths with the app's own page.
  if (/^text\/html\b/i.test(res.headers.get('content-type') ?? ''))
    throw new SweepError(`cannot load '${url}': the server answered with an HTML page, not a sweep file (no such file?)`);
  // Content-Length is the encoded size: only a hint for the buffer and the bar.
  const length = Number(res.headers.get('content-length'));
  const total = res.headers.get('content-encoding') || !Number.isFinite(length) || length < 0 ? 0 : length;
  if (total > MAX_FILE_BYTES) throw tooLarge(url, total);
  try {
    if (!res.body) return new Uint8Array(await res.arrayBuffer());
    return await readStream(res.body, total, url, onProgress, signal);
  } catch (e) {
    checkAbort(signal, url);
    if (e instanceof SweepError || e instanceof LoadCancelled) throw e;
    throw new SweepError(`cannot load '${url}': ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** The path part of a URL (for its file name and extension). */
export function urlPath(url: string): string {
  try {
    return decodeURIComponent(new URL(url, location.href).pathname);
  } catch {
    return url;
  }
}

/**
 * Reads a sweep in a worker: a File or Blob is read there, in chunks (the
 * page never holds its bytes); bytes already fetched are moved there. Throws
 * SweepError on bad input, LoadCancelled on abort (the worker is terminated).
 */
export async function parseInWorker(
  input: Blob | Uint8Array,
  name: string,
  options: LoadOptions,
  onProgress?: (phase: ParsePhase, done: number, total: number, rows?: number) => void,
  signal?: AbortSignal,
): Promise<Parsed> {
  checkAbort(signal, name);
  // A File too large is refused here, before a worker starts (blobChunks says the same in the worker).
  if (!(input instanceof Uint8Array) && input.size > MAX_FILE_BYTES) throw tooLarge(name, input.size);
  const worker = new Worker(new URL('../../workers/parse.worker.ts', import.meta.url), { type: 'module', name: 'sweepscope-parse' });
  const remote = wrap<ParseApi>(worker);
  let onAbort = (): void => undefined;
  const failed = new Promise<never>((_, reject) => {
    worker.addEventListener('error', (e) => reject(new Error(`the parse worker failed: ${e.message || 'could not start'}`)));
    onAbort = () => reject(new LoadCancelled(name));
    signal?.addEventListener('abort', onAbort);
  });
  failed.catch(() => undefined);
  // Bytes move to the worker unless they are a view on part of a buffer; a Blob is passed by reference.
  let payload: Blob | Uint8Array = input;
  if (input instanceof Uint8Array) {
    const own = input.byteOffset === 0 && input.byteLength === input.buffer.byteLength && input.buffer instanceof ArrayBuffer;
    if (own) payload = transfer(input, [input.buffer as ArrayBuffer]);
  }
  try {
    return await Promise.race([remote.parse(payload, name, { ...options }, onProgress ? proxy(onProgress) : undefined), failed]);
  } finally {
    signal?.removeEventListener('abort', onAbort);
    remote[releaseProxy]();
    worker.terminate();
  }
}
