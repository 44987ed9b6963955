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
