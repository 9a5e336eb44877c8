import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { loadEnsembleSpec } from '../../src/ensemble/spec.js';
import { createEnsembleScorer } from '../../src/ensemble/index.js';

function dir(): string {
  const d = mkdtempSync(join(tmpdir(), 'rmg-ens-'));
  mkdirSync(join(d, 'sub'));
  writeFileSync(join(d, 'sub', 'ref.jsonl'), '{"prompt": "q", "response": "a"}\n');
  writeFileSync(join(d, 'sub', 'a.jsonl'), '');
  return d;
}

describe('ensemble spec', () => {
  it('reads YAML, applies defaults and resolves paths against the spec folder', () => {
    const d = dir();
    const f = join(d, 'sub', 'duo.yaml');
    writeFileSync(f, ['members:', '  - model: scores:a.jsonl', '    name: a', '  - baseline:length', 'normalise: zscore', 'reference: ref.jsonl', 'aggregate: uwo'].join('\n'));
    const s = loadEnsembleSpec(f);
    expect(s.name).toBe('duo');
    expect(s.members).toEqual([
      { name: 'a', model: `scores:${join(d, 'sub', 'a.jsonl')}`, normalise: 'zscore' },
      { name: undefined, model: 'baseline:length', normalise: 'zscore' },
    ]);
    expect(s.reference).toBe(join(d, 'sub', 'ref.jsonl'));
    expect(s.aggregate).toBe('uwo');
    expect(s.lambda).toBe(0.5);
    expect(s.transform).toBeUndefined();
  });
  it('reads JSON with a transform and per-member normalisation', () => {
    const d = dir();
    const f = join(d, 'sub', 'e.json');
    writeFileSync(f, JSON.stringify({ name: 'x', members: [{ model: 'baseline:length', normalize: 'none' }], reference: 'ref.jsonl', transform: { kind: 'par', k: 2 } }));
    const s = loadEnsembleSpec(f);
    expect(s.members[0].normalise).toBe('none');
    expect(s.transform).toEqual({ kind: 'par', k: 2, fallback: 'global' });
  });
  const bad: Array<[string, unknown, RegExp]> = [
    ['no members', { members: [] }, /field "members": must be a non-empty list/],
    ['bad model', { members: [{ model: 'nokind' }] }, /field "members\[0\]\.model"/],
    ['unknown field', { members: ['baseline:length'], agregate: 'mean' }, /field "agregate": unknown field/],
    ['bad aggregation', { members: ['baseline:length'], aggregate: 'max' }, /field "aggregate": must be one of mean, median, min, uwo, mean_minus_std/],
    ['negative lambda', { members: ['baseline:length'], lambda: -1 }, /field "lambda"/],
    ['zscore without reference', { members: ['baseline:length'], normalise: 'zscore' }, /field "reference".*zscore/],
    ['transform without reference', { members: ['baseline:length'], transform: 'lsc' }, /field "reference".*lsc/],
    ['centre with a transform', { members: [{ model: 'baseline:length', normalise: 'centre' }], reference: 'ref.jsonl', transform: 'lsc' }, /field "members\[0\]\.normalise": per-prompt centring cannot be combined/],
    ['duplicate names', { members: [{ model: 'baseline:length', name: 'a' }, { model: 'baseline:random', name: 'a' }] }, /field "members\[1\]\.name": duplicate/],
    ['missing reference file', { members: ['baseline:length'], reference: 'nope.jsonl' }, /field "reference": file not found/],
  ];
  for (const [what, spec, re] of bad) {
    it(`refuses ${what}, naming file and field`, () => {
      const f = join(dir(), 'sub', 'bad.json');
      writeFileSync(f, JSON.stringify(spec));
      expect(() => loadEnsembleSpec(f)).toThrow(re);
      expect(() => loadEnsembleSpec(f)).toThrow(f);
    });
  }
  it('refuses invalid YAML with the file name', () => {
    const f = join(dir(), 'sub', 'bad.yaml');
    writeFileSync(f, 'members: [a\n  b: : :');
    expect(() => loadEnsembleSpec(f)).toThrow(/bad\.yaml.*not valid YAML/);
  });
  it('refuses an ensemble that contains itself', async () => {
    const d = dir();
    writeFileSync(join(d, 'sub', 'self.yaml'), 'members:\n  - ensemble:self.yaml\n');
    await expect(createEnsembleScorer('sub/self.yaml', 'ensemble:sub/self.yaml', { cwd: d, seed: 0, cacheDir: d })).rejects.toThrow(/contains itself/);
  });
});

describe('ensemble:<spec>#<member>', () => {
  it('is the member view (raw member rewards), and names the members when unknown', async () => {
    const d = dir();
    writeFileSync(join(d, 'sub', 'duo.yaml'), 'members:\n  - {name: len, model: "baseline:length"}\n  - {name: short, model: "baseline:shortest"}\naggregate: mean\n');
    const opts = { cwd: d, seed: 0, cacheDir: d };
    const ens = await createEnsembleScorer('sub/duo.yaml', 'ensemble:sub/duo.yaml', opts);
    const req = [{ prompt: [], completion: 'abcd' }];
    expect(await ens.score!(req)).toEqual([0]); // mean of 4 and −4
    const view = await createEnsembleScorer('sub/duo.yaml#short', 'ensemble:sub/duo.yaml#short', opts);
    expect(view.info).toMatchObject({ spec: 'ensemble:sub/duo.yaml#short', label: 'duo.short', fingerprint: 'shortest' });
    expect(await view.score!(req)).toEqual([-4]);
    await view.close?.();
    await expect(createEnsembleScorer('sub/duo.yaml#nope', 'ensemble:sub/duo.yaml#nope', opts)).rejects.toThrow(/no member "nope" \(members: len, short\)/);
  });
});
