/** Options every scorer factory receives; each kind reads what concerns it. */
export interface ScorerOptions {
  /** Project root / working directory used to resolve relative paths. */
  cwd: string;
  seed: number;
  /** Directory for persistent caches (SQLite score and response caches). */
  cacheDir: string;
  noCache?: boolean;
  // ONNX
  device?: 'cpu' | 'cuda' | 'webgpu';
  maxLength?: number;
  truncationSide?: 'left' | 'right';
  maxBatchTokens?: number;
  variant?: string;
  /** Intra-op threads per session. */
  threads?: number;
  /** Parallel onnxruntime sessions (worker threads), each with its own copy of the weights. */
  sessions?: number;
  /** Cache the optimised ONNX graph under cacheDir (faster loads of large models). */
  graphCache?: boolean;
  /** Run the graph as exported, softmax NaN guards included (see onnx/nan-guard.ts). */
  keepNanGuards?: boolean;
  // Judges and remote servers
  configFile?: string;
  judgeKeyEnv?: string;
  judgeTemplate?: string;
  concurrency?: number;
  timeoutMs?: number;
  /** Overall budget for remote calls, in seconds. */
  budgetS?: number;
}
