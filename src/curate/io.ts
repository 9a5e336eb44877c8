// Small I/O helpers for the curation streams: a JSONL writer that respects back-pressure, and a
// reporter that prints bad rows by position (up to a limit) and keeps them for the summary.
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import { once } from 'node:events';
import { FieldError } from './conversation.js';

export class JsonlWriter {
  private readonly stream: WriteStream;
  count = 0;

  constructor(readonly file: string) {
    mkdirSync(dirname(file), { recursive: true });
    this.stream = createWriteStream(file, { encoding: 'utf8' });
  }

  async write(line: string): Promise<void> {
    this.count++;
    if (!this.stream.write(line + '\n')) await once(this.stream, 'drain');
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve, reject) => this.stream.end((err?: Error | null) => (err ? reject(err) : resolve())));
  }
}

export interface RowProblem {
  pos: number;
  field?: string;
  problem: string;
  kind: 'malformed' | 'failed';
}

export class ProblemReport {
  malformed = 0;
  failed = 0;
  readonly kept: RowProblem[] = [];

  constructor(
    readonly file: string,
    readonly unit: 'line' | 'row',
    private readonly log: (line: string) => void,
    private readonly maxPrinted = 20,
    private readonly maxKept = 100,
  ) {}

  add(p: RowProblem): void {
    const total = this.malformed + this.failed;
    if (p.kind === 'malformed') this.malformed++;
    else this.failed++;
    if (this.kept.length < this.maxKept) this.kept.push(p);
    if (total < this.maxPrinted) {
      this.log(`${this.file}: ${this.unit} ${p.pos}${p.field ? `: field "${p.field}"` : ''}: ${p.problem}`);
    } else if (total === this.maxPrinted) {
      this.log(`${this.file}: more bad rows; all are counted in the summary`);
    }
  }

  /** Records an exception thrown while parsing or scoring one row. */
  addError(pos: number, err: unknown, kind: RowProblem['kind']): void {
    if (err instanceof FieldError) this.add({ pos, field: err.field, problem: err.problem, kind });
    else this.add({ pos, field: kind === 'failed' ? 'score' : undefined, problem: err instanceof Error ? err.message : String(err), kind });
  }

  summary(): Record<string, unknown> {
    return { malformed: this.malformed, failed: this.failed, problems: this.kept, problems_truncated: this.malformed + this.failed > this.kept.length };
  }
}
