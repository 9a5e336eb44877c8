// A generic micro-batcher: callers submit small groups of work items concurrently (one item's
// completions, one HTTP request's inputs); the batcher gathers everything that is pending, sorts it
// by cost (token length), cuts batches by a padded-cost budget (rows x longest row), runs them, and
// resolves each caller with its results in the caller's original order.
//
// Scheduling works in "generations": everything pending when a generation is formed is prepared
// (e.g. tokenized and looked up in a cache), de-duplicated, sorted and cut into batches; requests
// arriving meanwhile wait for the next one, which a free worker forms as soon as the current
// generation has no batch left to start. Long inputs are therefore never starved by a stream of
// short ones, and no worker idles while requests wait. Preparing at generation time, between
// runs, keeps CPU-heavy preparation (tokenization) from competing with the engine's threads.

/** What `prepare` says about one input: its result is already known, it failed, or run it. */
export type Prepared<R> = { value: R } | { error: unknown } | undefined;

export interface MicroBatcherOptions<T, R> {
  /** Runs one batch; must return one result per input, in the same order. */
  runBatch: (batch: T[]) => Promise<R[]>;
  /** The cost of one input (its token length), read after `prepare`. Batches are padded to their longest input. */
  cost: (input: T) => number;
  /** Budget per batch: rows x longest cost. A single input over budget still runs, alone. */
  maxBatchTokens: number;
  /** Hard cap on rows per batch (default: unlimited). */
  maxBatchSize?: number;
  /** How long to wait for more requests before forming a generation (default 0: the next macrotask). */
  maxWaitMs?: number;
  /** Batches run at the same time (default 1; the ONNX scorer runs one per session). */
  concurrency?: number;
  /** Called once per generation on all its inputs, before costs are read (tokenize, look up a cache). */
  prepare?: (inputs: T[]) => Array<Prepared<R>>;
  /**
   * Prepare inputs as they are submitted instead of when their generation is formed. Right when
   * batches run in other threads (worker sessions, a GPU): preparation then overlaps the runs, and
   * no free worker waits for a whole generation to be tokenized. Wrong when the engine's own
   * threads spin on every core of this machine (one CPU session with many intra-op threads).
   */
  prepareOnSubmit?: boolean;
  /** Inputs of one generation with the same key are computed once. */
  dedupeKey?: (input: T) => string;
}

interface Pending<T, R> {
  input: T;
  cost: number;
  index: number;
  caller: Caller<R>;
  /** Identical inputs of the same generation, resolved with this one's result. */
  followers?: Array<Pending<T, R>>;
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
  /** Sum of the computed inputs' own costs. */
  realCost: number;
  /** Inputs answered by `prepare` without running (cache hits). */
  resolvedEarly: number;
  /** Inputs that shared the computation of an identical one. */
  deduplicated: number;
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
  /** Batches of the current generation not yet started, longest rows first. */
  private ready: Array<Array<Pending<T, R>>> = [];
  private workers = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  readonly stats: MicroBatcherStats = { batches: 0, rows: 0, paddedCost: 0, realCost: 0, resolvedEarly: 0, deduplicated: 0 };

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
      const entries = inputs.map((input, index): Pending<T, R> => ({ input, cost: 0, index, caller }));
      this.pending.push(...(this.opts.prepareOnSubmit ? this.prepareAll(entries) : entries));
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

  /** Everything pending becomes the next generation: prepared, de-duplicated, sorted, cut. */
  private nextGeneration(): void {
    let generation = this.pending.filter((p) => !p.caller.failed);
    this.pending = [];
    if (!this.opts.prepareOnSubmit) generation = this.prepareAll(generation);
    if (this.opts.dedupeKey) {
      const first = new Map<string, Pending<T, R>>();
      generation = generation.filter((p) => {
        const key = this.opts.dedupeKey!(p.input);
        const leader = first.get(key);
        if (!leader) {
          first.set(key, p);
          return true;
        }
        (leader.followers ??= []).push(p);
        this.stats.deduplicated++;
        return false;
      });
    }
    for (const p of generation) p.cost = this.opts.cost(p.input);
    // Stable sort by cost: equal-length inputs keep their arrival order.
    generation.sort((a, b) => a.cost - b.cost);
    const batches = cutBatches(
      generation.map((p) => p.cost),
      this.opts.maxBatchTokens,
      this.opts.maxBatchSize,
    ).map(([s, e]) => generation.slice(s, e));
    // Longest rows first: with several workers the generation then ends on short batches, so no
    // worker is left running one long batch alone while the others wait for the next generation.
    this.ready.push(...batches.reverse());
  }

  /** Runs `prepare` on entries; settles those it answers, returns the ones left to compute. */
  private prepareAll(entries: Array<Pending<T, R>>): Array<Pending<T, R>> {
    if (!this.opts.prepare) return entries;
    let prepared: Array<Prepared<R>>;
    try {
      prepared = this.opts.prepare(entries.map((p) => p.input));
    } catch (err) {
      for (const p of entries) fail(p.caller, err);
      return [];
    }
    return entries.filter((p, i) => {
      const r = prepared[i];
      if (r === undefined) return true;
      if ('error' in r) fail(p.caller, r.error);
      else {
        this.stats.resolvedEarly++;
        settle(p, r.value);
      }
      return false;
    });
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
          continue;
        }
        await this.runOne(this.ready.shift()!);
      }
    } finally {
      this.workers--;
      if (this.pending.length > 0 || this.ready.length > 0) this.schedule();
    }
  }

  private async runOne(batch: Array<Pending<T, R>>): Promise<void> {
    // Inputs whose callers all failed already are not worth computing.
    const live = batch.filter((p) => !p.caller.failed || p.followers?.some((f) => !f.caller.failed));
    if (live.length === 0) return;
    let results: R[];
    try {
      results = await this.opts.runBatch(live.map((p) => p.input));
      if (!Array.isArray(results) || results.length !== live.length) {
        throw new Error(`batch of ${live.length} returned ${Array.isArray(results) ? results.length : 'no'} results`);
      }
    } catch (err) {
      for (const p of live) {
        fail(p.caller, err);
        for (const f of p.followers ?? []) fail(f.caller, err);
      }
      return;
    }
    const maxCost = live.reduce((m, p) => Math.max(m, p.cost), 0);
    this.stats.batches++;
    this.stats.rows += live.length;
    this.stats.paddedCost += maxCost * live.length;
    for (let i = 0; i < live.length; i++) {
      this.stats.realCost += live[i].cost;
      settle(live[i], results[i]);
      for (const f of live[i].followers ?? []) settle(f, results[i]);
    }
  }
}

function settle<T, R>(p: Pending<T, R>, value: R): void {
  if (p.caller.failed) return;
  p.caller.results[p.index] = value;
  if (--p.caller.remaining === 0) p.caller.resolve(p.caller.results);
}

function fail<R>(caller: Caller<R>, err: unknown): void {
  if (caller.failed) return;
  caller.failed = true;
  caller.reject(err);
}
