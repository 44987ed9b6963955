// The outbox's items, sealed at rest (sealing.ts) in whichever store is open. Two kinds:
// a staged evidence file, and a group: a report still to send (`body`), or the evidence of
// a report the node already holds, with the receipt's lookup its uploads need. The
// receipt code itself is never kept.
import { randomBytes, toBase64Url } from '../envelope/index.ts';
import { openItem, sealItem } from './sealing.ts';
import type { OutboxStore } from './store.ts';

export type FileKind = 'image' | 'video' | 'audio' | 'other';

export interface EvidenceEntry {
  readonly v: 1;
  readonly type: 'evidence';
  readonly id: string;
  /** Milliseconds since 1970; orders the outbox. */
  readonly created: number;
  readonly kind: FileKind;
  /** Ciphertext bytes: the tus Upload-Length. */
  readonly size: number;
  /** False until the whole ciphertext is kept; a leftover of an interrupted staging. */
  readonly staged: boolean;
  /** Known as soon as the node made the upload, so a reload resumes it. */
  readonly uploadUrl?: string;
  /** The node's error code, when it refused the upload. */
  readonly refused?: string;
}

export interface GroupEntry {
  readonly v: 1;
  readonly type: 'group';
  readonly id: string;
  readonly created: number;
  /** The report submission (base64url), until the node accepts it. */
  readonly body?: string;
  /** The submission's size, for a group that began as a report. */
  readonly reportBytes?: number;
  /** The receipt's lookup (base64url): the uploads' Authorization. */
  readonly lookup: string;
  readonly evidenceIds: readonly string[];
  /** The node's error code, when it refused the report. */
  readonly refused?: string;
}

export type OutboxEntry = EvidenceEntry | GroupEntry;

export class OutboxRecords {
  readonly store: OutboxStore;
  private readonly listeners = new Set<() => void>();
  private lastCreated = 0;

  constructor(store: OutboxStore) {
    this.store = store;
  }

  newId(): string {
    return toBase64Url(randomBytes(16));
  }

  /** Now, but always later than the last entry made here, so entries keep their order. */
  now(): number {
    this.lastCreated = Math.max(Date.now(), this.lastCreated + 1);
    return this.lastCreated;
  }

  /** Every entry, oldest first. */
  async all(): Promise<OutboxEntry[]> {
    const key = await this.store.sealingKey();
    const entries = await Promise.all(
      (await this.store.items()).map(async (item) => parse(await openItem(key, item.id, item.sealed))),
    );
    return entries
      .filter((entry) => entry !== undefined)
      .sort((a, b) => a.created - b.created || (a.id < b.id ? -1 : 1));
  }

  async get(id: string): Promise<OutboxEntry | undefined> {
    const item = await this.store.item(id);
    return item && parse(await openItem(await this.store.sealingKey(), id, item.sealed));
  }

  async put(entry: OutboxEntry): Promise<void> {
    await this.store.putItem({ id: entry.id, sealed: await sealItem(await this.store.sealingKey(), entry.id, entry) });
  }

  /** Changes an entry that still exists; false if it was deleted meanwhile (discarded). */
  async update<T extends OutboxEntry>(id: string, change: (entry: T) => T): Promise<boolean> {
    const entry = (await this.get(id)) as T | undefined;
    if (!entry) return false;
    await this.put(change(entry));
    return true;
  }

  delete(id: string): Promise<void> {
    return this.store.deleteItem(id);
  }

  /** Tells the sender that the reporter queued or discarded something. */
  watch(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  notify(): void {
    for (const listener of this.listeners) listener();
  }
}

/** Entries are only ever written by this code; an unknown version is left alone. */
function parse(value: unknown): OutboxEntry | undefined {
  const entry = value as OutboxEntry | null;
  return entry?.v === 1 && (entry.type === 'evidence' || entry.type === 'group') ? entry : undefined;
}
