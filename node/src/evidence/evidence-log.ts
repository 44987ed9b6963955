// Logging each evidence file in the node's transparency log (DESIGN §4): the commitment the
// reporter's device sent with the upload, then a "received" custody event made here.
//
// Crash windows. An entry is appended (durable when append resolves), then its index is
// recorded in SQLite; a "received" event is made and committed before anything of its
// upload is appended.
//  - Crash before the event is committed: nothing of the upload is in the log; the next
//    pass makes the event and logs both.
//  - Crash after an append is durable but before its index is committed: the next pass
//    appends the entry again. The log then holds it twice, which is harmless (a commitment
//    says nothing more for being there twice; each record keeps the first index it gets).
//  - An append that fails leaves its index NULL: the next pass tries again.
// So an entry may be logged twice, but an upload acknowledged as complete (its last PATCH,
// or a HEAD that found every byte) is never logged zero times: it stays "awaiting log" in
// SQLite until an index is recorded, and every start and every completion retries it.
import type { BoxPublicKey } from '../../../client/src/envelope/index.ts';
import type { Logger } from '../log/index.ts';
import type { CaseStore } from '../store/index.ts';
import { receivedEvent, sealCustodyEvent } from './custody.ts';

/** The node's evidence log, as this capability needs it (federation/src/log is one). */
export interface EvidenceLog {
  /** The log's origin (C2SP tlog-checkpoint), named in each custody event. */
  readonly origin: string;
  /** Appends an entry; resolves once it is durable, with its index. */
  append(entry: Uint8Array): Promise<number>;
}

/** Entries appended together, then recorded in one transaction: bounds memory and re-logging. */
const PASS_BATCH = 256;

export class EvidenceLogError extends Error {
  override name = 'EvidenceLogError';
}

/**
 * Appends what is complete but not yet in the log: upload commitments, and their custody
 * events (making each upload's "received" event first if it has none). Resolves with the
 * number of entries appended; rejects with EvidenceLogError if an append failed, after
 * recording the ones that succeeded. Not reentrant: two passes at once would both append
 * what neither has recorded yet, so callers run one at a time.
 */
export async function logPendingEvidence(
  store: CaseStore,
  log: EvidenceLog,
  casePublicKey: BoxPublicKey,
): Promise<number> {
  for (const upload of store.evidenceAwaitingLog()) {
    if (store.custodyEventsOf(upload.id).length > 0) continue;
    store.addCustodyEvent(sealCustodyEvent(upload.id, receivedEvent(upload.commitment!, log.origin), casePublicKey));
  }
  // Each upload's commitment goes before its events: all uploads are queued first.
  const pending: { readonly evidence?: string; readonly custody?: number; readonly entry: Uint8Array }[] = [
    ...store.evidenceAwaitingLog().map((e) => ({ evidence: e.id, entry: e.commitment! })),
    ...store.custodyEventsAwaitingLog().map((c) => ({ custody: c.id, entry: c.commitment })),
  ];
  let appended = 0;
  for (let from = 0; from < pending.length; from += PASS_BATCH) {
    const batch = pending.slice(from, from + PASS_BATCH);
    // Appended together, so the log commits them in one batch, in this order.
    const results = await Promise.allSettled(batch.map((p) => log.append(p.entry)));
    const evidence: [string, number][] = [];
    const custody: [number, number][] = [];
    let failure: unknown;
    results.forEach((result, i) => {
      const p = batch[i]!;
      if (result.status === 'rejected') failure ??= result.reason;
      else if (p.evidence !== undefined) evidence.push([p.evidence, result.value]);
      else custody.push([p.custody!, result.value]);
    });
    store.recordLogIndices({ evidence, custody });
    appended += evidence.length + custody.length;
    if (failure !== undefined) throw new EvidenceLogError('the evidence log refused an append', { cause: failure });
  }
  return appended;
}

export interface PendingEvidenceLoggerComponents {
  readonly store: CaseStore;
  readonly evidenceLog: EvidenceLog;
  readonly casePublicKey: BoxPublicKey;
  readonly log: Logger;
}

export interface PendingEvidenceLogger {
  /**
   * One pass of logPendingEvidence, after the passes already asked for. A failure is
   * reported to the log, not thrown: the uploads stay awaiting, and a later pass logs them.
   */
  logPending(): Promise<void>;
  /** Resolves when the passes asked for so far are over (before the log and store close). */
  settled(): Promise<void>;
}

/** Runs the passes of one node one at a time (logPendingEvidence is not reentrant). */
export function pendingEvidenceLogger(components: PendingEvidenceLoggerComponents): PendingEvidenceLogger {
  const { store, evidenceLog, casePublicKey, log } = components;
  let previous: Promise<unknown> = Promise.resolve();
  return {
    async logPending() {
      const pass = previous.then(() => logPendingEvidence(store, evidenceLog, casePublicKey));
      // The next pass waits for this one, failed or not; its failure is reported just below.
      previous = pass.catch(() => {});
      try {
        await pass;
      } catch (error) {
        const { name, message } = error as Error;
        log.error('evidence not logged yet; the next completion or start tries again', { error: name, message });
      }
    },
    async settled() {
      await previous;
    },
  };
}
