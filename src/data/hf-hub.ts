// The Hugging Face cache on disk (shared with Python's huggingface_hub) and downloads from the
// Hub's resolve URL into it: .incomplete file renamed on success, sha256 checked, nothing corrupt
// left behind.
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync, lstatSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { UserError } from '../errors.js';

export function hubCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.HF_HUB_CACHE) return env.HF_HUB_CACHE;
  if (env.HF_HOME) return join(env.HF_HOME, 'hub');
  return join(homedir(), '.cache', 'huggingface', 'hub');
}

export function hubEndpoint(env: NodeJS.ProcessEnv = process.env): string {
  return (env.HF_ENDPOINT || 'https://huggingface.co').replace(/\/+$/, '');
}

export function repoFolder(cache: string, repoId: string): string {
  return join(cache, `datasets--${repoId.replace(/\//g, '--')}`);
}

const COMMIT_RE = /^[0-9a-f]{40}$/;

/** The commit a revision points to in the cache (refs/<rev>), or the revision if it is a commit. */
export function cachedCommit(cache: string, repoId: string, revision: string): string | null {
  if (COMMIT_RE.test(revision)) return revision;
  const ref = join(repoFolder(cache, repoId), 'refs', revision);
  return existsSync(ref) ? readFileSync(ref, 'utf8').trim() : null;
}

/** The cached file for (repo, revision, path), or null. */
export function findCached(cache: string, repoId: string, revision: string, path: string): string | null {
  // snapshots/<commit> via refs/<revision>, else a snapshots/<revision> folder put there by hand.
  for (const snapshot of new Set([cachedCommit(cache, repoId, revision), revision])) {
    if (!snapshot) continue;
    const file = join(repoFolder(cache, repoId), 'snapshots', snapshot, path);
    if (existsSync(file)) return file;
  }
  return null;
}

export function expectedCachePath(cache: string, repoId: string, revision: string, path: string): string {
  return join(repoFolder(cache, repoId), 'snapshots', cachedCommit(cache, repoId, revision) ?? revision, path);
}

export function sha256File(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

export interface DownloadOptions {
  cache: string;
  repoId: string;
  revision: string;
  path: string;
  sha256?: string | null;
  endpoint?: string;
  token?: string;
  onProgress?: (done: number, total: number | null) => void;
  timeoutMs?: number;
}

export class DownloadError extends UserError {}

/** Downloads one dataset file into the cache and returns its snapshot path. */
export async function downloadToCache(opts: DownloadOptions): Promise<string> {
  const endpoint = opts.endpoint ?? hubEndpoint();
  const url = `${endpoint}/datasets/${opts.repoId}/resolve/${encodeURIComponent(opts.revision)}/${opts.path
    .split('/')
    .map(encodeURIComponent)
    .join('/')}`;
  const headers: Record<string, string> = { 'user-agent': 'rmgauge' };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let res: Response;
  try {
    res = await fetch(url, { headers, redirect: 'follow', signal: AbortSignal.timeout(opts.timeoutMs ?? 600_000) });
  } catch (err) {
    throw new DownloadError(`cannot reach ${url}: ${(err as Error).cause ? String((err as Error).cause) : (err as Error).message}`);
  }
  if (!res.ok || !res.body) {
    throw new DownloadError(`download of ${url} failed: HTTP ${res.status}${res.status === 401 || res.status === 403 ? ' (gated dataset? set HF_TOKEN)' : ''}`);
  }
  const commit = res.headers.get('x-repo-commit') ?? opts.revision;
  const total = Number(res.headers.get('content-length')) || null;
  const folder = repoFolder(opts.cache, opts.repoId);
  mkdirSync(join(folder, 'blobs'), { recursive: true });
  const tmp = join(folder, 'blobs', `rmgauge-${process.pid}-${Date.now()}.incomplete`);
  const hash = createHash('sha256');
  let done = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      const out = createWriteStream(tmp);
      out.on('error', reject);
      const reader = res.body!.getReader();
      const pump = (): void => {
        reader.read().then(
          ({ done: finished, value }) => {
            if (finished) {
              out.end(() => resolve());
              return;
            }
            hash.update(value);
            done += value.length;
            opts.onProgress?.(done, total);
            if (!out.write(value)) out.once('drain', pump);
            else pump();
          },
          (err) => {
            out.destroy();
            reject(err);
          },
        );
      };
      pump();
    });
    if (total !== null && done !== total) throw new Error(`connection closed after ${done} of ${total} bytes`);
    const digest = hash.digest('hex');
    if (opts.sha256 && digest !== opts.sha256.toLowerCase()) {
      throw new Error(`sha256 mismatch: expected ${opts.sha256}, got ${digest}`);
    }
    const blob = join(folder, 'blobs', digest);
    renameSync(tmp, blob);
    const snapshot = join(folder, 'snapshots', commit, opts.path);
    mkdirSync(dirname(snapshot), { recursive: true });
    if (existsSync(snapshot) || isLink(snapshot)) rmSync(snapshot);
    try {
      symlinkSync(relative(dirname(snapshot), blob), snapshot);
    } catch {
      writeFileSync(snapshot, readFileSync(blob));
    }
    if (!COMMIT_RE.test(opts.revision)) {
      mkdirSync(join(folder, 'refs'), { recursive: true });
      writeFileSync(join(folder, 'refs', opts.revision), commit);
    }
    return snapshot;
  } catch (err) {
    rmSync(tmp, { force: true });
    throw new DownloadError(`download of ${url} failed: ${(err as Error).message}; nothing was kept`);
  }
}

function isLink(p: string): boolean {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}
