// The persistent score cache of local models: scores keyed by model fingerprint (namespace) and the
// exact token ids (key), in scores.sqlite under the cache directory. Also remembers file hashes by
// (path, size, mtime) so that a multi-gigabyte model is hashed once, not on every run.
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { KvStore } from '../../cache/kv-store.js';
import { hashModelFiles } from './layout.js';

export class ScoreCache {
  private readonly store: KvStore<number>;

  constructor(file: string) {
    this.store = new KvStore<number>(file, 'scores');
  }

  get(ns: string, key: string): number | undefined {
    const v = this.store.get(ns, key);
    return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
  }

  putMany(ns: string, entries: Array<[string, number]>): void {
    this.store.putMany(ns, entries);
  }

  /** Side table for file hashes (same SQLite file, its own namespace). */
  getText(ns: string, key: string): string | undefined {
    const v = (this.store as unknown as KvStore<unknown>).get(ns, key);
    return typeof v === 'string' ? v : undefined;
  }

  putText(ns: string, key: string, value: string): void {
    (this.store as unknown as KvStore<unknown>).put(ns, key, value);
  }

  close(): void {
    this.store.close();
  }
}

/** sha256 of the model files; memoised in the cache by path, size and mtime. */
export async function fingerprintFiles(files: string[], cache: ScoreCache | undefined): Promise<string> {
  const id = files
    .map((f) => {
      const st = statSync(f);
      return `${resolve(f)}:${st.size}:${st.mtimeMs}`;
    })
    .join('|');
  const known = cache?.getText('file-sha256', id);
  if (known) return known;
  const sha = await hashModelFiles(files);
  cache?.putText('file-sha256', id, sha);
  return sha;
}
