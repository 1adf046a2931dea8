// Node entry of a CPU engine worker (worker_threads), for the CLI, tests and benchmarks.
import { parentPort } from 'node:worker_threads';
import { expose } from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { workerApi } from '../src/engine/worker-api.js';

if (!parentPort) throw new Error('engine.node-worker must run in a worker thread');
expose(workerApi, nodeEndpoint(parentPort));
