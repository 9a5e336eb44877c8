// The reward server (node:http): POST /get_reward (OpenRLHF), POST /score (conversations),
// GET /health. Bearer-token auth, body and batch limits, micro-batching across concurrent requests,
// and a graceful close that lets in-flight requests finish.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isEnsembleScorer } from '../ensemble/ensemble.js';
import type { Scorer } from '../types.js';
import { authorised, HttpError, parseJsonBody, readBody, sendJson } from './http-util.js';
import { createScoringQueue } from './queue.js';
import { getRewardRequests, scoreRequests } from './requests.js';

export interface ServeOptions {
  scorer: Scorer;
  /** Default 127.0.0.1 (loopback only). */
  host?: string;
  /** Default 8000; 0 picks a free port. */
  port?: number;
  /** When set, every request but GET /health needs `Authorization: Bearer <token>`. */
  token?: string;
  /** Largest request body in bytes (default 32 MiB). */
  maxBodyBytes?: number;
  /** Most queries / conversations in one request (default 4096). */
  maxBatch?: number;
  /** Most HTTP requests merged into one model call (default 64). */
  maxRequestsPerCall?: number;
  /** Wait this long for more requests before calling the model (default 0). */
  maxWaitMs?: number;
  log?: (line: string) => void;
}

export interface RewardServer {
  url: string;
  host: string;
  port: number;
  /** Stops accepting connections, lets in-flight requests finish, then resolves. */
  close(): Promise<void>;
  stats(): Record<string, unknown>;
}

export async function startRewardServer(opts: ServeOptions): Promise<RewardServer> {
  const { scorer } = opts;
  if (!scorer.score) throw new Error(`${scorer.info.spec} gives no pointwise scores; the reward server needs a reward model`);
  const host = opts.host ?? '127.0.0.1';
  const maxBody = opts.maxBodyBytes ?? 32 * 1024 * 1024;
  const maxBatch = opts.maxBatch ?? 4096;
  const queue = createScoringQueue(scorer, { maxRequestsPerCall: opts.maxRequestsPerCall, maxWaitMs: opts.maxWaitMs });
  const counters = { requests: 0, errors: 0, unauthorised: 0, too_large: 0 };
  let seq = 0;
  let inFlight = 0;
  let closing = false;
  let drained: (() => void) | undefined;
  const members = isEnsembleScorer(scorer) ? scorer.members.map((m) => m.name) : [];

  const health = (full: boolean) =>
    full
      ? {
          status: closing ? 'closing' : 'ok',
          model: { spec: scorer.info.spec, kind: scorer.info.kind, label: scorer.info.label, fingerprint: scorer.info.fingerprint },
          members,
          in_flight: inFlight,
          stats: { ...counters, ...queue.stats() },
        }
      : { status: closing ? 'closing' : 'ok' };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    const ok = authorised(req, opts.token);
    if (path === '/health') {
      if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'use GET /health');
      sendJson(res, 200, health(ok));
      return;
    }
    if (path !== '/get_reward' && path !== '/score') throw new HttpError(404, `no such endpoint ${path} (POST /get_reward, POST /score, GET /health)`);
    if (!ok) {
      counters.unauthorised++;
      req.resume();
      sendJson(res, 401, { error: 'missing or wrong bearer token' }, { 'www-authenticate': 'Bearer' });
      return;
    }
    if (req.method !== 'POST') throw new HttpError(405, `use POST ${path}`);
    if (closing) throw new HttpError(503, 'the server is shutting down');
    const body = parseJsonBody(await readBody(req, maxBody));
    const n = ++seq;
    if (path === '/get_reward') {
      const scored = await queue.submit(getRewardRequests(body, n, maxBatch));
      // OpenRLHF reads "rewards" (newer) or "scores"; older clients iterate "extra_logs".
      sendJson(res, 200, { rewards: scored.rewards, scores: scored.rewards, extra_logs: scored.members });
    } else {
      const scored = await queue.submit(scoreRequests(body, n, maxBatch));
      sendJson(res, 200, members.length ? { scores: scored.rewards, members: scored.members } : { scores: scored.rewards });
    }
  }

  const server = createServer((req, res) => {
    inFlight++;
    counters.requests++;
    if (closing) res.setHeader('connection', 'close');
    handle(req, res)
      .catch((err: unknown) => {
        const status = err instanceof HttpError ? err.status : 500;
        if (status === 413) counters.too_large++;
        else counters.errors++;
        const message = err instanceof Error ? err.message : String(err);
        if (status >= 500) opts.log?.(`serve: ${req.method} ${req.url}: ${message}`);
        if (!res.headersSent) sendJson(res, status, { error: message }, status === 413 ? { connection: 'close' } : {});
        else res.end();
      })
      .finally(() => {
        inFlight--;
        if (closing && inFlight === 0) drained?.();
      });
  });
  server.keepAliveTimeout = 5_000;
  // Long model calls must not be cut by the default request timeout (clients wait 180 s).
  server.requestTimeout = 600_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 8000, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  let closed: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}`,
    host,
    port,
    stats: () => health(true),
    close() {
      closed ??= (async () => {
        closing = true;
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        if (inFlight > 0) await new Promise<void>((resolve) => (drained = resolve));
        // The last responses may still be flushing: close connections as they turn idle, and any
        // left after a grace period (nothing is in flight by now).
        await new Promise((resolve) => setImmediate(resolve));
        server.closeIdleConnections();
        const grace = setTimeout(() => server.closeAllConnections(), 1_000);
        await stopped;
        clearTimeout(grace);
      })();
      return closed;
    },
  };
}
