// Where the outbox keeps things: IndexedDB (idb-store.ts) or, when a browser has none, the
// page's memory (memory-store.ts). A store only holds bytes that are already encrypted:
// sealed records (records.ts) and evidence ciphertext (sealed to the node's case key).
import type { EvidenceEncryptor } from '../envelope/index.ts';
import type { UploadSource } from '../intake/index.ts';

/** The one IndexedDB database of the app: quick exit deletes it. */
export const OUTBOX_DATABASE = 'backup-outbox';
/** Evidence ciphertext is kept in records of this size. */
export const CIPHERTEXT_RECORD_BYTES = 1024 * 1024;

export interface SealedItem {
  readonly id: string;
  /** iv ‖ AES-GCM ciphertext of the item's JSON (sealing.ts). */
  readonly sealed: Uint8Array;
}

export interface StageCiphertextOptions {
  /** Ciphertext bytes kept so far, of `total`. */
  readonly onProgress?: (done: number, total: number) => void;
  readonly signal?: AbortSignal;
}

export interface OutboxStore {
  /** Whether what is kept survives a reload. */
  readonly persistent: boolean;
  /** The key that seals items at rest: non-extractable, made on first use, kept beside them. */
  sealingKey(): Promise<CryptoKey>;
  items(): Promise<SealedItem[]>;
  item(id: string): Promise<SealedItem | undefined>;
  putItem(item: SealedItem): Promise<void>;
  /** Deletes an item and any ciphertext kept under its id, together. */
  deleteItem(id: string): Promise<void>;
  /** Keeps the whole ciphertext an encryptor produces (or, in memory, the encryptor itself). */
  stageCiphertext(id: string, encryptor: EvidenceEncryptor, options?: StageCiphertextOptions): Promise<void>;
  /** The kept ciphertext, read a slice at a time. */
  ciphertext(id: string, size: number): UploadSource;
  /** Ids that have ciphertext kept, to find what an interrupted staging left behind. */
  ciphertextIds(): Promise<Set<string>>;
  close(): void;
  /** Deletes everything, for good. */
  wipe(): Promise<void>;
}
