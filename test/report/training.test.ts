// The training-side sections' data: curation summaries and ensemble side-by-side tables, read
// defensively, with hand-computed expectations.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { sideBySide } from '../../src/ensemble/agreement.js';
import { UserError } from '../../src/errors.js';
import { renderHtml } from '../../src/report/html.js';
import { buildReportData } from '../../src/report/index.js';
import { curationChart, curationView, ensembleView, loadCuration } from '../../src/report/training.js';
import { renderCurationHtml } from '../../src/report/curation-page.js';
import { readItemRecords } from '../../src/run/run-files.js';
import { curationSummary, HOSTILE } from './curation-fixture.js';
import { simpleAggregate, writeSyntheticRuns } from './synthetic.js';

describe('curation view', () => {
  it('maps the summary into bands in order, with facts and agreement', () => {
    const v = curationView(curationSummary(), 'summary.json');
    expect(v.mode).toBe('pairs');
    expect(v.bands.map((b) => [b.key, b.label, b.count, b.action, b.written])).toEqual([
      ['mislabeled', 'likely mislabeled', 2, 'flip', 2],
      ['ambiguous', 'ambiguous', 2, 'drop', 0],
      ['clear', 'clear', 5, 'keep', 5],
      ['very_easy', 'very easy', 1, 'keep', 1],
    ]);
    expect(v.bands[2]).toMatchObject({ muMin: 1, muMax: 3 });
    expect([v.rows, v.scored, v.written, v.flipped, v.dropped, v.malformed, v.failed]).toEqual([13, 10, 8, 2, 2, 2, 1]);
    expect(v.cutoffs).toBe('quantile: 0.2, 0.4, 0.9');
    expect(v.agreement).toMatchObject({ pairs: 10, allChosen: 0.6, allRejected: 0.2, split: 0.2, meanSigma: 0.45 });
    expect(v.agreement!.pairwise).toEqual([{ pair: `a vs b${HOSTILE}`, agreement: 0.8 }]);
    expect(v.agreement!.perMember.map((m) => m.member)).toEqual(['a', `b${HOSTILE}`]);
    // Untrusted text stays as data (escaped only when shown).
    expect(v.problems[0]).toEqual({ pos: 4, kind: 'malformed', field: '', problem: `invalid JSON near ${HOSTILE}` });
    expect(v.problems[2]).toEqual({ pos: 13, kind: 'failed', field: 'score', problem: 'no score for id "zz"' });
    expect(v.bestOfN).toBeNull();
  });

  it('the chart has one bar per band (pairs and written)', () => {
    const c = curationChart(curationView(curationSummary(), 's.json'), 3)!;
    expect(c.place).toBe('curation:3');
    const ds = (c.config.data as { datasets: Array<{ data: unknown[] }>; labels: string[] });
    expect(ds.labels).toEqual(['likely mislabeled (flip)', 'ambiguous (drop)', 'clear (keep)', 'very easy (keep)']);
    expect(ds.datasets[0].data).toEqual([2, 2, 5, 1]);
    expect(ds.datasets[1].data).toEqual([2, 0, 5, 1]);
  });

  it('survives wrong types, long strings, too many problems, and best-of-n summaries', () => {
    const v = curationView(
      { rows: 'seven', malformed: -3, failed: 2.7, problems: Array.from({ length: 80 }, (_, i) => ({ pos: i, problem: 'x'.repeat(1000) })), bands: { clear: 'nope', odd: { count: 4 } }, agreement: [] },
      'weird.json',
    );
    expect(v.rows).toBeNull();
    expect(v.malformed).toBe(0);
    expect(v.failed).toBe(2);
    expect(v.problems).toHaveLength(50);
    expect(v.problemsTruncated).toBe(true);
    expect(v.problems[0].problem.length).toBe(300);
    expect(v.bands.map((b) => [b.key, b.count])).toEqual([['mislabeled', 0], ['ambiguous', 0], ['clear', 0], ['very_easy', 0], ['odd', 4]]);
    expect(v.agreement).toBeNull();
    expect(curationChart(curationView({ mode: 'sft', lists: 3, below_floor: 1, tied: 0, mean_best_score: 0.5 }, 'b.json'), 0)).toBeNull();
    expect(curationView({ mode: 'sft', lists: 3, below_floor: 1, tied: 0, mean_best_score: 0.5 }, 'b.json').bestOfN).toEqual({ lists: 3, belowFloor: 1, tied: 0, meanBestScore: 0.5, floor: null });
    expect(() => curationView([1, 2], 'arr.json')).toThrow(UserError);
  });

  it('loadCuration names the file when it is missing or not JSON', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rmg-cur-'));
    writeFileSync(join(dir, 'bad.json'), '{nope');
    expect(() => loadCuration(join(dir, 'bad.json'))).toThrow(/bad\.json is not valid JSON/);
    expect(() => loadCuration(join(dir, 'missing.json'))).toThrow(/missing\.json not found/);
  });

  it('the standalone page embeds the data with no raw markup from the summary', () => {
    const html = renderCurationHtml(curationSummary(), 'summary.json');
    expect(html).not.toContain('<script>window.__pwned');
    expect(html).not.toContain('<img src=x');
    const json = /<script type="application\/json" id="report-data">(.*?)<\/script>/s.exec(html)![1];
    const data = JSON.parse(json);
    expect(data.page).toBe('curation');
    expect(data.curation[0].bands.map((b: { count: number }) => b.count)).toEqual([2, 2, 5, 1]);
    expect(data.charts).toHaveLength(1);
    expect(data.title).toMatch(/^rmgauge curate: /);
    // The title is escaped in <title>.
    expect(/<title>(.*)<\/title>/.exec(html)![1]).not.toMatch(/[<>"]/);
  });
});

describe('ensemble view', () => {
  const rec = (key: string, result: number, prompt?: string) => ({ suite: 's', key, id: key, subset: 'sub', result, ...(prompt ? { prompt } : {}) });

  it('reads the side-by-side table, orders member results by member, adds prompt previews', () => {
    // ensemble: k1 right, k2 wrong, k3 right; member a: 0, 0, 1; member b: 0, 1, 1.
    const ens = [rec('k1', 1, `  long\n prompt ${'y'.repeat(300)}`), rec('k2', 0, 'p2'), rec('k3', 1)];
    const table = sideBySide({ label: 'ensemble', records: ens }, [
      { label: 'a', records: [rec('k1', 0), rec('k2', 0), rec('k3', 1)] },
      { label: 'b', records: [rec('k1', 0), rec('k2', 1), rec('k3', 1)] },
    ]);
    const v = ensembleView({ ensemble: 'ens<b>', members: ['a', 'b'], suites: table }, 2, ens)!;
    expect(v.model).toBe(2);
    expect(v.label).toBe('ens<b>');
    const s = v.suites[0];
    expect(s).toMatchObject({ suite: 's', items: 3, allWrong: 1, allWrongEnsembleRight: 1, allRight: 1, ensembleWrongMemberRight: 1 });
    expect(s.ensembleScore).toBeCloseTo(2 / 3);
    expect(s.memberScores).toEqual([1 / 3, 2 / 3]);
    expect(s.membersAgree).toBeCloseTo(2 / 3);
    expect(s.pairwise).toEqual([{ pair: 'a vs b', agreement: 2 / 3 }]);
    expect(s.allWrongItems).toHaveLength(1);
    const item = s.allWrongItems[0];
    expect(item).toMatchObject({ key: 'k1', subset: 'sub', ensemble: 1, members: [0, 0] });
    expect(item.preview.startsWith('long prompt yyy')).toBe(true);
    expect(item.preview.length).toBe(160);
    expect(item.preview.endsWith('…')).toBe(true);
  });

  it('is null for something that is not a side-by-side table', () => {
    expect(ensembleView([], 0)).toBeNull();
    expect(ensembleView({ ensemble: 'x' }, 0)).toBeNull();
  });
});

describe('report data with curation and an ensemble run', () => {
  it('adds the sections, the chart, and a note for a broken side-by-side.json', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rmg-training-report-'));
    const dirs = writeSyntheticRuns(join(dir, 'runs'), { models: 3, items: 60, seed: 3 });
    const recs = dirs.map((d) => readItemRecords(join(d, 'items.jsonl')));
    const table = sideBySide({ label: 'ensemble', records: recs[0] }, [
      { label: 'm1', records: recs[1] },
      { label: 'm2', records: recs[2] },
    ]);
    writeFileSync(join(dirs[0], 'side-by-side.json'), JSON.stringify({ ensemble: 'ens', members: ['m1', 'm2'], suites: table }));
    writeFileSync(join(dirs[2], 'side-by-side.json'), '{broken');
    const summary = join(dir, 'summary.json');
    writeFileSync(summary, JSON.stringify(curationSummary()));
    const data = await buildReportData(dirs, { resamples: 0, curationFiles: [summary], resolveSuite: async () => ({ aggregate: simpleAggregate }) });
    expect(data.curation).toHaveLength(1);
    expect(data.curation![0].source).toBe('summary.json');
    expect(data.charts.filter((c) => c.place === 'curation:0')).toHaveLength(1);
    expect(data.ensembles).toHaveLength(1);
    expect(data.ensembles![0].model).toBe(0);
    const expectedWrong = Object.values(table).reduce((a, s) => a + s.all_members_wrong, 0);
    expect(data.ensembles![0].suites.reduce((a, s) => a + s.allWrong, 0)).toBe(expectedWrong);
    expect(data.notes.some((n) => n.includes('side-by-side.json: unreadable'))).toBe(true);
    const html = renderHtml(data);
    expect(html).not.toContain('<script>window.__pwned');
  });

  it('stops on a missing curation file before any work', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rmg-training-report-'));
    const dirs = writeSyntheticRuns(join(dir, 'runs'), { models: 1, items: 10, seed: 1 });
    await expect(buildReportData(dirs, { resamples: 0, curationFiles: [join(dir, 'nope.json')] })).rejects.toThrow(UserError);
  });
});

describe('rmgauge report --curation', () => {
  afterEach(() => vi.restoreAllMocks());

  it('adds one curation section per summary file; a missing file is a user error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rmg-training-cli-'));
    const dirs = writeSyntheticRuns(join(dir, 'runs'), { models: 1, items: 30, seed: 2 });
    const a = join(dir, 'a.json');
    const b = join(dir, 'b.json');
    writeFileSync(a, JSON.stringify(curationSummary()));
    writeFileSync(b, JSON.stringify({ ...curationSummary(), rows: 99 }));
    const html = join(dir, 'report.html');
    let err = '';
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
    expect(await main(['report', dirs[0], '--curation', a, '--curation', b, '-o', html, '--resamples', '0']), err).toBe(0);
    const data = JSON.parse(/<script type="application\/json" id="report-data">(.*?)<\/script>/s.exec(readFileSync(html, 'utf8'))![1]);
    expect(data.curation.map((c: { source: string; rows: number }) => [c.source, c.rows])).toEqual([['a.json', 13], ['b.json', 99]]);
    expect(data.charts.filter((c: { place: string }) => c.place.startsWith('curation:')).map((c: { place: string }) => c.place)).toEqual(['curation:0', 'curation:1']);
    err = '';
    expect(await main(['report', dirs[0], '--curation', join(dir, 'none.json'), '-o', html])).not.toBe(0);
    expect(err).toMatch(/none\.json not found/);
  }, 60_000);
});
