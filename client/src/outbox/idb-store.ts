// The outbox in IndexedDB: one database, so quick exit deletes one thing. Object stores:
// `keys` (the items' sealing key), `items` (sealed items, by id) and `ciphertext` (evidence
// ciphertext in records of CIPHERTEXT_RECORD_BYTES, keyed [id, index]).
import type { EvidenceEncryptor } from '../envelope/index.ts';
import type { UploadSource } from '../intake/index.ts';
import { OutboxClosedError, OutboxFullError, StagedEvidenceError } from './errors.ts';
import { createSealingKey } from './sealing.ts';
import {
  CIPHERTEXT_RECORD_BYTES,
  OUTBOX_DATABASE,
  type OutboxStore,
  type SealedItem,
  type StageCiphertextOptions,
} from './store.ts';

/** Database version: a later one adds its migration in `upgrade`, from `oldVersion`. */
const VERSION = 1;
/** Records written per transaction while staging: 8 MiB slices of the encryptor. */
const RECORDS_PER_WRITE = 8;
const KEYS = 'keys';
const ITEMS = 'items';
const CIPHERTEXT = 'ciphertext';
const SEALING_KEY = 'items';

export async function openIdbStore(factory: IDBFactory, name = OUTBOX_DATABASE): Promise<OutboxStore> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = factory.open(name, VERSION);
    request.onupgradeneeded = () => upgrade(request.result);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB did not open'));
  });
  return new IdbStore(db, factory);
}

function upgrade(db: IDBDatabase): void {
  db.createObjectStore(KEYS);
  db.createObjectStore(ITEMS, { keyPath: 'id' });
  db.createObjectStore(CIPHERTEXT);
}

export function deleteDatabase(factory: IDBFactory, name = OUTBOX_DATABASE): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = factory.deleteDatabase(name);
    request.onsuccess = () => resolve();
    request.onerror = () => reject(request.error ?? new Error('IndexedDB did not delete the outbox'));
  });
}

class IdbStore implements OutboxStore {
  readonly persistent = true;
  private readonly db: IDBDatabase;
  private readonly factory: IDBFactory;
  private closed = false;
  private key: Promise<CryptoKey> | undefined;

  constructor(db: IDBDatabase, factory: IDBFactory) {
    this.db = db;
    this.factory = factory;
    // Quick exit (in this tab or another) deletes the database: step aside at once, so
    // the deletion is never blocked by this connection.
    db.onversionchange = () => this.close();
    db.onclose = () => (this.closed = true);
  }

  sealingKey(): Promise<CryptoKey> {
    this.key ??= createSealingKey().then((fresh) =>
      this.run([KEYS], 'readwrite', (tx) => {
        // One transaction: if another tab stored a key first, use theirs.
        const keys = tx.objectStore(KEYS);
        let key = fresh;
        const existing = keys.get(SEALING_KEY);
        existing.onsuccess = () => {
          if (existing.result) key = existing.result as CryptoKey;
          else keys.add(fresh, SEALING_KEY);
        };
        return () => key;
      }),
    );
    this.key.catch(() => (this.key = undefined));
    return this.key;
  }

  items(): Promise<SealedItem[]> {
    return this.run([ITEMS], 'readonly', (tx) => {
      const all = tx.objectStore(ITEMS).getAll();
      return () => all.result as SealedItem[];
    });
  }

  item(id: string): Promise<SealedItem | undefined> {
    return this.run([ITEMS], 'readonly', (tx) => {
      const one = tx.objectStore(ITEMS).get(id);
      return () => one.result as SealedItem | undefined;
    });
  }

  putItem(item: SealedItem): Promise<void> {
    // Flushed to disk before it resolves: a report the reporter saw queued survives a power cut.
    return this.run(
      [ITEMS],
      'readwrite',
      (tx) => {
        tx.objectStore(ITEMS).put({ id: item.id, sealed: item.sealed });
        return () => undefined;
      },
      'strict',
    );
  }

  deleteItem(id: string): Promise<void> {
    return this.run([ITEMS, CIPHERTEXT], 'readwrite', (tx) => {
      tx.objectStore(ITEMS).delete(id);
      tx.objectStore(CIPHERTEXT).delete(recordsOf(id));
      return () => undefined;
    });
  }

  /** Writes one record per transaction, so memory holds a record or two whatever the file's size. */
  async stageCiphertext(id: string, encryptor: EvidenceEncryptor, options: StageCiphertextOptions = {}) {
    // Large slices keep the encryptor fast (its per-slice cost dominates below a few MiB);
    // each is cut into records and written in one transaction.
    const sliceBytes = CIPHERTEXT_RECORD_BYTES * RECORDS_PER_WRITE;
    for (let start = 0; start < encryptor.size; start += sliceBytes) {
      options.signal?.throwIfAborted();
      const bytes = await encryptor.slice(start, start + sliceBytes);
      const first = start / CIPHERTEXT_RECORD_BYTES;
      await this.run([CIPHERTEXT], 'readwrite', (tx) => {
        for (let offset = 0, index = first; offset < bytes.length; offset += CIPHERTEXT_RECORD_BYTES, index++) {
          // A copy of exactly the record's bytes: a view would store its whole buffer.
          tx.objectStore(CIPHERTEXT).put(bytes.slice(offset, offset + CIPHERTEXT_RECORD_BYTES), [id, index]);
        }
        return () => undefined;
      });
      options.onProgress?.(start + bytes.length, encryptor.size);
    }
  }

  ciphertext(id: string, size: number): UploadSource {
    return {
      size,
      slice: async (start, end) => {
        end = Math.min(end, size);
        if (!(start >= 0 && start <= end)) throw new RangeError('bad slice');
        if (start === end) return new Uint8Array(0);
        const first = Math.floor(start / CIPHERTEXT_RECORD_BYTES);
        const last = Math.floor((end - 1) / CIPHERTEXT_RECORD_BYTES);
        const records = await this.run([CIPHERTEXT], 'readonly', (tx) => {
          const store = tx.objectStore(CIPHERTEXT);
          const reads = Array.from({ length: last - first + 1 }, (_, i) => store.get([id, first + i]));
          return () => reads.map((read) => read.result as Uint8Array | undefined);
        });
        const out = new Uint8Array(end - start);
        for (const [i, record] of records.entries()) {
          if (!record) throw new StagedEvidenceError('the stored evidence is gone');
          const recordStart = (first + i) * CIPHERTEXT_RECORD_BYTES;
          const from = Math.max(start, recordStart) - recordStart;
          const to = Math.min(end, recordStart + record.length) - recordStart;
          out.set(record.subarray(from, to), recordStart + from - start);
        }
        return out;
      },
    };
  }

  ciphertextIds(): Promise<Set<string>> {
    return this.run([CIPHERTEXT], 'readonly', (tx) => {
      const keys = tx.objectStore(CIPHERTEXT).getAllKeys();
      return () => new Set(keys.result.map((key) => (key as [string, number])[0]));
    });
  }

  close(): void {
    this.closed = true;
    this.db.close();
  }

  async wipe(): Promise<void> {
    this.close();
    await deleteDatabase(this.factory, this.db.name);
  }

  /** One transaction: `work` makes its requests at once and returns how to read the results. */
  private async run<T>(
    stores: string[],
    mode: IDBTransactionMode,
    work: (tx: IDBTransaction) => () => T,
    durability: IDBTransactionDurability = 'default',
  ): Promise<T> {
    if (this.closed) throw new OutboxClosedError('the outbox was closed');
    let tx: IDBTransaction;
    try {
      tx = this.db.transaction(stores, mode, { durability });
    } catch (cause) {
      throw new OutboxClosedError('the outbox was closed', { cause });
    }
    const result = work(tx);
    await new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onabort = () => reject(storageError(tx.error));
    });
    return result();
  }
}

function recordsOf(id: string): IDBKeyRange {
  return IDBKeyRange.bound([id, 0], [id, Infinity]);
}

function storageError(error: DOMException | null): Error {
  if (error?.name === 'QuotaExceededError') {
    return new OutboxFullError('there is no room left on this phone to keep this', { cause: error });
  }
  return error ?? new OutboxClosedError('the outbox was closed');
}
