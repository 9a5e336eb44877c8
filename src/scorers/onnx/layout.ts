// Reads a Hugging Face ONNX export folder: the graph (and its external data), config.json, the
// tokenizer files and the chat template. Everything missing or malformed is refused here, with a
// message that names the file.
import { existsSync, readFileSync, readdirSync, statSync, createReadStream } from 'node:fs';
import { join, resolve } from 'node:path';
import { createHash } from 'node:crypto';
import { UserError } from '../../errors.js';

export interface ModelLayout {
  dir: string;
  /** The graph file chosen (model.onnx or model_<variant>.onnx). */
  modelFile: string;
  /** External data files beside the graph (model.onnx_data, model.onnx.data, ...). */
  dataFiles: string[];
  variant: string | undefined;
  config: Record<string, unknown>;
  tokenizerJson: Record<string, unknown>;
  tokenizerConfig: Record<string, unknown>;
  chatTemplate: string | undefined;
  /** Where the template came from: 'chat_template.jinja', 'tokenizer_config.json' or none. */
  templateSource: string | undefined;
  /** sha256 of tokenizer.json + tokenizer_config.json. */
  tokenizerHash: string;
}

function readJsonFile(file: string, what: string): Record<string, unknown> {
  if (!existsSync(file)) throw new UserError(`${what} not found: ${file}`);
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UserError(`${file}: not valid JSON (${(err as Error).message})`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new UserError(`${file}: expected a JSON object`);
  }
  return value as Record<string, unknown>;
}

/** The graph variants present in a folder: '' for model.onnx, 'fp16' for model_fp16.onnx, ... */
export function listVariants(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const m = /^model(?:_(.+))?\.onnx$/.exec(name);
    if (m) out.push(m[1] ?? '');
  }
  return out.sort();
}

function findGraph(dir: string, variant: string | undefined): string {
  // Exports put graphs either at the top or under onnx/ (transformers.js layout).
  const dirs = [dir, join(dir, 'onnx')].filter((d) => existsSync(d) && statSync(d).isDirectory());
  const name = variant ? `model_${variant}.onnx` : 'model.onnx';
  for (const d of dirs) {
    if (existsSync(join(d, name))) return join(d, name);
  }
  const found = dirs.flatMap((d) => listVariants(d)).map((v) => (v ? `model_${v}.onnx` : 'model.onnx'));
  const hint = found.length
    ? ` (found: ${[...new Set(found)].join(', ')}${variant ? '' : '; choose one with --variant'})`
    : ' (no model*.onnx in it: is this an ONNX export? optimum-cli export onnx --task text-classification)';
  throw new UserError(`model file ${name} not found in ${dir}${hint}`);
}

export function readLayout(dirArg: string, cwd: string, variant?: string): ModelLayout {
  const dir = resolve(cwd, dirArg);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new UserError(`ONNX model folder not found: ${dir}`);
  }
  const modelFile = findGraph(dir, variant);
  const base = modelFile.slice(modelFile.lastIndexOf('/') + 1);
  const graphDir = modelFile.slice(0, modelFile.lastIndexOf('/'));
  const dataFiles = readdirSync(graphDir)
    .filter((n) => n.startsWith(base) && n !== base && /^(?:_data|\.data|_data_\d+|\.data_\d+)$/.test(n.slice(base.length)))
    .sort()
    .map((n) => join(graphDir, n));
  const config = readJsonFile(join(dir, 'config.json'), 'config.json');
  const tokFile = join(dir, 'tokenizer.json');
  if (!existsSync(tokFile)) {
    throw new UserError(
      `tokenizer.json not found in ${dir}: rmgauge needs the fast-tokenizer file (save it with tokenizer.save_pretrained from transformers)`,
    );
  }
  const tokenizerJson = readJsonFile(tokFile, 'tokenizer.json');
  if (!tokenizerJson.model) throw new UserError(`${tokFile}: has no "model" section; not a tokenizers file`);
  const tcFile = join(dir, 'tokenizer_config.json');
  const tokenizerConfig = existsSync(tcFile) ? readJsonFile(tcFile, 'tokenizer_config.json') : {};
  let chatTemplate: string | undefined;
  let templateSource: string | undefined;
  const jinjaFile = join(dir, 'chat_template.jinja');
  if (existsSync(jinjaFile)) {
    chatTemplate = readFileSync(jinjaFile, 'utf8');
    templateSource = 'chat_template.jinja';
  } else if (typeof tokenizerConfig.chat_template === 'string') {
    chatTemplate = tokenizerConfig.chat_template;
    templateSource = 'tokenizer_config.json';
  } else if (Array.isArray(tokenizerConfig.chat_template)) {
    // Named templates: [{name, template}], use "default".
    const named = tokenizerConfig.chat_template as Array<{ name?: string; template?: string }>;
    const def = named.find((t) => t.name === 'default') ?? named[0];
    if (typeof def?.template === 'string') {
      chatTemplate = def.template;
      templateSource = `tokenizer_config.json (${def.name ?? 'first'})`;
    }
  }
  const tokenizerHash = createHash('sha256')
    .update(readFileSync(tokFile))
    .update('\0')
    .update(existsSync(tcFile) ? readFileSync(tcFile) : '')
    .digest('hex');
  return { dir, modelFile, dataFiles, variant, config, tokenizerJson, tokenizerConfig, chatTemplate, templateSource, tokenizerHash };
}

/** sha256 over the graph and its external data, streamed (large models do not fit a string). */
export async function hashModelFiles(files: string[]): Promise<string> {
  const h = createHash('sha256');
  for (const f of files) {
    await new Promise<void>((res, rej) => {
      createReadStream(f)
        .on('data', (chunk) => h.update(chunk))
        .on('end', () => res())
        .on('error', rej);
    });
    h.update('\0');
  }
  return h.digest('hex');
}
