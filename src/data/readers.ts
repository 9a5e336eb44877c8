// Table readers: JSONL, JSON, CSV and parquet files into plain row objects. Every error names the
// file and the line or row.
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { DataError } from '../errors.js';
import type { Row } from '../suites/types.js';

export const TABLE_EXTENSIONS = ['.jsonl', '.json', '.csv', '.parquet'];

export function isTableFile(file: string): boolean {
  return TABLE_EXTENSIONS.includes(extname(file).toLowerCase()) || file.toLowerCase().endsWith('.ndjson');
}

function asRow(value: unknown, file: string, row: number): Row {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new DataError(file, row, undefined, `expected a JSON object, found ${Array.isArray(value) ? 'an array' : typeof value}`);
  }
  return value as Row;
}

export function readJsonl(file: string): Row[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const rows: Row[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line) continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      throw new DataError(file, i + 1, undefined, `malformed JSON line (${(err as Error).message})`);
    }
    rows.push(asRow(value, file, i + 1));
  }
  return rows;
}

export function readJson(file: string): Row[] {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new DataError(file, undefined, undefined, `malformed JSON (${(err as Error).message})`);
  }
  // Accept a bare array, or an object wrapping the rows (as some exports do).
  if (!Array.isArray(value) && value && typeof value === 'object') {
    const wrapped = ['data', 'rows', 'examples', 'items'].map((k) => (value as Record<string, unknown>)[k]).find(Array.isArray);
    if (wrapped) value = wrapped;
  }
  if (!Array.isArray(value)) throw new DataError(file, undefined, undefined, 'expected a JSON array of row objects');
  return value.map((v, i) => asRow(v, file, i + 1));
}

export function readCsv(file: string): Row[] {
  try {
    return parseCsv(readFileSync(file, 'utf8'), { columns: true, skip_empty_lines: true, bom: true }) as Row[];
  } catch (err) {
    const e = err as { lines?: number; message: string };
    throw new DataError(file, e.lines, undefined, `malformed CSV (${e.message})`);
  }
}

function normaliseParquetValue(v: unknown): unknown {
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (Array.isArray(v)) return v.map(normaliseParquetValue);
  if (v instanceof Date) return v.toISOString();
  if (v && typeof v === 'object' && !(v instanceof Uint8Array)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = normaliseParquetValue(x);
    return out;
  }
  return v;
}

export async function readParquet(file: string): Promise<Row[]> {
  try {
    const buffer = await asyncBufferFromFile(file);
    const rows = (await parquetReadObjects({ file: buffer, compressors })) as Row[];
    return rows.map((r) => normaliseParquetValue(r) as Row);
  } catch (err) {
    throw new DataError(file, undefined, undefined, `cannot read parquet (${(err as Error).message})`);
  }
}

export async function readTable(file: string): Promise<Row[]> {
  const ext = extname(file).toLowerCase();
  if (ext === '.jsonl' || ext === '.ndjson') return readJsonl(file);
  if (ext === '.json') {
    // Some "json" files are really JSON lines.
    const head = readFileSync(file, 'utf8').trimStart();
    return head.startsWith('[') || head.startsWith('{"data"') ? readJson(file) : tryJsonThenJsonl(file);
  }
  if (ext === '.csv') return readCsv(file);
  if (ext === '.parquet') return readParquet(file);
  throw new DataError(file, undefined, undefined, `unsupported file type "${ext}" (use .jsonl, .json, .csv or .parquet)`);
}

function tryJsonThenJsonl(file: string): Row[] {
  try {
    return readJson(file);
  } catch {
    return readJsonl(file);
  }
}
