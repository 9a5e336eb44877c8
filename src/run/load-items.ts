// dataset source -> rows -> items, for one suite.
import { applyColumnMapping } from '../data/manifest.js';
import { readTable } from '../data/readers.js';
import { resolveSuiteData, type ResolveOptions } from '../data/resolve.js';
import { UserError } from '../errors.js';
import type { DatasetProvenance } from './run-files.js';
import type { Item } from '../types.js';
import type { SuiteDefinition, SuiteOptions } from '../suites/types.js';
import { projectRoot } from '../paths.js';
import { join } from 'node:path';

export interface LoadedItems {
  items: Item[];
  provenance: DatasetProvenance;
}

export async function loadSuiteItems(
  suite: SuiteDefinition,
  opts: { data?: string | null; sample?: boolean; limit?: number | null; suiteOptions: SuiteOptions; resolve?: ResolveOptions },
): Promise<LoadedItems> {
  const source = suite.dataFor?.(opts.suiteOptions) ?? { datasets: suite.datasets, sample: suite.sample };
  if (opts.sample && !source.sample) throw new UserError(`suite "${suite.name}" has no bundled sample`);
  const data = opts.sample ? join(projectRoot(), source.sample!) : opts.data;
  const { files, provenance, manifest } = await resolveSuiteData(source.datasets, {
    ...opts.resolve,
    data,
    sample: opts.sample,
    configs: suite.configsFor?.(opts.suiteOptions),
  });
  const items: Item[] = [];
  const seen = new Map<string, number>();
  for (const f of files) {
    const rows = applyColumnMapping(await readTable(f.localPath), (f.manifest ?? manifest)?.columns);
    for (const item of suite.toItems(rows, { file: f.localPath, config: f.config }, opts.suiteOptions)) {
      // Results are keyed by item; a repeated id gets a suffix so both rows are kept and resumable.
      const count = seen.get(item.key) ?? 0;
      seen.set(item.key, count + 1);
      if (count > 0) {
        process.stderr.write(`warning: ${f.localPath}: item id "${item.key}" repeats; keeping both (key "${item.key}#${count + 1}")\n`);
        item.key = `${item.key}#${count + 1}`;
      }
      items.push(item);
    }
  }
  if (items.length === 0) throw new UserError(`suite "${suite.name}": the data has no items (${files.map((f) => f.localPath).join(', ')})`);
  return { items: opts.limit ? items.slice(0, opts.limit) : items, provenance };
}
