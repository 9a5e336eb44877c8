// One onnxruntime session in a worker thread (see session-pool.ts). onnxruntime-node runs
// session.run synchronously on the calling thread, so sessions in separate threads are the only way
// to run batches side by side.
import { parentPort, workerData } from 'node:worker_threads';
import { UserError } from '../../errors.js';
import { buildFeeds, createSession, inspectGraph, runFeeds, type SessionSetup } from './session.js';
import type { RunRequest, WorkerReply, WireError } from './session-pool.js';

function wire(err: unknown): WireError {
  return { message: err instanceof Error ? err.message : String(err), user: err instanceof UserError };
}

async function main(): Promise<void> {
  const port = parentPort!;
  const setup = workerData as SessionSetup;
  let session: Awaited<ReturnType<typeof createSession>>;
  let graph: ReturnType<typeof inspectGraph>;
  try {
    session = await createSession(setup);
    graph = inspectGraph(session, setup.modelFile);
  } catch (err) {
    port.postMessage({ type: 'failed', error: wire(err) } satisfies WorkerReply);
    return;
  }
  // One message at a time, in order: a close never overtakes a run.
  let queue = Promise.resolve();
  const handle = async (msg: RunRequest | { type: 'close' }): Promise<void> => {
    if (msg.type === 'close') {
      await session.release();
      port.postMessage({ type: 'closed' } satisfies WorkerReply);
      port.close();
      return;
    }
    try {
      const scores = await runFeeds(session, graph, buildFeeds(msg.rows, graph, msg.pad));
      port.postMessage({ type: 'scores', id: msg.id, scores } satisfies WorkerReply);
    } catch (err) {
      port.postMessage({ type: 'error', id: msg.id, error: wire(err) } satisfies WorkerReply);
    }
  };
  port.on('message', (msg: RunRequest | { type: 'close' }) => {
    queue = queue.then(() => handle(msg));
  });
  port.postMessage({ type: 'ready', graph } satisfies WorkerReply);
}

void main();
