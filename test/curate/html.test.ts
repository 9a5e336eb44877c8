// `rmgauge curate --html`: the summary as a standalone page, from a real curation run (scores:
// members, known margins), with and without --summary.
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { command } from '../../src/cli/commands/curate.js';

// Margins d = r(chosen) − r(rejected) of one member (rejected scores 0), μ = d:
//          p0  p1   p2  p3 p4 p5 p6 p7 p8 p9
const d = [-3, -2, -0.5, 0.1, 1, 1.5, 2, 2.5, 3, 10];
// fixed:0,1,5 → μ < 0 mislabeled (p0 p1 p2), < 1 ambiguous (p3), ≥ 5 very easy (p9), the rest clear (p4–p8).

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rmg-curate-html-'));
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterEach(() => vi.restoreAllMocks());

const HOSTILE = '<script>window.__pwned=1</script><img src=x onerror=alert(1)>';

function fixture(): { data: string; model: string } {
  writeFileSync(join(dir, 'a.jsonl'), d.map((x, i) => JSON.stringify({ id: `p${i}`, scores: [x, 0] })).join('\n') + '\n');
  const pair = (i: number) => JSON.stringify({ id: `p${i}`, prompt: `q${i}`, chosen: `good ${i}`, rejected: `bad ${i}` });
  const lines = [pair(0), pair(1), pair(2), pair(3), pair(4), JSON.stringify({ id: HOSTILE, prompt: HOSTILE, chosen: HOSTILE }), pair(5), pair(6), pair(7), pair(8), pair(9)];
  const data = join(dir, 'prefs.jsonl');
  writeFileSync(data, lines.join('\n') + '\n');
  return { data, model: `scores:${join(dir, 'a.jsonl')}` };
}

const embedded = (html: string) => JSON.parse(/<script type="application\/json" id="report-data">(.*?)<\/script>/s.exec(html)![1]);

describe('rmgauge curate --html', () => {
  it('writes a self-contained page with the band counts, actions and the bad row', async () => {
    const { data, model } = fixture();
    const page = join(dir, 'pages', 'curation.html');
    const summary = join(dir, 'summary.json');
    const code = await command.run(['--data', data, '--model', model, '--out', join(dir, 'out.jsonl'), '--bands', 'fixed:0,1,5',
      '--actions', 'mislabeled=flip,ambiguous=drop', '--summary', summary, '--html', page, '--quiet']);
    expect(code).toBe(0);
    const html = readFileSync(page, 'utf8');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    // chart.js is inline, nothing is fetched, and no markup from the data survives.
    expect(html).toContain('Chart.js');
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=/);
    expect(html).not.toContain('<script>window.__pwned');
    expect(html).not.toContain('<img src=x');
    const pageData = embedded(html);
    expect(pageData.page).toBe('curation');
    const v = pageData.curation[0];
    expect(v.source).toBe('summary.json');
    expect(v.bands.map((b: { key: string; count: number; action: string; written: number }) => [b.key, b.count, b.action, b.written])).toEqual([
      ['mislabeled', 3, 'flip', 3],
      ['ambiguous', 1, 'drop', 0],
      ['clear', 5, 'keep', 5],
      ['very_easy', 1, 'keep', 1],
    ]);
    expect([v.rows, v.scored, v.written, v.flipped, v.dropped, v.malformed, v.failed]).toEqual([11, 10, 9, 3, 1, 1, 0]);
    expect(v.problems).toEqual([{ pos: 6, kind: 'malformed', field: 'rejected', problem: expect.any(String) }]);
    expect(v.agreement.pairs).toBe(10);
    expect(v.agreement.allChosen).toBeCloseTo(0.7);
    // The page's data agrees with the JSON summary.
    const json = JSON.parse(readFileSync(summary, 'utf8'));
    expect(v.bands.map((b: { count: number }) => b.count)).toEqual(Object.values(json.bands).map((b) => (b as { count: number }).count));
    expect(pageData.charts[0].config.data.datasets[0].data).toEqual([3, 1, 5, 1]);
  });

  it('works without --summary (the page is named after the output) and for best-of-n dpo', async () => {
    const { data, model } = fixture();
    const page = join(dir, 'alone.html');
    expect(await command.run(['--data', data, '--model', model, '--out', join(dir, 'curated.jsonl'), '--html', page, '--quiet'])).toBe(0);
    expect(existsSync(join(dir, 'summary.json'))).toBe(false);
    expect(embedded(readFileSync(page, 'utf8')).curation[0].source).toBe('curated.jsonl');

    writeFileSync(join(dir, 's.jsonl'), [JSON.stringify({ id: 'a', scores: [0.2, 0.9] }), JSON.stringify({ id: 'b', scores: [1, 1] })].join('\n'));
    const lists = join(dir, 'lists.jsonl');
    writeFileSync(lists, [JSON.stringify({ id: 'a', prompt: 'qa', candidates: ['a0', 'a1'] }), JSON.stringify({ id: 'b', prompt: 'qb', candidates: ['b0', 'b1'] })].join('\n'));
    const bon = join(dir, 'bon.html');
    expect(await command.run(['--data', lists, '--model', `scores:${join(dir, 's.jsonl')}`, '--out', join(dir, 'dpo.jsonl'), '--best-of-n', 'dpo', '--html', bon, '--quiet'])).toBe(0);
    const b = embedded(readFileSync(bon, 'utf8'));
    expect(b.curation[0].mode).toBe('best-of-n dpo');
    // b's candidates score the same: no pair (tied); a gives one pair.
    expect(b.curation[0].bestOfN).toMatchObject({ lists: 2, tied: 1, meanBestScore: 0.95 });
    expect(b.curation[0].written).toBe(1);
    expect(b.charts).toEqual([]);
  });
});
