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
];

export const SCHEMA_VERSION = MIGRATIONS.length;

export function migrate(db: Database.Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > SCHEMA_VERSION) {
    throw new Error(`database schema ${current} is newer than this software (${SCHEMA_VERSION}): upgrade BackUp`);
  }
  for (let version = current; version < SCHEMA_VERSION; version++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[version]!);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}
