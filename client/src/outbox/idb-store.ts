// The outbox in IndexedDB: one database, so quick exit deletes one thing. Object stores:
// `items` (sealed items, by id, each naming the key that opens it) and `ciphertext`
// (evidence ciphertext in records of CIPHERTEXT_RECORD_BYTES, keyed [id, index]). No key
// is stored: items open only with keys derived from receipt codes (sealing.ts).
//
// Once it holds nothing (everything delivered), `release` closes it and deletes the
// database, unless another page has it open; the next write opens it anew. Deleted by
// another page (quick exit there), it is closed for good here: nothing this page was
// doing may bring the database back.
import type { EvidenceEncryptor } from '../envelope/index.ts';
import type { UploadSource } from '../intake/index.ts';
import { OutboxClosedError, OutboxFullError, StagedEvidenceError } from './errors.ts';
import { CIPHERTEXT, ITEMS, deleteDatabase, holdLock, openDatabase, openElsewhere } from './idb-database.ts';
import { OUTBOX_DATABASE } from './name.ts';
import { CIPHERTEXT_RECORD_BYTES, type OutboxStore, type SealedItem, type StageCiphertextOptions } from './store.ts';

/** Records written per transaction while staging: 8 MiB slices of the encryptor. */
const RECORDS_PER_WRITE = 8;

export async function openIdbStore(factory: IDBFactory, name = OUTBOX_DATABASE): Promise<OutboxStore> {
  const store = new IdbStore(factory, name);
  await store.connection(true);
  return store;
}

interface Connection {
  readonly db: IDBDatabase;
  /** Lets other pages know this one no longer has the database open. */
  readonly unlock: () => void;
}

class IdbStore implements OutboxStore {
  readonly persistent = true;
  private readonly factory: IDBFactory;
  private readonly name: string;
  /** The open connection: none once released, until the next write. */
  private connected: Connection | undefined;
  private opening: Promise<Connection> | undefined;
  private closed = false;
  /** Operations under way, and writes ever begun: `release` must not pull the database from under them. */
  private active = 0;
  private writes = 0;
  /** A release that waited for operations under way. */
  private releaseWanted = false;

  constructor(factory: IDBFactory, name: string) {
    this.factory = factory;
    this.name = name;
  }

  /** The database, opened (again) when `open`; undefined while released. */
  async connection(open: boolean): Promise<IDBDatabase | undefined> {
    this.check();
    if (this.connected) return this.connected.db;
    if (!this.opening && open) this.opening = this.open().finally(() => (this.opening = undefined));
    if (!this.opening) return undefined;
    const { db } = await this.opening;
    this.check();
    return db;
  }

  items(): Promise<SealedItem[]> {
    return this.ifOpen(
      () => [],
      (db) =>
        this.run(db, [ITEMS], 'readonly', (tx) => {
          const all = tx.objectStore(ITEMS).getAll();
          return () => all.result as SealedItem[];
        }),
    );
  }

  item(id: string): Promise<SealedItem | undefined> {
    return this.ifOpen(
      () => undefined,
      (db) =>
        this.run(db, [ITEMS], 'readonly', (tx) => {
          const one = tx.objectStore(ITEMS).get(id);
          return () => one.result as SealedItem | undefined;
        }),
    );
  }

  putItems(items: readonly SealedItem[]): Promise<void> {
    // Flushed to disk before it resolves: a report the reporter saw queued survives a power cut.
    return this.withDatabase((db) =>
      this.run(
        db,
        [ITEMS],
        'readwrite',
        (tx) => {
          for (const item of items) {
            const { id, keyId, sealed, pending } = item;
            tx.objectStore(ITEMS).put({ id, keyId, sealed, ...(pending && { pending }) });
          }
          return () => undefined;
        },
        'strict',
      ),
    );
  }

  deleteItems(ids: readonly string[]): Promise<void> {
    return this.ifOpen(
      () => undefined,
      (db) =>
        this.run(db, [ITEMS, CIPHERTEXT], 'readwrite', (tx) => {
          for (const id of ids) {
            tx.objectStore(ITEMS).delete(id);
            tx.objectStore(CIPHERTEXT).delete(recordsOf(id));
          }
          return () => undefined;
        }),
    );
  }

  /** Writes one record per transaction, so memory holds a record or two whatever the file's size. */
  stageCiphertext(id: string, encryptor: EvidenceEncryptor, options: StageCiphertextOptions = {}): Promise<void> {
    // Large slices keep the encryptor fast (its per-slice cost dominates below a few MiB);
    // each is cut into records and written in one transaction.
    const sliceBytes = CIPHERTEXT_RECORD_BYTES * RECORDS_PER_WRITE;
    return this.withDatabase(async (db) => {
      for (let start = 0; start < encryptor.size; start += sliceBytes) {
        options.signal?.throwIfAborted();
        const bytes = await encryptor.slice(start, start + sliceBytes);
        const first = start / CIPHERTEXT_RECORD_BYTES;
        await this.run(db, [CIPHERTEXT], 'readwrite', (tx) => {
          for (let offset = 0, index = first; offset < bytes.length; offset += CIPHERTEXT_RECORD_BYTES, index++) {
            // A copy of exactly the record's bytes: a view would store its whole buffer.
            tx.objectStore(CIPHERTEXT).put(bytes.slice(offset, offset + CIPHERTEXT_RECORD_BYTES), [id, index]);
          }
          return () => undefined;
        });
        options.onProgress?.(start + bytes.length, encryptor.size);
      }
    });
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
        const records = await this.ifOpen(
          () => [],
          (db) =>
            this.run(db, [CIPHERTEXT], 'readonly', (tx) => {
              const store = tx.objectStore(CIPHERTEXT);
              const reads = Array.from({ length: last - first + 1 }, (_, i) => store.get([id, first + i]));
              return () => reads.map((read) => read.result as Uint8Array | undefined);
            }),
        );
        const out = new Uint8Array(end - start);
        for (let i = 0; i <= last - first; i++) {
          const record = records[i];
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
    return this.ifOpen(
      () => new Set(),
      (db) =>
        this.run(db, [CIPHERTEXT], 'readonly', (tx) => {
          const keys = tx.objectStore(CIPHERTEXT).getAllKeys();
          return () => new Set(keys.result.map((key) => (key as [string, number])[0]));
        }),
    );
  }

  async release(): Promise<void> {
    const connected = this.connected;
    if (!connected || this.closed) return;
    if (this.active > 0) {
      this.releaseWanted = true;
      return;
    }
    const writes = this.writes;
    const [empty, elsewhere] = await Promise.all([this.isEmpty(connected.db), openElsewhere(this.name)]);
    if (!empty || this.writes !== writes || this.connected !== connected) return;
    if (this.active > 0) {
      this.releaseWanted = true;
      return;
    }
    this.connected = undefined;
    connected.db.close();
    connected.unlock();
    // Another page with it open would lose its connection: the last page to let go deletes it.
    if (!elsewhere) await deleteDatabase(this.factory, this.name);
  }

  close(): void {
    this.closed = true;
    const connected = this.connected;
    this.connected = undefined;
    connected?.db.close();
    connected?.unlock();
  }

  async wipe(): Promise<void> {
    this.close();
    await deleteDatabase(this.factory, this.name);
  }

  private async open(): Promise<Connection> {
    const db = await openDatabase(this.factory, this.name);
    if (this.closed) {
      db.close();
      throw new OutboxClosedError('the outbox was closed');
    }
    // Quick exit in another page deletes the database (or the browser clears it): step aside
    // at once, so the deletion is never blocked by this connection, and for good.
    db.onversionchange = () => this.close();
    db.onclose = () => this.close();
    this.connected = { db, unlock: holdLock(this.name) };
    return this.connected;
  }

  /** Runs `op` on the database, opening it again if it was released. */
  private withDatabase<T>(op: (db: IDBDatabase) => Promise<T>): Promise<T> {
    this.writes++;
    return this.track(async () => op((await this.connection(true))!));
  }

  /** Runs `op` on the database if it is open; while released there is nothing: `absent()`. */
  private ifOpen<T>(absent: () => T, op: (db: IDBDatabase) => Promise<T>): Promise<T> {
    return this.track(async () => {
      const db = await this.connection(false);
      return db ? op(db) : absent();
    });
  }

  private async track<T>(op: () => Promise<T>): Promise<T> {
    this.active++;
    try {
      return await op();
    } finally {
      if (--this.active === 0 && this.releaseWanted) {
        this.releaseWanted = false;
        // Best effort: if it fails, an empty database stays until the sender's next pass.
        this.release().catch(() => undefined);
      }
    }
  }

  private isEmpty(db: IDBDatabase): Promise<boolean> {
    return this.run(db, [ITEMS, CIPHERTEXT], 'readonly', (tx) => {
      const items = tx.objectStore(ITEMS).count();
      const records = tx.objectStore(CIPHERTEXT).count();
      return () => items.result + records.result === 0;
    });
  }

  private check(): void {
    if (this.closed) throw new OutboxClosedError('the outbox was closed');
  }

  /** One transaction: `work` makes its requests at once and returns how to read the results. */
  private async run<T>(
    db: IDBDatabase,
    stores: string[],
    mode: IDBTransactionMode,
    work: (tx: IDBTransaction) => () => T,
    durability: IDBTransactionDurability = 'default',
  ): Promise<T> {
    this.check();
    let tx: IDBTransaction;
    try {
      tx = db.transaction(stores, mode, { durability });
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
