#!/usr/bin/env node
// Compiles the command line (src/cli/main.ts and the engine's Node worker) into
// dist/cli/: one ES module each, bundled by esbuild, so `sweepscope` starts as a
// compiled tool instead of compiling TypeScript at every run (tsx is for development).
// Run by `npm run build` and on install (`prepare`); bin/sweepscope.mjs uses it when
// it is newer than the sources.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
// `--outdir DIR` builds elsewhere (the tests build a copy of their own).
const at = process.argv.indexOf('--outdir');
const outdir = at > 0 && process.argv[at + 1] ? process.argv[at + 1] : 'dist/cli';
const started = performance.now();
await build({
  absWorkingDir: root,
  entryPoints: { sweepscope: 'src/cli/main.ts', 'engine.node-worker': 'workers/engine.node-worker.ts' },
  outdir,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
  define: { __SWEEPSCOPE_COMPILED__: 'true' },
  // `open` (a runtime dependency) stays in node_modules: it runs the xdg-open script it ships beside itself.
  external: ['open'],
  // Bundled CommonJS dependencies call require(): give the module one.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
});
process.stderr.write(`sweepscope: compiled the CLI into ${outdir} in ${Math.round(performance.now() - started)} ms\n`);
