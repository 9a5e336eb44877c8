// `rmgauge serve` as a real child process: answers an OpenRLHF request, exits 0 on SIGTERM after
// finishing the request in flight.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

describe('rmgauge serve (child process)', () => {
  it('serves baseline:length with a token and shuts down gracefully on SIGTERM', async () => {
    const child = spawn(process.execPath, [join(root, 'bin', 'rmgauge.js'), 'serve', '--model', 'baseline:length', '--port', '0'], {
      cwd: root,
      env: { ...process.env, RMGAUGE_SERVE_TOKEN: 'tok' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no start line: ${err}`)), 45_000);
        child.stderr.on('data', () => {
          const m = /at (http:\/\/127\.0\.0\.1:\d+)/.exec(err);
          if (m) {
            clearTimeout(timer);
            resolve(m[1]);
          }
        });
      });
      expect(err).toContain('bearer token required');
      const auth = { 'content-type': 'application/json', authorization: 'Bearer tok' };
      expect((await fetch(`${url}/get_reward`, { method: 'POST', body: '{"query": ["abc"]}' })).status).toBe(401);
      const res = await fetch(`${url}/get_reward`, { method: 'POST', headers: auth, body: JSON.stringify({ query: ['abc', 'hello'] }) });
      expect(await res.json()).toEqual({ rewards: [3, 5], scores: [3, 5], extra_logs: {} });
      child.kill('SIGTERM');
      const [code] = await once(child, 'exit');
      expect(code).toBe(0);
      expect(err).toContain('SIGTERM: finishing in-flight requests');
      expect(err).toContain('stopped');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 60_000);
});
