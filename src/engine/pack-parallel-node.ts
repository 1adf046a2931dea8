/**
 * Pack workers in Node (worker_threads), for tests and benchmarks: each runs
 * the TypeScript through tsx, registered inside the worker, as the engine
 * workers of node-workers.ts do from the sources.
 */

import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { remotePackPool, type PackPool, type PackWorkerHandle } from './pack-parallel.js';

function startWorker(): PackWorkerHandle {
  const workerUrl = new URL('../../workers/pack.node-worker.ts', import.meta.url).href;
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(workerUrl)}); })`;
  const worker = new Worker(boot, { eval: true });
  const failed = new Promise<never>((_, reject) => {
    worker.on('error', (e) => reject(new Error(`pack worker failed: ${e instanceof Error ? e.message : String(e)}`)));
    worker.on('exit', (code) => reject(new Error(`pack worker failed: it exited with code ${code}`)));
  });
  // rejects only when a step is waiting on it, or at close; not an unhandled rejection
  failed.catch(() => undefined);
  return { endpoint: nodeEndpoint(worker), failed, terminate: () => worker.terminate() };
}

/** A pool of `count` pack worker threads (default: one per core); close it when done. */
export function startNodePackPool(count = availableParallelism()): PackPool & { close(): Promise<void> } {
  return remotePackPool(Array.from({ length: Math.max(1, Math.floor(count)) }, startWorker));
}
