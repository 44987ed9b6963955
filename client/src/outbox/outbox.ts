// Opening the outbox: IndexedDB when the browser has it, the page's memory otherwise.
import { type BoxPublicKey, toBase64Url } from '../envelope/index.ts';
import type { PreparedReport } from '../intake/index.ts';
import { StagedEvidenceError } from './errors.ts';
import { deleteDatabase, openIdbStore } from './idb-store.ts';
import { createMemoryStore } from './memory-store.ts';
import { type GroupEntry, OutboxRecords } from './records.ts';
import { type StageEvidenceOptions, type StagedEvidence, stageEvidence } from './staging.ts';
import type { OutboxStore } from './store.ts';

export interface Outbox {
  /** False when the browser keeps nothing (no IndexedDB): a reload loses what waits. */
  readonly persistent: boolean;
  /** Encrypts a file to the node's case key and keeps the ciphertext, ready to queue. */
  stageEvidence(file: Blob, casePublicKey: BoxPublicKey, options?: StageEvidenceOptions): Promise<StagedEvidence>;
  /** Queues a prepared report and its staged evidence; returns the report's id in the outbox. */
  queueReport(prepared: PreparedReport, evidenceIds: readonly string[]): Promise<string>;
  /** Queues staged evidence for a report the node already holds (follow-up). */
  attachEvidence(lookup: Uint8Array, evidenceIds: readonly string[]): Promise<string>;
  /** Removes a report (with its evidence) or one evidence file: staged, refused or waiting. */
  discard(id: string): Promise<void>;
  close(): void;
}

export interface OpenOutboxInit {
  /** Defaults to the browser's; `null` opens the in-memory outbox. */
  readonly indexedDB?: IDBFactory | null;
}

/** Open one outbox per page: opening removes staged files that no queued item refers to. */
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
  const records = new OutboxRecords(store ?? createMemoryStore());
  await removeLeftovers(records);
  return new StoredOutbox(records);
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

  constructor(records: OutboxRecords) {
    this.records = records;
  }

  get persistent(): boolean {
    return this.records.store.persistent;
  }

  stageEvidence(file: Blob, casePublicKey: BoxPublicKey, options?: StageEvidenceOptions): Promise<StagedEvidence> {
    return stageEvidence(this.records, file, casePublicKey, options);
  }

  async queueReport(prepared: PreparedReport, evidenceIds: readonly string[]): Promise<string> {
    return this.queue(
      { body: toBase64Url(prepared.body), reportBytes: prepared.body.length },
      prepared.lookup,
      evidenceIds,
    );
  }

  async attachEvidence(lookup: Uint8Array, evidenceIds: readonly string[]): Promise<string> {
    if (evidenceIds.length === 0) throw new StagedEvidenceError('no evidence to attach');
    return this.queue({}, lookup, evidenceIds);
  }

  async discard(id: string): Promise<void> {
    const entry = await this.records.get(id);
    if (entry?.type === 'group') for (const evidenceId of entry.evidenceIds) await this.records.delete(evidenceId);
    await this.records.delete(id);
    this.records.notify();
  }

  close(): void {
    this.records.store.close();
  }

  private async queue(
    report: Pick<GroupEntry, 'body' | 'reportBytes'>,
    lookup: Uint8Array,
    evidenceIds: readonly string[],
  ): Promise<string> {
    const entries = await this.records.all();
    const taken = new Set(entries.flatMap((entry) => (entry.type === 'group' ? entry.evidenceIds : [])));
    for (const evidenceId of evidenceIds) {
      const entry = entries.find((e) => e.id === evidenceId);
      if (entry?.type !== 'evidence' || !entry.staged || taken.has(evidenceId)) {
        throw new StagedEvidenceError('evidence to queue must be staged, and queued only once');
      }
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
    await this.records.put(group);
    this.records.notify();
    return id;
  }
}

/**
 * What an interrupted page left: half-staged files, and staged files no queued item
 * refers to (the form that held them is gone). Only those from before this page loaded,
 * so nothing staged on this page since is touched.
 */
async function removeLeftovers(records: OutboxRecords): Promise<void> {
  const entries = await records.all();
  const queued = new Set(entries.flatMap((entry) => (entry.type === 'group' ? entry.evidenceIds : [])));
  const loadedAt = globalThis.performance?.timeOrigin ?? Date.now();
  for (const entry of entries) {
    if (entry.type === 'evidence' && (!entry.staged || !queued.has(entry.id)) && entry.created < loadedAt) {
      await records.delete(entry.id);
    }
  }
  const known = new Set(entries.map((entry) => entry.id));
  for (const id of await records.store.ciphertextIds()) if (!known.has(id)) await records.delete(id);
}
