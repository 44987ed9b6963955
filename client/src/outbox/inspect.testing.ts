// For the browser tests: what the outbox database holds, read with a connection of the
// test's own, as someone with the phone's storage files would see it (sealed bytes only).
import { OUTBOX_DATABASE } from './name.ts';

export interface StoredItem {
  readonly id: string;
  readonly keyId: string;
  readonly sealed: Uint8Array;
  readonly pending?: true;
}

export interface StoredBytes {
  /** The database's object stores. */
  readonly stores: readonly string[];
  readonly items: readonly StoredItem[];
  readonly ciphertext: readonly { readonly key: readonly [string, number]; readonly value: Uint8Array }[];
  /** Every value of every store, whatever the store. */
  readonly values: readonly unknown[];
}

export async function databaseExists(): Promise<boolean> {
  return (await indexedDB.databases()).some((db) => db.name === OUTBOX_DATABASE);
}

/** Everything in the outbox database; empty if there is none (without making one). */
export async function storedBytes(): Promise<StoredBytes> {
  if (!(await databaseExists())) return { stores: [], items: [], ciphertext: [], values: [] };
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open(OUTBOX_DATABASE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  try {
    const stores = Array.from(db.objectStoreNames);
    if (stores.length === 0) return { stores, items: [], ciphertext: [], values: [] };
    const tx = db.transaction(stores, 'readonly');
    const all = stores.map((name) => tx.objectStore(name).getAll());
    const keys = stores.includes('ciphertext') ? tx.objectStore('ciphertext').getAllKeys() : undefined;
    await new Promise((resolve, reject) => {
      tx.oncomplete = resolve;
      tx.onabort = () => reject(tx.error);
    });
    const of = (name: string) => all[stores.indexOf(name)]?.result ?? [];
    return {
      stores,
      items: of('items') as StoredItem[],
      ciphertext: ((keys?.result ?? []) as [string, number][]).map((key, i) => ({
        key,
        value: of('ciphertext')[i] as Uint8Array,
      })),
      values: all.flatMap((request) => request.result),
    };
  } finally {
    db.close();
  }
}

/** Every byte array in a stored value, and its other fields as JSON text. */
export function bytesIn(value: unknown): Uint8Array[] {
  if (value instanceof Uint8Array) return [value];
  if (value instanceof ArrayBuffer) return [new Uint8Array(value)];
  if (value instanceof CryptoKey) throw new Error('a CryptoKey is stored');
  if (value !== null && typeof value === 'object') {
    const parts = Object.values(value).flatMap(bytesIn);
    const rest = Object.fromEntries(Object.entries(value).filter(([, v]) => !(v instanceof Uint8Array)));
    return [...parts, new TextEncoder().encode(JSON.stringify(rest))];
  }
  return [new TextEncoder().encode(JSON.stringify(value))];
}

/** Whether `needle` occurs in `bytes`. */
export function containsBytes(bytes: Uint8Array, needle: Uint8Array): boolean {
  if (needle.length === 0) return true;
  for (
    let i = bytes.indexOf(needle[0]!);
    i !== -1 && i + needle.length <= bytes.length;
    i = bytes.indexOf(needle[0]!, i + 1)
  ) {
    if (needle.every((byte, j) => bytes[i + j] === byte)) return true;
  }
  return false;
}

/** Whether `needle` (ASCII) occurs in `bytes`. */
export function containsText(bytes: Uint8Array, needle: string): boolean {
  // windows-1252 maps every byte to one character, and only ASCII bytes to ASCII ones.
  return new TextDecoder('windows-1252').decode(bytes).includes(needle);
}

export function blobOf(parts: readonly Uint8Array[], type = ''): Blob {
  return new Blob(
    parts.map((part) => new Uint8Array(part)),
    { type },
  );
}

/** Polls until `ready()` holds; fails with `what` after `ms`. */
export async function until(ready: () => boolean, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Retries an async check until it passes; fails with its last error after `ms`. */
export async function eventually(check: () => Promise<void>, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}
