/**
 * Starting CPU engine workers in the browser: the twin of `node-workers.ts`.
 * Each worker is a module worker bundled by Vite from `workers/engine.worker.ts`;
 * the Worker object itself is the comlink endpoint.
 */

import { WorkerCpuEngine, type WorkerHandle } from './worker-engine.js';

function startWorker(index: number): WorkerHandle {
  const worker = new Worker(new URL('../../workers/engine.worker.ts', import.meta.url), {
    type: 'module',
    name: `sweepscope-engine-${index}`,
  });
  worker.addEventListener('error', (e) => {
    console.error(`sweepscope: engine worker ${index} failed: ${e.message || 'could not start'}`);
  });
  return { endpoint: worker, terminate: () => worker.terminate() };
}

/** The number of logical cores the browser reports (at least 1). */
export function browserCores(): number {
  const n = typeof navigator !== 'undefined' ? navigator.hardwareConcurrency : 0;
  return Number.isInteger(n) && n > 0 ? n : 1;
}

/** A worker CPU engine with `count` module workers (default: one per logical core). */
export function createBrowserWorkerEngine(count = browserCores()): WorkerCpuEngine {
  return new WorkerCpuEngine(Array.from({ length: Math.max(1, Math.floor(count)) }, (_, i) => startWorker(i)));
}
