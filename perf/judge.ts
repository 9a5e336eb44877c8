// Judge transport benchmark: a loopback OpenAI-compatible server in a child process (so its CPU is
// not counted) answering after 200 ms; judge throughput at concurrency 1, 8, 32, 64 against the
// target 0.8 x concurrency / latency, and the harness's own CPU time per call (process.cpuUsage,
// target < 1 ms), with the response cache on (as in real runs) and every request distinct.
import { spawn } from 'node:child_process';
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createJudgeScorer } from '../src/scorers/judge/index.js';
import type { JudgeRequest } from '../src/types.js';

const LATENCY_MS = 200;
const ROUNDS = 6;
const CONCURRENCIES = [1, 8, 32, 64];
const REPEATS = 3;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function startServer(): Promise<{ url: string; stop: () => void }> {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'test/helpers/fake-openai-server.ts'), '--latency', String(LATENCY_MS), '--judge', 'correct'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((res, rej) => {
    createInterface({ input: child.stdout! }).once('line', res);
    child.once('exit', (code) => rej(new Error(`fake server exited (${code})`)));
  });
  return { url: (JSON.parse(line) as { url: string }).url, stop: () => child.kill('SIGTERM') };
}

/** The floor: a bare keep-alive node:http client posting the same bodies (no harness at all). */
async function bareCpuPerCall(url: string, c: number, n: number, body: (i: number) => string): Promise<number> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: c });
  const post = (i: number) =>
    new Promise<void>((res, rej) => {
      const payload = body(i);
      const req = http.request(`${url}/v1/chat/completions`, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } }, (r) => {
        const chunks: Buffer[] = [];
        r.on('data', (d: Buffer) => chunks.push(d));
        r.on('end', () => {
          JSON.parse(Buffer.concat(chunks).toString('utf8'));
          res();
        });
      });
      req.on('error', rej);
      req.end(payload);
    });
  const pool = async (count: number, offset: number) => {
    let next = 0;
    await Promise.all(Array.from({ length: c }, async () => {
      while (next < count) await post(offset + next++);
    }));
  };
  await pool(Math.max(2 * c, 16), 1e6);
  let best = Infinity;
  for (let r = 0; r < REPEATS; r++) {
    const cpu0 = process.cpuUsage();
    await pool(n, r * 1e5);
    const cpu = process.cpuUsage(cpu0);
    best = Math.min(best, (cpu.user + cpu.system) / 1000 / n);
  }
  agent.destroy();
  return best;
}

export async function runJudgePerf(): Promise<void> {
  const server = await startServer();
  const dir = mkdtempSync(join(tmpdir(), 'rmgauge-perf-judge-'));
  const rows: string[] = [];
  let worstCpu = 0;
  let allMet = true;
  try {
    for (const c of CONCURRENCIES) {
      const scorer = await createJudgeScorer(`perf-judge@${server.url}`, 'judge:perf', {
        cwd: dir,
        seed: 0,
        cacheDir: join(dir, `cache-${c}`),
        concurrency: c,
      });
      const mk = (i: number): JudgeRequest => ({
        protocol: 'pairwise',
        prompt: [{ role: 'user', content: `Question ${c}/${i}: which answer is better? ${'context '.repeat(40)}` }],
        a: `First answer ${i} <<good>> ${'detail '.repeat(60)}`,
        b: `Second answer ${i} <<bad>> ${'detail '.repeat(60)}`,
      });
      // warm up: open every connection of the pool and let the JIT settle (not measured)
      await Promise.all(Array.from({ length: Math.max(2 * c, 16) }, (_, i) => scorer.judge!(mk(-1 - i))));
      const n = Math.max(c * ROUNDS, 20);
      // REPEATS measurements of n distinct calls each: throughput = median; CPU per call = the
      // minimum (noise from other processes on a shared machine only ever adds CPU time)
      const throughputs: number[] = [];
      const cpus: number[] = [];
      for (let r = 0; r < REPEATS; r++) {
        const cpu0 = process.cpuUsage();
        const t0 = performance.now();
        await Promise.all(Array.from({ length: n }, (_, i) => scorer.judge!(mk(r * 1e5 + i))));
        const wall = (performance.now() - t0) / 1000;
        const cpu = process.cpuUsage(cpu0);
        throughputs.push(n / wall);
        cpus.push((cpu.user + cpu.system) / 1000 / n);
      }
      const stats = scorer.stats!() as { failures: number; requests: number };
      await scorer.close!();
      const throughput = median(throughputs);
      const target = (0.8 * c) / (LATENCY_MS / 1000);
      const cpuPerCallMs = Math.min(...cpus);
      const bare = await bareCpuPerCall(server.url, c, n, (i) =>
        JSON.stringify({ model: 'perf-judge', messages: [{ role: 'user', content: JSON.stringify(mk(i + 1e7)) }], temperature: 0, logprobs: true, top_logprobs: 5 }),
      );
      // The harness's own CPU: what a call costs beyond the same HTTP exchange made by a bare
      // node:http client (prompt rendering, hashing, the cache, parsing, retries bookkeeping).
      const ownMs = Math.max(0, cpuPerCallMs - bare);
      worstCpu = Math.max(worstCpu, ownMs);
      const met = throughput >= target && ownMs < 1 && stats.failures === 0;
      allMet &&= met;
      rows.push(
        `${String(c).padStart(11)}  ${String(n).padStart(5)}  ${throughput.toFixed(1).padStart(10)}/s  ${target.toFixed(1).padStart(8)}/s  ${(throughput / target).toFixed(2).padStart(5)}x  ${cpuPerCallMs.toFixed(3).padStart(8)} ms  ${median(cpus).toFixed(3).padStart(8)} ms  ${bare.toFixed(3).padStart(8)} ms  ${ownMs.toFixed(3).padStart(8)} ms  ${met ? 'ok' : 'MISSED'}`,
      );
    }
  } finally {
    server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  process.stdout.write(`judge over loopback, server latency ${LATENCY_MS} ms, at least ${ROUNDS} rounds (20 calls) per concurrency after a warm-up, cache on, all requests distinct\n`);
  process.stdout.write(`concurrency  calls  throughput     target  ratio  cpu/call  (median)  bare http  harness own  (targets: ratio >= 1.00, harness own < 1 ms; throughput = median of ${REPEATS}, cpu/call = min of ${REPEATS}, process CPU per call; "bare http" = the same exchange by a plain node:http client; harness own = cpu/call - bare http)\n`);
  for (const r of rows) process.stdout.write(r + '\n');
  process.stdout.write(`worst harness-own CPU per call: ${worstCpu.toFixed(3)} ms; ${allMet ? 'all targets met' : 'SOME TARGETS MISSED'}\n`);
}

if (process.argv[1] && /perf[\\/]judge\.ts$/.test(process.argv[1])) await runJudgePerf();
