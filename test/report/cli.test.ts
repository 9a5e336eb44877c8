import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { pngAvailable } from '../../src/report/index.js';
import { registryAggregates, writeSyntheticRuns } from './synthetic.js';

let out = '';
let err = '';
function capture() {
  out = '';
  err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
}
afterEach(() => vi.restoreAllMocks());

describe('rmgauge report', () => {
  let dir: string;
  let runs: string[];
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rmgauge-report-cli-'));
    runs = writeSyntheticRuns(join(dir, 'runs'), {
      models: 3,
      items: 120,
      suites: ['rewardbench2', 'rewardbench'],
      aggregates: await registryAggregates(),
    });
  });

  it('writes the HTML, the Markdown summary and (with the optional package) PNG charts', async () => {
    const html = join(dir, 'out', 'report.html');
    const md = join(dir, 'out', 'summary.md');
    const png = join(dir, 'out', 'png');
    capture();
    const code = await main(['report', runs[1], runs[2], '--baseline', runs[0], '-o', html, '--md', md, '--png', png, '--resamples', '50', '--seed', '3']);
    vi.restoreAllMocks();
    const canPng = await pngAvailable();
    expect(code, err).toBe(canPng ? 0 : 1);
    expect(out).toMatch(/report: .*report\.html \(2 model\(s\), 2 suite\(s\), 120 items/);
    expect(statSync(html).size).toBeGreaterThan(200_000);
    const summary = readFileSync(md, 'utf8');
    expect(summary).toContain('| Model | rewardbench2 | rewardbench |');
    expect(summary).toContain('baseline: model-0');
    expect(summary).toMatch(/Δ [+-]\d/);
    if (canPng) {
      const files = readdirSync(png);
      expect(files).toContain('bars-rewardbench2.png');
      expect(files).toContain('reliability-rewardbench.png');
      const head = readFileSync(join(png, 'bars-rewardbench2.png')).subarray(0, 8);
      expect(head.toString('hex')).toBe('89504e470d0a1a0a');
    } else {
      expect(err).toMatch(/npm install chartjs-node-canvas/);
    }
  }, 60_000);

  it('--no-html with --md writes only the summary', async () => {
    const md = join(dir, 'only.md');
    capture();
    const code = await main(['report', runs[1], '--no-html', '--md', md, '--resamples', '0', '-o', join(dir, 'never.html')]);
    vi.restoreAllMocks();
    expect(code, err).toBe(0);
    expect(existsSync(md)).toBe(true);
    expect(existsSync(join(dir, 'never.html'))).toBe(false);
  });

  it('clear errors: no run directory, not a run directory, bad number', async () => {
    capture();
    expect(await main(['report'])).toBe(1);
    expect(err).toMatch(/at least one run directory/);
    err = '';
    expect(await main(['report', dir])).toBe(1);
    expect(err).toMatch(/not a run directory: run\.json not found/);
    err = '';
    expect(await main(['report', runs[1], '--seed', 'x'])).toBe(1);
    expect(err).toMatch(/--seed must be a non-negative integer/);
  });
});
