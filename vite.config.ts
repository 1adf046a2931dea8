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
  // Every dependency the page and its workers import, pre-bundled when the server starts: a dependency
  // found only while a page loads makes Vite re-bundle and reload the page, which a test page (no HMR)
  // never gets, and which breaks other servers sharing node_modules/.vite.
  optimizeDeps: {
    include: [
      'lit',
      'lit/directives/guard.js',
      'comlink',
      'regl',
      'd3-color',
      'd3-scale',
      'd3-scale-chromatic',
      'apache-arrow',
      'hyparquet',
      'hyparquet/src/datapage.js',
      'hyparquet/src/column.js',
      'hyparquet-compressors',
      'fzstd',
    ],
  },
  // the page; bin/build.mjs compiles the CLI into dist/cli beside it
  build: { target: 'es2022', outDir: 'dist/page' },
});
