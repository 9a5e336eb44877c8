// Streaming row sources for curation, in bounded memory: JSONL line by line (readline), CSV through
// csv-parse's streaming parser, parquet one row group at a time (hyparquet). A row that cannot be
// parsed is yielded as an error with its position, and the stream goes on.
import { createReadStream } from 'node:fs';
import { extname } from 'node:path';
import { createInterface } from 'node:readline';
import { parse as parseCsv } from 'csv-parse';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import { UserError } from '../errors.js';

export interface SourceRow {
  /** 1-based line (JSONL, CSV: the record's last line) or row (parquet). */
  pos: number;
  row?: Record<string, unknown>;
  /** Set when the row could not be read; `field` names what was wrong where known. */
  error?: { field?: string; problem: string };
}

export type RowFormat = 'jsonl' | 'csv' | 'parquet';

export function rowFormatOf(file: string): RowFormat {
  const ext = extname(file).toLowerCase();
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  if (ext === '.csv') return 'csv';
  if (ext === '.parquet') return 'parquet';
  throw new UserError(`${file}: unsupported data file (expected .jsonl, .csv or .parquet)`);
}

/** What a position is called in messages for this format. */
export function posUnit(format: RowFormat): 'line' | 'row' {
  return format === 'parquet' ? 'row' : 'line';
}

function asObject(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

async function* jsonlRows(file: string): AsyncGenerator<SourceRow> {
  const rl = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  let pos = 0;
  for await (const line of rl) {
    pos++;
    if (!line.trim()) continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      yield { pos, error: { problem: `malformed JSON line (${(err as Error).message})` } };
      continue;
    }
    const row = asObject(value);
    yield row ? { pos, row } : { pos, error: { problem: 'expected a JSON object' } };
  }
}

/** CSV cells holding JSON lists (chat messages) are parsed; everything else stays a string. */
function csvCell(v: unknown): unknown {
  if (typeof v === 'string' && /^\s*\[\s*[{"\]]/.test(v)) {
    try {
      return JSON.parse(v);
    } catch {
      return v;
    }
  }
  return v;
}

async function* csvRows(file: string): AsyncGenerator<SourceRow> {
  const parser = createReadStream(file).pipe(
    parseCsv({ columns: true, bom: true, skip_empty_lines: true, relax_column_count: true, info: true }),
  );
  try {
    for await (const rec of parser as AsyncIterable<{ record: Record<string, unknown>; info: { lines: number } }>) {
      const row: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(rec.record)) row[k] = csvCell(v);
      yield { pos: rec.info.lines, row };
    }
  } catch (err) {
    // A CSV syntax error (an unclosed quote) cannot be skipped: the rest of the file is ambiguous.
    const e = err as { lines?: number; message: string };
    throw new UserError(`${file}${e.lines ? `: line ${e.lines}` : ''}: cannot parse CSV (${e.message})`);
  }
}

async function* parquetRows(file: string): AsyncGenerator<SourceRow> {
  const buffer = await asyncBufferFromFile(file);
  let metadata: Awaited<ReturnType<typeof parquetMetadataAsync>>;
  try {
    metadata = await parquetMetadataAsync(buffer);
  } catch (err) {
    throw new UserError(`${file}: cannot read parquet (${(err as Error).message})`);
  }
  let rowStart = 0;
  for (const group of metadata.row_groups) {
    const rowEnd = rowStart + Number(group.num_rows);
    const rows = await parquetReadObjects({ file: buffer, metadata, rowStart, rowEnd });
    for (let i = 0; i < rows.length; i++) yield { pos: rowStart + i + 1, row: rows[i] as Record<string, unknown> };
    rowStart = rowEnd;
  }
}

export function readRows(file: string): AsyncGenerator<SourceRow> {
  const format = rowFormatOf(file);
  if (format === 'jsonl') return jsonlRows(file);
  if (format === 'csv') return csvRows(file);
  return parquetRows(file);
}

/** JSON.stringify that writes parquet's BigInt values as numbers (or strings past 2^53). */
export function toJsonLine(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? (Number.isSafeInteger(Number(v)) ? Number(v) : v.toString()) : v));
}
