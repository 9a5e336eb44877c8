// Suites are declared as data in suites/<name>.json (dataset manifests, sample, weights, ...) and
// implemented by a TypeScript module named by the declaration's "kind".
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { projectRoot } from '../paths.js';
import type { SuiteDefinition } from './types.js';

export interface SuiteDeclaration {
  name: string;
  kind: string;
  description: string;
  /** Dataset manifest names (datasets/<name>.json). */
  datasets: string[];
  /** Bundled sample data, relative to the project root. */
  sample?: string;
  /** Kind-specific parameters (section weights, languages, ...). */
  params?: Record<string, unknown>;
}

type Implementation = (decl: SuiteDeclaration) => SuiteDefinition;

const implementations: Record<string, () => Promise<Implementation>> = {
  rewardbench2: async () => (await import('./rewardbench2.js')).rewardBench2Suite,
  'pairwise-sections': async () => (await import('./pairwise-sections.js')).pairwiseSectionsSuite,
  'm-rewardbench': async () => (await import('./m-rewardbench.js')).mRewardBenchSuite,
  'one-token-to-fool': async () => (await import('./one-token-to-fool.js')).oneTokenToFoolSuite,
  probes: async () => (await import('./probes.js')).probesSuite,
  'rm-bench': async () => (await import('./rm-bench.js')).rmBenchSuite,
  judgebench: async () => (await import('./judgebench.js')).judgeBenchSuite,
};

export function suitesDir(): string {
  return join(projectRoot(), 'suites');
}

/** Suite declarations in suites/ (other JSON files there, like the master-key list, are data). */
export function listSuiteDeclarations(): SuiteDeclaration[] {
  return readdirSync(suitesDir())
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(join(suitesDir(), f), 'utf8')) as Partial<SuiteDeclaration>)
    .filter((d): d is SuiteDeclaration => typeof d.kind === 'string' && typeof d.name === 'string');
}

function readDeclaration(file: string): SuiteDeclaration {
  const decl = JSON.parse(readFileSync(file, 'utf8')) as SuiteDeclaration;
  if (!decl.name || !decl.kind) throw new UserError(`${file}: a suite declaration needs "name" and "kind"`);
  return decl;
}

export async function loadSuite(name: string): Promise<SuiteDefinition & { declaration: SuiteDeclaration }> {
  const file = join(suitesDir(), `${name}.json`);
  if (!existsSync(file)) {
    const known = listSuiteDeclarations().map((d) => d.name);
    throw new UserError(`unknown suite "${name}"; known suites: ${known.join(', ')}`);
  }
  const decl = readDeclaration(file);
  const load = implementations[decl.kind];
  if (!load) throw new UserError(`${file}: unknown suite kind "${decl.kind}"`);
  const impl = await load();
  return Object.assign(impl(decl), { declaration: decl });
}
