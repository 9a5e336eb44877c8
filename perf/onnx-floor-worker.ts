// The floor of the ONNX benchmark, (b): one raw onnxruntime session in a worker thread. For each
// round it is sent batches, builds their input tensors before the clock starts, then takes batch
// numbers from a shared counter, so N workers split the batches the way the scorer's N sessions do.
// The session lives across rounds, warm like the scorer's.
import { parentPort, workerData } from 'node:worker_threads';
import type * as ort from 'onnxruntime-node';
import type { Encoded } from '../src/scorers/onnx/encode.js';
import { buildFeeds, createSession, inspectGraph, type SessionSetup } from '../src/scorers/onnx/session.js';

export type FloorMessage = { type: 'load'; batches: Encoded[][] } | { type: 'go' } | { type: 'close' };

const { setup, warmup, pad, counter } = workerData as { setup: SessionSetup; warmup: Encoded[]; pad: number; counter: SharedArrayBuffer };
const port = parentPort!;
const session = await createSession(setup);
const graph = inspectGraph(session, setup.modelFile);
await session.run(buildFeeds(warmup, graph, pad).feeds);
const next = new Int32Array(counter);
let feeds: Array<Record<string, ort.Tensor>> = [];
port.on('message', async (msg: FloorMessage) => {
  if (msg.type === 'load') {
    feeds = msg.batches.map((rows) => buildFeeds(rows, graph, pad).feeds);
    port.postMessage('loaded');
  } else if (msg.type === 'go') {
    let ran = 0;
    for (let i = Atomics.add(next, 0, 1); i < feeds.length; i = Atomics.add(next, 0, 1)) {
      await session.run(feeds[i]);
      ran++;
    }
    port.postMessage(ran);
  } else {
    await session.release();
    port.close();
  }
});
port.postMessage('ready');
