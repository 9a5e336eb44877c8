// The ensemble's reference set: responses whose member rewards give each member's z-score
// statistics and, per prompt, the reference rewards of the RL transforms (LSC, PAR).
import { readFileSync } from 'node:fs';
import { DataError } from '../errors.js';
import { FieldError, parseConversation, type Conversation } from '../curate/conversation.js';

/** Reads a JSONL file of conversations strictly: the reference set is configuration, so a bad line stops. */
export function readReferenceSet(file: string): Conversation[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const out: Conversation[] = [];
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch {
      throw new DataError(file, i + 1, undefined, 'not valid JSON');
    }
    try {
      out.push(parseConversation(row));
    } catch (err) {
      if (err instanceof FieldError) throw new DataError(file, i + 1, err.field, err.problem);
      throw err;
    }
  });
  if (out.length === 0) throw new DataError(file, undefined, undefined, 'the reference set is empty');
  return out;
}
