// One onnxruntime session in a worker thread (see session-pool.ts). onnxruntime-node runs
// session.run synchronously on the calling thread, so sessions in separate threads are the only way
// to run batches side by side.
import { parentPort, workerData } from 'node:worker_threads';
import type * as ort from 'onnxruntime-node';
import { UserError } from '../../errors.js';
import type { Encoded } from './encode.js';
import { buildFeeds, createSession, finiteScores, inspectGraph, openSession, runLogits, type SessionSetup } from './session.js';
import type { RunRequest, WorkerReply, WireError } from './session-pool.js';

function wire(err: unknown): WireError {
  return { message: err instanceof Error ? err.message : String(err), user: err instanceof UserError };
}

async function main(): Promise<void> {
  const port = parentPort!;
  const setup = workerData as SessionSetup;
  let session: ort.InferenceSession;
  let nanGuardsElided: number;
  let graph: ReturnType<typeof inspectGraph>;
  try {
    ({ session, nanGuardsElided } = await openSession(setup));
    graph = inspectGraph(session, setup.modelFile);
  } catch (err) {
    port.postMessage({ type: 'failed', error: wire(err) } satisfies WorkerReply);
    return;
  }
  // The graph as exported, for the batches the guard-free one must not run (see nan-guard.ts);
  // loaded on first need.
  let asExported: Promise<ort.InferenceSession> | undefined;
  const guarded = () => (asExported ??= createSession({ ...setup, elideNanGuards: false, guardFree: undefined, optimizedGraphFile: undefined }));

  const score = async (rows: Encoded[], pad: number): Promise<{ scores: number[]; guarded: boolean }> => {
    const logitsOn = (s: ort.InferenceSession) => runLogits(s, graph, buildFeeds(rows, graph, pad));
    if (!nanGuardsElided) return { scores: finiteScores(await logitsOn(session)), guarded: false };
    if (!rows.some((r) => r.maskedPrefix > 0)) {
      const scores = await logitsOn(session);
      if (scores.every(Number.isFinite)) return { scores, guarded: false };
    }
    return { scores: finiteScores(await logitsOn(await guarded())), guarded: true };
  };

  // One message at a time, in order: a close never overtakes a run.
  let queue = Promise.resolve();
  const handle = async (msg: RunRequest | { type: 'close' }): Promise<void> => {
    if (msg.type === 'close') {
      await session.release();
      if (asExported) await (await asExported).release();
      port.postMessage({ type: 'closed' } satisfies WorkerReply);
      port.close();
      return;
    }
    try {
      const { scores, guarded } = await score(msg.rows, msg.pad);
      port.postMessage({ type: 'scores', id: msg.id, scores, guarded } satisfies WorkerReply);
    } catch (err) {
      port.postMessage({ type: 'error', id: msg.id, error: wire(err) } satisfies WorkerReply);
    }
  };
  port.on('message', (msg: RunRequest | { type: 'close' }) => {
    queue = queue.then(() => handle(msg));
  });
  port.postMessage({ type: 'ready', graph, nanGuardsElided } satisfies WorkerReply);
}

void main();
