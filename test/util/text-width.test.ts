import { describe, expect, it } from 'vitest';
import { displayWidth, padColumns } from '../../src/util/text-width.js';

describe('terminal text width', () => {
  it('counts CJK and fullwidth characters as two columns', () => {
    expect(displayWidth('abc')).toBe(3);
    expect(displayWidth('"解"')).toBe(4);
    expect(displayWidth('かいせつ')).toBe(8);
    expect(displayWidth('한국')).toBe(4);
  });
  it('pads by columns, not code units', () => {
    expect(padColumns('解', 4, 'left')).toBe('解  ');
    expect(padColumns('解', 4, 'right')).toBe('  解');
    expect(padColumns('toolong', 3, 'left')).toBe('toolong');
  });
});
