// `onnx:<dir>`: a local Hugging Face ONNX export of a sequence-classification reward model, run
// in-process with onnxruntime-node. Requests from concurrent callers are gathered by the
// micro-batcher (length-sorted, token-budget batches); scores are cached persistently by model
// fingerprint + exact token ids.
import { statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { availableParallelism } from 'node:os';
import * as ort from 'onnxruntime-node';
import { sha256Hex } from '../../cache/kv-store.js';
import { UserError } from '../../errors.js';
import type { Scorer, ScoreRequest } from '../../types.js';
import type { ScorerOptions } from '../types.js';
import { MicroBatcher, type Prepared } from '../micro-batcher.js';
import { ConversationEncoder, type Encoded } from './encode.js';
import { readLayout } from './layout.js';
import type { Device } from './session.js';
import { SessionPool, defaultSessions, PARALLEL_SESSIONS_MAX_WEIGHTS } from './session-pool.js';
import { attentionMayMaskWholeRows } from './nan-guard.js';
import { ScoreCache, fingerprintFiles } from './score-cache.js';
import { checkBatchParity } from './parity-check.js';

export const DEFAULT_MAX_LENGTH = 2048;
/**
 * Batch budgets (rows x longest row). On CPU small batches run about as fast per token as large
 * ones and waste less on padding and on attention over padded length (measured on 2 cores:
 * 1024-2048 best, 16384 about 40% slower); GPUs want large batches.
 */
export const DEFAULT_MAX_BATCH_TOKENS = { cpu: 2048, gpu: 16384 } as const;

/** One conversation to score; encoded when its generation of batches is formed. */
interface Row {
  req: ScoreRequest;
  enc?: Encoded;
  key?: string;
}

/** Instrumentation for benchmarks: sees every batch the scorer runs, in order. */
export interface OnnxScorerHooks {
  onBatch?(rows: Encoded[]): void;
  /** After the batch ran: milliseconds spent building feeds and in session.run. */
  onBatchDone?(rows: Encoded[], ms: number): void;
}

export async function createOnnxScorer(ref: string, spec: string, opts: ScorerOptions, hooks: OnnxScorerHooks = {}): Promise<Scorer> {
  const device: Device = opts.device ?? 'cpu';
  if (!['cpu', 'cuda', 'webgpu'].includes(device)) throw new UserError(`--device must be cpu, cuda or webgpu, got "${device}"`);
  const maxLength = opts.maxLength ?? DEFAULT_MAX_LENGTH;
  const truncationSide = opts.truncationSide ?? 'left';
  if (truncationSide !== 'left' && truncationSide !== 'right') {
    throw new UserError(`--truncation-side must be left or right, got "${String(truncationSide)}"`);
  }
  const maxBatchTokens = opts.maxBatchTokens ?? DEFAULT_MAX_BATCH_TOKENS[device === 'cpu' ? 'cpu' : 'gpu'];
  if (!(Number.isInteger(maxBatchTokens) && maxBatchTokens > 0)) {
    throw new UserError(`--max-batch-tokens must be a positive integer, got ${maxBatchTokens}`);
  }
  if (opts.sessions !== undefined && !(Number.isInteger(opts.sessions) && opts.sessions > 0)) {
    throw new UserError(`--sessions must be a positive integer, got ${opts.sessions}`);
  }
  if (opts.threads !== undefined && !(Number.isInteger(opts.threads) && opts.threads > 0)) {
    throw new UserError(`--threads must be a positive integer, got ${opts.threads}`);
  }

  const layout = readLayout(ref, opts.cwd, opts.variant);
  const files = [layout.modelFile, ...layout.dataFiles];
  const cores = availableParallelism();
  const weightsBytes = files.reduce((sum, f) => sum + statSync(f).size, 0);
  const sessions = opts.sessions ?? defaultSessions(device, weightsBytes, cores);
  const threads = opts.threads ?? Math.max(1, Math.floor(cores / sessions));
  const cache = opts.noCache ? undefined : new ScoreCache(join(opts.cacheDir, 'scores.sqlite'));
  const fingerprint = await fingerprintFiles(files, cache);
  // Worth it for small models, where attention's element-wise work is a large share (nan-guard.ts);
  // the rewrite reads the whole graph into memory, and cannot follow external data.
  const elideNanGuards =
    !opts.keepNanGuards &&
    layout.dataFiles.length === 0 &&
    weightsBytes <= PARALLEL_SESSIONS_MAX_WEIGHTS &&
    !attentionMayMaskWholeRows(layout.config, maxLength);
  const optimizedGraphFile = opts.graphCache
    ? join(opts.cacheDir, 'onnx-graphs', `${fingerprint.slice(0, 24)}-${device}-t${threads}${elideNanGuards ? '-ng' : ''}.onnx`)
    : undefined;
  // Tokenize as requests arrive, while the sessions run, unless one CPU session's intra-op threads
  // spin on the cores (tokenizing then stalled them: 1.9-2.5x slower on 2 cores). Then each session
  // is also handed its next batch while it runs one.
  const prepareOnSubmit = device !== 'cpu' || threads === 1;
  let pool: SessionPool;
  try {
    pool = await SessionPool.open({ modelFile: layout.modelFile, device, threads, optimizedGraphFile, elideNanGuards }, sessions, prepareOnSubmit ? 2 : 1);
  } catch (err) {
    cache?.close();
    throw err;
  }
  const graph = pool.graph;
  let encoder: ConversationEncoder;
  try {
    const pairMode = graph.hasTokenTypes || !layout.chatTemplate;
    encoder = new ConversationEncoder({
      tokenizerJson: layout.tokenizerJson,
      tokenizerConfig: layout.tokenizerConfig,
      config: layout.config,
      chatTemplate: layout.chatTemplate,
      pairMode,
      maxLength,
      truncationSide,
    });
  } catch (err) {
    await pool.close();
    cache?.close();
    throw err;
  }

  const warnings: string[] = [];
  let padId = encoder.padId;
  let maxBatchSize: number | undefined;
  if (padId === undefined) {
    if (encoder.pairMode) {
      padId = 0; // encoders pool [CLS]; the pad value only has to be a valid id under a zero mask
    } else {
      maxBatchSize = 1;
      warnings.push(
        'no pad token id (config.json pad_token_id or tokenizer pad_token): a decoder reward model pools the last non-pad token, so batches larger than 1 would be wrong; scoring one sequence at a time',
      );
    }
  }
  const pad = padId ?? 0;
  const run = async (rows: Encoded[]): Promise<number[]> => {
    if (maxBatchSize === 1 && rows.length > 1) {
      throw new UserError(`refusing a batch of ${rows.length}: this decoder model has no pad token id, so only batches of 1 are correct`);
    }
    return pool.run(rows, pad);
  };
  if (!encoder.pairMode && maxBatchSize === undefined) {
    let problem: string | undefined;
    try {
      problem = await checkBatchParity(encoder, run);
    } catch (err) {
      await pool.close();
      cache?.close();
      throw err;
    }
    if (problem) {
      maxBatchSize = 1;
      warnings.push(`${problem} (pad id ${pad}${pad === encoder.eosId ? ', equal to EOS' : ''}); scoring one sequence at a time`);
    }
  }
  for (const w of warnings) process.stderr.write(`rmgauge: ${basename(layout.dir)}: warning: ${w}\n`);

  const ns = `onnx:${fingerprint}`;
  const counters = { completions: 0, truncated: 0, tokens: 0 };
  // Tokenizes and looks up the cache: on submit, or when a generation of batches is formed (see
  // prepareOnSubmit below).
  const prepare = (rows: Row[]): Array<Prepared<number>> =>
    rows.map((row) => {
      try {
        const enc = encoder.encode(row.req);
        row.enc = enc;
        row.key = rowKey(enc);
        counters.completions++;
        counters.tokens += enc.ids.length;
        if (enc.truncated) counters.truncated++;
      } catch (err) {
        return { error: err };
      }
      const hit = cache?.get(ns, row.key);
      return hit === undefined ? undefined : { value: hit };
    });
  const batcher = new MicroBatcher<Row, number>({
    prepare,
    dedupeKey: (r) => r.key!,
    cost: (r) => r.enc!.ids.length,
    maxBatchTokens,
    maxBatchSize,
    // Each session runs in its own worker thread, with a batch queued behind the running one
    // when batches are prepared on submit.
    concurrency: pool.size * pool.depth,
    prepareOnSubmit,
    runBatch: async (rows) => {
      const encs = rows.map((r) => r.enc!);
      hooks.onBatch?.(encs);
      const t0 = performance.now();
      const scores = await run(encs);
      hooks.onBatchDone?.(encs, performance.now() - t0);
      cache?.putMany(ns, rows.map((r, i) => [r.key!, scores[i]]));
      return scores;
    },
  });

  const label = basename(layout.dir) + (layout.variant ? `_${layout.variant}` : '');
  const scorer: Scorer = {
    info: {
      spec,
      kind: 'onnx',
      label,
      fingerprint,
      details: {
        modelFile: basename(layout.modelFile),
        modelSha256: fingerprint,
        externalData: layout.dataFiles.map((f) => basename(f)),
        tokenizerHash: layout.tokenizerHash,
        templateHash: layout.chatTemplate && !encoder.pairMode ? sha256Hex(layout.chatTemplate) : null,
        templateSource: encoder.pairMode ? null : layout.templateSource,
        encoding: encoder.pairMode ? 'text-pair' : 'chat-template',
        variant: layout.variant ?? null,
        device,
        sessions: pool.size,
        threads,
        maxLength,
        truncationSide,
        maxBatchTokens,
        padTokenId: padId ?? null,
        nanGuardsElided: pool.nanGuardsElided,
        inputs: graph.names,
        onnxruntime: ort.env.versions?.node ?? null,
        warnings,
      },
    },
    async score(requests: ScoreRequest[]): Promise<number[]> {
      for (const r of requests) {
        if (!r || typeof r.completion !== 'string') throw new UserError('each score request needs a string completion');
      }
      return batcher.submit(requests.map((req) => ({ req })));
    },
    stats() {
      const b = batcher.stats;
      return {
        completions: counters.completions,
        truncated: counters.truncated,
        cacheHits: b.resolvedEarly,
        computed: b.rows,
        deduplicated: b.deduplicated,
        tokens: counters.tokens,
        batches: b.batches,
        computedTokens: b.realCost,
        paddedTokens: b.paddedCost,
        // Named *Ratio so that run.json's counter merge (resume) does not add it up.
        paddingRatio: b.realCost > 0 ? Number((b.paddedCost / b.realCost - 1).toFixed(4)) : 0,
        guardedBatches: pool.guardedBatches,
      };
    },
    async close() {
      await pool.close();
      cache?.close();
    },
  };
  return scorer;
}

/** The cache key: the exact inputs the graph sees (ids, segment ids, masked BOS). */
export function rowKey(e: Encoded): string {
  const parts = [e.ids.join(',')];
  if (e.typeIds) parts.push('t' + e.typeIds.join(','));
  if (e.maskedPrefix) parts.push('m' + e.maskedPrefix);
  return sha256Hex(parts.join('|'));
}
