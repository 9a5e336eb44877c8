// Downloads from a loopback server standing in for the Hugging Face Hub.
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadToCache, findCached, hubCacheDir } from '../../src/data/hf-hub.js';
import { resolveManifestFiles } from '../../src/data/resolve.js';

const body = Buffer.from('{"id":"1"}\n'.repeat(5000));
const sha = createHash('sha256').update(body).digest('hex');
const COMMIT = 'a'.repeat(40);
let server: Server;
let endpoint: string;
let requests = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    requests++;
    const url = req.url ?? '';
    if (url.endsWith('/missing.jsonl')) {
      res.writeHead(404).end('not found');
    } else if (url.endsWith('/cut.jsonl')) {
      res.writeHead(200, { 'content-length': String(body.length), 'x-repo-commit': COMMIT });
      res.write(body.subarray(0, 1000));
      setTimeout(() => res.destroy(), 20);
    } else {
      res.writeHead(200, { 'content-length': String(body.length), 'x-repo-commit': COMMIT });
      res.end(body);
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

function blobsLeft(cache: string): string[] {
  const dir = join(cache, 'datasets--org--set', 'blobs');
  return existsSync(dir) ? readdirSync(dir) : [];
}

describe('Hub downloads into the Hugging Face cache layout', () => {
  it('downloads, checks sha256, and lays out blobs, snapshots and refs like huggingface_hub', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'rmg-hub-'));
    const progress: number[] = [];
    const path = await downloadToCache({ cache, repoId: 'org/set', revision: 'main', path: 'data/ok.jsonl', sha256: sha, endpoint, onProgress: (d) => progress.push(d) });
    expect(path).toBe(join(cache, 'datasets--org--set', 'snapshots', COMMIT, 'data', 'ok.jsonl'));
    expect(readFileSync(path).equals(body)).toBe(true);
    expect(readFileSync(join(cache, 'datasets--org--set', 'refs', 'main'), 'utf8')).toBe(COMMIT);
    expect(blobsLeft(cache)).toEqual([sha]);
    expect(progress.at(-1)).toBe(body.length);
    expect(findCached(cache, 'org/set', 'main', 'data/ok.jsonl')).toBe(path);
  });

  it('refuses a 404 and leaves nothing behind', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'rmg-hub-'));
    await expect(downloadToCache({ cache, repoId: 'org/set', revision: 'main', path: 'missing.jsonl', endpoint })).rejects.toThrow(/HTTP 404/);
    expect(findCached(cache, 'org/set', 'main', 'missing.jsonl')).toBeNull();
  });

  it('refuses a sha256 mismatch and deletes the partial file', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'rmg-hub-'));
    await expect(downloadToCache({ cache, repoId: 'org/set', revision: 'main', path: 'ok.jsonl', sha256: 'b'.repeat(64), endpoint })).rejects.toThrow(/sha256 mismatch/);
    expect(blobsLeft(cache)).toEqual([]);
    expect(findCached(cache, 'org/set', 'main', 'ok.jsonl')).toBeNull();
  });

  it('survives a connection cut mid-file without leaving a corrupt file', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'rmg-hub-'));
    await expect(downloadToCache({ cache, repoId: 'org/set', revision: 'main', path: 'cut.jsonl', endpoint })).rejects.toThrow(/failed/);
    expect(blobsLeft(cache)).toEqual([]);
    expect(findCached(cache, 'org/set', 'main', 'cut.jsonl')).toBeNull();
  });

  it('resolves a manifest from the cache first, then downloads, and explains what to do offline', async () => {
    const home = mkdtempSync(join(tmpdir(), 'rmg-hfhome-'));
    const env = { ...process.env };
    process.env.HF_HUB_CACHE = join(home, 'hub');
    process.env.HF_ENDPOINT = endpoint;
    try {
      const manifest = { name: 't', hf_id: 'org/set', revision: 'main', files: [{ path: 'data/ok.jsonl', sha256: sha }] };
      const before = requests;
      const [first] = await resolveManifestFiles(manifest);
      expect(first.source).toBe('download');
      const [second] = await resolveManifestFiles(manifest);
      expect(second.source).toBe('cache');
      expect(requests - before).toBe(1);
      expect(hubCacheDir()).toBe(join(home, 'hub'));

      process.env.HF_HUB_OFFLINE = '1';
      const offline = { ...manifest, files: [{ path: 'data/other.jsonl' }] };
      await expect(resolveManifestFiles(offline)).rejects.toThrow(
        new RegExp(`org/set/data/other.jsonl.*not cached[\\s\\S]*--data[\\s\\S]*${join(home, 'hub', 'datasets--org--set', 'snapshots', COMMIT, 'data', 'other.jsonl').replace(/[/.-]/g, '\\$&')}[\\s\\S]*huggingface-cli download org/set data/other.jsonl --repo-type dataset`),
      );
    } finally {
      process.env = env;
    }
  });

  it('finds files that Python huggingface_hub cached (refs + snapshots)', () => {
    const cache = mkdtempSync(join(tmpdir(), 'rmg-hub-'));
    const snap = join(cache, 'datasets--allenai--reward-bench-2', 'snapshots', COMMIT, 'data');
    mkdirSync(snap, { recursive: true });
    writeFileSync(join(snap, 'test-00000-of-00001.parquet'), 'x');
    mkdirSync(join(cache, 'datasets--allenai--reward-bench-2', 'refs'));
    writeFileSync(join(cache, 'datasets--allenai--reward-bench-2', 'refs', 'main'), COMMIT);
    expect(findCached(cache, 'allenai/reward-bench-2', 'main', 'data/test-00000-of-00001.parquet')).toBe(join(snap, 'test-00000-of-00001.parquet'));
    expect(findCached(cache, 'allenai/reward-bench-2', COMMIT, 'data/test-00000-of-00001.parquet')).toBe(join(snap, 'test-00000-of-00001.parquet'));
  });
});

describe('a file placed by hand where the offline message says', () => {
  it('is found under snapshots/<revision> when no refs file exists', () => {
    const cache = mkdtempSync(join(tmpdir(), 'rmg-hub-'));
    const snap = join(cache, 'datasets--org--set', 'snapshots', 'main', 'data');
    mkdirSync(snap, { recursive: true });
    writeFileSync(join(snap, 'f.jsonl'), '{}\n');
    expect(findCached(cache, 'org/set', 'main', 'data/f.jsonl')).toBe(join(snap, 'f.jsonl'));
  });
});
