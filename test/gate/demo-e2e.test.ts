// End to end on the bundled demo data: `rmgauge bench` on the arith-pairs sample with two score
// files (one made worse on purpose on 12 items), then `rmgauge gate`, and `bench --baseline`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const cli = (args: string[]) => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, GITHUB_STEP_SUMMARY: '' },
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

function findRunDir(dir: string): string {
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile() && e.name === 'run.json') return join(e.parentPath, '');
  }
  throw new Error(`no run.json under ${dir}`);
}

const tmp = mkdtempSync(join(tmpdir(), 'gate-demo-'));
const rows = readFileSync(join(root, 'datasets/samples/arith/arith-pairs.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as { id: string; subset: string });

/** A score file right on 9 items of 10; `worse` additionally gets `flip` arith-opener items wrong. */
function scoreFile(name: string, flip: number): string {
  let flipped = 0;
  const lines = rows.map((r, i) => {
    let right = i % 10 !== 3;
    if (right && r.subset === 'arith-opener' && flipped < flip) {
      right = false;
      flipped++;
    }
    return JSON.stringify({ id: r.id, scores: right ? [0.7, -0.2] : [-0.1, 0.4] });
  });
  const file = join(tmp, `${name}.jsonl`);
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

function bench(name: string, flip: number, extra: string[] = []) {
  const out = join(tmp, name);
  const r = cli(['bench', '--suite', 'arith-pairs', '--model', `scores:${scoreFile(name, flip)}`, '--sample', '--out', out, '--quiet', '--no-report', ...extra]);
  return { ...r, out };
}

describe('gate on two runs of the demo data', () => {
  const good = bench('good', 0);
  const again = bench('good-again', 0);
  const worse = bench('worse', 12);

  it('fails the worse run with exit 100 and a clear table, and passes two identical runs', () => {
    expect([good.code, again.code, worse.code]).toEqual([0, 0, 0]);
    const base = findRunDir(good.out);
    const failed = cli(['gate', '--baseline', base, '--candidate', findRunDir(worse.out)]);
    expect(failed.stderr).not.toContain('rmgauge:');
    expect(failed.code).toBe(100);
    expect(failed.stdout).toMatch(/rmgauge gate — FAILED/);
    // The baseline is right on 9 items of 10: per subset, the share of its rows with i % 10 !== 3.
    const acc = (subset: string) => {
      const idx = rows.map((r, i) => [r, i] as const).filter(([r]) => r.subset === subset);
      return (100 * idx.filter(([, i]) => i % 10 !== 3).length) / idx.length;
    };
    const [opener, plain] = [acc('arith-opener'), acc('arith-plain')];
    // 12 items lost on arith-opener (200 items): −6 points, exact McNemar p = 2^−12 before Holm
    expect(failed.stdout).toMatch(new RegExp(`arith-pairs · subset arith-opener\\s+200\\s+${opener.toFixed(1)}\\s+${(opener - 6).toFixed(1)}\\s+-6\\.0\\s`));
    expect(failed.stdout).toMatch(/FAIL\s+arith-pairs · subset arith-opener\s.*mcnemar-exact \(12↓ 0↑\)/);
    expect(failed.stdout).toMatch(new RegExp(`PASS\\s+arith-pairs · subset arith-plain\\s+200\\s+${plain.toFixed(1)}\\s+${plain.toFixed(1)}\\s+\\+0\\.0`));
    expect(failed.stdout).toMatch(/FAIL arith-pairs\/subset:arith-opener: significantly worse than the baseline/);

    const passed = cli(['gate', '--baseline', base, '--candidate', findRunDir(again.out)]);
    expect(passed.code).toBe(0);
    expect(passed.stdout).toMatch(/rmgauge gate — PASSED/);
  }, 120_000);

  it('bench --baseline gates the new run in the same step', () => {
    const base = findRunDir(good.out);
    const cfg = join(tmp, 'gate.yaml');
    writeFileSync(cfg, 'rules:\n  - subset: "*"\n    margin: 0.01\n');
    const r = bench('worse-gated', 12, ['--gate', cfg, '--baseline', base]);
    expect(r.code).toBe(100);
    expect(r.stdout).toMatch(/FAIL\s+arith-pairs · subset arith-opener/);
    const ok = bench('good-gated', 0, ['--gate', cfg, '--baseline', base]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/rmgauge gate — PASSED: 2 rule\(s\) passed/);
  }, 120_000);
});
