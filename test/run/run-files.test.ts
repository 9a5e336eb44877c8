import { writeFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareItemKeys, readItemRecords } from '../../src/run/run-files.js';

describe('compareItemKeys', () => {
  it('orders whole numbers by value and other keys by code units', () => {
    const keys = ['10', 'b', '2', 'a-10', '1', 'a-2', '002', 'B'];
    expect([...keys].sort(compareItemKeys)).toEqual(['1', '002', '2', '10', 'B', 'a-10', 'a-2', 'b']);
    expect(compareItemKeys('7', '7')).toBe(0);
    expect(compareItemKeys('12345678901234567890', '9')).toBeGreaterThan(0); // beyond 2^53 too
  });
});

describe('readItemRecords', () => {
  it('returns suites in order of first appearance and items by key within each', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'rmgauge-items-')), 'items.jsonl');
    const line = (suite: string, key: string) => JSON.stringify({ suite, key, id: key, subset: 's', result: 1 });
    writeFileSync(file, [line('rb2', '3'), line('rb1', '2'), line('rb2', '10'), line('rb2', '1'), line('rb1', '1')].join('\n') + '\n');
    expect(readItemRecords(file).map((r) => `${r.suite}:${r.key}`)).toEqual(['rb2:1', 'rb2:3', 'rb2:10', 'rb1:1', 'rb1:2']);
  });
});
