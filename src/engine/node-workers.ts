/**
 * Starting CPU engine workers in Node (worker_threads). Workers run the
 * TypeScript sources through tsx, registered inside the worker, so the CLI,
 * the tests and the benchmarks need no build step.
 */

import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { WorkerCpuEngine, type WorkerHandle } from './worker-engine.js';

const workerUrl = new URL('../../workers/engine.node-worker.ts', import.meta.url).href;
const tsxApi = import.meta.resolve('tsx/esm/api');

function startWorker(): WorkerHandle {
  const boot = `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(workerUrl)}); })`;
  const worker = new Worker(boot, { eval: true });
  worker.on('error', (e) => {
    process.stderr.write(`sweepscope: engine worker failed: ${e instanceof Error ? e.message : String(e)}\n`);
  });
  return { endpoint: nodeEndpoint(worker), terminate: () => worker.terminate() };
}

/** A worker CPU engine with `count` worker threads (default: one per core). */
export function createNodeWorkerEngine(count = availableParallelism()): WorkerCpuEngine {
  return new WorkerCpuEngine(Array.from({ length: Math.max(1, count) }, startWorker));
}
