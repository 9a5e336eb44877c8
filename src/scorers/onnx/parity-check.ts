// A load-time self-check for decoder models: a short conversation scored alone must score the same
// when right-padded in a batch with a longer one. It fails when the padding id is not the one the
// graph pools on (e.g. pad == EOS and the template ends with EOS, or a wrong pad_token_id), in
// which case batching would silently change scores.
import { UserError } from '../../errors.js';
import type { ConversationEncoder, Encoded } from './encode.js';

const SHORT = { prompt: [{ role: 'user' as const, content: 'Hi' }], completion: 'Hello.' };
const LONG = {
  prompt: [{ role: 'user' as const, content: 'Please describe the water cycle in a few sentences.' }],
  completion: 'Water evaporates from oceans and lakes, condenses into clouds, and falls back as rain or snow.',
};

/** Returns a problem description, or undefined when single and batched scores agree. */
export async function checkBatchParity(
  encoder: ConversationEncoder,
  run: (rows: Encoded[]) => Promise<number[]>,
): Promise<string | undefined> {
  const short = encoder.encode(SHORT);
  const long = encoder.encode(LONG);
  if (long.ids.length <= short.ids.length) return undefined;
  let alone: number;
  let batched: number;
  try {
    [alone] = await run([short]);
    [batched] = await run([short, long]);
  } catch (err) {
    throw new UserError(`the model failed its load-time check on a short conversation: ${(err as Error).message}`);
  }
  const diff = Math.abs(alone - batched);
  if (diff > 1e-4 * Math.max(1, Math.abs(alone))) {
    return `a right-padded sequence scores ${batched} in a batch but ${alone} alone`;
  }
  return undefined;
}
