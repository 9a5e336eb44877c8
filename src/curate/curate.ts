// `rmgauge curate` on preference pairs, in bounded memory:
//   pass 1: stream rows → parse → score both sides with every member (batched) → μ, σ per pair,
//           written to a temporary JSONL beside the output; only the μ values stay in memory;
//   bands:  from all μ (quantiles need them all);
//   pass 2: stream the temporary file → band, action (keep / flip / drop), label smoothing → output.
import { createReadStream, rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Scorer, ScoreRequest } from '../types.js';
import { ProblemReport, JsonlWriter } from './io.js';
import { memberScoring, type MemberScores } from './members.js';
import { shapeReplies, type OutputFormat } from './output.js';
import { parsePair, type PreferencePair } from './pairs.js';
import { posUnit, readRows, rowFormatOf, toJsonLine } from './rows.js';
import { Agreement, assignBands, BANDS, labelSmoothing, preferenceStrength, type Actions, type BandCuts } from './strength.js';

export interface CurateOptions {
  data: string;
  out: string;
  scorer: Scorer;
  bands: BandCuts;
  actions: Actions;
  format: OutputFormat;
  batchSize: number;
  smoothingTemperature: number;
  limit?: number;
  log: (line: string) => void;
  /** Called after each scored batch with the rows read so far. */
  progress?: (rows: number) => void;
}

interface Pending {
  pos: number;
  pair: PreferencePair;
  shaped: Record<string, unknown>;
}

/** One scored pair in the temporary file. */
interface Scored {
  o: Record<string, unknown>;
  cs: number;
  rs: number;
  d: number[];
  mu: number;
  sigma: number;
}

class GrowableF64 {
  data = new Float64Array(1024);
  length = 0;
  push(x: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = x;
  }
  view(): Float64Array {
    return this.data.subarray(0, this.length);
  }
}

const requestsOf = (p: PreferencePair): ScoreRequest[] => [
  { prompt: p.prompt, completion: p.chosen, itemId: p.id, index: 0 },
  { prompt: p.prompt, completion: p.rejected, itemId: p.id, index: 1 },
];

export async function curatePairs(opts: CurateOptions): Promise<Record<string, unknown>> {
  const started = Date.now();
  const format = rowFormatOf(opts.data);
  const problems = new ProblemReport(opts.data, posUnit(format), opts.log);
  const scoring = memberScoring(opts.scorer);
  const agreement = new Agreement(scoring.names);
  const tmpFile = `${opts.out}.tmp-${process.pid}`;
  const tmp = new JsonlWriter(tmpFile);
  const mus = new GrowableF64();
  let rowsSeen = 0;

  const writeScored = async (batch: Pending[], s: MemberScores, offset: (i: number) => number): Promise<void> => {
    for (let i = 0; i < batch.length; i++) {
      const c = offset(i);
      const { d, mu, sigma } = preferenceStrength(
        s.members.map((m) => m[c]),
        s.members.map((m) => m[c + 1]),
      );
      agreement.add(d, sigma);
      mus.push(mu);
      const rec: Scored = { o: batch[i].shaped, cs: s.rewards[c], rs: s.rewards[c + 1], d, mu, sigma };
      await tmp.write(toJsonLine(rec));
    }
  };

  const flush = async (batch: Pending[]): Promise<void> => {
    if (batch.length === 0) return;
    try {
      const s = await scoring.score(batch.flatMap((b) => requestsOf(b.pair)));
      await writeScored(batch, s, (i) => 2 * i);
    } catch {
      // Find the bad rows: score each pair alone; the others go through.
      for (const b of batch) {
        let s: MemberScores;
        try {
          s = await scoring.score(requestsOf(b.pair));
        } catch (err) {
          problems.addError(b.pos, err, 'failed');
          continue;
        }
        await writeScored([b], s, () => 0);
      }
    }
  };

  try {
    let batch: Pending[] = [];
    for await (const src of readRows(opts.data)) {
      if (opts.limit !== undefined && rowsSeen >= opts.limit) break;
      rowsSeen++;
      if (src.error) {
        problems.add({ pos: src.pos, field: src.error.field, problem: src.error.problem, kind: 'malformed' });
        continue;
      }
      try {
        const pair = parsePair(src.row!, src.pos);
        const shaped = {
          id: pair.outId,
          ...shapeReplies(opts.format, pair.textual, pair.prompt, [
            ['chosen', pair.chosen],
            ['rejected', pair.rejected],
          ]),
        };
        for (const [k, v] of Object.entries(pair.rest)) if (!(k in shaped)) (shaped as Record<string, unknown>)[k] = v;
        batch.push({ pos: src.pos, pair, shaped });
      } catch (err) {
        problems.addError(src.pos, err, 'malformed');
        continue;
      }
      if (batch.length >= opts.batchSize) {
        await flush(batch);
        batch = [];
        opts.progress?.(rowsSeen);
      }
    }
    await flush(batch);
    await tmp.close();

    // Bands need every μ; then the second pass writes the output.
    const mu = mus.view();
    const bandOf = assignBands(mu, opts.bands);
    const perBand = BANDS.map(() => ({ count: 0, written: 0, muMin: Infinity, muMax: -Infinity }));
    let flipped = 0;
    let dropped = 0;
    const out = new JsonlWriter(opts.out);
    const rl = createInterface({ input: createReadStream(tmpFile, { encoding: 'utf8' }), crlfDelay: Infinity });
    let i = 0;
    for await (const line of rl) {
      if (!line) continue;
      const rec = JSON.parse(line) as Scored;
      const band = BANDS[bandOf[i]];
      const stats = perBand[bandOf[i]];
      i++;
      stats.count++;
      stats.muMin = Math.min(stats.muMin, rec.mu);
      stats.muMax = Math.max(stats.muMax, rec.mu);
      const action = opts.actions[band];
      if (action === 'drop') {
        dropped++;
        continue;
      }
      const flip = action === 'flip';
      if (flip) flipped++;
      stats.written++;
      const o = rec.o;
      const margin = flip ? -rec.mu : rec.mu;
      const row: Record<string, unknown> = {
        id: o.id,
        ...(o.prompt !== undefined ? { prompt: o.prompt } : {}),
        chosen: flip ? o.rejected : o.chosen,
        rejected: flip ? o.chosen : o.rejected,
        chosen_score: flip ? rec.rs : rec.cs,
        rejected_score: flip ? rec.cs : rec.rs,
        margin,
        margin_std: rec.sigma,
        member_margins: Object.fromEntries(scoring.names.map((n, m) => [n, flip ? -rec.d[m] : rec.d[m]])),
        label_smoothing: labelSmoothing(margin, opts.smoothingTemperature),
        band,
        flipped: flip,
      };
      for (const [k, v] of Object.entries(o)) if (!(k in row)) row[k] = v;
      await out.write(toJsonLine(row));
    }
    await out.close();

    const seconds = (Date.now() - started) / 1000;
    return {
      data: opts.data,
      out: opts.out,
      model: opts.scorer.info.spec,
      members: scoring.names,
      rows: rowsSeen,
      scored: mu.length,
      written: out.count,
      flipped,
      dropped,
      ...problems.summary(),
      bands: Object.fromEntries(
        BANDS.map((b, k) => [
          b,
          {
            count: perBand[k].count,
            action: opts.actions[b],
            written: perBand[k].written,
            mu_min: perBand[k].count ? perBand[k].muMin : null,
            mu_max: perBand[k].count ? perBand[k].muMax : null,
          },
        ]),
      ),
      cutoffs: opts.bands,
      agreement: agreement.summary(),
      seconds,
      rows_per_s: seconds > 0 ? rowsSeen / seconds : null,
      peak_rss_mb: process.resourceUsage().maxRSS / 1024,
    };
  } finally {
    rmSync(tmpFile, { force: true });
  }
}
