// The training side in the report: the curation summary (`rmgauge curate --summary`) and the
// ensemble's side-by-side.json (`rmgauge bench --model ensemble:...`), read defensively (both are
// files a user hands in: every field is checked, every string stays data) into plain JSON views
// that the page renders with textContent only.
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { UserError } from '../errors.js';
import type { ItemRecord } from '../types.js';
import type { ChartSpec } from './charts.js';

export const SIDE_BY_SIDE_FILE = 'side-by-side.json';

/** The curation bands in order, with the words the page uses. */
export const CURATION_BANDS: Array<{ key: string; label: string; explain: string }> = [
  { key: 'mislabeled', label: 'likely mislabeled', explain: 'the members clearly prefer the "rejected" answer: the label is probably wrong' },
  { key: 'ambiguous', label: 'ambiguous', explain: 'the members barely separate the two answers: a weak or noisy training signal' },
  { key: 'clear', label: 'clear', explain: 'the members prefer "chosen" by a comfortable margin: a good training pair' },
  { key: 'very_easy', label: 'very easy', explain: 'the members prefer "chosen" by a wide margin: the model learns little from it' },
];

export interface CurationBand {
  key: string;
  label: string;
  explain: string;
  count: number;
  action: string;
  written: number | null;
  muMin: number | null;
  muMax: number | null;
}

export interface CurationProblem {
  pos: number | null;
  kind: string;
  field: string;
  problem: string;
}

export interface CurationView {
  /** The summary file's name (not its contents: it is shown as the section's heading). */
  source: string;
  /** 'pairs' (bands) or 'best-of-n sft|dpo'. */
  mode: string;
  model: string;
  data: string;
  out: string;
  members: string[];
  rows: number | null;
  scored: number | null;
  written: number | null;
  flipped: number | null;
  dropped: number | null;
  malformed: number;
  failed: number;
  problems: CurationProblem[];
  problemsTruncated: boolean;
  bands: CurationBand[];
  cutoffs: string;
  agreement: {
    pairs: number | null;
    allChosen: number | null;
    allRejected: number | null;
    split: number | null;
    meanSigma: number | null;
    perMember: Array<{ member: string; prefersChosen: number | null }>;
    pairwise: Array<{ pair: string; agreement: number | null }>;
  } | null;
  /** Best-of-N summaries: lists, below_floor, tied, mean_best_score. */
  bestOfN: { lists: number | null; belowFloor: number | null; tied: number | null; meanBestScore: number | null; floor: number | null } | null;
}

const MAX_TEXT = 300;
const MAX_PROBLEMS = 50;

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const count = (v: unknown): number => {
  const n = num(v);
  return n !== null && n >= 0 ? Math.floor(n) : 0;
};
const text = (v: unknown, max = MAX_TEXT): string => {
  const s = typeof v === 'string' ? v : v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
};
const fracs = (v: unknown): Array<[string, number | null]> => (isObj(v) ? Object.entries(v).map(([k, x]) => [text(k, 120), num(x)]) : []);

/** The view of one curation summary (the object `rmgauge curate --summary` writes). */
export function curationView(summary: unknown, source: string): CurationView {
  if (!isObj(summary)) throw new UserError(`${source}: not a curation summary (expected a JSON object)`);
  const s = summary;
  const rawBands = isObj(s.bands) ? s.bands : null;
  const known = new Set(CURATION_BANDS.map((b) => b.key));
  const bandDefs = [...CURATION_BANDS, ...Object.keys(rawBands ?? {}).filter((k) => !known.has(k)).map((k) => ({ key: text(k, 80), label: text(k, 80), explain: '' }))];
  const bands: CurationBand[] = rawBands
    ? bandDefs.map((b) => {
        const v = isObj(rawBands[b.key]) ? (rawBands[b.key] as Record<string, unknown>) : {};
        return { ...b, count: count(v.count), action: text(v.action ?? 'keep', 20), written: num(v.written), muMin: num(v.mu_min), muMax: num(v.mu_max) };
      })
    : [];
  const ag = isObj(s.agreement) ? s.agreement : null;
  const cut = isObj(s.cutoffs) ? s.cutoffs : null;
  const mode = typeof s.mode === 'string' ? `best-of-n ${text(s.mode, 10)}` : 'pairs';
  const problems = (Array.isArray(s.problems) ? s.problems : []).slice(0, MAX_PROBLEMS).map((p): CurationProblem => {
    const o = isObj(p) ? p : {};
    return { pos: num(o.pos), kind: text(o.kind, 20), field: text(o.field, 80), problem: text(o.problem) };
  });
  const problemsTotal = Array.isArray(s.problems) ? s.problems.length : 0;
  return {
    source: text(source, 200),
    mode,
    model: text(s.model),
    data: text(s.data),
    out: text(s.out),
    members: Array.isArray(s.members) ? s.members.map((m) => text(m, 120)) : [],
    rows: num(s.rows),
    scored: num(s.scored),
    written: num(s.written),
    flipped: num(s.flipped),
    dropped: num(s.dropped),
    malformed: count(s.malformed),
    failed: count(s.failed),
    problems,
    problemsTruncated: s.problems_truncated === true || problemsTotal > MAX_PROBLEMS,
    bands,
    cutoffs: cut ? `${text(cut.mode, 20)}: ${Array.isArray(cut.cuts) ? cut.cuts.map((c) => text(c, 20)).join(', ') : ''}` : '',
    agreement: ag
      ? {
          pairs: num(ag.pairs),
          allChosen: num(ag.all_members_prefer_chosen),
          allRejected: num(ag.all_members_prefer_rejected),
          split: num(ag.members_split),
          meanSigma: num(ag.mean_sigma),
          perMember: fracs(ag.member_prefers_chosen).map(([member, prefersChosen]) => ({ member, prefersChosen })),
          pairwise: fracs(ag.pairwise_sign_agreement).map(([pair, agreement]) => ({ pair: pair.replace('|', ' vs '), agreement })),
        }
      : null,
    bestOfN:
      mode === 'pairs'
        ? null
        : { lists: num(s.lists), belowFloor: num(s.below_floor), tied: num(s.tied), meanBestScore: num(s.mean_best_score), floor: num(s.floor) },
  };
}

/** Reads a summary file; a UserError names the file when it is missing or not JSON. */
export function loadCuration(file: string): CurationView {
  if (!existsSync(file)) throw new UserError(`--curation: ${file} not found`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UserError(`--curation: ${file} is not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  return curationView(parsed, basename(file));
}

/** The band counts as a bar chart (one bar per band), placed in curation section `index`. */
export function curationChart(view: CurationView, index: number): ChartSpec | null {
  if (view.bands.length === 0) return null;
  const colors = ['rgba(220,38,38,0.75)', 'rgba(234,88,12,0.75)', 'rgba(22,163,74,0.75)', 'rgba(37,99,235,0.75)'];
  return {
    id: `curation-bands-${index}`,
    title: 'Pairs per band',
    explain: 'How many preference pairs fell in each band (bars), and how many of them were written to the output after the band\'s action.',
    place: `curation:${index}`,
    config: {
      type: 'bar',
      data: {
        labels: view.bands.map((b) => `${b.label} (${b.action})`),
        datasets: [
          { label: 'pairs', data: view.bands.map((b) => b.count), backgroundColor: view.bands.map((_, i) => colors[i % colors.length]), borderWidth: 1 },
          { label: 'written', data: view.bands.map((b) => b.written), backgroundColor: 'rgba(75,85,99,0.35)', borderColor: 'rgba(75,85,99,1)', borderWidth: 1 },
        ],
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        plugins: { legend: { position: 'top' } },
        scales: { y: { beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: 'pairs' } } },
      },
    },
  };
}

export interface EnsembleItem {
  key: string;
  id: string;
  subset: string;
  ensemble: number | null;
  members: Array<number | null>;
  /** The prompt's first characters, from the ensemble run's records (empty when not recorded). */
  preview: string;
}

export interface EnsembleSuite {
  suite: string;
  items: number;
  ensembleScore: number | null;
  memberScores: Array<number | null>;
  allWrong: number;
  allWrongEnsembleRight: number;
  allRight: number;
  ensembleWrongMemberRight: number;
  membersAgree: number | null;
  pairwise: Array<{ pair: string; agreement: number | null }>;
  allWrongItems: EnsembleItem[];
}

export interface EnsembleView {
  /** Index of the ensemble's run in ReportData.models. */
  model: number;
  label: string;
  members: string[];
  suites: EnsembleSuite[];
}

const PREVIEW_CHARS = 160;
const MAX_ITEMS = 200;

/** The view of a side-by-side.json object; `records` (the ensemble run's) give prompt previews. */
export function ensembleView(raw: unknown, model: number, records: ItemRecord[] = []): EnsembleView | null {
  if (!isObj(raw) || !isObj(raw.suites)) return null;
  const members = Array.isArray(raw.members) ? raw.members.map((m) => text(m, 120)) : [];
  const prompts = new Map<string, string>();
  for (const r of records) if (typeof r.prompt === 'string') prompts.set(`${r.suite}\u0000${r.key}`, r.prompt);
  const suites: EnsembleSuite[] = Object.entries(raw.suites).map(([name, v]) => {
    const s = isObj(v) ? v : {};
    const ms = isObj(s.member_scores) ? s.member_scores : {};
    const items = (Array.isArray(s.all_wrong_items) ? s.all_wrong_items : []).slice(0, MAX_ITEMS).map((x): EnsembleItem => {
      const o = isObj(x) ? x : {};
      const mres = isObj(o.members) ? o.members : {};
      const key = text(o.key);
      const prompt = (prompts.get(`${name}\u0000${key}`) ?? '').replace(/\s+/g, ' ').trim();
      return {
        key,
        id: text(o.id),
        subset: text(o.subset, 120),
        ensemble: num(o.ensemble),
        members: members.map((m) => num(mres[m])),
        preview: prompt.length > PREVIEW_CHARS ? `${prompt.slice(0, PREVIEW_CHARS - 1)}…` : prompt,
      };
    });
    return {
      suite: text(name, 120),
      items: count(s.items),
      ensembleScore: num(s.ensemble_score),
      memberScores: members.map((m) => num(ms[m])),
      allWrong: count(s.all_members_wrong),
      allWrongEnsembleRight: count(s.all_members_wrong_ensemble_right),
      allRight: count(s.all_members_right),
      ensembleWrongMemberRight: count(s.ensemble_wrong_member_right),
      membersAgree: num(s.members_agree),
      pairwise: fracs(s.pairwise_agreement).map(([pair, agreement]) => ({ pair: pair.replace('|', ' vs '), agreement })),
      allWrongItems: items,
    };
  });
  return { model, label: text(raw.ensemble, 200), members, suites };
}

/** side-by-side.json of a run directory, when there is one (a broken file becomes a note). */
export function loadEnsemble(dir: string, model: number, records: ItemRecord[], notes: string[]): EnsembleView | null {
  const file = join(dir, SIDE_BY_SIDE_FILE);
  if (!existsSync(file)) return null;
  try {
    const view = ensembleView(JSON.parse(readFileSync(file, 'utf8')), model, records);
    if (!view) notes.push(`${file}: not a side-by-side table (expected {"ensemble", "members", "suites"}); skipped`);
    return view;
  } catch (err) {
    notes.push(`${file}: unreadable (${err instanceof Error ? err.message : String(err)}); skipped`);
    return null;
  }
}
