// Node entry of a pack worker (worker_threads): runs the steps of the parallel packing (pack-parallel.ts), for tests and benchmarks.
import { parentPort } from 'node:worker_threads';
import { expose } from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { packStepApi } from '../src/engine/pack-parallel.js';

if (!parentPort) throw new Error('pack.node-worker must run in a worker thread');
expose(packStepApi, nodeEndpoint(parentPort));
