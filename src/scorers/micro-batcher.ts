// A generic micro-batcher: callers submit small groups of work items concurrently (one item's
// completions, one HTTP request's inputs); the batcher gathers everything that is pending, sorts it
// by cost (token length), cuts batches by a padded-cost budget (rows x longest row), runs them, and
// resolves each caller with its results in the caller's original order.
//
// Scheduling works in "generations": everything pending when a generation is formed is sorted and
// cut into batches; requests arriving meanwhile wait for the next one, which a free worker forms as
// soon as the current generation has no batch left to start. Long inputs are therefore never
// starved by a stream of short ones, and no worker idles while requests wait.

export interface MicroBatcherOptions<T, R> {
  /** Runs one batch; must return one result per input, in the same order. */
  runBatch: (batch: T[]) => Promise<R[]>;
  /** The cost of one input (its token length). Batches are padded to their longest input. */
  cost: (input: T) => number;
  /** Budget per batch: rows x longest cost. A single input over budget still runs, alone. */
  maxBatchTokens: number;
  /** Hard cap on rows per batch (default: unlimited). */
  maxBatchSize?: number;
  /** How long to wait for more requests before flushing (default 0: the next macrotask). */
  maxWaitMs?: number;
  /** Batches run at the same time (default 1: one inference engine using all cores). */
  concurrency?: number;
}

interface Pending<T, R> {
  input: T;
  cost: number;
  index: number;
  caller: Caller<R>;
}

interface Caller<R> {
  results: R[];
  remaining: number;
  failed: boolean;
  resolve: (r: R[]) => void;
  reject: (e: unknown) => void;
}

export interface MicroBatcherStats {
  batches: number;
  rows: number;
  /** Sum over batches of rows x longest cost (what the engine computed, padding included). */
  paddedCost: number;
  /** Sum of the inputs' own costs. */
  realCost: number;
}

/** Cuts inputs, already sorted by ascending cost, into runs whose padded cost fits the budget. */
export function cutBatches(costs: number[], maxBatchTokens: number, maxBatchSize = Infinity): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let start = 0;
  while (start < costs.length) {
    let end = start + 1;
    while (
      end < costs.length &&
      end - start < maxBatchSize &&
      (end - start + 1) * Math.max(1, costs[end]) <= maxBatchTokens
    ) {
      end++;
    }
    out.push([start, end]);
    start = end;
  }
  return out;
}

export class MicroBatcher<T, R> {
  private pending: Array<Pending<T, R>> = [];
  /** Batches of the current generation not yet started, in order. */
  private ready: Array<Array<Pending<T, R>>> = [];
  private workers = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  readonly stats: MicroBatcherStats = { batches: 0, rows: 0, paddedCost: 0, realCost: 0 };

  constructor(private readonly opts: MicroBatcherOptions<T, R>) {
    if (!(opts.maxBatchTokens > 0)) throw new Error(`maxBatchTokens must be positive, got ${opts.maxBatchTokens}`);
    if (opts.maxBatchSize !== undefined && !(opts.maxBatchSize >= 1)) {
      throw new Error(`maxBatchSize must be at least 1, got ${opts.maxBatchSize}`);
    }
  }

  /** Submits inputs; resolves with their results in the same order. */
  submit(inputs: T[]): Promise<R[]> {
    if (inputs.length === 0) return Promise.resolve([]);
    return new Promise<R[]>((resolve, reject) => {
      const caller: Caller<R> = { results: new Array(inputs.length), remaining: inputs.length, failed: false, resolve, reject };
      inputs.forEach((input, index) => {
        this.pending.push({ input, cost: this.opts.cost(input), index, caller });
      });
      this.schedule();
    });
  }

  /** Number of inputs waiting for a batch. */
  get queued(): number {
    return this.pending.length + this.ready.reduce((n, b) => n + b.length, 0);
  }

  private get limit(): number {
    return Math.max(1, this.opts.concurrency ?? 1);
  }

  private schedule(): void {
    if (this.timer || this.workers >= this.limit) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      while (this.workers < this.limit && (this.ready.length > 0 || this.pending.length > 0)) {
        this.workers++;
        void this.work();
      }
    }, this.opts.maxWaitMs ?? 0);
  }

  /** Everything pending becomes the next generation: sorted by cost, cut by the budget. */
  private nextGeneration(): void {
    const generation = this.pending;
    this.pending = [];
    // Stable sort by cost: equal-length inputs keep their arrival order.
    generation.sort((a, b) => a.cost - b.cost);
    for (const [s, e] of cutBatches(
      generation.map((p) => p.cost),
      this.opts.maxBatchTokens,
      this.opts.maxBatchSize,
    )) {
      this.ready.push(generation.slice(s, e));
    }
  }

  /**
   * One worker: runs ready batches; when the generation is used up it forms the next one at once,
   * so a free worker never waits for a slow batch of the previous generation to finish.
   */
  private async work(): Promise<void> {
    try {
      for (;;) {
        if (this.ready.length === 0) {
          if (this.pending.length === 0) return;
          this.nextGeneration();
        }
        await this.runOne(this.ready.shift()!);
      }
    } finally {
      this.workers--;
      if (this.pending.length > 0 || this.ready.length > 0) this.schedule();
    }
  }

  private async runOne(batch: Array<Pending<T, R>>): Promise<void> {
    // Inputs of callers that already failed are not worth computing.
    const live = batch.filter((p) => !p.caller.failed);
    if (live.length === 0) return;
    let results: R[];
    try {
      results = await this.opts.runBatch(live.map((p) => p.input));
      if (!Array.isArray(results) || results.length !== live.length) {
        throw new Error(`batch of ${live.length} returned ${Array.isArray(results) ? results.length : 'no'} results`);
      }
    } catch (err) {
      for (const p of live) fail(p.caller, err);
      return;
    }
    const maxCost = live.reduce((m, p) => Math.max(m, p.cost), 0);
    this.stats.batches++;
    this.stats.rows += live.length;
    this.stats.paddedCost += maxCost * live.length;
    for (let i = 0; i < live.length; i++) {
      const p = live[i];
      this.stats.realCost += p.cost;
      if (p.caller.failed) continue;
      p.caller.results[p.index] = results[i];
      if (--p.caller.remaining === 0) p.caller.resolve(p.caller.results);
    }
  }
}

function fail<R>(caller: Caller<R>, err: unknown): void {
  if (caller.failed) return;
  caller.failed = true;
  caller.reject(err);
}

