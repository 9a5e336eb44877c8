import { describe, expect, it } from 'vitest';
import type { Cell, ReportData, SuiteReport } from '../../src/report/data.js';
import { mdCell, renderMarkdown, MARKDOWN_CAP } from '../../src/report/markdown.js';
import { escapeMarkdown } from '../../src/report/escape.js';

function model(label: string) {
  return { label, spec: `x:${label}`, kind: 'x', fingerprint: 'f', dir: '/d', meta: { seed: 1, counts: { records: 3, failed: 0 } } };
}

function suite(name: string, rows: number, models: number): SuiteReport {
  const cell = (): Cell => ({ score: 0.5, lo: 0.4, hi: 0.6, n: 10, errors: 0 });
  return {
    name,
    description: `the ${name} suite`,
    scale: 100,
    rows: Array.from({ length: rows }, (_, i) => ({
      name: i === 0 ? 'score' : `subset:s${i}`,
      group: i === 0 ? ('overall' as const) : ('subset' as const),
      label: i === 0 ? 'Overall' : `subset number ${i} with a fairly long name to take some room`,
      cells: Array.from({ length: models }, cell),
    })),
    tables: [],
    agreement: [],
    items: [],
    intervals: true,
    resamples: [],
    languageRows: [],
  };
}

function data(suites: SuiteReport[], labels: string[]): ReportData {
  return {
    title: 'T',
    generatedAt: '2026-01-01',
    seed: 1,
    resamples: 1000,
    models: labels.map(model),
    baselines: [],
    suites,
    agreement: [],
    items: {} as ReportData['items'],
    charts: [],
    notes: [],
  };
}

describe('Markdown cells', () => {
  it('score, interval, delta with its interval and direction', () => {
    expect(mdCell({ score: 0.5, lo: 0.4, hi: 0.6, delta: 0.1, dlo: 0.02, dhi: 0.18 }, 100)).toBe('50.0 [40.0, 60.0] · Δ +10.0 [+2.0, +18.0] ▲');
    expect(mdCell({ score: 0.5, delta: -0.1, dlo: -0.2, dhi: -0.01 }, 100)).toBe('50.0 · Δ -10.0 [-20.0, -1.0] ▼');
    expect(mdCell({ score: 0.5, delta: 0.01, dlo: -0.05, dhi: 0.07 }, 100)).toBe('50.0 · Δ +1.0 [-5.0, +7.0]');
    expect(mdCell({ score: null, reason: 'no items' }, 100)).toBe('— (no items)');
    expect(mdCell(null, 100)).toBe('not run');
    expect(mdCell({ score: 0.123456, errors: 2 }, 1)).toBe('0.123 · 2 failed');
    // A raw metric has no known good direction: no arrow.
    expect(mdCell({ score: 0.5, delta: 0.1, dlo: 0.02, dhi: 0.18 }, 1, false)).toBe('0.500 · Δ +0.100 [+0.020, +0.180]');
  });

  it('escapes untrusted text', () => {
    const e = escapeMarkdown('<script>alert(1)</script> | *x* [a](http://e) \n next');
    expect(e).not.toMatch(/<|\n/);
    expect(e).toContain('&lt;script&gt;');
    expect(e).toContain('\\|');
    expect(e).toContain('\\*x\\*');
    expect(e).toContain('\\[a\\](http://e)');
  });
});

describe('renderMarkdown', () => {
  it('puts the leaderboard first and detail in <details>, labels escaped', () => {
    const md = renderMarkdown(data([suite('rb', 3, 2)], ['a<img src=x onerror=alert(1)>', 'b|c']));
    expect(md.startsWith('## T')).toBe(true);
    expect(md).toContain('| Model | rb |');
    expect(md).toContain('| **a&lt;img src=x onerror=alert(1)&gt;** | 50.0 [40.0, 60.0] |');
    expect(md).toContain('b\\|c');
    expect(md).not.toContain('<img');
    expect(md).toContain('<details><summary>rb: 3 rows</summary>');
    expect(md.indexOf('| Model |')).toBeLessThan(md.indexOf('<details>'));
  });

  it('stays under the cap: detail is left out with a note, the leaderboard stays', () => {
    const suites = Array.from({ length: 40 }, (_, i) => suite(`suite${i}`, 300, 5));
    const full = renderMarkdown(data(suites, ['m1', 'm2', 'm3', 'm4', 'm5']), { maxBytes: 100 * 1024 * 1024 });
    expect(Buffer.byteLength(full)).toBeGreaterThan(MARKDOWN_CAP); // the uncapped text really is too big
    const capped = renderMarkdown(data(suites, ['m1', 'm2', 'm3', 'm4', 'm5']));
    expect(Buffer.byteLength(capped)).toBeLessThanOrEqual(MARKDOWN_CAP);
    expect(capped).toContain('| Model | suite0 |');
    expect(capped).toMatch(/\d+ detail sections? left out to keep this summary under 1020 KiB/);
    // Whole <details> blocks only: every opened block is closed.
    expect(capped.split('<details>').length).toBe(capped.split('</details>').length);
    const small = renderMarkdown(data(suites, ['m1']), { maxBytes: 5000 });
    expect(Buffer.byteLength(small)).toBeLessThanOrEqual(5000);
  });

  it('cuts even the leaderboard when it alone is over the cap', () => {
    const suites = Array.from({ length: 200 }, (_, i) => suite(`s${i}`, 1, 3));
    const md = renderMarkdown(data(suites, ['a', 'b', 'c']), { maxBytes: 2000 });
    expect(Buffer.byteLength(md)).toBeLessThanOrEqual(2000);
    expect(md).toContain('cut short');
  });
});
