// The Markdown summary for CI ($GITHUB_STEP_SUMMARY, pull-request comments): the leaderboard with
// deltas up front, per-suite detail inside <details>, capped in size (detail dropped with a note).
import type { Cell, ReportData, SuiteReport } from './data.js';
import { escapeMarkdown as esc } from './escape.js';

export interface MarkdownOptions {
  /** Size cap in bytes (default 1 MiB − 4 KiB of headroom for whatever a CI step adds). */
  maxBytes?: number;
}

export const MARKDOWN_CAP = 1024 * 1024 - 4096;

const num = (v: number | null | undefined, scale: number, signed = false): string => {
  if (typeof v !== 'number' || !Number.isFinite(v)) return '—';
  const s = (v * scale).toFixed(scale === 1 ? 3 : 1);
  return signed && v > 0 ? `+${s}` : s;
};

/** `74.3 [72.0, 76.5] · Δ +2.2 [+0.4, +4.0] ▲` */
export function mdCell(c: Cell | null | undefined, scale: number, directional = true): string {
  if (!c) return 'not run';
  let s = num(c.score, scale);
  if (c.score === null && c.reason) s += ` (${esc(c.reason)})`;
  if (typeof c.lo === 'number' && typeof c.hi === 'number') s += ` [${num(c.lo, scale)}, ${num(c.hi, scale)}]`;
  if (typeof c.delta === 'number') {
    s += ` · Δ ${num(c.delta, scale, true)}`;
    if (typeof c.dlo === 'number' && typeof c.dhi === 'number') {
      s += ` [${num(c.dlo, scale, true)}, ${num(c.dhi, scale, true)}]`;
      if (directional && c.dlo > 0) s += ' ▲';
      else if (directional && c.dhi < 0) s += ' ▼';
    }
  }
  if (c.errors) s += ` · ${c.errors} failed`;
  return s;
}

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

function leaderboard(data: ReportData): string {
  const hasBase = data.suites.some((s) => s.baseline);
  const header = ['Model', ...data.suites.map((s) => esc(s.name))];
  const rows: string[][] = [];
  const overall = (s: SuiteReport) => s.rows.find((r) => r.name === 'score');
  if (hasBase) {
    rows.push([`baseline: ${data.baselines.map((b) => esc(b.label)).join(', ')}`, ...data.suites.map((s) => mdCell(overall(s)?.baseline, s.scale))]);
  }
  data.models.forEach((m, mi) => rows.push([`**${esc(m.label)}**`, ...data.suites.map((s) => mdCell(overall(s)?.cells[mi], s.scale))]));
  return table(header, rows);
}

function suiteDetail(data: ReportData, s: SuiteReport): string {
  const hasBase = s.rows.some((r) => r.baseline);
  const header = ['', ...(hasBase ? ['baseline'] : []), ...data.models.map((m) => esc(m.label))];
  const rows = s.rows.map((r) => {
    const scale = r.group === 'metric' ? 1 : s.scale;
    const label = r.group === 'overall' ? '**Overall**' : `${r.group}: ${esc(r.label)}`;
    const dir = r.group !== 'metric'; // raw metrics have no known good direction
    return [label, ...(hasBase ? [mdCell(r.baseline, scale, dir)] : []), ...r.cells.map((c) => mdCell(c, scale, dir))];
  });
  const parts = [`<details><summary>${esc(s.name)}: ${s.rows.length} rows</summary>`, ''];
  if (s.description) parts.push(esc(s.description), '');
  if (s.note) parts.push(`> ${esc(s.note)}`, '');
  parts.push(table(header, rows));
  if (s.calibration) {
    parts.push('', 'Calibration of σ(margin) (scalar models): ECE ×100, Brier.', '');
    parts.push(
      table(
        ['model', 'pairs', 'ECE', 'Brier', 'ECE after temperature'],
        s.calibration.flatMap((c, mi) =>
          c ? [[esc(data.models[mi].label), String(c.raw.n), num(c.raw.ece, 100), num(c.raw.brier, 1), num(c.fitted.ece, 100)]] : [],
        ),
      ),
    );
  }
  parts.push('', '</details>', '');
  return parts.join('\n');
}

function metadata(data: ReportData): string {
  const rows = [...data.models, ...data.baselines].map((m) => {
    const meta = m.meta as Record<string, any>;
    const counts = meta.counts ?? {};
    const stats = meta.scorer_stats ?? {};
    const cost = Object.entries(stats)
      .filter(([k, v]) => /cost|parse/i.test(k) && typeof v === 'number')
      .map(([k, v]) => `${esc(k)} ${v}`)
      .join(', ');
    return [
      esc(m.label),
      esc(m.spec),
      esc(String(meta.harness?.version ?? '?')) + (meta.harness?.git_commit ? ` (${esc(String(meta.harness.git_commit).slice(0, 10))})` : ''),
      String(meta.seed ?? '—'),
      typeof meta.timings?.total_s === 'number' ? `${meta.timings.total_s.toFixed(1)} s` : '—',
      `${counts.records ?? 0} / ${counts.failed ?? 0}`,
      cost || '—',
    ];
  });
  return [
    '<details><summary>Run metadata</summary>',
    '',
    table(['model', 'spec', 'rmgauge', 'seed', 'time', 'items / failed', 'cost, parse failures'], rows),
    '',
    '</details>',
    '',
  ].join('\n');
}

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

export function renderMarkdown(data: ReportData, opts: MarkdownOptions = {}): string {
  const cap = opts.maxBytes ?? MARKDOWN_CAP;
  const head = [
    `## ${esc(data.title)}`,
    '',
    leaderboard(data),
    '',
    `Scores ×100 (higher is better) with 95% bootstrap intervals (${data.resamples} resamples of the items, seed ${data.seed}).` +
      (data.suites.some((s) => s.baseline)
        ? ' Δ: paired difference to the baseline on the items both scored; ▲ / ▼ when its interval excludes 0.'
        : ''),
    ...data.notes.map((n) => `\n> ${esc(n)}`),
    '',
  ].join('\n');
  const blocks = [...data.suites.map((s) => suiteDetail(data, s)), metadata(data)];
  const note = (left: number) =>
    `\n> ${left} detail section${left === 1 ? '' : 's'} left out to keep this summary under ${Math.floor(cap / 1024)} KiB; the HTML report has everything.\n`;
  let out = head;
  if (bytes(out) > cap) {
    // Even the leaderboard is too big (thousands of suites): cut it by lines.
    const lines = out.split('\n');
    const trailer = '\n> The leaderboard was cut short to stay under the size cap; the HTML report has everything.\n';
    out = '';
    for (const l of lines) {
      if (bytes(out) + bytes(l) + 1 + bytes(trailer) > cap) break;
      out += l + '\n';
    }
    return out + trailer;
  }
  for (let i = 0; i < blocks.length; i++) {
    const reserve = bytes(note(blocks.length - i));
    if (bytes(out) + bytes(blocks[i]) + reserve > cap) return out + note(blocks.length - i);
    out += '\n' + blocks[i];
  }
  return out;
}
