// Runs `rmgauge gate` as a child process: exit codes, table, JSON, JUnit and the step summary.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultDatasets, rb1Records, writeRun } from './synthetic-runs.js';

const root = join(import.meta.dirname, '..', '..');
function rmgauge(args: string[], env: Record<string, string> = {}) {
  // Same as `npx tsx src/cli/main.ts gate ...`, without npm's start-up time and warnings.
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'gate', ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, GITHUB_STEP_SUMMARY: '', ...env },
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const dir = mkdtempSync(join(tmpdir(), 'gate-cli-'));
const base = writeRun(join(dir, 'base'), rb1Records(300, 1, { seed: 10 }), { model: 'ckpt-100' });
const same = writeRun(join(dir, 'same'), rb1Records(300, 1, { seed: 10 }), { model: 'ckpt-100-again' });
const worse = writeRun(join(dir, 'worse'), rb1Records(300, 1, { seed: 11, shift: { 'math-prm': -0.2 } }), { model: 'ckpt-200' });
const otherData = writeRun(join(dir, 'other'), rb1Records(300, 1, { seed: 10 }), { datasets: defaultDatasets('c'.repeat(64)) });

describe('rmgauge gate (child process)', () => {
  it('exits 100 on a regression, with a clear table, JUnit and a step summary', () => {
    const junit = join(dir, 'out', 'gate.xml');
    const summary = join(dir, 'summary.md');
    writeFileSync(summary, '# earlier step\n');
    const r = rmgauge(['--baseline', base, '--candidate', worse, '--junit', junit], { GITHUB_STEP_SUMMARY: summary });
    expect(r.stderr).not.toContain('rmgauge:');
    expect(r.code).toBe(100);
    expect(r.stdout).toMatch(/^rmgauge gate — FAILED: \d+ of 13 rule\(s\) failed/);
    expect(r.stdout).toMatch(/FAIL\s+rewardbench · subset math-prm\s+300/);
    // the other seven subsets are untouched and pass
    expect(r.stdout.match(/PASS\s+rewardbench · subset /g)).toHaveLength(7);
    expect(r.stdout).toMatch(/FAIL rewardbench\/subset:math-prm: significantly worse than the baseline/);
    expect(r.stdout).toContain('candidate: ckpt-200');

    const xml = readFileSync(junit, 'utf8');
    expect(xml.match(/<testcase /g)).toHaveLength(13);
    expect(xml).toMatch(/<testsuites name="rmgauge gate" tests="13" failures="[1-3]" errors="0" skipped="0">/);
    const mathCase = xml.slice(xml.indexOf('name="rewardbench/subset:math-prm"'));
    const caseText = mathCase.slice(0, mathCase.indexOf('</testcase>'));
    for (const p of ['estimate', 'ci_low', 'ci_high', 'p_value', 'p_adjusted']) expect(caseText).toMatch(new RegExp(`<property name="${p}" value="-?[0-9.e-]+"/>`));
    expect(caseText).toMatch(/<failure message="significantly worse/);
    expect(Number(/name="estimate" value="([^"]+)"/.exec(caseText)![1])).toBeLessThan(-0.02);

    const md = readFileSync(summary, 'utf8');
    expect(md.startsWith('# earlier step\n### ❌ rmgauge gate — FAILED')).toBe(true);
    expect(md).toContain('<details><summary>All rules</summary>');
    expect(md).toMatch(/\*\*rewardbench\/subset:math-prm\*\*: significantly worse/);
  }, 60_000);

  it('exits 0 for two runs with the same results, and prints JSON with --json', () => {
    const r = rmgauge(['--baseline', base, '--candidate', same, '--json']);
    expect(r.code).toBe(0);
    const o = JSON.parse(r.stdout);
    expect(o.passed).toBe(true);
    expect(o.exitCode).toBe(0);
    expect(o.rules).toHaveLength(13);
    expect(o.rules.every((x: { estimate: number }) => x.estimate === 0)).toBe(true);
  }, 60_000);

  it('exits 1 with a clear message on input errors, and compares common data with --allow-mismatch', () => {
    const missing = rmgauge(['--baseline', join(dir, 'nope'), '--candidate', same]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/rmgauge: .*nope is not a run directory: run\.json not found/);
    const noCand = rmgauge(['--baseline', base]);
    expect(noCand.code).toBe(1);
    expect(noCand.stderr).toMatch(/gate needs --candidate/);
    const mismatch = rmgauge(['--baseline', base, '--candidate', otherData]);
    expect(mismatch.code).toBe(1);
    expect(mismatch.stderr).toMatch(/the runs are not comparable[\s\S]*sha256[\s\S]*--allow-mismatch/);
    const allowed = rmgauge(['--baseline', base, '--candidate', otherData, '--allow-mismatch']);
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toMatch(/note: mismatch allowed: dataset "reward-bench" file/);
    const badConfig = join(dir, 'bad.yaml');
    writeFileSync(badConfig, 'rules:\n  - subset: math-prm\n    margn: 0.1\n');
    const cfg = rmgauge(['--baseline', base, '--candidate', same, '--config', badConfig]);
    expect(cfg.code).toBe(1);
    expect(cfg.stderr).toContain(`${badConfig}: field "rules[0].margn": unknown field`);
    expect(existsSync(join(dir, 'out-none.xml'))).toBe(false);
  }, 120_000);
});
