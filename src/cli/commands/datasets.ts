// `rmgauge datasets list|pull`: which datasets each suite reads and whether they are cached;
// fetch them ahead of time (for CI caches).
import { parseArgs } from 'node:util';
import { UserError } from '../../errors.js';
import { findCached, hubCacheDir } from '../../data/hf-hub.js';
import { loadManifest } from '../../data/manifest.js';
import { resolveManifestFiles } from '../../data/resolve.js';
import { listSuiteDeclarations, loadSuite } from '../../suites/registry.js';
import type { Command } from '../main.js';

function list(): number {
  const cache = hubCacheDir();
  process.stdout.write(`Hugging Face cache: ${cache}\n\n`);
  for (const decl of listSuiteDeclarations().sort((a, b) => a.name.localeCompare(b.name))) {
    process.stdout.write(`${decl.name}${decl.sample ? `  (bundled sample: ${decl.sample})` : ''}\n`);
    if (decl.datasets.length === 0) process.stdout.write('  no upstream dataset: runs on its bundled data or --data\n');
    for (const name of decl.datasets) {
      const m = loadManifest(name);
      const cached = m.files.filter((f) => findCached(cache, m.hf_id, m.revision, f.path)).length;
      const state = cached === m.files.length ? 'cached' : cached === 0 ? 'not cached' : `${cached}/${m.files.length} files cached`;
      process.stdout.write(`  ${m.hf_id} @ ${m.revision}  ${m.files.length} file(s)  ${state}${m.license ? `  license ${m.license}` : ''}\n`);
    }
  }
  return 0;
}

async function pull(suites: string[], languages?: string[]): Promise<number> {
  if (suites.length === 0) throw new UserError('usage: rmgauge datasets pull <suite>...');
  for (const name of suites) {
    const suite = await loadSuite(name);
    if (suite.datasets.length === 0) {
      process.stdout.write(`${name}: no upstream dataset to pull\n`);
      continue;
    }
    for (const manifestName of suite.datasets) {
      const m = loadManifest(manifestName);
      let last = 0;
      const files = await resolveManifestFiles(m, {
        configs: languages,
        onProgress: (file, done, total) => {
          const now = Date.now();
          if (now - last < 500 && done !== total) return;
          last = now;
          const pct = total ? ` ${((done / total) * 100).toFixed(0)}%` : '';
          process.stderr.write(`\r\x1b[2K  ${file}: ${(done / 1e6).toFixed(1)} MB${pct}`);
        },
      });
      process.stderr.write('\n');
      for (const f of files) process.stdout.write(`${name}: ${m.hf_id}/${f.path} ${f.source === 'cache' ? 'already cached' : 'downloaded'} -> ${f.localPath}\n`);
    }
  }
  return 0;
}

export const command: Command = {
  summary: 'list suite datasets and cache state; pull them ahead of time',
  async run(argv) {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { languages: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
    });
    const [sub, ...rest] = positionals;
    if (values.help || !sub) {
      process.stdout.write('Usage: rmgauge datasets list\n       rmgauge datasets pull <suite>... [--languages a,b]\n');
      return values.help ? 0 : 1;
    }
    if (sub === 'list') return list();
    if (sub === 'pull') return pull(rest, values.languages?.split(','));
    throw new UserError(`unknown datasets subcommand "${sub}" (list, pull)`);
  },
};
