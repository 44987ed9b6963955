// Schema versions, applied in order; PRAGMA user_version records the last one applied.
import type Database from 'better-sqlite3';

const MIGRATIONS: readonly string[] = [
  `CREATE TABLE cases (
     id            TEXT PRIMARY KEY,
     verifier      BLOB NOT NULL UNIQUE,
     reply_key     BLOB NOT NULL,
     received_hour TEXT NOT NULL,
     envelope      TEXT NOT NULL,
     shared        TEXT NOT NULL,
     status        TEXT NOT NULL,
     v             INTEGER NOT NULL
   ) STRICT;
   CREATE TABLE evidence (
     id           TEXT PRIMARY KEY,
     case_id      TEXT NOT NULL REFERENCES cases(id),
     length       INTEGER NOT NULL,
     complete     INTEGER NOT NULL,
     created_hour TEXT NOT NULL,
     v            INTEGER NOT NULL
   ) STRICT;
   CREATE INDEX evidence_by_case ON evidence(case_id);`,
  // 2: unfinished uploads can expire (their bytes deleted, the record kept).
  `ALTER TABLE evidence ADD COLUMN expired INTEGER NOT NULL DEFAULT 0;`,
  // 3: the sealed message thread between a reporter and the caseworkers.
  `CREATE TABLE messages (
     id            TEXT PRIMARY KEY,
     case_id       TEXT NOT NULL REFERENCES cases(id),
     author        TEXT NOT NULL CHECK (author IN ('reporter', 'caseworker')),
     received_hour TEXT NOT NULL,
     envelope      TEXT NOT NULL,
     v             INTEGER NOT NULL
   ) STRICT;
   CREATE INDEX messages_by_case ON messages(case_id);`,
  // 4: the integrity log. Each upload keeps the evidence commitment its reporter's device
  // sent; custody events are sealed to the case key (their salts must not be readable on a
  // seized node); both record their index in the node's log once logged.
  `ALTER TABLE evidence ADD COLUMN commitment BLOB;
   ALTER TABLE evidence ADD COLUMN log_index INTEGER;
   CREATE INDEX evidence_awaiting_log ON evidence(id)
     WHERE complete = 1 AND log_index IS NULL AND commitment IS NOT NULL;
   CREATE TABLE custody_events (
     id           INTEGER PRIMARY KEY,
     evidence_id  TEXT NOT NULL REFERENCES evidence(id),
     sealed       BLOB NOT NULL,
     commitment   BLOB NOT NULL,
     log_index    INTEGER,
     created_hour TEXT NOT NULL,
     v            INTEGER NOT NULL
   ) STRICT;
   CREATE INDEX custody_by_evidence ON custody_events(evidence_id);
   CREATE INDEX custody_awaiting_log ON custody_events(id) WHERE log_index IS NULL;`,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

function versionOf(db: Database.Database): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > SCHEMA_VERSION) {
    throw new Error(`database schema ${current} is newer than this software (${SCHEMA_VERSION}): upgrade BackUp`);
  }
  return current;
}

export function migrate(db: Database.Database): void {
  const current = versionOf(db);
  for (let version = current; version < SCHEMA_VERSION; version++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[version]!);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}

/** A read-only connection cannot migrate: it reads only a database already at this version. */
export function assertCurrent(db: Database.Database): void {
  const current = versionOf(db);
  if (current < SCHEMA_VERSION) {
    throw new Error(
      `database schema ${current} is older than this software (${SCHEMA_VERSION}): start the node on it once to upgrade it`,
    );
  }
}
