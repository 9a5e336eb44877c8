// The floor of the ONNX benchmark, (b): one raw onnxruntime session in a worker thread, with the
// batches' input tensors built before the clock starts. Workers take batch numbers from a shared
// counter, so N of them split the batches the way the scorer's N sessions do.
import { parentPort, workerData } from 'node:worker_threads';
import type { Encoded } from '../src/scorers/onnx/encode.js';
import { buildFeeds, createSession, inspectGraph, type SessionSetup } from '../src/scorers/onnx/session.js';

const { setup, batches, pad, counter } = workerData as { setup: SessionSetup; batches: Encoded[][]; pad: number; counter: SharedArrayBuffer };
const port = parentPort!;
const session = await createSession(setup);
const graph = inspectGraph(session, setup.modelFile);
await session.run(buildFeeds(batches[0].slice(0, 1), graph, pad).feeds);
const feeds = batches.map((rows) => buildFeeds(rows, graph, pad).feeds);
const next = new Int32Array(counter);
port.once('message', async () => {
  let ran = 0;
  for (let i = Atomics.add(next, 0, 1); i < feeds.length; i = Atomics.add(next, 0, 1)) {
    await session.run(feeds[i]);
    ran++;
  }
  await session.release();
  port.postMessage(ran);
});
port.postMessage('ready');
