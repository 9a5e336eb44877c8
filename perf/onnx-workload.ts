// A synthetic RewardBench-2-shaped workload: prompts with 4 candidate completions each, whole
// conversations spread from 50 to 1500 tokens (log-normal, median ~300, like RB2's mix of short
// factual answers and long reasoning / code), seeded so every run scores the same text.
import type { Message, ScoreRequest } from '../src/types.js';
import { rngFor } from '../src/util/random.js';

const WORDS = (
  'the of and to in is that for it as was with be by on not he this are or his from at which but have an they you were ' +
  'her she there one all we their can has more when if no will other would what about so some them these two may then do ' +
  'first any my now such like our over man me even most made after also did many before must through back years where much ' +
  'your way well down should because each just those people how too little state good very make world still own see men ' +
  'function return value array index string number error result answer question solve step therefore compute total ' +
  'equation proof assume given hence 0 1 2 3 4 5 6 7 8 9 10 12 42 100 2024 = + - * / ( ) , . : ; ? !'
).split(' ');

function normal(rand: () => number): number {
  const u = Math.max(rand(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

function words(rand: () => number, n: number): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(WORDS[Math.floor(rand() * WORDS.length)]);
  return out.join(' ');
}

export interface WorkloadItem {
  prompt: Message[];
  completions: string[];
  /** The whole conversation's target length in tokens, per completion. */
  targets: number[];
}

/**
 * `completions` completions in items of 4. Lengths are in words; callers measure tokens.
 * `tokensPerWord` converts the token targets (about 1.2 for the fixtures' BPE).
 */
export function syntheticWorkload(completions: number, tokensPerWord = 1.2, seed = 1): WorkloadItem[] {
  const rand = rngFor(seed, 'onnx-perf-workload');
  const items: WorkloadItem[] = [];
  for (let made = 0; made < completions; ) {
    const promptTokens = Math.round(Math.min(300, Math.max(10, Math.exp(3.7 + 0.8 * normal(rand)))));
    const prompt: Message[] = [{ role: 'user', content: words(rand, Math.round(promptTokens / tokensPerWord)) }];
    const k = Math.min(4, completions - made);
    const cs: string[] = [];
    const targets: number[] = [];
    for (let j = 0; j < k; j++) {
      const total = Math.round(Math.min(1500, Math.max(50, Math.exp(Math.log(300) + 0.75 * normal(rand)))));
      const completionTokens = Math.max(5, total - promptTokens - 12);
      cs.push(words(rand, Math.round(completionTokens / tokensPerWord)));
      targets.push(Math.max(total, promptTokens + 20));
    }
    items.push({ prompt, completions: cs, targets });
    made += k;
  }
  return items;
}

/**
 * Brings every conversation to its target token count (within a few percent, never over 1500)
 * by trimming or repeating completion words, measured with the model's own tokenizer.
 */
export function fitWorkload(items: WorkloadItem[], countTokens: (prompt: Message[], completion: string) => number): void {
  for (const item of items) {
    item.completions = item.completions.map((c, j) => {
      const target = Math.min(1500, item.targets[j]);
      let ws = c.split(' ');
      const promptPart = countTokens(item.prompt, '');
      for (let pass = 0; pass < 4; pass++) {
        const n = countTokens(item.prompt, ws.join(' '));
        if (n <= target && n >= target * 0.95) break;
        const want = Math.max(1, Math.round((ws.length * (target - promptPart)) / Math.max(1, n - promptPart)));
        ws = want <= ws.length ? ws.slice(0, want) : [...ws, ...ws, ...ws].slice(0, want);
      }
      while (ws.length > 1 && countTokens(item.prompt, ws.join(' ')) > target) ws = ws.slice(0, Math.floor(ws.length * 0.97));
      return ws.join(' ');
    });
  }
}

export function requestsOf(item: WorkloadItem): ScoreRequest[] {
  return item.completions.map((completion, index) => ({ prompt: item.prompt, completion, index }));
}

export function quantiles(xs: number[]): { min: number; median: number; p90: number; max: number } {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return { min: s[0], median: at(0.5), p90: at(0.9), max: s[s.length - 1] };
}
