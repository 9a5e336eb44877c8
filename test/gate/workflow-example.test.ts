// The example workflow in docs/ stays valid YAML with the steps the docs promise.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = join(import.meta.dirname, '..', '..');

describe('docs/github-actions-example.yml', () => {
  it('checks out, sets up Node 20, caches datasets and scores, benches with --gate/--baseline, uploads the report', () => {
    const wf = parse(readFileSync(join(root, 'docs/github-actions-example.yml'), 'utf8')) as {
      jobs: Record<string, { steps: Array<{ uses?: string; run?: string; with?: Record<string, unknown>; if?: string }> }>;
    };
    const steps = Object.values(wf.jobs)[0].steps;
    const uses = (prefix: string) => steps.find((s) => s.uses?.startsWith(prefix));
    expect(uses('actions/checkout@')).toBeDefined();
    expect(uses('actions/setup-node@')?.with?.['node-version']).toBe(20);
    expect(steps.some((s) => s.run?.trim() === 'npm ci')).toBe(true);
    const cachePaths = String(uses('actions/cache@')?.with?.path);
    expect(cachePaths).toContain('~/.cache/huggingface');
    expect(cachePaths).toContain('~/.cache/rmgauge');
    const bench = steps.find((s) => s.run?.includes('rmgauge bench'))!;
    expect(bench.run).toMatch(/--gate \S+/);
    expect(bench.run).toMatch(/--baseline \S+/);
    const upload = uses('actions/upload-artifact@')!;
    expect(upload.if).toBe('always()');
    expect(upload.with?.path).toBe('reports/ci');
  });
});
