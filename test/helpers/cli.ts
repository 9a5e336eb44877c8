// Runs the rmgauge CLI as a child process, as a user would: one node process (tsx as a loader, not
// a wrapper process), so a SIGKILL reaches the process doing the work.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export const projectRoot = join(import.meta.dirname, '..', '..');
const main = join(projectRoot, 'src', 'cli', 'main.ts');

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {}): CliResult {
  const r = spawnSync(process.execPath, ['--import', 'tsx', main, ...args], {
    cwd: opts.cwd ?? projectRoot,
    env: { ...process.env, RMGAUGE_CACHE: process.env.RMGAUGE_CACHE ?? join(projectRoot, 'test-output', 'cache'), ...opts.env },
    input: opts.input,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function spawnCli(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', main, ...args], {
    cwd: opts.cwd ?? projectRoot,
    env: { ...process.env, RMGAUGE_CACHE: process.env.RMGAUGE_CACHE ?? join(projectRoot, 'test-output', 'cache'), ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Like runCli, without blocking this process (for tests whose servers run in the test process). */
export function runCliAsync(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  const child = spawnCli(args, opts);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('close', (status) => resolve({ status, stdout, stderr })));
}
