import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { readTable } from '../../src/data/readers.js';
import { applyColumnMapping } from '../../src/data/manifest.js';

const dir = mkdtempSync(join(tmpdir(), 'rmg-readers-'));
const file = (name: string, text: string | ArrayBuffer) => {
  const p = join(dir, name);
  writeFileSync(p, typeof text === 'string' ? text : Buffer.from(text));
  return p;
};

describe('table readers', () => {
  it('reads JSONL, skipping blank lines', async () => {
    expect(await readTable(file('a.jsonl', '{"id":1}\n\n{"id":2}\n'))).toEqual([{ id: 1 }, { id: 2 }]);
  });

  it('names the file and line of a malformed JSONL line', async () => {
    await expect(readTable(file('bad.jsonl', '{"id":1}\n{"id":\n'))).rejects.toThrow(/bad\.jsonl: row 2: malformed JSON line/);
  });

  it('refuses a JSONL line that is not an object', async () => {
    await expect(readTable(file('arr.jsonl', '{"id":1}\n[1,2]\n'))).rejects.toThrow(/row 2: expected a JSON object, found an array/);
  });

  it('reads a JSON array and a wrapped {"data": [...]} object', async () => {
    expect(await readTable(file('a.json', '[{"id":1}]'))).toEqual([{ id: 1 }]);
    expect(await readTable(file('w.json', '{"data":[{"id":2}]}'))).toEqual([{ id: 2 }]);
  });

  it('reads CSV with a header row', async () => {
    expect(await readTable(file('a.csv', 'id,prompt\n1,"hi, there"\n'))).toEqual([{ id: '1', prompt: 'hi, there' }]);
  });

  it('reads parquet with list<string> columns and int64 ids', async () => {
    const buf = parquetWriteBuffer({
      columnData: [
        { name: 'id', data: [7n, 8n], type: 'INT64' },
        { name: 'chosen', data: [['a'], ['b', 'c']] },
        { name: 'prompt', data: ['p1', 'p2'], type: 'STRING' },
      ],
    });
    expect(await readTable(file('a.parquet', buf))).toEqual([
      { id: 7, chosen: ['a'], prompt: 'p1' },
      { id: 8, chosen: ['b', 'c'], prompt: 'p2' },
    ]);
  });

  it('reads gzip-compressed parquet (not only snappy)', async () => {
    const buf = parquetWriteBuffer({
      columnData: [{ name: 'id', data: ['x', 'y'], type: 'STRING' }],
      codec: 'GZIP',
      compressors: { GZIP: (input: Uint8Array) => new Uint8Array(gzipSync(input)) },
    } as Parameters<typeof parquetWriteBuffer>[0]);
    expect(await readTable(file('gz.parquet', buf))).toEqual([{ id: 'x' }, { id: 'y' }]);
  });

  it('reports a corrupt parquet file by name', async () => {
    await expect(readTable(file('bad.parquet', 'not parquet at all'))).rejects.toThrow(/bad\.parquet: cannot read parquet/);
  });

  it('refuses unknown file types', async () => {
    await expect(readTable(file('a.txt', 'x'))).rejects.toThrow(/unsupported file type/);
  });
});

describe('column mapping', () => {
  it('takes the first present alternative and keeps the original fields', () => {
    const rows = applyColumnMapping([{ source: 'chat', x: 1 }, { subset: 'math' }], { subset: ['source', 'subset'] });
    expect(rows).toEqual([{ source: 'chat', x: 1, subset: 'chat' }, { subset: 'math' }]);
  });
});
