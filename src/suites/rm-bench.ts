// RM-Bench: each item has three chosen and three rejected responses in the styles
// [concise, detailed plain, detailed markdown]; the 3×3 matrix of chosen[i] vs rejected[j] gives
// hard (upper triangle), normal (diagonal) and easy (lower triangle) accuracy. Records:
// subset = domain (safety-refuse and safety-response fold into safety), extra.matrix = the item's
// 3×3 matrix, result = the mean of its 9 comparisons (= mean of its hard, normal and easy).
import type { Item, Scorer } from '../types.js';
import { UserError } from '../errors.js';
import { aggregateRmBench, itemMatrix, matrixMean, type Matrix } from '../metrics/rm-bench.js';
import type { SuiteDeclaration } from './registry.js';
import type { ItemOutcome, Row, RowSource, SuiteDefinition, SuiteOptions } from './types.js';
import { fieldError, getId, getPrompt, getString, getStringList } from './fields.js';
import { requireCapability, scoreCompletions } from './pointwise.js';

export interface RmBenchParams {
  domains: string[];
  /** Upstream domain -> reported domain. */
  fold: Record<string, string>;
}

export function readRmBenchParams(decl: SuiteDeclaration): RmBenchParams {
  const p = (decl.params ?? {}) as Partial<RmBenchParams>;
  if (!Array.isArray(p.domains) || p.domains.length === 0) throw new UserError(`suite "${decl.name}": params.domains is required`);
  return { domains: p.domains, fold: p.fold ?? {} };
}

export function rmBenchItems(rows: Row[], source: RowSource, suite: string, params: RmBenchParams): Item[] {
  return rows.map((row, i) => {
    const ctx = { file: source.file, row: i + 1 };
    const raw = getString(row, 'domain', ctx);
    const domain = params.fold[raw] ?? raw;
    if (!params.domains.includes(domain)) {
      throw fieldError(ctx, 'domain', `unknown domain "${raw}" (expected ${[...params.domains, ...Object.keys(params.fold)].join(', ')})`);
    }
    const chosen = getStringList(row, 'chosen', ctx, { minLength: 3 });
    const rejected = getStringList(row, 'rejected', ctx, { minLength: 3 });
    if (chosen.length !== 3) throw fieldError(ctx, 'chosen', `expected exactly 3 responses, found ${chosen.length}`);
    if (rejected.length !== 3) throw fieldError(ctx, 'rejected', `expected exactly 3 responses, found ${rejected.length}`);
    const id = getId(row, 'id', ctx);
    return {
      key: id,
      id,
      suite,
      subset: domain,
      prompt: getPrompt(row, 'prompt', ctx),
      completions: [...chosen, ...rejected],
      numCorrect: 3,
      meta: { domain: raw },
    };
  });
}

async function judgeMatrix(item: Item, scorer: Scorer, opts: SuiteOptions): Promise<{ matrix: Matrix; verdicts: unknown[] }> {
  const { judgePairwiseItem } = await import('./judge-protocols.js');
  const matrix: Matrix = [[], [], []];
  const verdicts: unknown[] = [];
  const cells = [0, 1, 2].flatMap((i) => [0, 1, 2].map((j) => [i, j] as const));
  const outcomes = await Promise.all(
    cells.map(([i, j]) =>
      judgePairwiseItem({ ...item, key: `${item.key}/${i}${j}`, completions: [item.completions[i], item.completions[3 + j]], numCorrect: 1 }, scorer, opts),
    ),
  );
  outcomes.forEach((o, k) => {
    const [i, j] = cells[k];
    if (o.result === null || o.result === undefined) throw new Error(`comparison chosen[${i}] vs rejected[${j}] failed: ${o.error ?? 'no verdict'}`);
    matrix[i][j] = o.result;
    verdicts.push({ chosen: i, rejected: j, result: o.result, verdicts: o.verdicts });
  });
  return { matrix, verdicts };
}

export async function evaluateRmBench(item: Item, scorer: Scorer, opts: SuiteOptions): Promise<ItemOutcome> {
  const domain = item.meta?.domain;
  if (scorer.score) {
    const scores = await scoreCompletions(item, scorer);
    const matrix = itemMatrix(scores.slice(0, 3), scores.slice(3));
    return { scores, result: matrixMean(matrix), extra: { matrix, domain } };
  }
  requireCapability(scorer, 'judge', item.suite);
  const { matrix, verdicts } = await judgeMatrix(item, scorer, opts);
  return { result: matrixMean(matrix), verdicts, extra: { matrix, domain } };
}

export function rmBenchSuite(decl: SuiteDeclaration): SuiteDefinition {
  const params = readRmBenchParams(decl);
  return {
    name: decl.name,
    description: decl.description,
    datasets: decl.datasets,
    sample: decl.sample,
    toItems: (rows, source) => rmBenchItems(rows, source, decl.name, params),
    evaluate: evaluateRmBench,
    aggregate: (records) => aggregateRmBench(records, params.domains),
  };
}
