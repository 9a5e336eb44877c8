/** A problem with the user's input or environment: printed as one clear line, exit code 1. */
export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserError';
  }
}

/** Bad data: names the file, the line or row (1-based), and the field. */
export class DataError extends UserError {
  constructor(
    readonly file: string,
    readonly row: number | undefined,
    readonly field: string | undefined,
    readonly problem: string,
  ) {
    super(
      `${file}${row !== undefined ? `: row ${row}` : ''}${field !== undefined ? `: field "${field}"` : ''}: ${problem}`,
    );
    this.name = 'DataError';
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
