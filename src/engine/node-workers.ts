/**
 * Starting CPU engine workers in Node (worker_threads). In the compiled CLI
 * (dist/cli) the worker is the bundled `engine.node-worker.mjs` beside it;
 * from the sources (tests, benchmarks, development) workers run the
 * TypeScript through tsx, registered inside the worker.
 */

import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { WorkerCpuEngine, type WorkerHandle } from './worker-engine.js';

/** Set by bin/build.mjs in the compiled CLI (dist/cli), where the worker sits beside the bundle. */
declare const __SWEEPSCOPE_COMPILED__: boolean | undefined;
const compiled = typeof __SWEEPSCOPE_COMPILED__ !== 'undefined' && __SWEEPSCOPE_COMPILED__;

function newWorker(): Worker {
  if (compiled) return new Worker(new URL('./engine.node-worker.mjs', import.meta.url));
  const workerUrl = new URL('../../workers/engine.node-worker.ts', import.meta.url).href;
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(workerUrl)}); })`;
  return new Worker(boot, { eval: true });
}

function startWorker(): WorkerHandle {
  const worker = newWorker();
  worker.on('error', (e) => {
    process.stderr.write(`sweepscope: engine worker failed: ${e instanceof Error ? e.message : String(e)}\n`);
  });
  return { endpoint: nodeEndpoint(worker), terminate: () => worker.terminate() };
}

/** A worker CPU engine with `count` worker threads (default: one per core). */
export function createNodeWorkerEngine(count = availableParallelism()): WorkerCpuEngine {
  return new WorkerCpuEngine(Array.from({ length: Math.max(1, count) }, startWorker));
}
