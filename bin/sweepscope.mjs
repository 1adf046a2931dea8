#!/usr/bin/env node
// The `sweepscope` command. Runs the compiled CLI (dist/cli, made by `npm run build`
// and on install) when it is at least as new as the sources; otherwise, in a working
// copy being edited, runs the TypeScript sources through tsx (a development dependency).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';

const root = fileURLToPath(new URL('..', import.meta.url));
const compiled = join(root, 'dist/cli/sweepscope.mjs');

/** Whether any source file is newer than the compiled CLI (`mtime`). */
function sourcesNewer(mtime) {
  for (const dir of ['src', 'workers']) {
    const base = join(root, dir);
    if (!existsSync(base)) continue;
    for (const f of readdirSync(base, { recursive: true })) {
      if (typeof f === 'string' && f.endsWith('.ts') && statSync(join(base, f)).mtimeMs > mtime) return true;
    }
  }
  return false;
}

const built = existsSync(compiled) ? statSync(compiled).mtimeMs : 0;
if (built > 0 && !sourcesNewer(built)) {
  await import(pathToFileURL(compiled).href);
} else {
  let register;
  try {
    ({ register } = await import('tsx/esm/api'));
  } catch {
    process.stderr.write('sweepscope: the compiled CLI is missing or older than the sources: run `npm run build`\n');
    process.exit(2);
  }
  register();
  await import('../src/cli/main.ts');
}
