// rmgauge serve --model <scorer or ensemble> [--port 8000] [--host 127.0.0.1] [--token T]
// An OpenRLHF-compatible reward endpoint (POST /get_reward), POST /score and GET /health.
import { parseArgs } from 'node:util';
import { UserError } from '../../errors.js';
import { createScorer } from '../../scorers/registry.js';
import { SCORER_FLAGS_HELP, scorerFlagSpecs, scorerOptionsFromFlags } from '../scorer-flags.js';
import { startRewardServer } from '../../serve/server.js';
import type { Command } from '../main.js';

export const TOKEN_ENV = 'RMGAUGE_SERVE_TOKEN';

const HELP = `Usage: rmgauge serve --model <kind:ref> [--port 8000] [--host 127.0.0.1] [--token T]

Endpoints:
  POST /get_reward   OpenRLHF remote reward: {"query": [str], "prompts"?: [str], "labels"?: [str]}
                     -> {"rewards": [...], "scores": [...], "extra_logs": {member: [...]}}
                     each query is the full, already templated prompt + response, scored as given
  POST /score        [conversation, ...] or {"conversations": [...]}, each {"messages"} |
                     {"prompt", "response"} | {"question", "answer"} -> {"scores": [...]}
  GET  /health       {"status": "ok", ...} (details only with the token, when one is set)

Options:
  --model <spec>          onnx:<dir>, ensemble:<spec>, vllm:..., baseline:..., ...
  --host <addr>           bind address (default 127.0.0.1: this machine only)
  --port <n>              port (default 8000; 0 picks a free one)
  --token <T>             require "Authorization: Bearer T" (or set ${TOKEN_ENV})
  --max-body-mb <n>       largest request body (default 32)
  --max-batch <n>         most queries per request (default 4096)
  --batch-requests <n>    most concurrent requests merged into one model call (default 64)
  --batch-wait-ms <n>     wait this long for more requests before a model call (default 0)

${SCORER_FLAGS_HELP}`;

function num(flag: string, v: string | undefined, min: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < min) throw new UserError(`--${flag} must be a number >= ${min}, got "${v}"`);
  return n;
}

export const command: Command = {
  summary: 'serve a reward model or ensemble over HTTP (OpenRLHF /get_reward, /score)',
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        model: { type: 'string' },
        host: { type: 'string' },
        port: { type: 'string' },
        token: { type: 'string' },
        'max-body-mb': { type: 'string' },
        'max-batch': { type: 'string' },
        'batch-requests': { type: 'string' },
        'batch-wait-ms': { type: 'string' },
        ...scorerFlagSpecs,
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: false,
    });
    if (values.help) {
      process.stdout.write(HELP + '\n');
      return 0;
    }
    if (!values.model) throw new UserError('serve needs --model (see rmgauge serve --help)');
    const port = num('port', values.port, 0) ?? 8000;
    if (!Number.isInteger(port) || port > 65535) throw new UserError(`--port must be a whole number in 0..65535, got "${values.port}"`);
    const token = values.token ?? (process.env[TOKEN_ENV] || undefined);
    const cwd = process.cwd();
    const scorer = await createScorer(values.model, scorerOptionsFromFlags(values, cwd));
    const log = (line: string) => process.stderr.write(line + '\n');
    const server = await startRewardServer({
      scorer,
      host: values.host,
      port,
      token,
      maxBodyBytes: Math.floor((num('max-body-mb', values['max-body-mb'], 0.001) ?? 32) * 1024 * 1024),
      maxBatch: num('max-batch', values['max-batch'], 1),
      maxRequestsPerCall: num('batch-requests', values['batch-requests'], 1),
      maxWaitMs: num('batch-wait-ms', values['batch-wait-ms'], 0),
      log,
    }).catch(async (err: NodeJS.ErrnoException) => {
      await scorer.close?.();
      if (err.code === 'EADDRINUSE') throw new UserError(`port ${port} on ${values.host ?? '127.0.0.1'} is already in use (--port)`);
      throw err;
    });
    const open = server.host === '127.0.0.1' || server.host === '::1' || server.host === 'localhost' ? '' : ' (reachable from other machines)';
    log(`rmgauge serve: ${scorer.info.spec} at ${server.url}${open}${token ? ', bearer token required' : ''}; POST /get_reward, POST /score, GET /health`);
    // Graceful shutdown: stop accepting, finish in-flight requests, close the model, exit 0.
    await new Promise<void>((done) => {
      const stop = (signal: string) => {
        process.off('SIGTERM', onTerm);
        process.off('SIGINT', onInt);
        log(`rmgauge serve: ${signal}: finishing in-flight requests`);
        void server
          .close()
          .then(() => scorer.close?.())
          .finally(done);
      };
      const onTerm = () => stop('SIGTERM');
      const onInt = () => stop('SIGINT');
      process.once('SIGTERM', onTerm);
      process.once('SIGINT', onInt);
    });
    log('rmgauge serve: stopped');
    return 0;
  },
};
