import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, parseConfigText } from '../../src/config/index.js';
import { buildMessages } from '../../src/scorers/judge/prompts.js';
import { BUILT_IN, checkTemplate, loadTemplateFile, render } from '../../src/scorers/judge/templates.js';
import { tmpDir } from './fixtures.js';

const write = (name: string, text: string) => {
  const f = join(tmpDir(), name);
  writeFileSync(f, text);
  return f;
};

describe('built-in templates', () => {
  it('every protocol passes its own placeholder check', () => {
    for (const p of ['pairwise', 'kway', 'rating', 'verify'] as const) expect(() => checkTemplate(p, BUILT_IN[p], 'built-in')).not.toThrow();
  });
  it('kway lists every candidate with its letter and the verdict options', () => {
    const m = buildMessages({ protocol: 'kway', prompt: [{ role: 'user', content: 'Q?' }], candidates: ['w', 'x', 'y', 'z'] }, BUILT_IN);
    expect(m[0].content).toContain('[[A]], [[B]], [[C]] or [[D]]');
    expect(m[1].content).toBe('<request>\nQ?\n</request>\n\n<response A>\nw\n</response A>\n\n<response B>\nx\n</response B>\n\n<response C>\ny\n</response C>\n\n<response D>\nz\n</response D>');
  });
  it('renders multi-turn prompts with role labels', () => {
    const m = buildMessages(
      { protocol: 'rating', prompt: [{ role: 'user', content: 'hi' }, { role: 'assistant', content: 'hello' }, { role: 'user', content: 'more' }], completion: 'ok' },
      BUILT_IN,
    );
    expect(m[1].content).toContain('User: hi\n\nAssistant: hello\n\nUser: more');
  });
  it('substitutes in one pass: placeholder-like text inside an answer stays literal', () => {
    const m = buildMessages({ protocol: 'pairwise', prompt: [{ role: 'user', content: 'Q' }], a: 'I say {answer_b} and {{x}}', b: 'B!' }, BUILT_IN);
    expect(m[1].content).toContain('I say {answer_b} and {{x}}');
    expect(render('{{literal}} {a}', { a: '1' })).toBe('{literal} 1');
  });
});

describe('template files', () => {
  it('a plain-text file replaces the protocol its placeholders name', () => {
    const f = write('v.txt', 'Q={question} R={reference} C={candidate}. Answer YES or NO.');
    const { set, replaced } = loadTemplateFile(f);
    expect(replaced).toEqual(['verify']);
    expect(set.verify).toEqual({ user: 'Q={question} R={reference} C={candidate}. Answer YES or NO.' });
    expect(set.pairwise).toBe(BUILT_IN.pairwise);
    const m = buildMessages({ protocol: 'verify', question: 'q', reference: 'r', candidate: 'c' }, set);
    expect(m).toEqual([{ role: 'user', content: 'Q=q R=r C=c. Answer YES or NO.' }]);
  });
  it('a YAML file replaces several protocols, with system messages', () => {
    const f = write('t.yaml', 'pairwise:\n  system: Be fair.\n  user: "{question} | {answer_a} | {answer_b}"\nrating: "{question} -> {answer}"\n');
    const { set, replaced } = loadTemplateFile(f);
    expect(replaced).toEqual(['pairwise', 'rating']);
    const m = buildMessages({ protocol: 'pairwise', prompt: [{ role: 'user', content: 'q' }], a: 'a', b: 'b' }, set);
    expect(m).toEqual([{ role: 'system', content: 'Be fair.' }, { role: 'user', content: 'q | a | b' }]);
  });
  it('refuses a template missing a required placeholder, naming it', () => {
    const f = write('t.json', JSON.stringify({ pairwise: '{question} {answer_a}' }));
    expect(() => loadTemplateFile(f)).toThrow(/pairwise template is missing the placeholder \{answer_b\}/);
    const g = write('k.json', JSON.stringify({ kway: '{question} {answer_a} {answer_b} {answer_c}' }));
    expect(() => loadTemplateFile(g)).toThrow(/missing.*\{answers\}.*either \{answers\} or \{answer_a\} to \{answer_d\}/);
  });
  it('refuses unknown placeholders and unknown protocols', () => {
    expect(() => loadTemplateFile(write('t.json', JSON.stringify({ rating: '{question} {answr}' })))).toThrow(/unknown placeholder \{answr\}/);
    expect(() => loadTemplateFile(write('t.json', JSON.stringify({ ranking: '{question}' })))).toThrow(/unknown protocol "ranking"/);
  });
  it('refuses a plain-text file whose protocol cannot be told', () => {
    expect(() => loadTemplateFile(write('t.txt', 'Just {question}'))).toThrow(/cannot tell which protocol/);
  });
  it('a kway template with lettered placeholders refuses an item with more candidates', () => {
    const { set } = loadTemplateFile(write('k.json', JSON.stringify({ kway: '{question} {answer_a} {answer_b} {answer_c} {answer_d} [[D]]' })));
    expect(() => buildMessages({ protocol: 'kway', prompt: [{ role: 'user', content: 'q' }], candidates: ['1', '2', '3', '4', '5'] }, set)).toThrow(/\{answer_e\}/);
  });
});

describe('config file', () => {
  const ok = { judges: { gpt: { base_url: 'https://api.example.com/v1', model: 'gpt-x', api_key_env: 'EX_KEY', price_per_token: { prompt: 1e-6, completion: 2e-6 } } } };
  it('reads JSON and YAML', () => {
    expect(parseConfigText(JSON.stringify(ok), 'rmgauge.config.json').judges.gpt.model).toBe('gpt-x');
    const y = parseConfigText('judges:\n  local:\n    base_url: http://127.0.0.1:8000\n    model: llama\n    concurrency: 4\n', 'rmgauge.config.yaml');
    expect(y.judges.local).toMatchObject({ base_url: 'http://127.0.0.1:8000', model: 'llama', concurrency: 4 });
  });
  it('finds rmgauge.config.* in the working directory', () => {
    const dir = tmpDir();
    expect(loadConfig(dir)).toBeUndefined();
    writeFileSync(join(dir, 'rmgauge.config.yml'), 'judges: {}\n');
    expect(loadConfig(dir)?.file).toBe(join(dir, 'rmgauge.config.yml'));
  });
  const bad: Array<[unknown, RegExp]> = [
    [{ judges: { j: { base_url: 'http://x', model: 'm', temprature: 0 } } }, /judges\.j\.temprature: unknown key \(did you mean "template"\?\)|judges\.j\.temprature: unknown key/],
    [{ judges: { j: { base_url: 'http://x', model: 'm', api_key: 'sk-1' } } }, /judges\.j\.api_key: keys are never read from the config file/],
    [{ judges: { j: { base_url: 'http://x', model: 'm', api_key_env: 'sk-abc-123' } } }, /api_key_env: must be the NAME/],
    [{ judges: { j: { base_url: 'ftp://x', model: 'm' } } }, /judges\.j\.base_url: must start with http/],
    [{ judges: { j: { base_url: 'http://x' } } }, /judges\.j\.model: is required/],
    [{ judges: { j: { base_url: 'http://x', model: 'm', concurrency: 0 } } }, /judges\.j\.concurrency: must be at least 1/],
    [{ judges: { j: { base_url: 'http://x', model: 'm', params: { stream: true } } } }, /judges\.j\.params\.stream: is set by rmgauge/],
    [{ judges: { j: { base_url: 'http://x', model: 'm', price_per_token: { input: 1 } } } }, /price_per_token\.input: unknown key/],
    [{ servers: { s: { kind: 'triton', base_url: 'http://x' } } }, /servers\.s\.kind: must be one of vllm, tei, openrlhf/],
    [{ servers: { s: { kind: 'vllm', base_url: 'http://x' } } }, /servers\.s\.model: is required for a vllm server/],
    [{ judge: {} }, /\(top level\)\.judge: unknown key \(did you mean "judges"\?\)/],
  ];
  for (const [doc, re] of bad) {
    it(`refuses ${JSON.stringify(doc).slice(0, 70)}`, () => {
      expect(() => parseConfigText(JSON.stringify(doc), '/p/rmgauge.config.json')).toThrow(re);
      expect(() => parseConfigText(JSON.stringify(doc), '/p/rmgauge.config.json')).toThrow(/^\/p\/rmgauge\.config\.json: /);
    });
  }
  it('reports a syntax error with the file name', () => {
    expect(() => parseConfigText('judges: [', 'x.yaml')).toThrow(/^x\.yaml: not valid YAML/);
  });
});
