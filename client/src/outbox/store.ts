// Where the outbox keeps things: IndexedDB (idb-store.ts) or, when a browser has none, the
// page's memory (memory-store.ts). A store only holds bytes that are already encrypted:
// sealed records (records.ts) and evidence ciphertext (sealed to the node's case key).
import type { EvidenceEncryptor } from '../envelope/index.ts';
import type { UploadSource } from '../intake/index.ts';

/** Evidence ciphertext is kept in records of this size. */
export const CIPHERTEXT_RECORD_BYTES = 1024 * 1024;

export interface SealedItem {
  readonly id: string;
  /** Which receipt code's key opens it (sealing.ts): public, so the store can tell whose it is. */
  readonly keyId: string;
  /** iv ‖ AES-GCM ciphertext of the item's JSON (sealing.ts). */
  readonly sealed: Uint8Array;
  /**
   * Evidence staged that no queued item has taken yet: left over if the page that staged it
   * is gone. Kept in clear, so the leftovers go even while their key is not held.
   */
  readonly pending?: true;
}

export interface StageCiphertextOptions {
  /** Ciphertext bytes kept so far, of `total`. */
  readonly onProgress?: (done: number, total: number) => void;
  readonly signal?: AbortSignal;
}

export interface OutboxStore {
  /** Whether what is kept survives a reload. */
  readonly persistent: boolean;
  items(): Promise<SealedItem[]>;
  item(id: string): Promise<SealedItem | undefined>;
  /** Writes every item, or none of them (one transaction), flushed to disk before it resolves. */
  putItems(items: readonly SealedItem[]): Promise<void>;
  /** Deletes items and any ciphertext kept under their ids, all in one transaction. */
  deleteItems(ids: readonly string[]): Promise<void>;
  /** Keeps the whole ciphertext an encryptor produces (or, in memory, the encryptor itself). */
  stageCiphertext(id: string, encryptor: EvidenceEncryptor, options?: StageCiphertextOptions): Promise<void>;
  /** The kept ciphertext, read a slice at a time. */
  ciphertext(id: string, size: number): UploadSource;
  /** Ids that have ciphertext kept, to find what an interrupted staging left behind. */
  ciphertextIds(): Promise<Set<string>>;
  /**
   * When it holds nothing, lets go of the storage (the database is deleted, so nothing of the
   * app stays once everything is delivered); the next write makes it anew.
   */
  release(): Promise<void>;
  close(): void;
  /** Deletes everything, for good. */
  wipe(): Promise<void>;
}
