import { defineConfig } from 'vite';

// SharedArrayBuffer (workers sharing the sweep) needs a cross-origin isolated page.
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  server: { headers: isolation, port: 5173 },
  preview: { headers: isolation, port: 4173 },
  worker: { format: 'es' },
  // the page; bin/build.mjs compiles the CLI into dist/cli beside it
  build: { target: 'es2022', outDir: 'dist/page' },
});
