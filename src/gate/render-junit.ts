// JUnit XML: one testcase per rule, with the statistics as properties, so CI systems list each
// subset's verdict. Values are fractions (as in run files); empty when not applicable.
import type { GateOutcome, RuleResult } from './types.js';

/** Escapes XML text/attributes and drops characters XML 1.0 cannot carry. */
export function xmlEscape(s: string): string {
  return s
    // eslint-disable-next-line no-control-regex
    .replace(/[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

const num = (x: number | null | undefined): string => (x === null || x === undefined || Number.isNaN(x) ? '' : String(x));

function properties(r: RuleResult): Array<[string, string]> {
  const props: Array<[string, string]> = [
    ['estimate', num(r.estimate)],
    ['ci_low', num(r.ciLow)],
    ['ci_high', num(r.ciHigh)],
    ['p_value', num(r.pValue)],
    ['p_adjusted', num(r.pAdjusted)],
    ['baseline', num(r.baseline)],
    ['candidate', num(r.candidate)],
    ['n', String(r.n)],
    ['method', r.method],
  ];
  if (r.margin !== undefined) props.push(['margin', num(r.margin)]);
  if (r.floor !== undefined) props.push(['floor', num(r.floor)]);
  if (r.direction === 'lower') props.push(['direction', 'lower']);
  if (r.ceiling !== undefined) props.push(['ceiling', num(r.ceiling)]);
  if (r.discordant) props.push(['discordant_baseline_only', String(r.discordant.b)], ['discordant_candidate_only', String(r.discordant.c)]);
  return props;
}

export function renderJunit(o: GateOutcome): string {
  const failures = o.rules.filter((r) => r.status === 'fail').length;
  const skipped = o.rules.filter((r) => r.status === 'skip').length;
  const name = `rmgauge gate: ${o.candidate.model} vs ${o.baseline.model}`;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="rmgauge gate" tests="${o.rules.length}" failures="${failures}" errors="0" skipped="${skipped}">`,
    `  <testsuite name="${xmlEscape(name)}" tests="${o.rules.length}" failures="${failures}" errors="0" skipped="${skipped}">`,
    '    <properties>',
    `      <property name="alpha" value="${o.alpha}"/>`,
    `      <property name="correction" value="${o.correction}"/>`,
    `      <property name="bootstrap" value="${o.bootstrap}"/>`,
    `      <property name="seed" value="${o.seed}"/>`,
    `      <property name="baseline_dir" value="${xmlEscape(o.baseline.dir)}"/>`,
    `      <property name="candidate_dir" value="${xmlEscape(o.candidate.dir)}"/>`,
    '    </properties>',
  ];
  for (const r of o.rules) {
    lines.push(`    <testcase classname="${xmlEscape(`rmgauge.gate.${r.suite}`)}" name="${xmlEscape(r.id)}">`);
    lines.push('      <properties>');
    for (const [k, v] of properties(r)) lines.push(`        <property name="${k}" value="${xmlEscape(v)}"/>`);
    lines.push('      </properties>');
    const why = xmlEscape(r.reasons.join('; '));
    if (r.status === 'fail') lines.push(`      <failure message="${why}" type="gate">${why}</failure>`);
    if (r.status === 'skip') lines.push(`      <skipped message="${why}"/>`);
    lines.push('    </testcase>');
  }
  lines.push('  </testsuite>', '</testsuites>');
  return lines.join('\n') + '\n';
}
