/**
 * Injected by bench/run.ts into the explorer page (a module script from the
 * dev server): the scenario runner against the page's own
 * `window.sweepscope`, its progress sent back to Node.
 */

import { runScenarios } from '../../src/bench/runner.js';
import './protocol.js';

window.__sweepscopeBench = {
  run: (options) => runScenarios(window.sweepscope, { ...options, onProgress: (p) => window.__benchProgress?.(p) }),
};
