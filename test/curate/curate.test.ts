import { mkdtempSync, readFileSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { command } from '../../src/cli/commands/curate.js';

// Member margins d = r(chosen) − r(rejected) (rejected scores 0):
//         p0  p1  p2    p3    p4  p5   p6  p7   p8  p9
const dA = [-3, -2, -0.5, 0.1, 1, 1.5, 2, 2.5, 3, 10];
const dB = [-1, -2, 0.5, -0.1, 1, 2.5, 2, 3.5, 3, 8];
// μ:        -2  -2   0     0    1   2    2   3    3   9
// Default bands (n = 10): ranks 0–1 mislabeled (p0, p1), 2–3 ambiguous (p2, p3), 9 very easy (p9).

let dir: string;
let stderr: string[];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rmg-curate-'));
  stderr = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => {
    stderr.push(String(s));
    return true;
  });
});
afterEach(() => vi.restoreAllMocks());

const pair = (i: number) => JSON.stringify({ id: `p${i}`, prompt: `q${i}`, chosen: `good ${i}`, rejected: `bad ${i}`, source: 'test' });

function fixture(): { data: string; spec: string } {
  writeFileSync(join(dir, 'a.jsonl'), dA.map((d, i) => JSON.stringify({ id: `p${i}`, scores: [d, 0] })).join('\n') + '\n');
  writeFileSync(join(dir, 'b.jsonl'), dB.map((d, i) => JSON.stringify({ id: `p${i}`, scores: [d, 0] })).join('\n') + '\n');
  writeFileSync(join(dir, 'duo.yaml'), 'members:\n  - {name: a, model: "scores:a.jsonl"}\n  - {name: b, model: "scores:b.jsonl"}\naggregate: mean\n');
  const lines = [
    pair(0), pair(1), pair(2),
    '{"id": "broken", "prompt": ', // line 4: malformed JSON
    pair(3), pair(4), pair(5),
    JSON.stringify({ id: 'x', prompt: 'q', chosen: 'a' }), // line 8: no "rejected"
    pair(6), pair(7), pair(8), pair(9),
    JSON.stringify({ id: 'zz', prompt: 'q', chosen: 'a', rejected: 'b' }), // line 13: absent from the score files
  ];
  const data = join(dir, 'prefs.jsonl');
  writeFileSync(data, lines.join('\n') + '\n');
  return { data, spec: join(dir, 'duo.yaml') };
}

const readJsonl = (f: string) => readFileSync(f, 'utf8').trim().split('\n').map((l) => JSON.parse(l));

describe('rmgauge curate on preference pairs', () => {
  it('puts known mislabeled pairs in the mislabeled band, flips and drops by band, and reports bad lines', async () => {
    const { data, spec } = fixture();
    const out = join(dir, 'out', 'curated.jsonl');
    const summaryFile = join(dir, 'summary.json');
    const code = await command.run(['--data', data, '--model', `ensemble:${spec}`, '--out', out, '--summary', summaryFile, '--actions', 'mislabeled=flip,ambiguous=drop', '--batch-size', '4']);
    expect(code).toBe(0);
    const rows = readJsonl(out);
    expect(rows.map((r) => r.id)).toEqual(['p0', 'p1', 'p4', 'p5', 'p6', 'p7', 'p8', 'p9']);
    expect(rows.map((r) => r.band)).toEqual(['mislabeled', 'mislabeled', 'clear', 'clear', 'clear', 'clear', 'clear', 'very_easy']);
    const p0 = rows[0];
    expect(p0).toMatchObject({
      prompt: 'q0',
      chosen: 'bad 0',
      rejected: 'good 0',
      chosen_score: 0,
      rejected_score: -2, // the ensemble mean of −3 and −1
      margin: 2,
      margin_std: 1,
      member_margins: { a: 3, b: 1 },
      flipped: true,
      source: 'test',
    });
    expect(p0.label_smoothing).toBeCloseTo(0.11920292202211755, 12);
    expect(rows[7]).toMatchObject({ id: 'p9', chosen: 'good 9', margin: 9, margin_std: 1, flipped: false });

    const s = JSON.parse(readFileSync(summaryFile, 'utf8'));
    expect(s).toMatchObject({ rows: 13, scored: 10, written: 8, flipped: 2, dropped: 2, malformed: 2, failed: 1 });
    expect(s.bands.mislabeled).toMatchObject({ count: 2, action: 'flip', mu_min: -2, mu_max: -2 });
    expect(s.bands.ambiguous).toMatchObject({ count: 2, action: 'drop', written: 0, mu_min: 0, mu_max: 0 });
    expect(s.bands.clear.count).toBe(5);
    expect(s.bands.very_easy.count).toBe(1);
    expect(s.problems.map((p: { pos: number; field?: string }) => [p.pos, p.field])).toEqual([
      [4, undefined],
      [8, 'rejected'],
      [13, 'score'],
    ]);
    expect(s.agreement).toMatchObject({
      pairs: 10,
      all_members_prefer_chosen: 0.6,
      all_members_prefer_rejected: 0.2,
      members_split: 0.2,
      member_prefers_chosen: { a: 0.7, b: 0.7 },
      pairwise_sign_agreement: { 'a|b': 0.8 },
    });
    const err = stderr.join('');
    expect(err).toContain(`${data}: line 4: malformed JSON line`);
    expect(err).toContain(`${data}: line 8: field "rejected": missing`);
    expect(err).toMatch(/line 13: field "score": item id "zz" is absent/);
    expect(readdirSync(join(dir, 'out'))).toEqual(['curated.jsonl']); // the temporary file is gone
  });

  it('one scorer is one member (σ = 0); fixed cut-offs; messages format', async () => {
    const { data } = fixture();
    const out = join(dir, 'single.jsonl');
    const code = await command.run(['--data', data, '--model', `scores:${join(dir, 'a.jsonl')}`, '--out', out, '--bands', 'fixed:0,1,5', '--format', 'messages', '--quiet']);
    expect(code).toBe(0);
    const rows = readJsonl(out);
    expect(rows.map((r) => [r.id, r.band])).toEqual([
      ['p0', 'mislabeled'], ['p1', 'mislabeled'], ['p2', 'mislabeled'], ['p3', 'ambiguous'], ['p4', 'clear'],
      ['p5', 'clear'], ['p6', 'clear'], ['p7', 'clear'], ['p8', 'clear'], ['p9', 'very_easy'],
    ]);
    expect(rows[3]).toMatchObject({
      prompt: [{ role: 'user', content: 'q3' }],
      chosen: [{ role: 'assistant', content: 'good 3' }],
      rejected: [{ role: 'assistant', content: 'bad 3' }],
      margin: 0.1,
      margin_std: 0,
      member_margins: { a: 0.1 },
    });
  });

  it('reads CSV and writes full conversations (chat format)', async () => {
    fixture();
    const csv = join(dir, 'prefs.csv');
    writeFileSync(csv, 'id,prompt,chosen,rejected\np4,q4,good 4,bad 4\np9,"q9, with a comma",good 9,bad 9\n');
    const out = join(dir, 'chat.jsonl');
    expect(await command.run(['--data', csv, '--model', `scores:${join(dir, 'a.jsonl')}`, '--out', out, '--format', 'chat', '--quiet'])).toBe(0);
    const rows = readJsonl(out);
    expect(rows[1].chosen).toEqual([
      { role: 'user', content: 'q9, with a comma' },
      { role: 'assistant', content: 'good 9' },
    ]);
    expect(rows[1].prompt).toBeUndefined();
    expect(rows.map((r) => r.margin)).toEqual([1, 10]);
  });

  it('reads parquet one row group at a time (int64 ids kept as numbers)', async () => {
    fixture();
    writeFileSync(join(dir, 'n.jsonl'), dA.map((d, i) => JSON.stringify({ id: i, scores: [d, 0] })).join('\n'));
    const ids = dA.map((_, i) => BigInt(i));
    const buf = parquetWriteBuffer({
      columnData: [
        { name: 'id', data: ids, type: 'INT64' },
        { name: 'prompt', data: ids.map((i) => `q${i}`), type: 'STRING' },
        { name: 'chosen', data: ids.map((i) => `good ${i}`), type: 'STRING' },
        { name: 'rejected', data: ids.map((i) => `bad ${i}`), type: 'STRING' },
      ],
      rowGroupSize: 3,
    });
    const data = join(dir, 'prefs.parquet');
    writeFileSync(data, Buffer.from(buf));
    const out = join(dir, 'pq.jsonl');
    expect(await command.run(['--data', data, '--model', `scores:${join(dir, 'n.jsonl')}`, '--out', out, '--quiet', '--batch-size', '2'])).toBe(0);
    const rows = readJsonl(out);
    expect(rows.map((r) => r.id)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(rows.map((r) => r.margin)).toEqual(dA);
    expect(rows.filter((r) => r.band === 'mislabeled').map((r) => r.id)).toEqual([0, 1]);
  });

  it('accepts conversational rows (full conversations in chosen/rejected) and refuses mismatched prompts', async () => {
    fixture();
    const conv = (p: string, a: string) => [{ role: 'user', content: p }, { role: 'assistant', content: a }];
    const data = join(dir, 'conv.jsonl');
    writeFileSync(data, [
      JSON.stringify({ id: 'p4', chosen: conv('q4', 'good 4'), rejected: conv('q4', 'bad 4') }),
      JSON.stringify({ id: 'p5', chosen: conv('q5', 'good 5'), rejected: conv('other', 'bad 5') }),
    ].join('\n'));
    const out = join(dir, 'conv-out.jsonl');
    const summary = join(dir, 'conv-summary.json');
    expect(await command.run(['--data', data, '--model', `scores:${join(dir, 'a.jsonl')}`, '--out', out, '--summary', summary])).toBe(0);
    const rows = readJsonl(out);
    expect(rows).toHaveLength(1);
    expect(rows[0].prompt).toEqual([{ role: 'user', content: 'q4' }]);
    expect(JSON.parse(readFileSync(summary, 'utf8')).problems[0]).toMatchObject({ pos: 2, field: 'rejected' });
  });
});

describe('rmgauge curate --best-of-n', () => {
  function lists(): { data: string; model: string } {
    writeFileSync(join(dir, 's.jsonl'), [
      JSON.stringify({ id: 'a', scores: [0.2, 0.9, -1, 0.9] }),
      JSON.stringify({ id: 'b', scores: [-2, -3] }),
      JSON.stringify({ id: 'c', scores: [1, 1] }),
    ].join('\n'));
    const data = join(dir, 'cands.jsonl');
    writeFileSync(data, [
      JSON.stringify({ id: 'a', prompt: 'qa', candidates: ['a0', 'a1', 'a2', 'a3'] }),
      JSON.stringify({ id: 'b', prompt: 'qb', responses: ['b0', 'b1'] }),
      JSON.stringify({ id: 'c', prompt: 'qc', candidates: ['c0', 'c1'] }),
      JSON.stringify({ id: 'd', prompt: 'qd', candidates: [] }),
    ].join('\n'));
    return { data, model: `scores:${join(dir, 's.jsonl')}` };
  }
  it('sft: the best candidate per prompt, with a floor', async () => {
    const { data, model } = lists();
    const out = join(dir, 'sft.jsonl');
    const summary = join(dir, 'sft-summary.json');
    expect(await command.run(['--data', data, '--model', model, '--out', out, '--best-of-n', 'sft', '--floor', '0', '--summary', summary])).toBe(0);
    const rows = readJsonl(out);
    expect(rows).toEqual([
      { id: 'a', prompt: 'qa', completion: 'a1', score: 0.9, best_index: 1, scores: [0.2, 0.9, -1, 0.9] },
      { id: 'c', prompt: 'qc', completion: 'c0', score: 1, best_index: 0, scores: [1, 1] },
    ]);
    expect(JSON.parse(readFileSync(summary, 'utf8'))).toMatchObject({ rows: 4, lists: 3, written: 2, below_floor: 1, malformed: 1 });
  });
  it('dpo: best vs worst pairs; all-equal lists give no pair', async () => {
    const { data, model } = lists();
    const out = join(dir, 'dpo.jsonl');
    expect(await command.run(['--data', data, '--model', model, '--out', out, '--best-of-n', 'dpo', '--format', 'messages'])).toBe(0);
    const rows = readJsonl(out);
    expect(rows.map((r) => [r.id, r.chosen[0].content, r.rejected[0].content, r.margin])).toEqual([
      ['a', 'a1', 'a2', 1.9],
      ['b', 'b0', 'b1', 1],
    ]);
    expect(rows[0].prompt).toEqual([{ role: 'user', content: 'qa' }]);
  });
});

describe('rmgauge curate refusals', () => {
  it('exits 1 when no row could be scored', async () => {
    fixture();
    const data = join(dir, 'unknown.jsonl');
    writeFileSync(data, JSON.stringify({ id: 'nobody', prompt: 'q', chosen: 'a', rejected: 'b' }) + '\n');
    expect(await command.run(['--data', data, '--model', `scores:${join(dir, 'a.jsonl')}`, '--out', join(dir, 'none.jsonl'), '--quiet'])).toBe(1);
    expect(stderr.join('')).toMatch(/no row could be scored \(1 failed\)/);
  });
  it('needs --data, --model and --out; refuses unknown extensions and a missing file', async () => {
    await expect(command.run(['--data', 'x.jsonl'])).rejects.toThrow(/needs --data, --model and --out/);
    await expect(command.run(['--data', join(dir, 'nope.jsonl'), '--model', 'baseline:length', '--out', join(dir, 'o.jsonl')])).rejects.toThrow(/not found/);
    writeFileSync(join(dir, 'x.txt'), 'hi');
    await expect(command.run(['--data', join(dir, 'x.txt'), '--model', 'baseline:length', '--out', join(dir, 'o.jsonl')])).rejects.toThrow(/unsupported data file/);
    writeFileSync(join(dir, 'bad.csv'), 'id,prompt,chosen,rejected\n1,q,a,b\n2,"q,a,b\n');
    await expect(command.run(['--data', join(dir, 'bad.csv'), '--model', 'baseline:length', '--out', join(dir, 'o.jsonl')])).rejects.toThrow(/bad\.csv: line \d+: cannot parse CSV/);
    writeFileSync(join(dir, 'bad.parquet'), 'not parquet at all');
    await expect(command.run(['--data', join(dir, 'bad.parquet'), '--model', 'baseline:length', '--out', join(dir, 'o.jsonl')])).rejects.toThrow(/bad\.parquet: cannot read parquet/);
    expect(existsSync(join(dir, 'o.jsonl.tmp-' + process.pid))).toBe(false);
  });
});
