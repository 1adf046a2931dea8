/**
 * Sweep files in the browser: bytes from a File / Blob or a URL of the page's
 * own origin (with progress), the format by extension or content, and parsing
 * in a worker with the browser-safe readers (src/io/csv.ts, src/io/arrow.ts).
 */

import { proxy, releaseProxy, transfer, wrap } from 'comlink';
import { SweepError, type Sweep } from '../model/sweep.js';
import type { LoadOptions } from '../io/table.js';
import type { ParseApi, SweepFormat } from '../../workers/parse.worker.js';

export type { SweepFormat } from '../../workers/parse.worker.js';

/** Extensions read as Arrow IPC (as the CLI). */
const ARROW_EXTENSIONS = ['arrow', 'feather', 'ipc'];
const SUPPORTED = ['.csv', ...ARROW_EXTENSIONS.map((e) => `.${e}`)].join(', ');

/** Called with bytes read so far and the total (0 when unknown). */
export type ReadProgress = (done: number, total: number) => void;

function allocBytes(n: number, name: string): Uint8Array {
  try {
    return new Uint8Array(n);
  } catch {
    throw new SweepError(`cannot read '${name}': the file (${(n / 2 ** 30).toFixed(1)} GiB) is too large to load at once`);
  }
}

/** Reads a stream into one buffer; `total` is a size hint (0: unknown). */
async function readStream(stream: ReadableStream<Uint8Array>, total: number, name: string, onProgress?: ReadProgress): Promise<Uint8Array> {
  let out = allocBytes(total > 0 ? total : 1 << 20, name);
  let pos = 0;
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
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
    reader.releaseLock();
  }
  return pos === out.length ? out : out.slice(0, pos);
}

/** A File's name; a Blob has none (its content then decides the format). */
export function blobName(blob: Blob): string {
  const name = (blob as Partial<File>).name;
  return typeof name === 'string' && name !== '' ? name : 'blob';
}

export async function readBlob(blob: Blob, onProgress?: ReadProgress): Promise<Uint8Array> {
  const name = blobName(blob);
  try {
    return await readStream(blob.stream(), blob.size, name, onProgress);
  } catch (e) {
    if (e instanceof SweepError) throw e;
    throw new SweepError(`cannot read '${name}': ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Fetches a URL of the page's own origin. */
export async function readUrl(url: string, onProgress?: ReadProgress): Promise<Uint8Array> {
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
    res = await fetch(target, { credentials: 'same-origin' });
  } catch (e) {
    throw new SweepError(`cannot load '${url}': ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!res.ok) throw new SweepError(`cannot load '${url}': HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`);
  // A dev server answers unknown paths with the app's own page.
  if (/^text\/html\b/i.test(res.headers.get('content-type') ?? ''))
    throw new SweepError(`cannot load '${url}': the server answered with an HTML page, not a sweep file (no such file?)`);
  // Content-Length is the encoded size: only a hint for the buffer and the bar.
  const length = Number(res.headers.get('content-length'));
  const total = res.headers.get('content-encoding') || !Number.isFinite(length) || length < 0 ? 0 : length;
  try {
    if (!res.body) return new Uint8Array(await res.arrayBuffer());
    return await readStream(res.body, total, url, onProgress);
  } catch (e) {
    if (e instanceof SweepError) throw e;
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

/** Arrow IPC by its magic: the file format starts with `ARROW1`, the stream format with a 0xFFFFFFFF continuation. */
function looksLikeArrow(b: Uint8Array): boolean {
  const file = b.length >= 6 && String.fromCharCode(...b.subarray(0, 6)) === 'ARROW1';
  const stream = b.length >= 8 && b[0] === 0xff && b[1] === 0xff && b[2] === 0xff && b[3] === 0xff;
  return file || stream;
}

/**
 * The format of a file called `name`: Arrow IPC when the content says so,
 * else by extension (`.csv`; `.arrow`, `.feather`, `.ipc`), else CSV when the
 * name has no extension. An unknown extension is an error.
 */
export function detectFormat(name: string, bytes: Uint8Array): SweepFormat {
  if (looksLikeArrow(bytes)) return 'arrow';
  const base = name.split('/').pop() ?? name;
  const dot = base.lastIndexOf('.');
  const ext = dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
  if (ext === 'csv' || ext === '') return 'csv';
  if (ARROW_EXTENSIONS.includes(ext)) return 'arrow';
  throw new SweepError(`cannot read '${name}': unknown file type '.${ext}'; supported: ${SUPPORTED}`);
}

/** Parses sweep bytes in a worker (the bytes are moved there); throws SweepError on bad input. */
export async function parseInWorker(
  bytes: Uint8Array,
  name: string,
  format: SweepFormat,
  options: LoadOptions,
  onProgress?: (fraction: number) => void,
): Promise<Sweep> {
  const worker = new Worker(new URL('../../workers/parse.worker.ts', import.meta.url), { type: 'module', name: 'sweepscope-parse' });
  const remote = wrap<ParseApi>(worker);
  const failed = new Promise<never>((_, reject) => {
    worker.addEventListener('error', (e) => reject(new Error(`the parse worker failed: ${e.message || 'could not start'}`)));
  });
  failed.catch(() => undefined);
  // The bytes move to the worker unless they are a view on part of a buffer.
  const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer;
  const payload = own ? transfer(bytes, [bytes.buffer as ArrayBuffer]) : bytes;
  try {
    return await Promise.race([remote.parse(payload, name, format, { ...options }, onProgress ? proxy(onProgress) : undefined), failed]);
  } finally {
    remote[releaseProxy]();
    worker.terminate();
  }
}
