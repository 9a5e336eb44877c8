// The contracts every part of rmgauge shares: items (what a suite asks to have scored), scorers
// (what scores them), item records (one line of items.jsonl) and suite results (run.json).

export type Role = 'system' | 'user' | 'assistant';
export interface Message {
  role: Role;
  content: string;
}

/** One benchmark question, normalised. Every suite maps its dataset rows into items. */
export interface Item {
  /** Unique within the suite (ids repeat across languages in M-RewardBench: `${language}/${id}`). */
  key: string;
  /** The dataset's own id, as a string. */
  id: string;
  suite: string;
  subset: string;
  section?: string;
  language?: string;
  /** The prompt turns (system/user/assistant), without the completion being scored. */
  prompt: Message[];
  /** Candidate completions; the first `numCorrect` are the correct ones (chosen ++ rejected). */
  completions: string[];
  numCorrect: number;
  /** Suite-specific data (reference answer, Ties group, style index, label, ...). */
  meta?: Record<string, unknown>;
}

/** A conversation to score pointwise: the prompt turns plus the assistant completion. */
export interface ScoreRequest {
  prompt: Message[];
  completion: string;
  /** Where the request comes from, for scorers that look scores up (score files) or log. */
  itemKey?: string;
  itemId?: string;
  suite?: string;
  language?: string;
  index?: number;
  /**
   * Raw text: `completion` is the full, already templated prompt-and-response text (as OpenRLHF
   * sends it) and `prompt` is []. Score it as given: no chat template, no second rendering.
   */
  raw?: boolean;
}

export type JudgeRequest =
  | { protocol: 'pairwise'; prompt: Message[]; a: string; b: string; language?: string }
  | { protocol: 'kway'; prompt: Message[]; candidates: string[] }
  | { protocol: 'rating'; prompt: Message[]; completion: string }
  | { protocol: 'verify'; question: string; reference: string; candidate: string };

export interface JudgeVerdict {
  /** pairwise / kway: index of the chosen candidate (0 = A); null when unparseable. */
  choice?: number | null;
  /** rating: the parsed 1-10 rating; null when unparseable. */
  rating?: number | null;
  /** verify: true for YES, false for NO; null when unparseable. */
  yes?: boolean | null;
  /** A continuous score from logprobs where available (P(YES), P(chosen letter)). */
  prob?: number | null;
  /** 'A=B' style tie where a protocol allows it. */
  tie?: boolean;
  parseFailed: boolean;
  raw?: string;
  cached?: boolean;
}

export interface ScorerInfo {
  /** The spec as the user typed it, e.g. `onnx:./my-rm`. */
  spec: string;
  kind: string;
  /** A stable label used in tables and folder names. */
  label: string;
  /** Hash identifying the model (file sha, endpoint+model, score file sha, baseline seed). */
  fingerprint: string;
  /** Anything worth recording in run.json (versions, hashes, device, template hash). */
  details?: Record<string, unknown>;
}

export interface ScoreContext {
  signal?: AbortSignal;
}

/**
 * One interface, two capabilities. A suite asks for what it needs; a scorer that lacks it is
 * refused with a clear message (see `requireCapability`).
 */
export interface Scorer {
  info: ScorerInfo;
  /** Pointwise: a number per conversation, same order. NaN/Infinity must be reported as errors. */
  score?(requests: ScoreRequest[], ctx?: ScoreContext): Promise<number[]>;
  /** Judgement: answer a protocol request. */
  judge?(request: JudgeRequest, ctx?: ScoreContext): Promise<JudgeVerdict>;
  /** Counters and totals to put in run.json (truncations, cache hits, usage, cost, retries...). */
  stats?(): Record<string, unknown>;
  close?(): Promise<void>;
}

/** One line of items.jsonl: the outcome of one item for the run's model. */
export interface ItemRecord {
  suite: string;
  key: string;
  id: string;
  subset: string;
  section?: string;
  language?: string;
  /** Per-completion scores in the item's completion order (pointwise scorers, or judge ratings). */
  scores?: number[];
  /** The item's result in [0, 1] (1/k for RB2 ties at the top); null when it failed. */
  result: number | null;
  /** Judge verdicts and other protocol details. */
  verdicts?: unknown[];
  /** Suite-specific per-item data (probe transform, master key, style matrix...). */
  extra?: Record<string, unknown>;
  error?: string;
  /** The text, for reports: prompt (last user turn or joined turns) and completions. */
  prompt?: string;
  completions?: string[];
  numCorrect?: number;
  ms?: number;
}

export interface ScoreCell {
  score: number | null;
  n: number;
  errors: number;
  /** When score is null: why it cannot be computed. */
  reason?: string;
}

export interface SuiteResult extends ScoreCell {
  subsets: Record<string, ScoreCell>;
  sections?: Record<string, ScoreCell>;
  /** Suite-specific tables (language x category, per-key rates, RM-Bench matrix, ...). */
  tables?: Record<string, unknown>;
  /** Suite-specific scalar metrics beside the score (e.g. Ties components, English gap). */
  metrics?: Record<string, number | null>;
}
