import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Two files at a time even on two cores: the browser tests wait on Chromium and the dev server much of the
    // time, so the suite takes about 6.5 minutes instead of 7.5 one file at a time.
    maxWorkers: 2,
  },
});
