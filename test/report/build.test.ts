import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { buildReportData } from '../../src/report/build.js';
import { agreementMatrix, keyed } from '../../src/report/analysis.js';
import { jsonForScript } from '../../src/report/escape.js';
import { renderHtml } from '../../src/report/html.js';
import { truncateText } from '../../src/report/items.js';
import type { ItemRecord } from '../../src/types.js';
import { PAYLOAD, simpleAggregate, writeSyntheticRuns } from './synthetic.js';

const resolveSuite = async () => ({ description: 'd', aggregate: simpleAggregate });
const tmp = () => mkdtempSync(join(tmpdir(), 'rmgauge-report-'));

/** A run directory with the given records (run.json results from simpleAggregate). */
function writeRun(dir: string, label: string, records: ItemRecord[]): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'items.jsonl'), records.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const suites = [...new Set(records.map((r) => r.suite))];
  writeFileSync(
    join(dir, 'run.json'),
    JSON.stringify({
      schema_version: 1,
      run_id: label,
      status: 'complete',
      created_at: 'now',
      harness: { name: 'rmgauge', version: '0', git_commit: null, node: 'v20' },
      config: { suites, model: label, data: null, limit: null, seed: 1, concurrency: 1, options: {} },
      seed: 1,
      model: { spec: label, kind: 'x', label, fingerprint: label },
      datasets: {},
      timings: { total_s: 1, suites: {} },
      scorer_stats: {},
      results: Object.fromEntries(suites.map((s) => [s, simpleAggregate(records.filter((r) => r.suite === s))])),
    }),
  );
  return dir;
}

const rec = (key: string, result: number | null, extra: Partial<ItemRecord> = {}): ItemRecord => ({
  suite: 's',
  key,
  id: key,
  subset: 'a',
  result,
  prompt: `prompt ${key}`,
  completions: [`good ${key}`, `bad ${key}`],
  numCorrect: 1,
  ...extra,
});

describe('escaping for the page', () => {
  it('jsonForScript leaves no "<" and round-trips', () => {
    const v = { t: `${PAYLOAD} <!-- \u2028 & >` };
    const s = jsonForScript(v);
    expect(s).not.toMatch(/[<>&\u2028]/);
    expect(JSON.parse(s)).toEqual(v);
  });

  it('truncates long texts with a visible marker, not splitting a surrogate pair', () => {
    expect(truncateText('abcdef', 10)).toEqual({ text: 'abcdef', truncated: false });
    const t = truncateText('abcdef', 4);
    expect(t.text).toBe('abcd\n… [truncated: 2 more characters]');
    const emoji = truncateText('ab😀cd', 3); // the emoji is 2 UTF-16 units at 2..3
    expect(emoji.text.startsWith('ab\n')).toBe(true);
  });
});

describe('buildReportData', () => {
  it('gives the same intervals whatever order the run wrote its items in', async () => {
    const d = tmp();
    const records = Array.from({ length: 30 }, (_, i) => rec(String(i + 1), (i * 7) % 3 === 0 ? 0 : 1));
    // items.jsonl is in completion order, which depends on timing: here, reversed and interleaved.
    const shuffled = [...records].reverse().sort((a, b) => (Number(a.key) % 4) - (Number(b.key) % 4));
    const a = writeRun(join(d, 'a'), 'a', records);
    const b = writeRun(join(d, 'b'), 'b', shuffled);
    const [da, db] = await Promise.all([a, b].map((dir) => buildReportData([dir], { resolveSuite, resamples: 300 })));
    const cell = (x: typeof da) => x.suites[0].rows.find((r) => r.name === 'score')!.cells[0]!;
    expect(cell(da).lo).toBeDefined();
    expect(cell(db)).toEqual(cell(da));
  });

  it('paired deltas against a baseline, by hand', async () => {
    const d = tmp();
    const base = writeRun(join(d, 'base'), 'base', [rec('1', 1), rec('2', 0), rec('3', 0), rec('4', 0)]);
    const m = writeRun(join(d, 'm'), 'm', [rec('4', 1), rec('3', 1), rec('2', 0), rec('1', 1), rec('5', 1)]);
    const data = await buildReportData([m], { baselineDirs: [base], resolveSuite, resamples: 200 });
    const row = data.suites[0].rows.find((r) => r.name === 'score')!;
    // The model's own score uses all 5 items: 4/5; the delta only the 4 matched: 3/4 − 1/4.
    expect(row.cells[0]!.score).toBeCloseTo(0.8, 12);
    expect(row.cells[0]!.delta).toBeCloseTo(0.5, 12);
    expect(row.baseline!.score).toBeCloseTo(0.25, 12);
    expect(data.suites[0].baseline).toEqual({ label: 'base', matched: [4] });
    expect(row.cells[0]!.dlo!).toBeLessThanOrEqual(0.5);
    expect(row.cells[0]!.dhi!).toBeGreaterThanOrEqual(0.5);
  });

  it('dedupes texts across models and records every model\'s outcome', async () => {
    const d = tmp();
    const a = writeRun(join(d, 'a'), 'a', [rec('1', 1, { scores: [2, 1] }), rec('2', 0, { scores: [0, 1] })]);
    const b = writeRun(join(d, 'b'), 'b', [rec('1', 0, { scores: [1, 3] }), rec('3', null, { error: 'boom' })]);
    const data = await buildReportData([a, b], { resolveSuite, resamples: 0 });
    const it = data.items;
    expect(it.n).toBe(3);
    // prompt + 2 completions for items 1..3, plus the error message: 10 texts, no duplicates.
    expect(it.textCount).toBe(10);
    expect(new Set(it.texts).size).toBe(10);
    expect(it.result).toEqual([
      [1, 0, null],
      [0, null, -1],
    ]);
    expect(it.texts![it.errors[1][2]]).toBe('boom');
    expect(it.scores[0][0]).toEqual([2, 1]);
    expect(data.agreement[0][1]).toBe(0); // item 1: right vs wrong; no other common scored item
  });

  it('compresses the texts when asked (gzip + base64 of the JSON array)', async () => {
    const d = tmp();
    const a = writeRun(join(d, 'a'), 'a', [rec('1', 1), rec('2', 0)]);
    const data = await buildReportData([a], { resolveSuite, resamples: 0, compressTexts: true });
    expect(data.items.texts).toBeNull();
    const texts = JSON.parse(gunzipSync(Buffer.from(data.items.textsGz!, 'base64')).toString('utf8'));
    expect(texts).toEqual(['prompt 1', 'good 1', 'bad 1', 'prompt 2', 'good 2', 'bad 2']);
  });

  it('without an aggregate function: the run\'s own numbers, no intervals, and a note', async () => {
    const d = tmp();
    const a = writeRun(join(d, 'a'), 'a', [rec('1', 1), rec('2', 0)]);
    const data = await buildReportData([a], { resolveSuite: async () => null });
    const su = data.suites[0];
    expect(su.rows.find((r) => r.name === 'score')!.cells[0]).toMatchObject({ score: 0.5 });
    expect(su.rows.find((r) => r.name === 'score')!.cells[0]!.lo).toBeUndefined();
    expect(su.note).toMatch(/no aggregate function/);
  });

  it('calibration for scalar models only', async () => {
    const d = tmp();
    const scalar = Array.from({ length: 20 }, (_, i) => rec(String(i), i % 3 ? 1 : 0, { scores: i % 3 ? [1 + i / 10, 0] : [0, 1] }));
    const judged = scalar.map((r) => ({ ...r, verdicts: [{ choice: 0, parseFailed: false }] }));
    const a = writeRun(join(d, 'a'), 'a', scalar);
    const b = writeRun(join(d, 'b'), 'b', judged);
    const data = await buildReportData([a, b], { resolveSuite, resamples: 0 });
    const cal = data.suites[0].calibration!;
    expect(cal[0]!.raw.n).toBe(20);
    expect(cal[1]).toBeNull();
    expect(data.suites[0].margins!.counts[0]!.reduce((x, y) => x + y, 0)).toBe(20);
    expect(data.charts.map((c) => c.id)).toEqual(['leaderboard', 'bars-s', 'margins-s', 'reliability-s']);
  });

  it('the page embeds hostile text only as escaped JSON', async () => {
    const d = tmp();
    const dirs = writeSyntheticRuns(d, { models: 2, items: 40, payload: true });
    const html = renderHtml(await buildReportData(dirs, { resolveSuite, resamples: 20 }));
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('window.__pwned=1</script>');
    const json = /<script type="application\/json" id="report-data">([^]*?)<\/script>/.exec(html)![1];
    expect(json).not.toContain('<');
    expect(JSON.stringify(JSON.parse(json))).toContain('window.__pwned=1');
    expect(html).toContain('Chart.js'); // chart.js bundled in
    expect(html).not.toMatch(/<script[^>]+src=/);
    expect(html).not.toMatch(/<link[^>]+href=/);
  });
});

describe('agreementMatrix', () => {
  it('share of common scored items with equal results', () => {
    const a = keyed([rec('1', 1), rec('2', 0), rec('3', 0.5), rec('4', null)]);
    const b = keyed([rec('1', 1), rec('2', 1), rec('3', 0.5), rec('4', 1)]);
    const c = keyed([rec('9', 1)]);
    const m = agreementMatrix([a, b, c]);
    expect(m[0][1]).toBeCloseTo(2 / 3, 12); // items 1, 3 agree; 2 not; 4 failed in a
    expect(m[1][0]).toBe(m[0][1]);
    expect(m[0][0]).toBe(1);
    expect(m[0][2]).toBeNull();
  });
});

describe('run metadata', () => {
  it('counts failures and unparsed verdicts, and notes incomplete runs', async () => {
    const d = tmp();
    const a = writeRun(join(d, 'a'), 'a', [
      rec('1', 1, { verdicts: [{ choice: 0, parseFailed: false }, { choice: null, parseFailed: true }] }),
      rec('2', null, { error: 'timeout' }),
      rec('3', null, { error: 'timeout' }),
    ]);
    const runFile = join(a, 'run.json');
    const run = JSON.parse(readFileSync(runFile, 'utf8'));
    writeFileSync(runFile, JSON.stringify({ ...run, status: 'running' }));
    const data = await buildReportData([a], { resolveSuite, resamples: 0 });
    expect(data.models[0].meta.counts).toEqual({
      records: 3,
      failed: 2,
      verdict_parse_failures: 1,
      top_errors: [{ n: 2, message: 'timeout' }],
    });
    expect(data.models[0].meta).not.toHaveProperty('results');
    expect(data.notes).toEqual(['a: the run is not complete (status "running"); its numbers cover the items finished so far']);
  });
});
