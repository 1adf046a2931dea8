// comlink ships the Node adapter's types as node-adapter.d.ts beside the .mjs; declare the .mjs path for Node's own ports.
declare module 'comlink/dist/esm/node-adapter.mjs' {
  import type { Endpoint } from 'comlink';
  import type { MessagePort, Worker } from 'node:worker_threads';
  export default function nodeEndpoint(nep: Worker | MessagePort): Endpoint;
}
