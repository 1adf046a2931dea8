/// <reference lib="webworker" />
// Browser entry of a CPU engine worker.
import { expose } from 'comlink';
import { workerApi } from '../src/engine/worker-api.js';

expose(workerApi);
