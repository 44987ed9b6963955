// Cases, evidence records and message threads in SQLite (WAL, synchronous=FULL): a commit
// is on disk when it returns. Inserts of cases and messages are group-committed: every one
// queued during one turn of the event loop shares one transaction and one fsync, and each
// caller is answered only after it.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import type { MessageAuthor } from '../../../client/src/envelope/index.ts';
import {
  type CustodyEventRecord,
  type EvidenceRecord,
  EvidenceRows,
  type LogIndices,
  type NewCustodyEvent,
} from './evidence-records.ts';
import { assertCurrent, migrate } from './migrations.ts';

export const DATABASE_FILE = 'cases.sqlite';
/** How long a write waits for another connection's (e.g. `backup reply` beside a running node). */
export const BUSY_TIMEOUT_MS = 5000;

export class DuplicateReceiptError extends Error {
  override name = 'DuplicateReceiptError';
}

export class UnknownCaseError extends Error {
  override name = 'UnknownCaseError';
}

/** The case already holds as many messages from this author as the caller allows. */
export class MessageLimitError extends Error {
  override name = 'MessageLimitError';
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

export interface NewMessage {
  readonly id: string;
  readonly caseId: string;
  readonly author: MessageAuthor;
  /** The sealed message, as JSON text. */
  readonly envelope: string;
}

export interface MessageRecord {
  readonly id: string;
  readonly caseId: string;
  readonly author: MessageAuthor;
  readonly receivedHour: string;
  readonly envelope: string;
}

const MESSAGE_COLUMNS = 'id, case_id AS caseId, author, received_hour AS receivedHour, envelope';

interface PendingWrite {
  /**
   * Runs inside the batch's transaction. Returns the error for this writer alone (its
   * statement undone, the batch going on), or throws to fail the whole batch.
   */
  readonly run: (hour: string) => Error | undefined;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

function constraintOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('SQLITE_CONSTRAINT') ? code : undefined;
}

/** Received times are kept to the hour: enough for triage, less to match against traffic. */
export function currentHour(now = new Date()): string {
  return `${now.toISOString().slice(0, 13)}:00Z`;
}

export class CaseStore {
  private readonly db: Database.Database;
  private queue: PendingWrite[] = [];
  private flushScheduled = false;
  private readonly statements;
  private readonly evidenceRows: EvidenceRows;

  /**
   * `readonly` for readers such as `backup decrypt`; `mustExist` for tools that write
   * beside a running node and must not create an empty database in a mistyped folder.
   */
  constructor(dataDir: string, options: { readonly readonly?: boolean; readonly mustExist?: boolean } = {}) {
    this.db = new Database(join(dataDir, DATABASE_FILE), {
      readonly: options.readonly ?? false,
      fileMustExist: (options.readonly ?? false) || (options.mustExist ?? false),
      timeout: BUSY_TIMEOUT_MS,
    });
    if (options.readonly) {
      assertCurrent(this.db);
    } else {
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = FULL');
      migrate(this.db);
    }
    this.db.pragma('foreign_keys = ON');
    this.statements = {
      insertCase: this.db.prepare(
        'INSERT INTO cases (id, verifier, reply_key, received_hour, envelope, shared, status, v) VALUES (?, ?, ?, ?, ?, ?, ?, 1)',
      ),
      replyKeyOf: this.db.prepare('SELECT reply_key AS replyKey FROM cases WHERE id = ?'),
      caseByVerifier: this.db.prepare(
        'SELECT id, status, received_hour AS receivedHour, envelope, shared FROM cases WHERE verifier = ?',
      ),
      allCases: this.db.prepare(
        'SELECT id, status, received_hour AS receivedHour, envelope, shared FROM cases ORDER BY rowid',
      ),
      insertMessage: this.db.prepare(
        'INSERT INTO messages (id, case_id, author, received_hour, envelope, v) VALUES (?, ?, ?, ?, ?, 1)',
      ),
      messagesOfCase: this.db.prepare(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE case_id = ? ORDER BY rowid`),
      countMessages: this.db.prepare('SELECT count(*) AS n FROM messages WHERE case_id = ? AND author = ?'),
    };
    this.evidenceRows = new EvidenceRows(this.db);
  }

  /** Resolves once the case is durably committed. */
  insertCase(record: NewCase): Promise<void> {
    return this.enqueue((hour) => {
      try {
        this.statements.insertCase.run(
          record.id,
          record.verifier,
          record.replyKey,
          hour,
          record.envelope,
          record.shared,
          'received',
        );
        return undefined;
      } catch (error) {
        const constraint = constraintOf(error);
        if (constraint !== 'SQLITE_CONSTRAINT_UNIQUE' && constraint !== 'SQLITE_CONSTRAINT_PRIMARYKEY') throw error;
        return new DuplicateReceiptError('a report with this receipt already exists', { cause: error });
      }
    });
  }

  /**
   * Resolves once the message is durably committed. With `maxPerAuthor`, rejects with
   * MessageLimitError when the case already holds that many messages from this author:
   * counted inside the commit, so concurrent senders cannot pass the limit together.
   */
  insertMessage(record: NewMessage, maxPerAuthor?: number): Promise<void> {
    return this.enqueue((hour) => {
      if (maxPerAuthor !== undefined) {
        const { n } = this.statements.countMessages.get(record.caseId, record.author) as { n: number };
        if (n >= maxPerAuthor) return new MessageLimitError(`this case holds ${n} messages from the ${record.author}`);
      }
      try {
        this.statements.insertMessage.run(record.id, record.caseId, record.author, hour, record.envelope);
        return undefined;
      } catch (error) {
        if (constraintOf(error) !== 'SQLITE_CONSTRAINT_FOREIGNKEY') throw error;
        return new UnknownCaseError('there is no such case', { cause: error });
      }
    });
  }

  private enqueue(run: PendingWrite['run']): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ run, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Every write queued during one turn of the event loop: one transaction, one fsync. */
  private flush(): void {
    const batch = this.queue;
    this.queue = [];
    this.flushScheduled = false;
    const hour = currentHour();
    let outcomes: (Error | undefined)[];
    try {
      outcomes = this.db.transaction(() => batch.map((p) => p.run(hour)))();
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

  /** The reporter's reply public key (32 bytes), to which caseworkers seal their messages. */
  replyKeyOf(caseId: string): Uint8Array | undefined {
    const row = this.statements.replyKeyOf.get(caseId) as { replyKey: Buffer } | undefined;
    return row && new Uint8Array(row.replyKey);
  }

  /** A case's messages, oldest first. */
  messagesOfCase(caseId: string): MessageRecord[] {
    return this.statements.messagesOfCase.all(caseId) as MessageRecord[];
  }

  /** A new upload, with the evidence commitment its reporter's device sent (32 bytes). */
  addEvidence(id: string, caseId: string, length: number, commitment: Uint8Array): void {
    this.evidenceRows.add(id, caseId, length, commitment, currentHour());
  }

  evidence(id: string): EvidenceRecord | undefined {
    return this.evidenceRows.byId(id);
  }

  evidenceOfCase(caseId: string): EvidenceRecord[] {
    return this.evidenceRows.ofCase(caseId);
  }

  /** Uploads neither finished nor expired. */
  unfinishedEvidence(): EvidenceRecord[] {
    return this.evidenceRows.unfinished();
  }

  markEvidenceExpired(id: string): void {
    this.evidenceRows.markExpired(id);
  }

  /** Evidence files of a case that count against its limit (expired ones do not). */
  evidenceCount(caseId: string): number {
    return this.evidenceRows.count(caseId);
  }

  markEvidenceComplete(id: string): void {
    this.evidenceRows.markComplete(id);
  }

  /** Complete uploads with a commitment not yet in the log, oldest first. */
  evidenceAwaitingLog(): EvidenceRecord[] {
    return this.evidenceRows.awaitingLog();
  }

  /** Records where the upload's commitment is in the log; an index already recorded stays. */
  setEvidenceLogIndex(id: string, index: number): void {
    this.evidenceRows.setLogIndex(id, index);
  }

  /** Keeps a sealed custody event, not yet logged; returns its id. */
  addCustodyEvent(event: NewCustodyEvent): number {
    return this.evidenceRows.addCustodyEvent(event, currentHour());
  }

  /** An upload's custody events, oldest first. */
  custodyEventsOf(evidenceId: string): CustodyEventRecord[] {
    return this.evidenceRows.custodyOf(evidenceId);
  }

  /** Custody events whose commitment is not yet in the log, oldest first. */
  custodyEventsAwaitingLog(): CustodyEventRecord[] {
    return this.evidenceRows.custodyAwaitingLog();
  }

  /** Records where the event's commitment is in the log; an index already recorded stays. */
  setCustodyLogIndex(id: number, index: number): void {
    this.evidenceRows.setCustodyLogIndex(id, index);
  }

  /** Records several log indices in one transaction: all of them, or none. */
  recordLogIndices(indices: LogIndices): void {
    this.evidenceRows.recordLogIndices(indices);
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
