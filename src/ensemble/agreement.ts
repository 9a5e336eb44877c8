// Members and ensemble side by side, from run files: per suite, how often the members agree, and
// the items where all members are wrong (an error the ensemble shares unless normalisation rescues
// it). Pure: takes the item records of the ensemble's run and of each member's run.
import { join } from 'node:path';
import { ITEMS_FILE, readItemRecords } from '../run/run-files.js';
import type { ItemRecord } from '../types.js';

export interface LabelledRecords {
  label: string;
  records: ItemRecord[];
}

export interface ItemSideBySide {
  key: string;
  id: string;
  subset: string;
  ensemble: number | null;
  members: Record<string, number | null>;
}

export interface SuiteSideBySide {
  /** Items with a result from the ensemble and from every member. */
  items: number;
  ensemble_score: number | null;
  member_scores: Record<string, number | null>;
  /** result 0 for every member ("wrong"); result 1 is "right"; 1/k ties are neither. */
  all_members_wrong: number;
  all_members_wrong_ensemble_right: number;
  all_members_right: number;
  /** Some member right, the ensemble wrong. */
  ensemble_wrong_member_right: number;
  /** Items where every member has the same result. */
  members_agree: number | null;
  pairwise_agreement: Record<string, number | null>;
  /** The items where all members are wrong (first `maxListed`). */
  all_wrong_items: ItemSideBySide[];
}

const keyOf = (r: ItemRecord) => `${r.suite}\u0000${r.key}`;

export function sideBySide(ensemble: LabelledRecords, members: LabelledRecords[], maxListed = 200): Record<string, SuiteSideBySide> {
  const memberMaps = members.map((m) => new Map(m.records.map((r) => [keyOf(r), r])));
  const out: Record<string, SuiteSideBySide> = {};
  const sums: Record<string, { ens: number; mem: number[]; pairSame: number[][]; agree: number }> = {};
  for (const rec of ensemble.records) {
    if (rec.result === null) continue;
    const mrs = memberMaps.map((m) => m.get(keyOf(rec)));
    if (mrs.some((r) => !r || r.result === null)) continue;
    const results = mrs.map((r) => r!.result as number);
    const suite = (out[rec.suite] ??= {
      items: 0,
      ensemble_score: null,
      member_scores: {},
      all_members_wrong: 0,
      all_members_wrong_ensemble_right: 0,
      all_members_right: 0,
      ensemble_wrong_member_right: 0,
      members_agree: null,
      pairwise_agreement: {},
      all_wrong_items: [],
    });
    const s = (sums[rec.suite] ??= { ens: 0, mem: members.map(() => 0), pairSame: members.map(() => members.map(() => 0)), agree: 0 });
    suite.items++;
    s.ens += rec.result;
    results.forEach((r, i) => {
      s.mem[i] += r;
      for (let j = i + 1; j < results.length; j++) if (results[j] === r) s.pairSame[i][j]++;
    });
    if (results.every((r) => r === results[0])) s.agree++;
    if (results.every((r) => r === 1)) suite.all_members_right++;
    if (results.some((r) => r === 1) && rec.result === 0) suite.ensemble_wrong_member_right++;
    if (results.every((r) => r === 0)) {
      suite.all_members_wrong++;
      if (rec.result === 1) suite.all_members_wrong_ensemble_right++;
      if (suite.all_wrong_items.length < maxListed) {
        suite.all_wrong_items.push({
          key: rec.key,
          id: rec.id,
          subset: rec.subset,
          ensemble: rec.result,
          members: Object.fromEntries(members.map((m, i) => [m.label, results[i]])),
        });
      }
    }
  }
  for (const [name, suite] of Object.entries(out)) {
    const s = sums[name];
    suite.ensemble_score = s.ens / suite.items;
    suite.member_scores = Object.fromEntries(members.map((m, i) => [m.label, s.mem[i] / suite.items]));
    suite.members_agree = s.agree / suite.items;
    for (let i = 0; i < members.length; i++) {
      for (let j = i + 1; j < members.length; j++) suite.pairwise_agreement[`${members[i].label}|${members[j].label}`] = s.pairSame[i][j] / suite.items;
    }
  }
  return out;
}

/** The same table from run folders: the ensemble's run and one run per member (their labels given). */
export function sideBySideFromRuns(ensembleDir: string, members: Array<{ label: string; dir: string }>, maxListed = 200): Record<string, SuiteSideBySide> {
  return sideBySide(
    { label: 'ensemble', records: readItemRecords(join(ensembleDir, ITEMS_FILE)) },
    members.map((m) => ({ label: m.label, records: readItemRecords(join(m.dir, ITEMS_FILE)) })),
    maxListed,
  );
}
