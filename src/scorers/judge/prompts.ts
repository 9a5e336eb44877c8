// Turns a JudgeRequest into chat messages with the active template set.
import type { JudgeRequest, Message } from '../../types.js';
import { placeholdersOf, render, type TemplateSet } from './templates.js';

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** M-RewardBench language configs (and English) by name, for the pairwise prompt. */
const LANGUAGE_NAMES: Record<string, string> = {
  arb_Arab: 'Arabic', ces_Latn: 'Czech', deu_Latn: 'German', ell_Grek: 'Greek', fra_Latn: 'French',
  heb_Hebr: 'Hebrew', hin_Deva: 'Hindi', ind_Latn: 'Indonesian', ita_Latn: 'Italian', jpn_Jpan: 'Japanese',
  kor_Hang: 'Korean', nld_Latn: 'Dutch', pes_Arab: 'Persian', pol_Latn: 'Polish', por_Latn: 'Portuguese',
  ron_Latn: 'Romanian', rus_Cyrl: 'Russian', spa_Latn: 'Spanish', tur_Latn: 'Turkish', ukr_Cyrl: 'Ukrainian',
  vie_Latn: 'Vietnamese', zho_Hans: 'Chinese (Simplified)', zho_Hant: 'Chinese (Traditional)', eng_Latn: 'English',
};

export function languageName(code: string): string {
  return LANGUAGE_NAMES[code] ?? code;
}

/** The user's side of the conversation: one user turn as is, several turns labelled by role. */
export function renderQuestion(prompt: Message[]): string {
  if (prompt.length === 1 && prompt[0].role === 'user') return prompt[0].content;
  return prompt.map((m) => `${m.role === 'user' ? 'User' : m.role === 'assistant' ? 'Assistant' : 'System'}: ${m.content}`).join('\n\n');
}

function verdictOptions(k: number): string {
  const opts = Array.from({ length: k }, (_, i) => `[[${LETTERS[i]}]]`);
  return opts.length <= 2 ? opts.join(' or ') : `${opts.slice(0, -1).join(', ')} or ${opts[opts.length - 1]}`;
}

function valuesFor(request: JudgeRequest): Record<string, string> {
  switch (request.protocol) {
    case 'pairwise': {
      const lang = request.language;
      const name = lang ? languageName(lang) : '';
      return {
        question: renderQuestion(request.prompt),
        answer_a: request.a,
        answer_b: request.b,
        language: name,
        language_instruction: lang
          ? `The request is written in ${name}; a good response answers in ${name} unless the request asks otherwise.\n\n`
          : '',
      };
    }
    case 'kway': {
      const k = request.candidates.length;
      if (k < 2 || k > LETTERS.length) throw new Error(`kway judging needs 2 to 26 candidates, got ${k}`);
      const v: Record<string, string> = {
        question: renderQuestion(request.prompt),
        num_answers: String(k),
        verdict_options: verdictOptions(k),
        answers: request.candidates
          .map((c, i) => `<response ${LETTERS[i]}>\n${c}\n</response ${LETTERS[i]}>`)
          .join('\n\n'),
      };
      request.candidates.forEach((c, i) => (v[`answer_${LETTERS[i].toLowerCase()}`] = c));
      return v;
    }
    case 'rating':
      return { question: renderQuestion(request.prompt), answer: request.completion };
    case 'verify':
      return { question: request.question, reference: request.reference, candidate: request.candidate };
  }
}

export function buildMessages(request: JudgeRequest, templates: TemplateSet): Message[] {
  const t = templates[request.protocol];
  const values = valuesFor(request);
  if (request.protocol === 'kway') {
    const used = new Set([...placeholdersOf(t.user), ...placeholdersOf(t.system ?? '')]);
    const k = request.candidates.length;
    if (!used.has('answers')) {
      const missing = Array.from({ length: k }, (_, i) => `answer_${LETTERS[i].toLowerCase()}`).filter((n) => !used.has(n));
      if (missing.length) throw new Error(`the kway template shows no {${missing[0]}} but this item has ${k} candidates (use {answers})`);
    }
  }
  const out: Message[] = [];
  if (t.system) out.push({ role: 'system', content: render(t.system, values) });
  out.push({ role: 'user', content: render(t.user, values) });
  return out;
}
