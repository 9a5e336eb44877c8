// Builds the report's data from run directories: leaderboard rows with bootstrap intervals (and
// paired baseline deltas), per-suite analyses, the item browser's data and the run metadata.
import { basename } from 'node:path';
import { bootstrapPaired, bootstrapSuite, cellsOf, computeCells, languagesOf, type Interval, type PairedCache } from '../metrics/bootstrap.js';
import { loadRun } from '../run/run-files.js';
import { loadSuite } from '../suites/registry.js';
import type { ItemRecord, ScoreCell, SuiteResult } from '../types.js';
import { agreementMatrix, calibrationOf, keyed, marginHistograms, scalarMargins } from './analysis.js';
import type { Cell, LoadedModel, ModelInfo, ReportData, ReportOptions, Row, RowGroup, SuiteInfo, SuiteReport } from './data.js';
import { buildItems } from './items.js';
import { buildCharts } from './charts.js';
import { curationChart, loadCuration, loadEnsemble, type EnsembleView } from './training.js';

export async function defaultResolveSuite(name: string): Promise<SuiteInfo | null> {
  try {
    const s = await loadSuite(name);
    return { description: s.description, aggregate: (recs) => s.aggregate(recs) };
  } catch {
    return null;
  }
}

export function loadModels(dirs: string[]): LoadedModel[] {
  const seen = new Map<string, number>();
  return dirs.map((dir) => {
    const loaded = loadRun(dir);
    let label = String(loaded.run.model?.label ?? basename(dir));
    const k = (seen.get(label) ?? 0) + 1;
    seen.set(label, k);
    if (k > 1) label = `${label} #${k}`;
    const bySuite = new Map<string, ItemRecord[]>();
    for (const r of loaded.records) {
      let g = bySuite.get(r.suite);
      if (!g) bySuite.set(r.suite, (g = []));
      g.push(r);
    }
    return { ...loaded, label, bySuite, results: loaded.run.results ?? {} };
  });
}

function modelInfo(m: LoadedModel): ModelInfo {
  const { results: _results, ...rest } = m.run;
  const errors = m.records.filter((r) => r.result === null).length;
  const messages = new Map<string, number>();
  for (const r of m.records) if (r.error) messages.set(r.error, (messages.get(r.error) ?? 0) + 1);
  const topErrors = [...messages.entries()].sort((a, b) => b[1] - a[1]).slice(0, 5);
  // Judge verdicts that could not be parsed, as recorded per item.
  let parseFailures = 0;
  for (const r of m.records) {
    for (const v of r.verdicts ?? []) if (v && typeof v === 'object' && (v as { parseFailed?: unknown }).parseFailed === true) parseFailures++;
  }
  return {
    label: m.label,
    spec: String(m.run.model?.spec ?? ''),
    kind: String(m.run.model?.kind ?? ''),
    fingerprint: String(m.run.model?.fingerprint ?? ''),
    dir: m.dir,
    meta: {
      ...rest,
      counts: { records: m.records.length, failed: errors, verdict_parse_failures: parseFailures, top_errors: topErrors.map(([msg, n]) => ({ n, message: msg.slice(0, 300) })) },
    },
  };
}

const GROUP_ORDER: RowGroup[] = ['overall', 'section', 'subset', 'language', 'metric'];

function groupOf(name: string): RowGroup {
  if (name === 'score') return 'overall';
  return name.slice(0, name.indexOf(':')) as RowGroup;
}

/** n / errors / reason of a named cell from the run's own SuiteResult. */
function cellInfo(res: SuiteResult | undefined, name: string): Partial<ScoreCell> {
  if (!res) return {};
  if (name === 'score') return { n: res.n, errors: res.errors, reason: res.reason };
  const [g, ...rest] = name.split(':');
  const k = rest.join(':');
  const table = g === 'subset' ? res.subsets : g === 'section' ? res.sections : undefined;
  const c = table?.[k];
  return c ? { n: c.n, errors: c.errors, reason: c.reason } : {};
}

/** Every named cell of a result, null where it could not be computed (so the row still shows). */
function namesOf(res: SuiteResult): Map<string, number | null> {
  const out = new Map<string, number | null>();
  out.set('score', res.score ?? null);
  for (const k of Object.keys(res.sections ?? {})) out.set(`section:${k}`, null);
  for (const k of Object.keys(res.subsets ?? {})) out.set(`subset:${k}`, null);
  for (const k of Object.keys(res.metrics ?? {})) out.set(`metric:${k}`, null);
  for (const [k, v] of cellsOf(res)) out.set(k, v);
  return out;
}

/** Named point values: the run's own results, plus per-language scores recomputed from records. */
function pointCells(res: SuiteResult | undefined, records: ItemRecord[], info: SuiteInfo | null, langs: boolean): Map<string, number | null> {
  if (!res && info && records.length) res = info.aggregate(records);
  if (!res) return new Map();
  const cells = namesOf(res);
  if (langs && info) for (const [k, v] of computeCells(records, info.aggregate, true)) if (k.startsWith('language:')) cells.set(k, v);
  return cells;
}

function withInterval(cell: Cell, iv: Interval | undefined): Cell {
  if (iv) {
    cell.lo = iv.lo;
    cell.hi = iv.hi;
  }
  return cell;
}

async function suiteReport(
  suite: string,
  models: LoadedModel[],
  baseline: LoadedModel | undefined,
  info: SuiteInfo | null,
  opts: { seed: number; resamples: number; budgetMs?: number },
): Promise<SuiteReport> {
  const recs = models.map((m) => m.bySuite.get(suite) ?? []);
  const languages = [...new Set(recs.flatMap((r) => languagesOf(r)))];
  // Suites that report languages as subsets (M-RewardBench) need no extra per-language rows.
  const subsetNames = new Set(models.flatMap((m) => Object.keys(m.results[suite]?.subsets ?? {})));
  const byLanguage = languages.length > 0 && !languages.every((l) => subsetNames.has(l));
  const points = models.map((m, i) => pointCells(m.results[suite], recs[i], info, byLanguage));
  const baseRecs = baseline?.bySuite.get(suite) ?? [];
  const basePoints = baseline ? pointCells(baseline.results[suite], baseRecs, info, byLanguage) : undefined;
  const boot = { seed: opts.seed, resamples: opts.resamples, budgetMs: opts.budgetMs, byLanguage };
  const canBoot = !!info && opts.resamples > 0;
  const cache: PairedCache = new Map();
  const paired =
    baseline && info && baseRecs.length
      ? models.map((_, i) =>
          recs[i].length
            ? bootstrapPaired(recs[i], baseRecs, info.aggregate, { ...boot, resamples: canBoot ? opts.resamples : 0, purpose: [suite, 'paired'], cache })
            : undefined,
        )
      : undefined;
  // When every item of a model was matched with the baseline, the paired resamples already give
  // the model's own intervals; otherwise the model gets its own bootstrap.
  const intervals = models.map((_, i) => {
    const p = paired?.[i];
    if (p && p.matched === recs[i].length && p.resamples > 0) return { intervals: p.a, resamples: p.resamples };
    return canBoot && recs[i].length
      ? bootstrapSuite(recs[i], info!.aggregate, { ...boot, purpose: [suite] })
      : { intervals: new Map<string, Interval>(), resamples: 0 };
  });
  // The baseline's own intervals: from a pairing that covered all its items, if any.
  const baseIntervals = paired?.find((p) => p && p.matched === baseRecs.length)?.b;
  const names = new Set<string>();
  for (const p of points) for (const k of p.keys()) names.add(k);
  if (basePoints) for (const k of basePoints.keys()) names.add(k);
  const ordered = [...names].sort((a, b) => {
    const d = GROUP_ORDER.indexOf(groupOf(a)) - GROUP_ORDER.indexOf(groupOf(b));
    return d !== 0 ? d : 0;
  });
  const rows: Row[] = ordered.map((name) => {
    const group = groupOf(name);
    const cells = models.map((m, i): Cell | null => {
      if (!recs[i].length && !m.results[suite]) return null;
      const v = points[i].get(name);
      const cell: Cell = { score: v ?? null, ...cellInfo(m.results[suite], name) };
      withInterval(cell, intervals[i].intervals.get(name));
      const p = paired?.[i];
      if (p && p.delta.has(name)) {
        cell.delta = p.delta.get(name);
        const iv = p.intervals.get(name);
        if (iv) {
          cell.dlo = iv.lo;
          cell.dhi = iv.hi;
        }
      }
      return cell;
    });
    const row: Row = { name, group, label: group === 'overall' ? 'Overall' : name.slice(name.indexOf(':') + 1), cells };
    if (basePoints) {
      row.baseline = { score: basePoints.get(name) ?? null, ...cellInfo(baseline!.results[suite], name) };
      withInterval(row.baseline, baseIntervals?.get(name));
    }
    return row;
  });
  // Scores are rates in [0, 1] unless a suite reports them already ×100.
  const rates = rows.filter((r) => r.group !== 'metric').flatMap((r) => r.cells.map((c) => c?.score));
  const scale = rates.some((s) => typeof s === 'number' && Math.abs(s) > 1.000001) ? 1 : 100;
  const margins = models.map((_, i) => scalarMargins(recs[i]));
  const report: SuiteReport = {
    name: suite,
    description: info?.description ?? '',
    scale,
    rows,
    tables: models.map((m) => (m.results[suite]?.tables as Record<string, unknown> | undefined) ?? null),
    agreement: agreementMatrix(recs.map(keyed)),
    items: recs.map((r) => r.length),
    intervals: !!info && opts.resamples > 0,
    resamples: intervals.map((b) => b.resamples),
    languageRows: rows.filter((r) => (r.group === 'language' || r.group === 'subset') && languages.includes(r.label)).map((r) => r.name),
    margins: marginHistograms(margins),
    calibration: margins.some((m) => m) ? margins.map(calibrationOf) : undefined,
  };
  if (!info) report.note = `no aggregate function found for suite "${suite}": intervals and deltas are not available`;
  if (baseline && paired) report.baseline = { label: baseline.label, matched: paired.map((p) => p?.matched ?? 0) };
  return report;
}

export async function buildReportData(runDirs: string[], opts: ReportOptions = {}): Promise<ReportData> {
  const models = loadModels(runDirs);
  // Curation summaries first: a bad file stops the report before the bootstrap work.
  const curation = (opts.curationFiles ?? []).map(loadCuration);
  const baselines = loadModels(opts.baselineDirs ?? []);
  const seed = opts.seed ?? 1;
  const resamples = opts.resamples ?? 1000;
  // An optional time budget for the whole report, split evenly over the model × suite bootstraps.
  // Off by default: a budget makes the number of resamples (and so the intervals) depend on timing.
  const total = opts.bootstrapBudgetMs ?? null;
  const resolve = opts.resolveSuite ?? defaultResolveSuite;
  const suiteNames: string[] = [];
  for (const m of models) {
    for (const s of [...Object.keys(m.results), ...m.bySuite.keys(), ...(m.run.config?.suites ?? [])]) {
      if (!suiteNames.includes(s)) suiteNames.push(s);
    }
  }
  const notes: string[] = [];
  for (const m of [...models, ...baselines]) {
    if (m.run.status !== 'complete') notes.push(`${m.label}: the run is not complete (status "${m.run.status}"); its numbers cover the items finished so far`);
  }
  const suites: SuiteReport[] = [];
  const budgetMs = total === null ? undefined : total / Math.max(1, suiteNames.length * models.length);
  for (const s of suiteNames) {
    const info = await resolve(s);
    const baseline = baselines.find((b) => (b.bySuite.get(s)?.length ?? 0) > 0);
    if (baselines.length && !baseline) notes.push(`no baseline run covers suite "${s}"`);
    suites.push(await suiteReport(s, models, baseline, info, { seed, resamples, budgetMs }));
  }
  const data: ReportData = {
    title: opts.title ?? `rmgauge report: ${models.map((m) => m.label).join(' vs ')}`,
    generatedAt: new Date().toISOString(),
    seed,
    resamples,
    models: models.map(modelInfo),
    baselines: baselines.map(modelInfo),
    suites,
    agreement: agreementMatrix(models.map((m) => keyed(m.records))),
    items: buildItems(opts.skipItems ? [] : models, suiteNames, { maxTextChars: opts.maxTextChars ?? 4000, compress: opts.compressTexts ?? 'auto' }),
    charts: [],
    notes,
  };
  const ensembles = models.map((m, i) => loadEnsemble(m.dir, i, m.records, notes)).filter((e): e is EnsembleView => e !== null);
  if (curation.length) data.curation = curation;
  if (ensembles.length) data.ensembles = ensembles;
  data.charts = buildCharts(data);
  curation.forEach((c, i) => {
    const chart = curationChart(c, i);
    if (chart) data.charts.push(chart);
  });
  return data;
}
