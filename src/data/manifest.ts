// Dataset manifests: datasets/<name>.json says where a suite's data lives upstream.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataError, UserError } from '../errors.js';
import { projectRoot } from '../paths.js';
import type { Row } from '../suites/types.js';

export interface ManifestFile {
  /** Path inside the Hugging Face dataset repository. */
  path: string;
  /** Expected sha256 of the file, when known. */
  sha256?: string | null;
  /** A config (e.g. a language) this file belongs to. */
  config?: string;
}

export interface DatasetManifest {
  name: string;
  hf_id: string;
  revision: string;
  license?: string;
  split?: string;
  description?: string;
  files: ManifestFile[];
  /** canonical field -> dataset column (or alternatives, the first present wins). */
  columns?: Record<string, string | string[]>;
}

export function datasetsDir(): string {
  return join(projectRoot(), 'datasets');
}

export function loadManifest(name: string): DatasetManifest {
  const file = join(datasetsDir(), `${name}.json`);
  if (!existsSync(file)) throw new UserError(`dataset manifest "${name}" not found (${file})`);
  let m: DatasetManifest;
  try {
    m = JSON.parse(readFileSync(file, 'utf8')) as DatasetManifest;
  } catch (err) {
    throw new DataError(file, undefined, undefined, `malformed JSON (${(err as Error).message})`);
  }
  for (const field of ['name', 'hf_id', 'revision'] as const) {
    if (typeof m[field] !== 'string' || !m[field]) throw new DataError(file, undefined, field, 'required string');
  }
  if (!Array.isArray(m.files) || m.files.length === 0) throw new DataError(file, undefined, 'files', 'required non-empty list');
  m.files.forEach((f, i) => {
    if (typeof f.path !== 'string' || !f.path) throw new DataError(file, undefined, `files[${i}].path`, 'required string');
  });
  return m;
}

/** Renames columns to the canonical names a suite reads; the original fields stay too. */
export function applyColumnMapping(rows: Row[], columns: DatasetManifest['columns']): Row[] {
  if (!columns) return rows;
  const entries = Object.entries(columns).map(([canonical, alt]) => [canonical, Array.isArray(alt) ? alt : [alt]] as const);
  return rows.map((row) => {
    const out: Row = { ...row };
    for (const [canonical, alternatives] of entries) {
      if (out[canonical] !== undefined) continue;
      const found = alternatives.find((a) => row[a] !== undefined);
      if (found !== undefined) out[canonical] = row[found];
    }
    return out;
  });
}
