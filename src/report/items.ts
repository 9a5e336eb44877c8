// The item browser's data: every (suite, key) seen in any run, with the texts stored once
// (deduplicated across models, truncated with a visible marker) and each model's outcome.
import { gzipSync } from 'node:zlib';
import type { ItemRecord } from '../types.js';
import type { ItemsData, LoadedModel } from './data.js';

export function truncateText(s: string, max: number): { text: string; truncated: boolean } {
  if (s.length <= max) return { text: s, truncated: false };
  let cut = max;
  const code = s.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut--; // do not split a surrogate pair
  return { text: `${s.slice(0, cut)}\n… [truncated: ${s.length - cut} more characters]`, truncated: true };
}

/** Rounds a score for the page: 4 significant digits are plenty to read and keep the file small. */
function round(x: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const p = Math.pow(10, 3 - Math.floor(Math.log10(Math.abs(x))));
  return Math.round(x * p) / p;
}

export function buildItems(
  models: LoadedModel[],
  suiteNames: string[],
  opts: { maxTextChars: number; compress: boolean | 'auto' },
): ItemsData {
  const texts: string[] = [];
  const textIndex = new Map<string, number>();
  let truncatedTexts = 0;
  let textBytes = 0;
  const addText = (s: string | undefined): number => {
    if (s === undefined || s === null) return -1;
    const t = truncateText(String(s), opts.maxTextChars);
    let i = textIndex.get(t.text);
    if (i === undefined) {
      i = texts.length;
      texts.push(t.text);
      textIndex.set(t.text, i);
      textBytes += t.text.length;
      if (t.truncated) truncatedTexts++;
    }
    return i;
  };
  const labels: string[] = [];
  const labelIndex = new Map<string, number>();
  const addLabel = (s: string): number => {
    let i = labelIndex.get(s);
    if (i === undefined) labelIndex.set(s, (i = labels.push(s) - 1));
    return i;
  };
  const suiteIdx = new Map(suiteNames.map((s, i) => [s, i]));
  const itemIndex = new Map<string, number>();
  const d: ItemsData = {
    n: 0,
    suite: [],
    key: [],
    subset: [],
    lang: [],
    prompt: [],
    completions: [],
    numCorrect: [],
    labels,
    result: models.map(() => []),
    scores: models.map(() => []),
    errors: models.map(() => ({})),
    extra: models.map(() => ({})),
    texts: null,
    textsGz: null,
    textCount: 0,
    truncatedTexts: 0,
  };
  const itemFor = (r: ItemRecord): number => {
    const id = `${r.suite}\u0000${r.key}`;
    let i = itemIndex.get(id);
    if (i !== undefined) {
      // A later model may carry texts the first one lacked.
      if (d.prompt[i] === -1 && r.prompt !== undefined) d.prompt[i] = addText(r.prompt);
      if (d.completions[i].length === 0 && r.completions) d.completions[i] = r.completions.map((c) => addText(c));
      return i;
    }
    i = d.n++;
    itemIndex.set(id, i);
    d.suite.push(suiteIdx.get(r.suite) ?? -1);
    d.key.push(String(r.key));
    d.subset.push(addLabel(String(r.subset ?? '')));
    d.lang.push(r.language ? addLabel(String(r.language)) : -1);
    d.prompt.push(addText(r.prompt));
    d.completions.push((r.completions ?? []).map((c) => addText(c)));
    d.numCorrect.push(typeof r.numCorrect === 'number' ? r.numCorrect : -1);
    return i;
  };
  models.forEach((m, mi) => {
    for (const r of m.records) {
      const i = itemFor(r);
      d.result[mi][i] = r.result === null || r.result === undefined ? -1 : round(r.result);
      d.scores[mi][i] = Array.isArray(r.scores) ? r.scores.map((x) => round(Number(x))) : 0;
      if (r.error) d.errors[mi][i] = addText(String(r.error));
      const extra: Record<string, unknown> = {};
      if (r.extra && Object.keys(r.extra).length) extra.extra = r.extra;
      if (r.verdicts && r.verdicts.length) extra.verdicts = r.verdicts;
      if (Object.keys(extra).length) d.extra[mi][i] = addText(JSON.stringify(extra, null, 1));
    }
  });
  // Arrays are dense per model: fill the items a model lacks.
  for (let mi = 0; mi < models.length; mi++) {
    for (let i = 0; i < d.n; i++) {
      if (d.result[mi][i] === undefined) d.result[mi][i] = null;
      if (d.scores[mi][i] === undefined) d.scores[mi][i] = 0;
    }
  }
  d.textCount = texts.length;
  d.truncatedTexts = truncatedTexts;
  const compress = opts.compress === 'auto' ? textBytes > 1_000_000 : opts.compress;
  if (compress) d.textsGz = gzipSync(Buffer.from(JSON.stringify(texts), 'utf8'), { level: 9 }).toString('base64');
  else d.texts = texts;
  return d;
}
