/**
 * The shared real data (never committed): `../shared/data/` beside the
 * checkout, or where SWEEPSCOPE_DATA points. A missing file fails the tests
 * that need it with this message; nothing is skipped.
 */

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const candidates = [
  process.env.SWEEPSCOPE_DATA,
  fileURLToPath(new URL('../../shared/data', import.meta.url)),
  '/work/shared/data',
].filter((p): p is string => Boolean(p));

export function sharedData(file: string): string {
  for (const dir of candidates) {
    const path = join(dir, file);
    if (existsSync(path)) return path;
  }
  throw new Error(`${file} not found in ${candidates.join(', ')}: set SWEEPSCOPE_DATA to the folder holding the shared real data`);
}

export const NATS_CSV = sharedData('nats-bench-201.csv');
