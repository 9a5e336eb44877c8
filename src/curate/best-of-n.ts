// Best-of-N (rejection sampling) from candidate lists, in one streaming pass:
//   sft: (prompt, best) rows — TRL prompt-completion — dropped when the best score is under --floor;
//   dpo: (prompt, best as chosen, worst as rejected) pairs; a list whose candidates all score the
//        same gives no pair (counted as tied), and --floor applies to the best.
import type { Scorer, ScoreRequest } from '../types.js';
import { JsonlWriter, ProblemReport } from './io.js';
import { memberScoring } from './members.js';
import { shapeReplies, type OutputFormat } from './output.js';
import { parseCandidates, type CandidateList } from './pairs.js';
import { posUnit, readRows, rowFormatOf, toJsonLine } from './rows.js';

export interface BestOfNOptions {
  data: string;
  out: string;
  scorer: Scorer;
  mode: 'sft' | 'dpo';
  floor?: number;
  format: OutputFormat;
  /** Candidates scored per model call (rows are not split across calls). */
  batchSize: number;
  limit?: number;
  log: (line: string) => void;
  progress?: (rows: number) => void;
}

interface Pending {
  pos: number;
  list: CandidateList;
}

/** Index of the first maximum and of the last minimum. */
export function bestAndWorst(scores: readonly number[]): { best: number; worst: number } {
  let best = 0;
  let worst = 0;
  for (let i = 1; i < scores.length; i++) {
    if (scores[i] > scores[best]) best = i;
    if (scores[i] <= scores[worst]) worst = i;
  }
  return { best, worst };
}

export async function bestOfN(opts: BestOfNOptions): Promise<Record<string, unknown>> {
  const started = Date.now();
  const problems = new ProblemReport(opts.data, posUnit(rowFormatOf(opts.data)), opts.log);
  const scoring = memberScoring(opts.scorer);
  const out = new JsonlWriter(opts.out);
  let rows = 0;
  let lists = 0;
  let belowFloor = 0;
  let tied = 0;
  let bestSum = 0;

  const emit = async (p: Pending, scores: number[]): Promise<void> => {
    lists++;
    const { best, worst } = bestAndWorst(scores);
    bestSum += scores[best];
    if (opts.floor !== undefined && scores[best] < opts.floor) {
      belowFloor++;
      return;
    }
    const { list } = p;
    let row: Record<string, unknown>;
    if (opts.mode === 'sft') {
      row = {
        id: list.outId,
        ...shapeReplies(opts.format, list.textual, list.prompt, [['completion', list.candidates[best]]]),
        score: scores[best],
        best_index: best,
        scores,
      };
    } else {
      if (scores[best] === scores[worst]) {
        tied++;
        return;
      }
      row = {
        id: list.outId,
        ...shapeReplies(opts.format, list.textual, list.prompt, [
          ['chosen', list.candidates[best]],
          ['rejected', list.candidates[worst]],
        ]),
        chosen_score: scores[best],
        rejected_score: scores[worst],
        margin: scores[best] - scores[worst],
        chosen_index: best,
        rejected_index: worst,
        scores,
      };
    }
    for (const [k, v] of Object.entries(list.rest)) if (!(k in row)) row[k] = v;
    await out.write(toJsonLine(row));
  };

  const requestsOf = (l: CandidateList): ScoreRequest[] =>
    l.candidates.map((completion, index) => ({ prompt: l.prompt, completion, itemId: l.id, index }));

  const flush = async (batch: Pending[]): Promise<void> => {
    if (batch.length === 0) return;
    try {
      const s = await scoring.score(batch.flatMap((b) => requestsOf(b.list)));
      let at = 0;
      for (const b of batch) {
        const n = b.list.candidates.length;
        await emit(b, s.rewards.slice(at, at + n));
        at += n;
      }
    } catch {
      for (const b of batch) {
        let scores: number[];
        try {
          scores = (await scoring.score(requestsOf(b.list))).rewards;
        } catch (err) {
          problems.addError(b.pos, err, 'failed');
          continue;
        }
        await emit(b, scores);
      }
    }
  };

  let batch: Pending[] = [];
  let pendingCandidates = 0;
  for await (const src of readRows(opts.data)) {
    if (opts.limit !== undefined && rows >= opts.limit) break;
    rows++;
    if (src.error) {
      problems.add({ pos: src.pos, field: src.error.field, problem: src.error.problem, kind: 'malformed' });
      continue;
    }
    let list: CandidateList;
    try {
      list = parseCandidates(src.row!, src.pos);
      // Check the output shape now, so a row that cannot be written is reported as malformed.
      shapeReplies(opts.format, list.textual, list.prompt, []);
    } catch (err) {
      problems.addError(src.pos, err, 'malformed');
      continue;
    }
    batch.push({ pos: src.pos, list });
    pendingCandidates += list.candidates.length;
    if (pendingCandidates >= opts.batchSize) {
      await flush(batch);
      batch = [];
      pendingCandidates = 0;
      opts.progress?.(rows);
    }
  }
  await flush(batch);
  await out.close();
  const seconds = (Date.now() - started) / 1000;
  return {
    data: opts.data,
    out: opts.out,
    model: opts.scorer.info.spec,
    mode: opts.mode,
    floor: opts.floor ?? null,
    rows,
    lists,
    written: out.count,
    below_floor: belowFloor,
    tied,
    mean_best_score: lists ? bestSum / lists : null,
    ...problems.summary(),
    seconds,
    rows_per_s: seconds > 0 ? rows / seconds : null,
  };
}
