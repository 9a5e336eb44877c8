// The command-line flags of local ONNX models, shared by `rmgauge score` and `rmgauge bench`:
// spread `onnxFlagSpecs` into parseArgs options and pass the values to `onnxFlagValues`.
import { UserError } from '../../errors.js';
import type { ScorerOptions } from '../types.js';

export const onnxFlagSpecs = {
  device: { type: 'string' },
  'max-length': { type: 'string' },
  'truncation-side': { type: 'string' },
  'max-batch-tokens': { type: 'string' },
  variant: { type: 'string' },
  threads: { type: 'string' },
  sessions: { type: 'string' },
  'graph-cache': { type: 'boolean' },
  'keep-nan-guards': { type: 'boolean' },
} as const;

export const ONNX_FLAGS_HELP = `ONNX reward models (onnx:<dir>):
  --device cpu|cuda|webgpu   execution provider (default cpu; cuda needs
                             ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node)
  --max-length <n>           truncate conversations to n tokens (default 2048)
  --truncation-side left|right  which end to cut (default left: keeps the answer)
  --max-batch-tokens <n>     batch budget, rows x longest row (default 2048 on CPU, 16384 on GPU)
  --variant <name>           load model_<name>.onnx (fp16, int8, quantized, ...)
  --sessions <n>             sessions run side by side, each in a worker thread with its
                             own copy of the weights (default on CPU: one per core for
                             models up to 512 MiB, else 1; on GPUs 1)
  --threads <n>              intra-op threads per session (default: cores / sessions)
  --graph-cache              keep the optimised graph in the cache directory
  --keep-nan-guards          run the graph exactly as exported; by default the softmax NaN
                             guards of torch.onnx attention are removed from single-file
                             models up to 512 MiB (same scores, faster; see docs/onnx.md)
`;

function positiveInt(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new UserError(`--${flag} must be a positive whole number, got "${v}"`);
  return n;
}

export function onnxFlagValues(values: Record<string, string | boolean | undefined>): Partial<ScorerOptions> {
  const out: Partial<ScorerOptions> = {};
  const device = values.device as string | undefined;
  if (device !== undefined) {
    if (device !== 'cpu' && device !== 'cuda' && device !== 'webgpu') {
      throw new UserError(`--device must be cpu, cuda or webgpu, got "${device}"`);
    }
    out.device = device;
  }
  const side = values['truncation-side'] as string | undefined;
  if (side !== undefined) {
    if (side !== 'left' && side !== 'right') throw new UserError(`--truncation-side must be left or right, got "${side}"`);
    out.truncationSide = side;
  }
  out.maxLength = positiveInt('max-length', values['max-length'] as string | undefined);
  out.maxBatchTokens = positiveInt('max-batch-tokens', values['max-batch-tokens'] as string | undefined);
  out.threads = positiveInt('threads', values.threads as string | undefined);
  out.sessions = positiveInt('sessions', values.sessions as string | undefined);
  if (typeof values.variant === 'string') out.variant = values.variant;
  if (values['graph-cache']) out.graphCache = true;
  if (values['keep-nan-guards']) out.keepNanGuards = true;
  for (const k of Object.keys(out) as Array<keyof ScorerOptions>) if (out[k] === undefined) delete out[k];
  return out;
}
