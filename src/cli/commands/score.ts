// rmgauge score --model <spec> --input conversations.jsonl [--out scores.jsonl]
// Scores arbitrary conversations with any pointwise scorer: one output line per input line, in
// the same order, the input object plus a numeric `score`.
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { DataError, UserError } from '../../errors.js';
import { createScorer } from '../../scorers/registry.js';
import { SCORER_FLAGS_HELP, scorerFlagSpecs, scorerOptionsFromFlags } from '../scorer-flags.js';
import type { Message, ScoreRequest } from '../../types.js';
import type { Command } from '../main.js';

const HELP = `Usage: rmgauge score --model <kind:ref> --input <conversations.jsonl> [--out <scores.jsonl>]

Scores conversations with a reward model. Each input line is a JSON object with one of:
  {"messages": [{"role": "user", "content": ...}, ..., {"role": "assistant", "content": ...}]}
      (the last message is the assistant completion being scored)
  {"prompt": "..." or [messages], "response": "..."}
  {"question": "...", "answer": "..."}
Output: the same objects, in the same order, each with a numeric "score" (blank lines are skipped).

Options:
  --model <spec>        onnx:<dir>, vllm:..., tei:..., scores:..., baseline:..., ensemble:...
  --input <file>        conversations (JSON Lines)
  --out <file>          where to write (default: standard output)
  --concurrency <n>     conversations in flight (default 64)

${SCORER_FLAGS_HELP}`;

const ROLES = new Set(['system', 'user', 'assistant']);

function messagesOf(v: unknown, file: string, line: number, field: string): Message[] {
  if (!Array.isArray(v)) throw new DataError(file, line, field, 'must be a list of {role, content} messages');
  return v.map((m, i) => {
    const where = `${field}[${i}]`;
    if (!m || typeof m !== 'object') throw new DataError(file, line, where, 'must be an object with role and content');
    const { role, content } = m as { role?: unknown; content?: unknown };
    if (typeof role !== 'string' || !ROLES.has(role)) {
      throw new DataError(file, line, `${where}.role`, `must be system, user or assistant, got ${JSON.stringify(role)}`);
    }
    if (typeof content !== 'string') throw new DataError(file, line, `${where}.content`, 'must be a string');
    return { role: role as Message['role'], content };
  });
}

/** One input line to a score request; throws DataError naming the line and the field. */
export function lineToRequest(obj: unknown, file: string, line: number): ScoreRequest {
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) throw new DataError(file, line, undefined, 'must be a JSON object');
  const o = obj as Record<string, unknown>;
  if ('messages' in o) {
    const msgs = messagesOf(o.messages, file, line, 'messages');
    const last = msgs[msgs.length - 1];
    if (!last || last.role !== 'assistant') {
      throw new DataError(file, line, 'messages', 'the last message must be the assistant completion to score');
    }
    return { prompt: msgs.slice(0, -1), completion: last.content };
  }
  if ('prompt' in o || 'response' in o) {
    if (typeof o.response !== 'string') throw new DataError(file, line, 'response', 'must be a string (the completion to score)');
    const prompt =
      typeof o.prompt === 'string' ? [{ role: 'user' as const, content: o.prompt }] : messagesOf(o.prompt, file, line, 'prompt');
    return { prompt, completion: o.response };
  }
  if ('question' in o || 'answer' in o) {
    if (typeof o.question !== 'string') throw new DataError(file, line, 'question', 'must be a string');
    if (typeof o.answer !== 'string') throw new DataError(file, line, 'answer', 'must be a string');
    return { prompt: [{ role: 'user', content: o.question }], completion: o.answer };
  }
  throw new DataError(file, line, undefined, 'needs "messages", or "prompt" + "response", or "question" + "answer"');
}

interface Row {
  line: number;
  obj: Record<string, unknown>;
  req: ScoreRequest;
}

async function readRows(file: string): Promise<Row[]> {
  if (!existsSync(file)) throw new UserError(`input file not found: ${file}`);
  const rows: Row[] = [];
  const rl = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  let line = 0;
  for await (const text of rl) {
    line++;
    if (!text.trim()) continue;
    let obj: unknown;
    try {
      obj = JSON.parse(text);
    } catch (err) {
      throw new DataError(file, line, undefined, `not valid JSON (${(err as Error).message})`);
    }
    rows.push({ line, obj: obj as Record<string, unknown>, req: lineToRequest(obj, file, line) });
  }
  return rows;
}

export const command: Command = {
  summary: 'score conversations (JSON Lines) with a reward model',
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        model: { type: 'string', short: 'm' },
        input: { type: 'string', short: 'i' },
        out: { type: 'string', short: 'o' },
        concurrency: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        ...scorerFlagSpecs,
      },
      strict: true,
      allowPositionals: false,
    });
    if (values.help) {
      process.stdout.write(HELP);
      return 0;
    }
    if (!values.model) throw new UserError('score needs --model <kind:ref> (e.g. onnx:./models/arith-rm-base)');
    if (!values.input) throw new UserError('score needs --input <conversations.jsonl>');
    const concurrency = values.concurrency === undefined ? 64 : Number(values.concurrency);
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new UserError(`--concurrency must be a positive whole number`);
    const cwd = process.cwd();
    const inputFile = resolve(cwd, values.input);
    const rows = await readRows(inputFile);

    const scorer = await createScorer(values.model, scorerOptionsFromFlags(values, cwd, { concurrency }));
    try {
      if (!scorer.score) {
        throw new UserError(`${values.model} gives judge verdicts, not scores; rmgauge score needs a reward model`);
      }
      const scores = await scoreAll(rows, scorer.score.bind(scorer), concurrency, inputFile);
      const out = values.out ? createWriteStream(resolve(cwd, values.out)) : process.stdout;
      for (let i = 0; i < rows.length; i++) {
        const ok = out.write(JSON.stringify({ ...rows[i].obj, score: scores[i] }) + '\n');
        if (!ok) await new Promise<void>((r) => out.once('drain', () => r()));
      }
      if (values.out) await new Promise<void>((res, rej) => (out as ReturnType<typeof createWriteStream>).end((e?: Error | null) => (e ? rej(e) : res())));
      const stats = scorer.stats?.() ?? {};
      process.stderr.write(`rmgauge score: ${rows.length} conversations scored with ${scorer.info.label}${fmtStats(stats)}\n`);
    } finally {
      await scorer.close?.();
    }
    return 0;
  },
};

/** Scores each row as its own request, `concurrency` at a time (the scorer batches across them). */
async function scoreAll(
  rows: Row[],
  score: (r: ScoreRequest[]) => Promise<number[]>,
  concurrency: number,
  file: string,
): Promise<number[]> {
  const out = new Array<number>(rows.length);
  let next = 0;
  const worker = async () => {
    while (next < rows.length) {
      const i = next++;
      const [s] = await score([rows[i].req]);
      if (typeof s !== 'number' || !Number.isFinite(s)) {
        throw new DataError(file, rows[i].line, undefined, `the model returned ${s} (not a finite number)`);
      }
      out[i] = s;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, rows.length) }, worker));
  return out;
}

function fmtStats(stats: Record<string, unknown>): string {
  const keys = ['truncated', 'cacheHits', 'computed', 'batches'].filter((k) => typeof stats[k] === 'number');
  return keys.length ? ` (${keys.map((k) => `${k} ${stats[k]}`).join(', ')})` : '';
}
