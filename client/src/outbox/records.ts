// The outbox's items, sealed at rest (sealing.ts) in whichever store is open, each under the
// key of its report's receipt code. A key is derived when the code is at hand (`unlock`)
// and held in this page's memory only, so after a reload nothing opens until the reporter
// types the code again: what no held key opens is locked. Two kinds of entry: a staged
// evidence file, and a group: a report still to send (`body`), or the evidence of a report
// the node already holds, with the receipt's lookup its uploads need. The receipt code
// itself is never kept.
import { randomBytes, toBase64Url } from '../envelope/index.ts';
import { OutboxLockedError } from './errors.ts';
import { deriveItemKey, deriveKeyId, openItem, sealItem } from './sealing.ts';
import type { OutboxStore, SealedItem } from './store.ts';

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
  /**
   * The file's evidence commitment (base64url, 32 bytes), sent when the upload is created;
   * set once staged. Not secret (the node's public log holds it); its salt stays sealed
   * inside the ciphertext, never here.
   */
  readonly commitment?: string;
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
  /** The receipt's lookup (base64url): the uploads' Authorization; dropped once nothing is left to send. */
  readonly lookup?: string;
  readonly evidenceIds: readonly string[];
  /** The node's error code, when it refused the report. */
  readonly refused?: string;
}

export type OutboxEntry = EvidenceEntry | GroupEntry;

export interface OutboxContents {
  /** What the held keys open, oldest first. */
  readonly entries: OutboxEntry[];
  /** The key ids (one per receipt code) of what waits for its code to be typed again. */
  readonly locked: string[];
}

export class OutboxRecords {
  readonly store: OutboxStore;
  /** By key id: the keys of the receipt codes unlocked on this page, in memory only. */
  private readonly keys = new Map<string, CryptoKey>();
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

  /** Holds the code's key from now on; true when it opens something already kept. */
  async unlock(receiptCode: string): Promise<boolean> {
    const { id, key } = await deriveItemKey(receiptCode);
    this.keys.set(id, key);
    const opened = (await this.store.items()).some((item) => item.keyId === id && !item.pending);
    if (opened) this.notify();
    return opened;
  }

  /** The id of the code's key, which must be held. */
  async keyIdOf(receiptCode: string): Promise<string> {
    const id = await deriveKeyId(receiptCode);
    if (!this.keys.has(id)) throw new OutboxLockedError('unlock the outbox with this receipt code first');
    return id;
  }

  isLocked(keyId: string): boolean {
    return !this.keys.has(keyId);
  }

  /** Lets go of every key (the outbox is closed). */
  forget(): void {
    this.keys.clear();
  }

  /** Every entry the held keys open, oldest first, and which keys the rest waits for. */
  async all(): Promise<OutboxContents> {
    const entries: OutboxEntry[] = [];
    const locked = new Set<string>();
    for (const item of await this.store.items()) {
      const entry = await this.open(item);
      if (entry) entries.push(entry);
      // Staging that no report took is a leftover, not something waiting (outbox.ts).
      else if (this.isLocked(item.keyId) && !item.pending) locked.add(item.keyId);
    }
    entries.sort((a, b) => a.created - b.created || (a.id < b.id ? -1 : 1));
    return { entries, locked: [...locked] };
  }

  /** The entry, if it is kept and its key is held. */
  async get(id: string): Promise<OutboxEntry | undefined> {
    const item = await this.store.item(id);
    return item && this.open(item);
  }

  /** The entry sealed under a held key, to write (alone with `put`, or with others in one transaction). */
  async seal(entry: OutboxEntry, keyId: string, pending = false): Promise<SealedItem> {
    const key = this.keys.get(keyId);
    if (!key) throw new OutboxLockedError('unlock the outbox with this receipt code first');
    return { id: entry.id, keyId, sealed: await sealItem(key, entry.id, entry), ...(pending && { pending }) };
  }

  async put(entry: OutboxEntry, keyId: string, pending = false): Promise<void> {
    await this.store.putItems([await this.seal(entry, keyId, pending)]);
  }

  /** Changes an entry that still exists, under its key; false if it was deleted meanwhile (discarded). */
  async update<T extends OutboxEntry>(id: string, change: (entry: T) => T): Promise<boolean> {
    const item = await this.store.item(id);
    const entry = item && ((await this.open(item)) as T | undefined);
    if (!item || !entry) return false;
    await this.store.putItems([await this.seal(change(entry), item.keyId, item.pending)]);
    return true;
  }

  delete(id: string): Promise<void> {
    return this.store.deleteItems([id]);
  }

  /** Tells the sender that the reporter queued, unlocked or discarded something. */
  watch(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  notify(): void {
    for (const listener of this.listeners) listener();
  }

  private async open(item: SealedItem): Promise<OutboxEntry | undefined> {
    const key = this.keys.get(item.keyId);
    return key && parse(await openItem(key, item.id, item.sealed));
  }
}

/** Entries are only ever written by this code; an unknown version is left alone. */
function parse(value: unknown): OutboxEntry | undefined {
  const entry = value as OutboxEntry | null;
  return entry?.v === 1 && (entry.type === 'evidence' || entry.type === 'group') ? entry : undefined;
}
