// Turns a `--model kind:ref` spec into a Scorer. Each kind lives in its own module, loaded lazily
// so that, e.g., a run with score files never loads onnxruntime.
import { UserError } from '../errors.js';
import type { Scorer } from '../types.js';
import type { ScorerOptions } from './types.js';

type Factory = (ref: string, spec: string, opts: ScorerOptions) => Promise<Scorer>;

const kinds: Record<string, { help: string; load: () => Promise<Factory> }> = {
  scores: { help: 'scores:<file.jsonl>  precomputed scores', load: async () => (await import('./scores-file.js')).createScoresFileScorer },
  baseline: { help: 'baseline:random|length|shortest', load: async () => (await import('./baselines.js')).createBaselineScorer },
  onnx: { help: 'onnx:<dir>  local ONNX reward model', load: async () => (await import('./onnx/index.js')).createOnnxScorer },
  judge: { help: 'judge:<name> or judge:<model>@<base-url>  OpenAI-compatible judge', load: async () => (await import('./judge/index.js')).createJudgeScorer },
  vllm: { help: 'vllm:<model>@<base-url>  vLLM /classify reward server', load: async () => (await import('./http/index.js')).createVllmScorer },
  tei: { help: 'tei:<base-url>  Text Embeddings Inference /predict', load: async () => (await import('./http/index.js')).createTeiScorer },
  openrlhf: { help: 'openrlhf:<base-url>  OpenRLHF-style /get_reward', load: async () => (await import('./http/index.js')).createOpenRlhfScorer },
  ensemble: { help: 'ensemble:<spec.json|yaml>  reward ensemble', load: async () => (await import('../ensemble/index.js')).createEnsembleScorer },
};

export function scorerKinds(): string[] {
  return Object.values(kinds).map((k) => k.help);
}

export function parseModelSpec(spec: string): { kind: string; ref: string } {
  const i = spec.indexOf(':');
  if (i <= 0) throw new UserError(`model "${spec}" must be <kind>:<ref>; kinds:\n  ${scorerKinds().join('\n  ')}`);
  const kind = spec.slice(0, i);
  const ref = spec.slice(i + 1);
  if (!kinds[kind]) throw new UserError(`unknown model kind "${kind}" in "${spec}"; kinds:\n  ${scorerKinds().join('\n  ')}`);
  if (!ref) throw new UserError(`model "${spec}" has an empty reference after "${kind}:"`);
  return { kind, ref };
}

export async function createScorer(spec: string, opts: ScorerOptions): Promise<Scorer> {
  const { kind, ref } = parseModelSpec(spec);
  const factory = await kinds[kind].load();
  return factory(ref, spec, opts);
}
