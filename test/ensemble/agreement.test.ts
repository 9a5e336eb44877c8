import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { sideBySide, sideBySideFromRuns } from '../../src/ensemble/agreement.js';
import type { ItemRecord } from '../../src/types.js';

const rec = (key: string, result: number | null, suite = 'rb2'): ItemRecord => ({ suite, key, id: key, subset: 'math', result });

describe('members and ensemble side by side', () => {
  it('counts agreement and lists the items where all members are wrong', () => {
    const ens = { label: 'duo', records: [rec('i1', 1), rec('i2', 0), rec('i3', 1), rec('i4', 0.5), rec('i5', 0), rec('i6', null), rec('j1', 1, 'other')] };
    const a = { label: 'a', records: [rec('i1', 1), rec('i2', 0), rec('i3', 0), rec('i4', 0.5), rec('i5', 1), rec('i6', 1), rec('j1', 1, 'other')] };
    const b = { label: 'b', records: [rec('i1', 1), rec('i2', 0), rec('i3', 0), rec('i4', 0), rec('i5', 0), rec('i6', 1)] };
    const t = sideBySide(ens, [a, b]);
    expect(Object.keys(t)).toEqual(['rb2']); // j1 has no result from b
    const s = t.rb2;
    expect(s.items).toBe(5); // i6 has no ensemble result
    expect(s.ensemble_score).toBeCloseTo(2.5 / 5, 12);
    expect(s.member_scores).toEqual({ a: 2.5 / 5, b: 1 / 5 });
    expect(s.all_members_wrong).toBe(2); // i2, i3
    expect(s.all_members_wrong_ensemble_right).toBe(1); // i3
    expect(s.all_members_right).toBe(1); // i1
    expect(s.ensemble_wrong_member_right).toBe(1); // i5
    expect(s.members_agree).toBeCloseTo(3 / 5, 12); // i1, i2, i3
    expect(s.pairwise_agreement).toEqual({ 'a|b': 3 / 5 });
    expect(s.all_wrong_items).toEqual([
      { key: 'i2', id: 'i2', subset: 'math', ensemble: 0, members: { a: 0, b: 0 } },
      { key: 'i3', id: 'i3', subset: 'math', ensemble: 1, members: { a: 0, b: 0 } },
    ]);
  });
});

describe('side by side from run folders', () => {
  it('reads items.jsonl of each run', () => {
    const d = mkdtempSync(join(tmpdir(), 'rmg-sbs-'));
    const write = (name: string, recs: ItemRecord[]) => {
      mkdirSync(join(d, name));
      writeFileSync(join(d, name, 'items.jsonl'), recs.map((r) => JSON.stringify(r)).join('\n') + '\n');
      return join(d, name);
    };
    const e = write('ens', [rec('i1', 1), rec('i2', 0)]);
    const a = write('a', [rec('i1', 0), rec('i2', 0)]);
    const b = write('b', [rec('i1', 0), rec('i2', 0)]);
    const t = sideBySideFromRuns(e, [{ label: 'a', dir: a }, { label: 'b', dir: b }]);
    expect(t.rb2).toMatchObject({ items: 2, all_members_wrong: 2, all_members_wrong_ensemble_right: 1, members_agree: 1 });
  });
});
