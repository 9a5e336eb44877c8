// Where a suite's rows come from: --data (a file or folder) -> the Hugging Face cache on disk ->
// a download from the Hub into that cache. Offline with nothing cached: one clear message.
import { readdirSync, statSync, existsSync } from 'node:fs';
import { basename, extname, join, relative, resolve } from 'node:path';
import { UserError } from '../errors.js';
import type { DatasetFileProvenance, DatasetProvenance } from '../run/run-files.js';
import { downloadToCache, expectedCachePath, findCached, hubCacheDir, sha256File, DownloadError } from './hf-hub.js';
import { loadManifest, type DatasetManifest } from './manifest.js';
import { isTableFile } from './readers.js';

export interface ResolvedFile extends DatasetFileProvenance {
  manifest?: DatasetManifest;
}

export interface ResolveOptions {
  /** --data: a local file or folder replacing the suite's dataset source. */
  data?: string | null;
  /** Treat --data as the bundled sample (recorded as such). */
  sample?: boolean;
  offline?: boolean;
  onProgress?: (file: string, done: number, total: number | null) => void;
  /** Only these configs (e.g. languages). */
  configs?: string[];
}

/** All table files under a folder (sorted), or the file itself. */
export function listTableFiles(path: string): string[] {
  const abs = resolve(path);
  if (!existsSync(abs)) throw new UserError(`--data ${path}: no such file or folder`);
  if (statSync(abs).isFile()) return [abs];
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      if (name.startsWith('.')) continue;
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (isTableFile(p)) out.push(p);
    }
  };
  walk(abs);
  if (out.length === 0) throw new UserError(`--data ${path}: no .jsonl, .json, .csv or .parquet files in this folder`);
  return out;
}

/** The config a local file belongs to: its folder name (HF layout) or its file stem. */
function localConfig(file: string, root: string): string {
  const rel = relative(root, file);
  const parts = rel.split(/[\\/]/);
  if (parts.length > 1) return parts[0];
  return basename(file, extname(file));
}

export function resolveLocalData(data: string, sample = false): ResolvedFile[] {
  const root = resolve(data);
  const isDir = statSync(root).isDirectory();
  return listTableFiles(data).map((file) => ({
    path: isDir ? relative(root, file) : basename(file),
    localPath: file,
    source: sample ? 'sample' : 'data',
    sha256: sha256File(file),
    config: isDir ? localConfig(file, root) : undefined,
  }));
}

export function offlineMessage(m: DatasetManifest, path: string, cache: string, reason: string): string {
  return [
    `dataset file ${m.hf_id}/${path} (revision ${m.revision}) is not cached and could not be downloaded: ${reason}.`,
    `Provide it in one of these ways:`,
    `  - pass the file or a folder with --data <path> (or try the bundled sample with --sample)`,
    `  - put it at ${expectedCachePath(cache, m.hf_id, m.revision, path)}`,
    `  - on a machine with network: huggingface-cli download ${m.hf_id} ${path} --repo-type dataset --revision ${m.revision}, then copy ${cache}`,
  ].join('\n');
}

/** Resolves every file of a manifest from the cache, downloading what is missing. */
export async function resolveManifestFiles(m: DatasetManifest, opts: ResolveOptions = {}): Promise<ResolvedFile[]> {
  const cache = hubCacheDir();
  const offline = opts.offline ?? (process.env.HF_HUB_OFFLINE === '1' || process.env.HF_DATASETS_OFFLINE === '1');
  const out: ResolvedFile[] = [];
  const files = opts.configs ? m.files.filter((f) => !f.config || opts.configs!.includes(f.config)) : m.files;
  for (const f of files) {
    let local = findCached(cache, m.hf_id, m.revision, f.path);
    let source: ResolvedFile['source'] = 'cache';
    if (!local) {
      if (offline) throw new UserError(offlineMessage(m, f.path, cache, 'HF_HUB_OFFLINE is set'));
      try {
        local = await downloadToCache({
          cache,
          repoId: m.hf_id,
          revision: m.revision,
          path: f.path,
          sha256: f.sha256,
          token: process.env.HF_TOKEN || process.env.HUGGING_FACE_HUB_TOKEN,
          onProgress: (done, total) => opts.onProgress?.(f.path, done, total),
        });
      } catch (err) {
        if (err instanceof DownloadError) throw new UserError(offlineMessage(m, f.path, cache, err.message));
        throw err;
      }
      source = 'download';
    }
    const sha256 = sha256File(local);
    if (f.sha256 && sha256 !== f.sha256.toLowerCase()) {
      throw new UserError(`${local}: sha256 ${sha256} does not match the manifest's ${f.sha256} (${m.name}: ${f.path}); delete it to download again`);
    }
    out.push({ path: f.path, localPath: local, source, sha256, config: f.config, manifest: m });
  }
  return out;
}

export async function resolveSuiteData(
  manifestNames: string[],
  opts: ResolveOptions,
): Promise<{ files: ResolvedFile[]; provenance: DatasetProvenance; manifest?: DatasetManifest }> {
  const manifest = manifestNames.length ? loadManifest(manifestNames[0]) : undefined;
  if (opts.data) {
    const files = resolveLocalData(opts.data, opts.sample);
    return {
      files,
      manifest,
      provenance: { id: opts.sample ? 'sample' : 'local', revision: null, files: files.map(strip) },
    };
  }
  if (!manifest) throw new UserError('this suite has no dataset manifest: pass --data <file or folder>');
  const files: ResolvedFile[] = [];
  const manifests = manifestNames.map(loadManifest);
  for (const m of manifests) files.push(...(await resolveManifestFiles(m, opts)));
  const provenance: DatasetProvenance = { id: manifest.hf_id, revision: manifest.revision, files: files.map(strip) };
  if (manifests.length > 1) provenance.sources = manifests.map((m) => ({ id: m.hf_id, revision: m.revision }));
  return { files, manifest, provenance };
}

function strip(f: ResolvedFile): DatasetFileProvenance {
  const { manifest, ...rest } = f;
  return manifest ? { ...rest, dataset: manifest.hf_id, revision: manifest.revision } : rest;
}

