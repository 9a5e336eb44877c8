// Chart specifications (plain chart.js configurations, JSON only) built once from the report data
// and drawn by the page and by the PNG exporter alike. Error bars are a `errorBars: [lo, hi][]`
// property on a bar dataset, drawn by a small plugin on both sides.
import type { ReportData, Row, SuiteReport } from './data.js';

export interface ChartSpec {
  id: string;
  title: string;
  explain: string;
  /** Where the page puts it: `suite:<name>`, `adversarial:<name>`, `calibration:<name>`. */
  place: string;
  config: Record<string, unknown>;
}

export const PALETTE = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#ca8a04', '#db2777', '#4b5563', '#65a30d'];

function color(i: number, alpha = 1): string {
  const n = parseInt(PALETTE[i % PALETTE.length].slice(1), 16);
  return `rgba(${n >> 16},${(n >> 8) & 255},${n & 255},${alpha})`;
}

/** Axis labels are data: long ones are shortened so the chart stays readable. */
const short = (s: string) => (s.length > 40 ? `${s.slice(0, 39)}…` : s);

const r2 = (x: number | null | undefined, scale = 1) =>
  typeof x === 'number' && Number.isFinite(x) ? Math.round(x * scale * 100) / 100 : null;

function axisTitle(text: string) {
  return { display: true, text };
}

function barChart(
  labels: string[],
  series: Array<{ label: string; values: Array<number | null>; errors?: Array<[number, number] | null> }>,
  yTitle: string,
  yMax?: number,
): Record<string, unknown> {
  return {
    type: 'bar',
    data: {
      labels,
      datasets: series.map((s, i) => ({
        label: s.label,
        data: s.values,
        backgroundColor: color(i, 0.75),
        borderColor: color(i),
        borderWidth: 1,
        ...(s.errors ? { errorBars: s.errors } : {}),
      })),
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      plugins: { legend: { position: 'top' } },
      scales: {
        x: { ticks: { autoSkip: false, maxRotation: 50 } },
        y: { beginAtZero: true, ...(yMax !== undefined ? { max: yMax } : {}), title: axisTitle(yTitle) },
      },
    },
  };
}

/** Overall + sections (or subsets when there are no sections) of a suite, one bar per model. */
function suiteBars(data: ReportData, su: SuiteReport): ChartSpec | null {
  // One-token-to-fool's sections are the master keys, already charted as false positive rates.
  const keysCharted = su.tables.some((t) => t && 'per_key' in t);
  const sections = keysCharted ? [] : su.rows.filter((r) => r.group === 'section');
  const detail = sections.length ? sections : su.rows.filter((r) => r.group === 'subset');
  const rows: Row[] = [...su.rows.filter((r) => r.group === 'overall'), ...detail].slice(0, 40);
  if (rows.length === 0) return null;
  const series = data.models.map((m, mi) => ({
    label: m.label,
    values: rows.map((r) => r2(r.cells[mi]?.score, su.scale)),
    errors: rows.map((r): [number, number] | null => {
      const c = r.cells[mi];
      return c && typeof c.lo === 'number' && typeof c.hi === 'number' ? [r2(c.lo, su.scale)!, r2(c.hi, su.scale)!] : null;
    }),
  }));
  return {
    id: `bars-${su.name}`,
    title: `${su.name}: overall and per ${sections.length ? 'section' : 'subset'}`,
    explain: 'Bars are scores (×100 for rates); the black whiskers are 95% bootstrap intervals.',
    place: `suite:${su.name}`,
    config: barChart(rows.map((r) => short(r.label)), series, su.scale === 100 ? 'score (×100)' : 'score', su.scale === 100 ? 100 : undefined),
  };
}

/** A bar chart of one numeric column of a suite table (per_key FPR, per-transform flip rate). */
function tableColumnChart(data: ReportData, su: SuiteReport, table: string, column: string, title: string, explain: string): ChartSpec | null {
  const per = su.tables.map((t) => t?.[table] as { columns?: string[]; rows?: Array<Array<unknown>> } | undefined);
  const labels: string[] = [];
  for (const t of per) for (const r of t?.rows ?? []) if (!labels.includes(String(r[0]))) labels.push(String(r[0]));
  if (labels.length === 0) return null;
  const series = data.models.map((m, mi) => {
    const t = per[mi];
    const ci = t?.columns?.indexOf(column) ?? -1;
    return {
      label: m.label,
      values: labels.map((l) => {
        const r = t?.rows?.find((x) => String(x[0]) === l);
        const v = r && ci >= 0 ? r[ci] : null;
        return typeof v === 'number' ? r2(v, 100) : null;
      }),
    };
  });
  if (series.every((s) => s.values.every((v) => v === null))) return null;
  return { id: `${table}-${su.name}`, title, explain, place: `adversarial:${su.name}`, config: barChart(labels.slice(0, 60).map(short), series, `${column} (%)`, 100) };
}

function marginChart(data: ReportData, su: SuiteReport): ChartSpec | null {
  const h = su.margins;
  if (!h) return null;
  const centers = h.edges.slice(0, -1).map((e, i) => Number(((e + h.edges[i + 1]) / 2).toPrecision(3)));
  const datasets = data.models
    .map((m, mi) => {
      const c = h.counts[mi];
      if (!c) return null;
      const total = c.reduce((a, b) => a + b, 0) || 1;
      return {
        label: m.label,
        data: c.map((v) => Math.round((v / total) * 10000) / 100),
        borderColor: color(mi),
        backgroundColor: color(mi, 0.15),
        fill: true,
        pointRadius: 0,
        tension: 0.2,
      };
    })
    .filter((d) => d !== null);
  return {
    id: `margins-${su.name}`,
    title: `${su.name}: distribution of chosen − rejected score margins${h.standardized ? ' (each model in units of its own margin RMS)' : ''}`,
    explain:
      'Right of 0 the correct answer scored higher (a win). A model whose mass sits far right separates good from bad answers confidently; mass near 0 means coin-flip decisions. The outer bins collect the 1% tails.' +
      (h.standardized ? ' The models score on very different scales, so each one\'s margins are divided by their root mean square.' : ''),
    place: `calibration:${su.name}`,
    config: {
      type: 'line',
      data: { labels: centers, datasets },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        scales: { x: { title: axisTitle(h.standardized ? 'margin ÷ RMS margin' : 'margin (chosen − rejected)') }, y: { beginAtZero: true, title: axisTitle('% of pairs') } },
      },
    },
  };
}

function reliabilityChart(data: ReportData, su: SuiteReport): ChartSpec | null {
  if (!su.calibration) return null;
  const datasets: Array<Record<string, unknown>> = [
    {
      label: 'perfect calibration',
      data: [
        { x: 0.5, y: 0.5 },
        { x: 1, y: 1 },
      ],
      borderColor: '#9ca3af',
      borderDash: [6, 4],
      pointRadius: 0,
      showLine: true,
    },
  ];
  data.models.forEach((m, mi) => {
    const c = su.calibration![mi];
    if (!c) return;
    datasets.push({
      label: `${m.label} (ECE ${(c.raw.ece * 100).toFixed(1)})`,
      data: c.raw.bins.filter((b) => b.n > 0).map((b) => ({ x: r2(b.confidence), y: r2(b.accuracy) })),
      borderColor: color(mi),
      backgroundColor: color(mi),
      showLine: true,
      pointRadius: 3,
    });
  });
  return {
    id: `reliability-${su.name}`,
    title: `${su.name}: reliability diagram of σ(margin)`,
    explain:
      'Each point is a bin of pairs: how confident σ(margin) was (x) against how often the model was right (y). On the dashed line the confidence can be taken at face value; below it the model is overconfident.',
    place: `calibration:${su.name}`,
    config: {
      type: 'scatter',
      data: { datasets },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        scales: {
          x: { min: 0.5, max: 1, title: axisTitle('confidence max(p, 1 − p)') },
          y: { min: 0, max: 1, title: axisTitle('accuracy') },
        },
      },
    },
  };
}

/** Overall score per suite, one bar per model: the leaderboard at a glance. */
function leaderboardChart(data: ReportData): ChartSpec | null {
  const suites = data.suites.filter((su) => su.rows.some((r) => r.name === 'score'));
  if (suites.length === 0) return null;
  const overall = (su: SuiteReport) => su.rows.find((r) => r.name === 'score')!;
  const series = data.models.map((m, mi) => ({
    label: m.label,
    values: suites.map((su) => r2(overall(su).cells[mi]?.score, su.scale)),
    errors: suites.map((su): [number, number] | null => {
      const c = overall(su).cells[mi];
      return c && typeof c.lo === 'number' && typeof c.hi === 'number' ? [r2(c.lo, su.scale)!, r2(c.hi, su.scale)!] : null;
    }),
  }));
  const all100 = suites.every((su) => su.scale === 100);
  return {
    id: 'leaderboard',
    title: 'Overall score per suite',
    explain: 'Higher is better; whiskers are 95% bootstrap intervals.',
    place: 'leaderboard',
    config: barChart(suites.map((su) => short(su.name)), series, all100 ? 'score (×100)' : 'score', all100 ? 100 : undefined),
  };
}

export function buildCharts(data: ReportData): ChartSpec[] {
  const out: ChartSpec[] = [];
  const lb = leaderboardChart(data);
  if (lb) out.push(lb);
  for (const su of data.suites) {
    const bars = suiteBars(data, su);
    if (bars) out.push(bars);
    const fpr = tableColumnChart(
      data,
      su,
      'per_key',
      'fpr',
      `${su.name}: false positive rate per master key`,
      'How often a content-free answer (a space, "Solution", "Thought process:", …) was accepted as correct. Lower is better; a robust verifier stays near 0.',
    );
    if (fpr) out.push(fpr);
    const flips = tableColumnChart(
      data,
      su,
      'flips',
      'flip_rate',
      `${su.name}: verdict flip rate per transform`,
      'How often the verdict on a pair changed when one answer was rewritten without changing its content (prefix, self-assessment, padding, markdown). Lower is better.',
    );
    if (flips) out.push(flips);
    const margins = marginChart(data, su);
    if (margins) out.push(margins);
    const rel = reliabilityChart(data, su);
    if (rel) out.push(rel);
  }
  return out;
}
