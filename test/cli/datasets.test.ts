// `rmgauge datasets pull/list` and a bench that reads its dataset from the Hugging Face cache,
// against a loopback server standing in for the Hub.
import { createServer, type Server } from 'node:http';
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliAsync as runCli } from '../helpers/cli.js';

const COMMIT = 'c'.repeat(40);
let server: Server;
let endpoint: string;
const requested: string[] = [];

// A tiny RewardBench 2 parquet in the upstream schema (list<string> columns).
const parquet = Buffer.from(
  parquetWriteBuffer({
    columnData: [
      { name: 'id', data: ['1', '2', '3'], type: 'STRING' },
      { name: 'prompt', data: ['p1', 'p2', 'p3'], type: 'STRING' },
      { name: 'chosen', data: [['a long good answer'], ['a long good answer'], ['x']] },
      { name: 'rejected', data: [['no', 'bad', 'meh'], ['no', 'bad', 'meh'], ['much longer', 'y', 'z']] },
      { name: 'num_correct', data: [1, 1, 1], type: 'INT32' },
      { name: 'subset', data: ['Math', 'Focus', 'Math'], type: 'STRING' },
    ],
  }),
);

beforeAll(async () => {
  server = createServer((req, res) => {
    requested.push(req.url ?? '');
    if (req.url === '/datasets/allenai/reward-bench-2/resolve/main/data/test-00000-of-00001.parquet') {
      res.writeHead(200, { 'content-length': String(parquet.length), 'x-repo-commit': COMMIT });
      res.end(parquet);
    } else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('rmgauge datasets and the Hugging Face cache', () => {
  it('pulls a suite dataset, lists it as cached, and bench reads it from the cache', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'rmg-hub-'));
    const env = { HF_HUB_CACHE: cache, HF_ENDPOINT: endpoint, HF_HUB_OFFLINE: '' };

    const before = await runCli(['datasets', 'list'], { env });
    expect(before.status, before.stderr).toBe(0);
    expect(before.stdout).toMatch(/rewardbench2[\s\S]*allenai\/reward-bench-2 @ main\s+1 file\(s\)\s+not cached/);

    const pull = await runCli(['datasets', 'pull', 'rewardbench2'], { env });
    expect(pull.status, pull.stderr).toBe(0);
    expect(pull.stdout).toMatch(/downloaded -> .*datasets--allenai--reward-bench-2[\\/]snapshots[\\/]c{40}[\\/]data[\\/]test-00000-of-00001\.parquet/);

    const after = await runCli(['datasets', 'list'], { env });
    expect(after.stdout).toMatch(/allenai\/reward-bench-2 @ main\s+1 file\(s\)\s+cached/);

    const count = requested.length;
    const out = mkdtempSync(join(tmpdir(), 'rmg-out-'));
    const bench = await runCli(['bench', '--suite', 'rewardbench2', '--model', 'baseline:length', '--json', '--quiet', '--no-report', '--out', out], {
      env: { ...env, HF_HUB_OFFLINE: '1' },
    });
    expect(bench.status, bench.stderr).toBe(0);
    expect(requested.length).toBe(count); // offline: read from the cache, no request
    const res = JSON.parse(bench.stdout).rewardbench2;
    expect(res.subsets.Math).toEqual({ score: 0.5, n: 2, errors: 0 });
    expect(res.subsets.Focus).toEqual({ score: 1, n: 1, errors: 0 });
  });

  it('says exactly what to do when offline with nothing cached', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'rmg-hub-'));
    const r = await runCli(['bench', '--suite', 'rewardbench', '--model', 'baseline:length', '--quiet', '--no-report', '--out', mkdtempSync(join(tmpdir(), 'rmg-out-'))], {
      env: { HF_HUB_CACHE: cache, HF_HUB_OFFLINE: '1' },
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/allenai\/reward-bench\/data\/filtered-00000-of-00001\.parquet \(revision main\) is not cached/);
    expect(r.stderr).toMatch(/--data <path>/);
    expect(r.stderr).toMatch(/huggingface-cli download allenai\/reward-bench data\/filtered-00000-of-00001\.parquet --repo-type dataset --revision main/);
  });
});
