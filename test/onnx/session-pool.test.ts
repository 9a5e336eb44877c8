// Parallel sessions: each in a worker thread, batches spread over them, scores identical to the
// golden logits whatever the number of sessions; the default count; failures that never hang.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createOnnxScorer } from '../../src/scorers/onnx/index.js';
import { ConversationEncoder } from '../../src/scorers/onnx/encode.js';
import { onnxFlagValues } from '../../src/scorers/onnx/flags.js';
import { readLayout } from '../../src/scorers/onnx/layout.js';
import { PARALLEL_SESSIONS_MAX_WEIGHTS, SessionPool, defaultSessions } from '../../src/scorers/onnx/session-pool.js';
import type { Scorer } from '../../src/types.js';
import { LLAMA, ROOT, golden, tempDir, options, toRequest, type LlamaCase } from './helpers.js';

const llama = golden<LlamaCase>(LLAMA);
const MiB = 1024 ** 2;
const GiB = 1024 ** 3;

describe('defaultSessions', () => {
  it('gives a small model one session per core on CPU', () => {
    expect(defaultSessions('cpu', 44 * MiB, 16, 128 * GiB)).toBe(16);
    expect(defaultSessions('cpu', 1.4 * MiB, 2, 24 * GiB)).toBe(2);
  });
  it('stops at what fits in a quarter of the memory, and never goes below one', () => {
    expect(defaultSessions('cpu', 400 * MiB, 16, 4 * GiB)).toBe(2); // 1 GiB / 400 MiB
    expect(defaultSessions('cpu', 400 * MiB, 16, 1 * GiB)).toBe(1); // not even one fits: still one
  });
  it('gives a model over 512 MiB, and any GPU device, a single session', () => {
    expect(defaultSessions('cpu', PARALLEL_SESSIONS_MAX_WEIGHTS, 8, 128 * GiB)).toBe(8);
    expect(defaultSessions('cpu', PARALLEL_SESSIONS_MAX_WEIGHTS + 1, 8, 128 * GiB)).toBe(1);
    expect(defaultSessions('cuda', 10 * MiB, 8, 128 * GiB)).toBe(1);
    expect(defaultSessions('webgpu', 10 * MiB, 8, 128 * GiB)).toBe(1);
  });
});

describe('the onnx scorer with several sessions', () => {
  const scorers: Scorer[] = [];
  afterEach(async () => {
    await Promise.all(scorers.splice(0).map((s) => s.close?.()));
  });

  it.each([1, 2, 3])('%i session(s): concurrent callers get the golden logits, in order', async (sessions) => {
    const s = await createOnnxScorer(LLAMA, `onnx:${LLAMA}`, options({ sessions, threads: 1, maxBatchTokens: 64 }));
    scorers.push(s);
    expect(s.info.details).toMatchObject({ sessions, threads: 1 });
    // Every case 3 times, from separate callers: small batches spread over the sessions.
    const calls = [0, 1, 2].flatMap(() => llama.cases.map((c) => s.score!([toRequest(c.messages)])));
    const got = (await Promise.all(calls)).map((r) => r[0]);
    const want = [0, 1, 2].flatMap(() => llama.cases.map((c) => c.logit));
    got.forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThan(1e-5));
    expect(s.stats!().batches).toBeGreaterThan(1);
  });

  it('splits the cores between the sessions unless --threads says otherwise', async () => {
    const s = await createOnnxScorer(LLAMA, `onnx:${LLAMA}`, options({ sessions: 1 }));
    scorers.push(s);
    expect(s.info.details!.threads).toBe(availableParallelism());
    const t = await createOnnxScorer(LLAMA, `onnx:${LLAMA}`, options({ sessions: 4 }));
    scorers.push(t);
    expect(t.info.details).toMatchObject({ sessions: 4, threads: Math.max(1, Math.floor(availableParallelism() / 4)) });
    const u = await createOnnxScorer(LLAMA, `onnx:${LLAMA}`, options({ sessions: 2, threads: 3 }));
    scorers.push(u);
    expect(u.info.details).toMatchObject({ sessions: 2, threads: 3 });
  });

  it('refuses a session count that is not a positive whole number', async () => {
    expect(() => onnxFlagValues({ sessions: '0' })).toThrow('--sessions must be a positive whole number, got "0"');
    expect(() => onnxFlagValues({ sessions: 'two' })).toThrow('--sessions must be a positive whole number');
    expect(onnxFlagValues({ sessions: '3' })).toEqual({ sessions: 3 });
    await expect(createOnnxScorer(LLAMA, `onnx:${LLAMA}`, options({ sessions: 1.5 }))).rejects.toThrow('--sessions must be a positive integer, got 1.5');
  });
});

describe('SessionPool', () => {
  const layout = readLayout(LLAMA, process.cwd());
  const enc = new ConversationEncoder({ ...layout, pairMode: false, maxLength: 2048, truncationSide: 'left' });
  const rows = llama.cases.map((c) => enc.encode(toRequest(c.messages)));

  it.each([1, 2])('queues more concurrent batches than it has sessions (%i per session) and answers each with its own rows', async (depth) => {
    const pool = await SessionPool.open({ modelFile: layout.modelFile, device: 'cpu', threads: 1 }, 2, depth);
    try {
      expect(pool.size).toBe(2);
      expect(pool.depth).toBe(depth);
      const batches = [rows.slice(0, 3), rows.slice(3, 4), rows.slice(4), rows.slice(1, 2), rows.slice(0, 1)];
      const results = await Promise.all(batches.map((b) => pool.run(b, 1)));
      batches.forEach((b, i) => {
        expect(results[i]).toHaveLength(b.length);
        b.forEach((row, j) => expect(Math.abs(results[i][j] - llama.cases[rows.indexOf(row)].logit)).toBeLessThan(1e-5));
      });
    } finally {
      await pool.close();
    }
  });

  it('a batch that fails in the worker rejects that run only; the session keeps working', async () => {
    const pool = await SessionPool.open({ modelFile: layout.modelFile, device: 'cpu', threads: 1 }, 1);
    try {
      const outOfVocab = { ...rows[0], ids: [1, 999_999, 2] }; // no such embedding row
      const [bad, good] = await Promise.allSettled([pool.run([outOfVocab], 1), pool.run(rows.slice(0, 1), 1)]);
      expect(bad.status).toBe('rejected');
      expect(String((bad as PromiseRejectedResult).reason)).toMatch(/out of (range|bounds)|indices/i);
      expect(good).toMatchObject({ status: 'fulfilled' });
      expect(Math.abs((good as PromiseFulfilledResult<number[]>).value[0] - llama.cases[0].logit)).toBeLessThan(1e-5);
    } finally {
      await pool.close();
    }
  });

  it('rejects a run after close instead of waiting forever', async () => {
    const pool = await SessionPool.open({ modelFile: layout.modelFile, device: 'cpu', threads: 1 }, 1);
    const [score] = await pool.run(rows.slice(0, 1), 1);
    expect(Math.abs(score - llama.cases[0].logit)).toBeLessThan(1e-5);
    await pool.close();
    await expect(pool.run(rows.slice(0, 1), 1)).rejects.toThrow('the onnxruntime session was closed');
  });

  it('does not keep the process alive once idle, even when nobody closes it, and finishes a close', () => {
    const script = [
      `import { createOnnxScorer } from ${JSON.stringify(join(ROOT, 'src/scorers/onnx/index.ts'))};`,
      `const s = await createOnnxScorer(${JSON.stringify(LLAMA)}, 'onnx:tiny', { cwd: '.', seed: 1, cacheDir: '.', noCache: true, sessions: 2 });`,
      `const [v] = await s.score([{ prompt: [{ role: 'user', content: 'Hi' }], completion: 'Hello.' }]);`,
      `console.log(Number.isFinite(v) ? 'scored' : 'not finite');`,
      `if (process.argv[2] === 'close') { await s.close(); console.log('closed'); }`,
    ].join('\n');
    const file = join(tempDir(), 'no-close.mts');
    writeFileSync(file, script);
    for (const mode of ['leave open', 'close']) {
      const r = spawnSync(process.execPath, ['--import', 'tsx', file, mode], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
      expect(r.stderr).toBe('');
      expect(r.signal).toBeNull(); // not killed by the timeout
      // Closing keeps the process alive until the sessions are released.
      expect(r.stdout.trim()).toBe(mode === 'close' ? 'scored\nclosed' : 'scored');
      expect(r.status).toBe(0);
    }
  });

  it('passes a model error from the worker as the same clear message', async () => {
    await expect(SessionPool.open({ modelFile: `${LLAMA}/tokenizer.json`, device: 'cpu' }, 2)).rejects.toThrow(
      /tokenizer\.json: onnxruntime cannot load this graph/,
    );
  });
});
