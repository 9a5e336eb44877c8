// A persistent key -> JSON value store on SQLite (better-sqlite3), shared by the score cache of
// local models and the response cache of judges and reward servers. Safe for several processes:
// WAL mode, and writes are single upserts.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { createHash } from 'node:crypto';

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

export class KvStore<V = unknown> {
  private readonly db: Database.Database;
  private readonly getStmt: Database.Statement<[string, string], { value: string }>;
  private readonly putStmt: Database.Statement<[string, string, string]>;
  hits = 0;
  misses = 0;

  constructor(
    readonly file: string,
    table = 'kv',
  ) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
    // WAL + NORMAL: no fsync per write (a crash can lose the last few entries, never corrupt the
    // file); a cache only costs a recomputation when an entry is lost.
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(
      `CREATE TABLE IF NOT EXISTS ${table} (ns TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (ns, key))`,
    );
    this.getStmt = this.db.prepare(`SELECT value FROM ${table} WHERE ns = ? AND key = ?`);
    this.putStmt = this.db.prepare(`INSERT OR REPLACE INTO ${table} (ns, key, value) VALUES (?, ?, ?)`);
  }

  get(ns: string, key: string): V | undefined {
    const row = this.getStmt.get(ns, key);
    if (row === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    return JSON.parse(row.value) as V;
  }

  put(ns: string, key: string, value: V): void {
    this.putStmt.run(ns, key, JSON.stringify(value));
  }

  /** Many writes in one transaction (much faster than one by one). */
  putMany(ns: string, entries: Array<[string, V]>): void {
    const tx = this.db.transaction((rows: Array<[string, V]>) => {
      for (const [k, v] of rows) this.putStmt.run(ns, k, JSON.stringify(v));
    });
    tx(entries);
  }

  close(): void {
    this.db.close();
  }
}
