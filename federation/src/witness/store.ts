// The witness's memory, in SQLite (WAL, synchronous=FULL): per log origin, the latest
// checkpoint it cosigned, and the misbehaviour it saw. tlog-witness §add-checkpoint: the
// witness "MUST persist the new checkpoint before responding", and the old-size check and
// the update must be atomic: `transaction` runs both in one BEGIN IMMEDIATE transaction.
import Database from 'better-sqlite3';
import { WitnessStoreError } from './errors.ts';

/** How long a write waits for another connection to the same file. */
export const WITNESS_BUSY_TIMEOUT_MS = 5000;
/** The version of each stored row (the `v` column), as for every stored record. */
const ROW_VERSION = 1;

// Schema versions, applied in order; PRAGMA user_version records the last one applied.
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE checkpoints (
     origin      TEXT PRIMARY KEY,
     size        INTEGER NOT NULL CHECK (size >= 0),
     root        BLOB NOT NULL CHECK (length(root) = 32),
     note        TEXT NOT NULL,
     cosigned_at INTEGER NOT NULL,
     v           INTEGER NOT NULL
   ) STRICT;
   CREATE TABLE misbehaviour (
     id               INTEGER PRIMARY KEY,
     origin           TEXT NOT NULL,
     reason           TEXT NOT NULL CHECK (reason IN ('same-size-different-root', 'inconsistent-proof')),
     checkpoint       TEXT NOT NULL,
     previous_note    TEXT NOT NULL,
     conflicting_note TEXT NOT NULL,
     proof            TEXT NOT NULL,
     observed_at      INTEGER NOT NULL,
     v                INTEGER NOT NULL,
     UNIQUE (origin, reason, checkpoint)
   ) STRICT;`,
];

export const WITNESS_SCHEMA_VERSION = MIGRATIONS.length;

/** The latest checkpoint the witness cosigned for one origin. */
export interface WitnessState {
  readonly size: number;
  readonly root: Uint8Array;
  /** The checkpoint note as it was submitted. */
  readonly note: string;
}

export type MisbehaviourReason = 'same-size-different-root' | 'inconsistent-proof';

export interface MisbehaviourRecord {
  readonly origin: string;
  /**
   * same-size-different-root: two checkpoints the log signed for one size, proof on its face.
   * inconsistent-proof: a signed checkpoint came with a proof that does not verify from the
   * cosigned one; anyone can pair a real checkpoint with a bad proof, so this is a lead for
   * a consistency check (e.g. asking the log), not proof by itself.
   */
  readonly reason: MisbehaviourReason;
  /** The note the witness had cosigned. */
  readonly previousNote: string;
  /** The conflicting note, with only the log's verified signatures. */
  readonly conflictingNote: string;
  /** The submitted consistency proof, as its base64 lines (empty for same-size). */
  readonly proof: readonly string[];
  readonly observedAt: number;
}

export interface WitnessStore {
  latest(origin: string): WitnessState | undefined;
  /** Writes the new latest checkpoint; call inside `transaction`. */
  advance(origin: string, state: WitnessState, at: number): void;
  /** Records misbehaviour once per (origin, reason, checkpoint text); true if new. */
  recordMisbehaviour(record: MisbehaviourRecord, checkpointText: string): boolean;
  misbehaviour(): MisbehaviourRecord[];
  /** Runs `fn` in one immediate (write-locked) transaction; rolled back if it throws. */
  transaction<T>(fn: () => T): T;
  close(): void;
}

function migrate(db: Database.Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (!Number.isSafeInteger(current) || current < 0 || current > WITNESS_SCHEMA_VERSION)
    throw new WitnessStoreError(
      `witness database schema ${current} is not one this software knows (${WITNESS_SCHEMA_VERSION}): upgrade BackUp`,
    );
  if (current === 0) {
    const tables = db.prepare(`SELECT count(*) AS n FROM sqlite_master`).get() as { n: number };
    if (tables.n !== 0) throw new WitnessStoreError('the file holds another database, not a witness store');
  }
  for (let version = current; version < WITNESS_SCHEMA_VERSION; version++)
    db.transaction(() => {
      db.exec(MIGRATIONS[version]!);
      db.pragma(`user_version = ${version + 1}`);
    }).immediate();
}

interface MisbehaviourRow {
  origin: string;
  reason: MisbehaviourReason;
  previousNote: string;
  conflictingNote: string;
  proof: string;
  observedAt: number;
}

export function openWitnessStore(path: string): WitnessStore {
  const db = new Database(path, { timeout: WITNESS_BUSY_TIMEOUT_MS });
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    migrate(db);
  } catch (cause) {
    db.close();
    throw cause;
  }
  const latest = db.prepare<[string], { size: number; root: Buffer; note: string }>(
    'SELECT size, root, note FROM checkpoints WHERE origin = ?',
  );
  const upsert = db.prepare(
    `INSERT INTO checkpoints (origin, size, root, note, cosigned_at, v) VALUES (?, ?, ?, ?, ?, ${ROW_VERSION})
     ON CONFLICT (origin) DO UPDATE SET size = excluded.size, root = excluded.root, note = excluded.note,
       cosigned_at = excluded.cosigned_at, v = excluded.v`,
  );
  const record = db.prepare(
    `INSERT OR IGNORE INTO misbehaviour
       (origin, reason, checkpoint, previous_note, conflicting_note, proof, observed_at, v)
     VALUES (?, ?, ?, ?, ?, ?, ?, ${ROW_VERSION})`,
  );
  const list = db.prepare<[], MisbehaviourRow>(
    `SELECT origin, reason, previous_note AS previousNote, conflicting_note AS conflictingNote, proof,
       observed_at AS observedAt FROM misbehaviour ORDER BY id`,
  );
  return {
    latest(origin) {
      const row = latest.get(origin);
      return row && { size: row.size, root: new Uint8Array(row.root), note: row.note };
    },
    advance(origin, state, at) {
      upsert.run(origin, state.size, Buffer.from(state.root), state.note, at);
    },
    recordMisbehaviour(m, checkpointText) {
      const proof = m.proof.map((l) => `${l}\n`).join('');
      return (
        record.run(m.origin, m.reason, checkpointText, m.previousNote, m.conflictingNote, proof, m.observedAt)
          .changes === 1
      );
    },
    misbehaviour() {
      return list.all().map((r) => ({ ...r, proof: r.proof === '' ? [] : r.proof.slice(0, -1).split('\n') }));
    },
    transaction(fn) {
      return db.transaction(fn).immediate();
    },
    close() {
      db.close();
    },
  };
}
