// Cases and evidence records in SQLite (WAL, synchronous=FULL): a commit is on disk when
// it returns. Writes are group-committed: every insert queued during one turn of the event
// loop shares one transaction and one fsync, and each caller is answered only after it.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { migrate } from './migrations.ts';

export const DATABASE_FILE = 'cases.sqlite';

export class DuplicateReceiptError extends Error {
  override name = 'DuplicateReceiptError';
}

export interface NewCase {
  readonly id: string;
  /** SHA-256 of the receipt's lookup value. */
  readonly verifier: Uint8Array;
  readonly replyKey: Uint8Array;
  /** The sealed report, as JSON text. */
  readonly envelope: string;
  /** The fields the reporter consented to share in the clear, as JSON text. */
  readonly shared: string;
}

export interface CaseRecord {
  readonly id: string;
  readonly status: string;
  readonly receivedHour: string;
  readonly envelope: string;
  readonly shared: string;
}

export interface EvidenceRecord {
  readonly id: string;
  readonly caseId: string;
  readonly length: number;
  readonly complete: boolean;
  /** Abandoned unfinished, and its bytes deleted. */
  readonly expired: boolean;
  readonly createdHour: string;
}

const EVIDENCE_COLUMNS = 'id, case_id AS caseId, length, complete, expired, created_hour AS createdHour';
type EvidenceRow = Omit<EvidenceRecord, 'complete' | 'expired'> & { complete: number; expired: number };
const toEvidence = (row: EvidenceRow): EvidenceRecord => ({
  ...row,
  complete: row.complete === 1,
  expired: row.expired === 1,
});

interface PendingInsert {
  readonly record: NewCase;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

/** Received times are kept to the hour: enough for triage, less to match against traffic. */
export function currentHour(now = new Date()): string {
  return `${now.toISOString().slice(0, 13)}:00Z`;
}

export class CaseStore {
  private readonly db: Database.Database;
  private queue: PendingInsert[] = [];
  private flushScheduled = false;
  private readonly statements;

  constructor(dataDir: string, options: { readonly readonly?: boolean } = {}) {
    this.db = new Database(join(dataDir, DATABASE_FILE), {
      readonly: options.readonly ?? false,
      fileMustExist: options.readonly ?? false,
    });
    if (!options.readonly) {
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = FULL');
      migrate(this.db);
    }
    this.db.pragma('foreign_keys = ON');
    this.statements = {
      insertCase: this.db.prepare(
        'INSERT INTO cases (id, verifier, reply_key, received_hour, envelope, shared, status, v) VALUES (?, ?, ?, ?, ?, ?, ?, 1)',
      ),
      caseByVerifier: this.db.prepare(
        'SELECT id, status, received_hour AS receivedHour, envelope, shared FROM cases WHERE verifier = ?',
      ),
      allCases: this.db.prepare(
        'SELECT id, status, received_hour AS receivedHour, envelope, shared FROM cases ORDER BY rowid',
      ),
      insertEvidence: this.db.prepare(
        'INSERT INTO evidence (id, case_id, length, complete, created_hour, v) VALUES (?, ?, ?, 0, ?, 1)',
      ),
      evidenceById: this.db.prepare(`SELECT ${EVIDENCE_COLUMNS} FROM evidence WHERE id = ?`),
      evidenceOfCase: this.db.prepare(`SELECT ${EVIDENCE_COLUMNS} FROM evidence WHERE case_id = ? ORDER BY rowid`),
      unfinishedEvidence: this.db.prepare(
        `SELECT ${EVIDENCE_COLUMNS} FROM evidence WHERE complete = 0 AND expired = 0`,
      ),
      countEvidence: this.db.prepare('SELECT count(*) AS n FROM evidence WHERE case_id = ? AND expired = 0'),
      completeEvidence: this.db.prepare('UPDATE evidence SET complete = 1 WHERE id = ?'),
      expireEvidence: this.db.prepare('UPDATE evidence SET expired = 1 WHERE id = ? AND complete = 0'),
    };
  }

  /** Resolves once the case is durably committed. */
  insertCase(record: NewCase): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ record, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    const batch = this.queue;
    this.queue = [];
    this.flushScheduled = false;
    const outcomes: (Error | undefined)[] = [];
    const hour = currentHour();
    try {
      this.db.transaction(() => {
        for (const { record: r } of batch) {
          try {
            this.statements.insertCase.run(r.id, r.verifier, r.replyKey, hour, r.envelope, r.shared, 'received');
            outcomes.push(undefined);
          } catch (error) {
            // A constraint failure undoes only its own statement; the batch goes on.
            if (
              (error as { code?: string }).code !== 'SQLITE_CONSTRAINT_UNIQUE' &&
              (error as { code?: string }).code !== 'SQLITE_CONSTRAINT_PRIMARYKEY'
            )
              throw error;
            outcomes.push(new DuplicateReceiptError('a report with this receipt already exists', { cause: error }));
          }
        }
      })();
    } catch (error) {
      for (const p of batch) p.reject(error as Error);
      return;
    }
    batch.forEach((p, i) => (outcomes[i] ? p.reject(outcomes[i]) : p.resolve()));
  }

  caseByVerifier(verifier: Uint8Array): CaseRecord | undefined {
    return this.statements.caseByVerifier.get(verifier) as CaseRecord | undefined;
  }

  allCases(): CaseRecord[] {
    return this.statements.allCases.all() as CaseRecord[];
  }

  addEvidence(id: string, caseId: string, length: number): void {
    this.statements.insertEvidence.run(id, caseId, length, currentHour());
  }

  evidence(id: string): EvidenceRecord | undefined {
    const row = this.statements.evidenceById.get(id) as EvidenceRow | undefined;
    return row && toEvidence(row);
  }

  evidenceOfCase(caseId: string): EvidenceRecord[] {
    return (this.statements.evidenceOfCase.all(caseId) as EvidenceRow[]).map(toEvidence);
  }

  /** Uploads neither finished nor expired. */
  unfinishedEvidence(): EvidenceRecord[] {
    return (this.statements.unfinishedEvidence.all() as EvidenceRow[]).map(toEvidence);
  }

  markEvidenceExpired(id: string): void {
    this.statements.expireEvidence.run(id);
  }

  /** Evidence files of a case that count against its limit (expired ones do not). */
  evidenceCount(caseId: string): number {
    return (this.statements.countEvidence.get(caseId) as { n: number }).n;
  }

  markEvidenceComplete(id: string): void {
    this.statements.completeEvidence.run(id);
  }

  /** True when the database answers. */
  ping(): boolean {
    try {
      return this.db.prepare('SELECT 1 AS one').get() !== undefined;
    } catch {
      return false;
    }
  }

  integrityCheck(): string {
    return this.db.pragma('integrity_check', { simple: true }) as string;
  }

  close(): void {
    this.db.close();
  }
}
