// The outbox's IndexedDB database: opening it at this version (migrating older ones),
// deleting it, and letting pages of the app tell whether another one has it open.
import { OUTBOX_DATABASE } from './name.ts';

/** Database version: a later one adds its migration in `upgrade`, from `oldVersion`. */
const VERSION = 2;
export const ITEMS = 'items';
export const CIPHERTEXT = 'ciphertext';

export function openDatabase(factory: IDBFactory, name: string): Promise<IDBDatabase> {
  return new Promise<IDBDatabase>((resolve, reject) => {
    const request = factory.open(name, VERSION);
    request.onupgradeneeded = (event) => upgrade(request.result, event.oldVersion);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB did not open'));
  });
}

function upgrade(db: IDBDatabase, oldVersion: number): void {
  if (oldVersion < 2) {
    // Version 1 kept a device key in a `keys` store, which a copy of the phone's storage
    // reveals; its items are dropped with it, as they cannot move under a receipt code's
    // key without the code (that version was never released).
    for (const store of Array.from(db.objectStoreNames)) db.deleteObjectStore(store);
    db.createObjectStore(ITEMS, { keyPath: 'id' });
    db.createObjectStore(CIPHERTEXT);
  }
}

export function deleteDatabase(factory: IDBFactory, name = OUTBOX_DATABASE): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = factory.deleteDatabase(name);
    request.onsuccess = () => resolve();
    request.onerror = () => reject(request.error ?? new Error('IndexedDB did not delete the outbox'));
  });
}

/**
 * Holds a shared Web Lock named after the database while this page has it open, so another
 * page can tell (`openElsewhere`); where the browser has no Web Locks, pages cannot tell.
 */
export function holdLock(name: string): () => void {
  const locks = globalThis.navigator?.locks;
  let unlock = () => {};
  if (!locks) return unlock;
  const held = new Promise<void>((resolve) => (unlock = resolve));
  // Refused (an opaque origin), this page is as if the browser had no Web Locks.
  locks.request(name, { mode: 'shared' }, () => held).catch(() => undefined);
  return () => unlock();
}

/** Whether another page holds the database open; called while this page still does. */
export async function openElsewhere(name: string): Promise<boolean> {
  const locks = globalThis.navigator?.locks;
  if (!locks) return false;
  const { held = [], pending = [] } = await locks.query();
  return [...held, ...pending].filter((lock) => lock.name === name).length > 1;
}
