// Opening the outbox: IndexedDB when the browser has it, the page's memory otherwise.
import { type BoxPublicKey, deriveReceiptKeys, toBase64Url } from '../envelope/index.ts';
import type { PreparedReport } from '../intake/index.ts';
import { OutboxClosedError, StagedEvidenceError } from './errors.ts';
import { deleteDatabase } from './idb-database.ts';
import { openIdbStore } from './idb-store.ts';
import { createMemoryStore } from './memory-store.ts';
import { type GroupEntry, OutboxRecords } from './records.ts';
import { type StageEvidenceOptions, type StagedEvidence, stageEvidence } from './staging.ts';
import type { OutboxStore, SealedItem } from './store.ts';

export interface Outbox {
  /** False when the browser keeps nothing (no IndexedDB): a reload loses what waits. */
  readonly persistent: boolean;
  /**
   * Derives the key of the report with this receipt code and holds it in this page's memory,
   * never in storage. Staging, queueing and sending under a code need its key; after a
   * reload, what was kept under it stays locked until the reporter types the code again.
   * True when it opens something already kept. Throws ReceiptCodeError on a typing mistake.
   */
  unlock(receiptCode: string): Promise<boolean>;
  /** Encrypts a file to the node's case key and keeps the ciphertext, to queue under `receiptCode` (unlocked). */
  stageEvidence(
    receiptCode: string,
    file: Blob,
    casePublicKey: BoxPublicKey,
    options?: StageEvidenceOptions,
  ): Promise<StagedEvidence>;
  /** Queues a prepared report (its code unlocked) and its staged evidence; returns the report's id in the outbox. */
  queueReport(prepared: PreparedReport, evidenceIds: readonly string[]): Promise<string>;
  /** Queues staged evidence for a report the node already holds (follow-up). */
  attachEvidence(receiptCode: string, evidenceIds: readonly string[]): Promise<string>;
  /**
   * Removes a report (with its evidence) or one evidence file: staged, refused or waiting;
   * or, given a locked item's id, everything waiting for that receipt code.
   */
  discard(id: string): Promise<void>;
  close(): void;
}

export interface OpenOutboxInit {
  /** Defaults to the browser's; `null` opens the in-memory outbox. */
  readonly indexedDB?: IDBFactory | null;
}

/** Open one outbox per page: opening removes staged files that no queued report took. */
export async function openOutbox(init: OpenOutboxInit = {}): Promise<Outbox> {
  const factory = init.indexedDB === undefined ? globalThis.indexedDB : init.indexedDB;
  let store: OutboxStore | undefined;
  if (factory) {
    try {
      store = await openIdbStore(factory);
    } catch {
      // Private modes may refuse IndexedDB at open: the memory outbox keeps even less.
      store = undefined;
    }
  }
  store ??= createMemoryStore();
  await removeLeftovers(store);
  return new StoredOutbox(new OutboxRecords(store));
}

/** Deletes the outbox database, even while this or another tab has it open (quick exit). */
export async function wipeOutbox(factory: IDBFactory | undefined = globalThis.indexedDB): Promise<void> {
  if (factory) await deleteDatabase(factory);
}

/** The sender's access to what an Outbox keeps. */
export function recordsOf(outbox: Outbox): OutboxRecords {
  if (!(outbox instanceof StoredOutbox)) throw new TypeError('not an outbox from openOutbox');
  return outbox.records;
}

class StoredOutbox implements Outbox {
  readonly records: OutboxRecords;
  private closed = false;

  constructor(records: OutboxRecords) {
    this.records = records;
  }

  get persistent(): boolean {
    return this.records.store.persistent;
  }

  async unlock(receiptCode: string): Promise<boolean> {
    this.check();
    return this.records.unlock(receiptCode);
  }

  async stageEvidence(
    receiptCode: string,
    file: Blob,
    casePublicKey: BoxPublicKey,
    options?: StageEvidenceOptions,
  ): Promise<StagedEvidence> {
    this.check();
    return stageEvidence(this.records, await this.records.keyIdOf(receiptCode), file, casePublicKey, options);
  }

  queueReport(prepared: PreparedReport, evidenceIds: readonly string[]): Promise<string> {
    const report = { body: toBase64Url(prepared.body), reportBytes: prepared.body.length };
    return this.queue(report, prepared.receiptCode, prepared.lookup, evidenceIds);
  }

  async attachEvidence(receiptCode: string, evidenceIds: readonly string[]): Promise<string> {
    if (evidenceIds.length === 0) throw new StagedEvidenceError('no evidence to attach');
    return this.queue({}, receiptCode, deriveReceiptKeys(receiptCode).lookup, evidenceIds);
  }

  async discard(id: string): Promise<void> {
    const { records } = this;
    if (await records.store.item(id)) {
      const entry = await records.get(id);
      await records.store.deleteItems([id, ...(entry?.type === 'group' ? entry.evidenceIds : [])]);
    } else if (records.isLocked(id)) {
      // A key id: what waits for a receipt code the reporter no longer has.
      const kept = await records.store.items();
      await records.store.deleteItems(kept.filter((item) => item.keyId === id).map((item) => item.id));
    }
    records.notify();
  }

  close(): void {
    this.closed = true;
    this.records.forget();
    this.records.store.close();
  }

  private check(): void {
    if (this.closed) throw new OutboxClosedError('the outbox was closed');
  }

  private async queue(
    report: Pick<GroupEntry, 'body' | 'reportBytes'>,
    receiptCode: string,
    lookup: Uint8Array,
    evidenceIds: readonly string[],
  ): Promise<string> {
    this.check();
    const keyId = await this.records.keyIdOf(receiptCode);
    const taken: SealedItem[] = [];
    if (new Set(evidenceIds).size !== evidenceIds.length) throw new StagedEvidenceError('evidence is queued only once');
    for (const evidenceId of evidenceIds) {
      const item = await this.records.store.item(evidenceId);
      const entry = await this.records.get(evidenceId);
      if (!item?.pending || item.keyId !== keyId || entry?.type !== 'evidence' || !entry.staged) {
        throw new StagedEvidenceError('evidence to queue must be staged under this code, and queued only once');
      }
      taken.push({ id: item.id, keyId, sealed: item.sealed });
    }
    const id = this.records.newId();
    const group: GroupEntry = {
      v: 1,
      type: 'group',
      id,
      created: this.records.now(),
      ...report,
      lookup: toBase64Url(lookup),
      evidenceIds: [...evidenceIds],
    };
    // One transaction: the group, and its files no longer pending, or nothing at all.
    await this.records.store.putItems([await this.records.seal(group, keyId), ...taken]);
    this.records.notify();
    return id;
  }
}

/**
 * What an interrupted page left: staged files no queued report took (the form that held
 * them is gone, and so is a code never shown), and ciphertext without its item. Known
 * without any key, as they are marked pending in clear.
 */
async function removeLeftovers(store: OutboxStore): Promise<void> {
  const items = await store.items();
  const kept = new Set(items.filter((item) => !item.pending).map((item) => item.id));
  const leftovers = new Set(items.filter((item) => item.pending).map((item) => item.id));
  for (const id of await store.ciphertextIds()) if (!kept.has(id)) leftovers.add(id);
  if (leftovers.size > 0) await store.deleteItems([...leftovers]);
}
