/**
 * Sweep files on disk (Node only). Reading: the bytes go to readSweepBytes
 * (read.ts), which decides the format by content (CSV, JSON, Arrow, Parquet,
 * gzip- or zstd-compressed), whatever the extension. Writing: CSV or Arrow
 * IPC, chosen by extension.
 */

import { open, type FileHandle } from 'node:fs/promises';
import { extname } from 'node:path';
import { SweepError, type Sweep } from '../model/sweep.js';
import { sweepToArrow } from './arrow.js';
import { writeCsvBytes } from './csv.js';
import { readSweepChunks, type ReadLimits } from './read.js';
import type { LoadOptions } from './table.js';

export type { LoadOptions } from './table.js';

const WRITE_EXTENSIONS = ['.csv', '.arrow'];

function code(e: unknown): string | undefined {
  return e instanceof Error && 'code' in e && typeof e.code === 'string' ? e.code : undefined;
}

function fileError(e: unknown, verb: 'read' | 'write', path: string): Error {
  switch (code(e)) {
    case 'ENOENT':
      return new SweepError(verb === 'read' ? `cannot read '${path}': no such file` : `cannot write '${path}': no such directory`);
    case 'EISDIR':
      return new SweepError(`cannot ${verb} '${path}': it is a directory`);
    case 'EACCES':
    case 'EPERM':
      return new SweepError(`cannot ${verb} '${path}': permission denied`);
    default:
      return e instanceof Error ? e : new Error(String(e));
  }
}

/** Bytes read from disk at a time. */
const PIECE = 16 << 20;

/** A file's bytes in pieces of PIECE (fresh buffers: a reader may keep them). */
async function* fileChunks(fh: FileHandle, size: number, path: string): AsyncGenerator<Uint8Array> {
  let pos = 0;
  for (;;) {
    const piece = new Uint8Array(Math.max(1, Math.min(PIECE, size - pos)));
    let bytesRead: number;
    try {
      ({ bytesRead } = await fh.read(piece, 0, piece.length, pos));
    } catch (e) {
      throw fileError(e, 'read', path);
    }
    if (bytesRead === 0) return;
    pos += bytesRead;
    yield bytesRead === piece.length ? piece : piece.subarray(0, bytesRead);
  }
}

/** Progress of a step that is the share [from, to] of the whole. */
function part(onProgress: ((fraction: number) => void) | undefined, from: number, to: number): ((fraction: number) => void) | undefined {
  return onProgress && ((f) => onProgress(from + (to - from) * f));
}

/**
 * Reads a sweep file: CSV, JSON (array or lines), Arrow IPC or Parquet, plain
 * or gzip- or zstd-compressed, known by its content (the extension plays no part).
 */
export async function readSweepFile(
  path: string,
  options: LoadOptions = {},
  onProgress?: (fraction: number) => void,
  limits: ReadLimits = {},
): Promise<Sweep> {
  let fh: FileHandle;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    throw fileError(e, 'read', path);
  }
  try {
    let size: number;
    try {
      size = (await fh.stat()).size;
    } catch (e) {
      throw fileError(e, 'read', path);
    }
    // Plain CSV is parsed as it is read (the reading is the progress); other formats are read whole, then parsed.
    const reading = part(onProgress, 0, 0.6);
    const onRead = reading && ((bytes: number): void => reading(size > 0 ? bytes / size : 1));
    return await readSweepChunks({ chunks: fileChunks(fh, size, path), size }, path, options, onRead, part(onProgress, 0.6, 1), limits);
  } finally {
    await fh.close();
  }
}

/** Reads a CSV file into a Sweep (any table file is read by its content; kept for callers that name CSV). */
export const readCsvFile = readSweepFile;

/** Reads an Arrow IPC file into a Sweep (any table file is read by its content). */
export const readArrowFile = readSweepFile;

/** Writes a sweep as CSV, streaming chunks of rows to disk. */
export async function writeCsvFile(sweep: Sweep, path: string, onProgress?: (fraction: number) => void): Promise<void> {
  let fh;
  try {
    fh = await open(path, 'w');
  } catch (e) {
    throw fileError(e, 'write', path);
  }
  try {
    for (const chunk of writeCsvBytes(sweep, 65536, onProgress)) await fh.write(chunk);
    onProgress?.(1);
  } finally {
    await fh.close();
  }
}

/** Writes a sweep as `.csv` or `.arrow` (Arrow IPC file). */
export async function writeSweepFile(sweep: Sweep, path: string, onProgress?: (fraction: number) => void): Promise<void> {
  const ext = extname(path).toLowerCase();
  if (ext === '.csv') return writeCsvFile(sweep, path, onProgress);
  if (ext === '.arrow' || ext === '.feather' || ext === '.ipc') {
    const bytes = sweepToArrow(sweep);
    try {
      const fh = await open(path, 'w');
      try {
        await fh.write(bytes);
      } finally {
        await fh.close();
      }
    } catch (e) {
      throw fileError(e, 'write', path);
    }
    onProgress?.(1);
    return;
  }
  throw new SweepError(`cannot write '${path}': unknown file type '${ext || '(none)'}'; supported: ${WRITE_EXTENSIONS.join(', ')}`);
}
