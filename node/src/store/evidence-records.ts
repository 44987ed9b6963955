// Evidence uploads and their custody events, as rows: the statements CaseStore runs on them.
// Since schema 4 an upload carries the evidence commitment its reporter's device sent, and
// both it and each custody event carry the index of their entry in the node's log once
// logged (NULL until then). A custody event's salt and bytes are sealed to the case key:
// only its commitment, which the public log holds anyway, is kept in the clear.
import type Database from 'better-sqlite3';

export interface EvidenceRecord {
  readonly id: string;
  readonly caseId: string;
  readonly length: number;
  readonly complete: boolean;
  /** Abandoned unfinished, and its bytes deleted. */
  readonly expired: boolean;
  readonly createdHour: string;
  /** The evidence commitment (32 bytes); absent for uploads made before schema 4. */
  readonly commitment?: Uint8Array;
  /** Where the commitment is in the node's log, once it is. */
  readonly logIndex?: number;
}

export interface NewCustodyEvent {
  readonly evidenceId: string;
  /** Sealed box to the case key of salt (32 bytes) ‖ the event's JSON bytes. */
  readonly sealed: Uint8Array;
  /** custodyCommitment(salt, event): the entry to log. */
  readonly commitment: Uint8Array;
}

export interface CustodyEventRecord extends NewCustodyEvent {
  readonly id: number;
  readonly createdHour: string;
  /** Where the commitment is in the node's log, once it is. */
  readonly logIndex?: number;
}

/** Log indices to record together: evidence by upload id, custody events by id. */
export interface LogIndices {
  readonly evidence: readonly (readonly [id: string, index: number])[];
  readonly custody: readonly (readonly [id: number, index: number])[];
}

const EVIDENCE_COLUMNS =
  'id, case_id AS caseId, length, complete, expired, created_hour AS createdHour, commitment, log_index AS logIndex';
interface EvidenceRow {
  id: string;
  caseId: string;
  length: number;
  complete: number;
  expired: number;
  createdHour: string;
  commitment: Buffer | null;
  logIndex: number | null;
}
const toEvidence = ({ commitment, logIndex, ...row }: EvidenceRow): EvidenceRecord => ({
  ...row,
  complete: row.complete === 1,
  expired: row.expired === 1,
  ...(commitment !== null && { commitment: new Uint8Array(commitment) }),
  ...(logIndex !== null && { logIndex }),
});

const CUSTODY_COLUMNS =
  'id, evidence_id AS evidenceId, sealed, commitment, created_hour AS createdHour, log_index AS logIndex';
interface CustodyRow {
  id: number;
  evidenceId: string;
  sealed: Buffer;
  commitment: Buffer;
  createdHour: string;
  logIndex: number | null;
}
const toCustody = ({ sealed, commitment, logIndex, ...row }: CustodyRow): CustodyEventRecord => ({
  ...row,
  sealed: new Uint8Array(sealed),
  commitment: new Uint8Array(commitment),
  ...(logIndex !== null && { logIndex }),
});

export class EvidenceRows {
  private readonly s;
  readonly recordLogIndices: (indices: LogIndices) => void;

  constructor(db: Database.Database) {
    this.s = {
      insert: db.prepare(
        'INSERT INTO evidence (id, case_id, length, complete, created_hour, v, commitment) VALUES (?, ?, ?, 0, ?, 1, ?)',
      ),
      byId: db.prepare(`SELECT ${EVIDENCE_COLUMNS} FROM evidence WHERE id = ?`),
      ofCase: db.prepare(`SELECT ${EVIDENCE_COLUMNS} FROM evidence WHERE case_id = ? ORDER BY rowid`),
      unfinished: db.prepare(`SELECT ${EVIDENCE_COLUMNS} FROM evidence WHERE complete = 0 AND expired = 0`),
      count: db.prepare('SELECT count(*) AS n FROM evidence WHERE case_id = ? AND expired = 0'),
      complete: db.prepare('UPDATE evidence SET complete = 1 WHERE id = ?'),
      expire: db.prepare('UPDATE evidence SET expired = 1 WHERE id = ? AND complete = 0'),
      // The same condition as the partial index evidence_awaiting_log, so it is used.
      awaitingLog: db.prepare(
        `SELECT ${EVIDENCE_COLUMNS} FROM evidence
         WHERE complete = 1 AND log_index IS NULL AND commitment IS NOT NULL ORDER BY rowid`,
      ),
      setLogIndex: db.prepare('UPDATE evidence SET log_index = ? WHERE id = ? AND log_index IS NULL'),
      insertCustody: db.prepare(
        'INSERT INTO custody_events (evidence_id, sealed, commitment, created_hour, v) VALUES (?, ?, ?, ?, 1)',
      ),
      custodyOf: db.prepare(`SELECT ${CUSTODY_COLUMNS} FROM custody_events WHERE evidence_id = ? ORDER BY id`),
      custodyAwaitingLog: db.prepare(
        `SELECT ${CUSTODY_COLUMNS} FROM custody_events WHERE log_index IS NULL ORDER BY id`,
      ),
      setCustodyLogIndex: db.prepare('UPDATE custody_events SET log_index = ? WHERE id = ? AND log_index IS NULL'),
    };
    this.recordLogIndices = db.transaction((indices: LogIndices) => {
      for (const [id, index] of indices.evidence) this.setLogIndex(id, index);
      for (const [id, index] of indices.custody) this.setCustodyLogIndex(id, index);
    });
  }

  add(id: string, caseId: string, length: number, commitment: Uint8Array, hour: string): void {
    this.s.insert.run(id, caseId, length, hour, commitment);
  }

  byId(id: string): EvidenceRecord | undefined {
    const row = this.s.byId.get(id) as EvidenceRow | undefined;
    return row && toEvidence(row);
  }

  ofCase(caseId: string): EvidenceRecord[] {
    return (this.s.ofCase.all(caseId) as EvidenceRow[]).map(toEvidence);
  }

  unfinished(): EvidenceRecord[] {
    return (this.s.unfinished.all() as EvidenceRow[]).map(toEvidence);
  }

  count(caseId: string): number {
    return (this.s.count.get(caseId) as { n: number }).n;
  }

  markComplete(id: string): void {
    this.s.complete.run(id);
  }

  markExpired(id: string): void {
    this.s.expire.run(id);
  }

  awaitingLog(): EvidenceRecord[] {
    return (this.s.awaitingLog.all() as EvidenceRow[]).map(toEvidence);
  }

  /** A recorded index is never replaced: an entry logged again after a crash keeps its first. */
  setLogIndex(id: string, index: number): void {
    this.s.setLogIndex.run(index, id);
  }

  addCustodyEvent(event: NewCustodyEvent, hour: string): number {
    return Number(this.s.insertCustody.run(event.evidenceId, event.sealed, event.commitment, hour).lastInsertRowid);
  }

  custodyOf(evidenceId: string): CustodyEventRecord[] {
    return (this.s.custodyOf.all(evidenceId) as CustodyRow[]).map(toCustody);
  }

  custodyAwaitingLog(): CustodyEventRecord[] {
    return (this.s.custodyAwaitingLog.all() as CustodyRow[]).map(toCustody);
  }

  setCustodyLogIndex(id: number, index: number): void {
    this.s.setCustodyLogIndex.run(index, id);
  }
}
