/**
 * Sweep files on disk (Node only). Reading: the bytes go to readSweepBytes
 * (read.ts), which decides the format by content (CSV, JSON, Arrow, Parquet,
 * gzip- or zstd-compressed), whatever the extension. Writing: CSV or Arrow
 * IPC, chosen by extension.
 */

import { open } from 'node:fs/promises';
import { extname } from 'node:path';
import { SweepError, type Sweep } from '../model/sweep.js';
import { sweepToArrow } from './arrow.js';
import { writeCsvBytes } from './csv.js';
import { readSweepBytes, type ReadLimits } from './read.js';
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

/** A whole file as bytes (read in pieces: works past readFile's 2 GiB limit). */
async function readBytes(path: string, onProgress?: (fraction: number) => void): Promise<Uint8Array> {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    throw fileError(e, 'read', path);
  }
  try {
    const size = (await fh.stat()).size;
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(size);
    } catch {
      throw new SweepError(`cannot read '${path}': the file (${(size / 2 ** 30).toFixed(1)} GiB) is too large to load at once`);
    }
    const piece = 64 << 20;
    let pos = 0;
    while (pos < size) {
      const { bytesRead } = await fh.read(bytes, pos, Math.min(piece, size - pos), pos);
      if (bytesRead === 0) break;
      pos += bytesRead;
      onProgress?.(pos / size);
    }
    return pos === size ? bytes : bytes.subarray(0, pos);
  } catch (e) {
    throw fileError(e, 'read', path);
  } finally {
    await fh.close();
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
  const bytes = await readBytes(path, part(onProgress, 0, 0.2));
  return readSweepBytes(bytes, path, options, part(onProgress, 0.2, 1), limits);
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
