import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appendStepSummary, renderJson, reportGate } from '../../src/gate/index.js';
import { renderJunit, xmlEscape } from '../../src/gate/render-junit.js';
import { renderMarkdown, renderTable } from '../../src/gate/render-text.js';
import type { GateOutcome, RuleResult } from '../../src/gate/types.js';

function rule(over: Partial<RuleResult>): RuleResult {
  return {
    id: 'rb/subset:x',
    kind: 'score',
    suite: 'rb',
    scope: 'subset',
    name: 'x',
    status: 'pass',
    reasons: [],
    n: 100,
    baseline: 0.8,
    candidate: 0.75,
    estimate: -0.05,
    ciLow: -0.09,
    ciHigh: -0.01,
    pValue: 0.004,
    pAdjusted: 0.012,
    method: 'mcnemar-exact',
    margin: 0,
    significance: true,
    discordant: { b: 9, c: 4 },
    origin: 'default gate',
    ...over,
  };
}

function outcome(rules: RuleResult[], notes: string[] = []): GateOutcome {
  const passed = rules.every((r) => r.status !== 'fail');
  return {
    passed,
    exitCode: passed ? 0 : 100,
    alpha: 0.05,
    correction: 'holm',
    bootstrap: 1000,
    seed: 1,
    config: null,
    baseline: { dir: 'runs/a', runId: 'a', model: 'ckpt-1', status: 'complete' },
    candidate: { dir: 'runs/b', runId: 'b', model: 'ckpt-2', status: 'complete' },
    suites: [{ suite: 'rb', baselineItems: 100, candidateItems: 100, common: 100, onlyBaseline: 0, onlyCandidate: 0 }],
    rules,
    notes,
  };
}

const failing = outcome(
  [
    rule({ status: 'fail', reasons: ['significantly worse than the baseline by more than the margin 0.00 (-5.00 points, p (Holm) = 0.012 < 0.05)'] }),
    rule({ id: 'rb/overall', scope: 'overall', name: undefined, method: 'bootstrap', discordant: undefined, estimate: -0.01, pValue: 0.2, pAdjusted: 0.2 }),
    rule({ id: 'rb/subset:y', name: 'y', status: 'skip', reasons: ['not computable (baseline has no value)'], baseline: null, estimate: null, ciLow: null, ciHigh: null, pValue: null, pAdjusted: null, method: 'none', discordant: undefined }),
  ],
  ['suite other is only in the baseline run; not compared'],
);

describe('table and Markdown', () => {
  it('the table shows points, the interval, both p-values, discordant counts, reasons and notes', () => {
    const t = renderTable(failing);
    expect(t.split('\n')[0]).toBe('rmgauge gate — FAILED: 1 of 3 rule(s) failed');
    expect(t).toMatch(/FAIL\s+rb · subset x\s+100\s+80\.0\s+75\.0\s+-5\.0\s+\[-9\.0, -1\.0\]\s+0\.0040\s+0\.0120\s+mcnemar-exact \(9↓ 4↑\)\s+drop ≤ 0\.0/);
    expect(t).toMatch(/SKIP\s+rb · subset y\s+100\s+—\s+75\.0\s+—/);
    expect(t).toContain('90% CI');
    expect(t).toContain('FAIL rb/subset:x: significantly worse');
    expect(t).toContain('SKIP rb/subset:y: not computable');
    expect(t).toContain('note: suite other is only in the baseline run; not compared');
  });

  it('Markdown puts the failures first and the full table in <details>, escaping table syntax', () => {
    const o = outcome([rule({ id: 'rb/subset:a|b', name: 'a|b', status: 'fail', reasons: ['x'] })]);
    const md = renderMarkdown(o);
    expect(md.startsWith('### ❌ rmgauge gate — FAILED: 1 of 1 rule(s) failed')).toBe(true);
    expect(md).toContain('<details><summary>All rules</summary>');
    expect(md).toContain('rb · subset a\\|b');
    expect(md).not.toMatch(/subset a\|b/);
    expect(renderMarkdown(outcome([rule({})])).startsWith('### ✅ rmgauge gate — PASSED')).toBe(true);
  });

  it('Markdown stays within the cap, dropping table rows with a note', () => {
    const many = outcome(Array.from({ length: 3000 }, (_, i) => rule({ id: `rb/subset:s${i}`, name: `s${i}` })));
    const full = renderMarkdown(many);
    expect(Buffer.byteLength(full)).toBeGreaterThan(200_000);
    const capped = renderMarkdown(many, 100_000);
    expect(Buffer.byteLength(capped)).toBeLessThanOrEqual(100_000);
    expect(capped).toMatch(/table truncated: \d+ of 3000 rows left out to fit the 1 MiB summary limit/);
    expect(capped).toContain('</details>');
  });

  it('appends to $GITHUB_STEP_SUMMARY only when it is set', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gate-summary-'));
    const file = join(dir, 'summary.md');
    writeFileSync(file, 'before\n');
    expect(appendStepSummary(failing, {})).toBeNull();
    expect(appendStepSummary(failing, { GITHUB_STEP_SUMMARY: file })).toBe(file);
    const text = readFileSync(file, 'utf8');
    expect(text.startsWith('before\n### ❌')).toBe(true);
    // reportGate: table to the writer, JUnit file, exit code
    let printed = '';
    const junit = join(dir, 'nested', 'g.xml');
    expect(reportGate(failing, { write: (t) => (printed += t), junit, env: {} })).toBe(100);
    expect(printed).toContain('rmgauge gate — FAILED');
    expect(readFileSync(junit, 'utf8')).toContain('<testcase classname="rmgauge.gate.rb" name="rb/subset:x">');
  });
});

describe('JSON and JUnit', () => {
  it('JSON writes NaN and infinities as null', () => {
    const o = JSON.parse(renderJson(outcome([rule({ ciLow: NaN, ciHigh: Infinity })])));
    expect(o.rules[0].ciLow).toBeNull();
    expect(o.rules[0].ciHigh).toBeNull();
    expect(o.rules[0].estimate).toBe(-0.05);
  });

  it('one testcase per rule with the statistics as properties, failures and skips', () => {
    const xml = renderJunit(failing);
    expect(xml.match(/<testcase /g)).toHaveLength(3);
    expect(xml).toContain('<testsuites name="rmgauge gate" tests="3" failures="1" errors="0" skipped="1">');
    expect(xml).toContain('<property name="estimate" value="-0.05"/>');
    expect(xml).toContain('<property name="ci_low" value="-0.09"/>');
    expect(xml).toContain('<property name="ci_high" value="-0.01"/>');
    expect(xml).toContain('<property name="p_value" value="0.004"/>');
    expect(xml).toContain('<property name="p_adjusted" value="0.012"/>');
    expect(xml).toContain('<failure message="significantly worse than the baseline');
    expect(xml).toContain('<skipped message="not computable (baseline has no value)"/>');
    // a skipped rule has empty statistics
    const skipped = xml.slice(xml.indexOf('name="rb/subset:y"'));
    expect(skipped).toContain('<property name="estimate" value=""/>');
  });

  it('escapes markup and drops characters XML cannot carry', () => {
    expect(xmlEscape('a<b>&"c\'\u0001\u0007d')).toBe('a&lt;b&gt;&amp;&quot;c&apos;d');
    const xml = renderJunit(outcome([rule({ id: 'rb/subset:<x&y>', name: '<x&y>', status: 'fail', reasons: ['"bad" <drop>'] })]));
    expect(xml).toContain('name="rb/subset:&lt;x&amp;y&gt;"');
    expect(xml).toContain('<failure message="&quot;bad&quot; &lt;drop&gt;" type="gate">');
  });
});
