// For the browser tests: what the outbox database holds, read with a connection of the
// test's own, as someone with the phone's storage files would see it (sealed bytes only).
import { OUTBOX_DATABASE } from './store.ts';

export interface StoredBytes {
  readonly items: readonly { readonly id: string; readonly sealed: Uint8Array }[];
  readonly ciphertext: readonly { readonly key: readonly [string, number]; readonly value: Uint8Array }[];
  readonly keys: readonly unknown[];
}

export async function databaseExists(): Promise<boolean> {
  return (await indexedDB.databases()).some((db) => db.name === OUTBOX_DATABASE);
}

/** Everything in the outbox database; empty if there is none (without making one). */
export async function storedBytes(): Promise<StoredBytes> {
  if (!(await databaseExists())) return { items: [], ciphertext: [], keys: [] };
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open(OUTBOX_DATABASE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  try {
    const tx = db.transaction(['items', 'ciphertext', 'keys'], 'readonly');
    const items = tx.objectStore('items').getAll();
    const values = tx.objectStore('ciphertext').getAll();
    const keys = tx.objectStore('ciphertext').getAllKeys();
    const sealingKeys = tx.objectStore('keys').getAll();
    await new Promise((resolve, reject) => {
      tx.oncomplete = resolve;
      tx.onabort = () => reject(tx.error);
    });
    return {
      items: items.result as StoredBytes['items'],
      ciphertext: (keys.result as [string, number][]).map((key, i) => ({ key, value: values.result[i] as Uint8Array })),
      keys: sealingKeys.result,
    };
  } finally {
    db.close();
  }
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
