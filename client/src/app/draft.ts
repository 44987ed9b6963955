// A draft is kept only when the reporter asks for one, and only encrypted under a passcode
// they choose: PBKDF2-SHA-256 (WebCrypto) derives an AES-256-GCM key; the salt, the
// counter and the ciphertext are all that is stored. Attached files are not kept in a
// draft. Quick exit deletes it with everything else.
import { deleteDatabase } from './quick-exit.ts';

export const DRAFT_DATABASE = 'backup-draft';
const STORE = 'draft';
const RECORD = 'current';
/** OWASP's 2023 figure for PBKDF2-SHA-256; about a second on a cheap phone. */
const ITERATIONS = 600_000;
export const MIN_PASSCODE_LENGTH = 6;

export class DraftPasscodeError extends Error {
  override name = 'DraftPasscodeError';
}

interface StoredDraft {
  readonly v: 1;
  readonly iterations: number;
  readonly salt: Uint8Array;
  readonly iv: Uint8Array;
  readonly ct: ArrayBuffer;
}

async function keyFrom(passcode: string, salt: Uint8Array, iterations: number): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey('raw', new TextEncoder().encode(passcode), 'PBKDF2', false, [
    'deriveKey',
  ]);
  return crypto.subtle.deriveKey(
    { name: 'PBKDF2', hash: 'SHA-256', salt: salt as Uint8Array<ArrayBuffer>, iterations },
    material,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}

export async function saveDraft(draft: unknown, passcode: string): Promise<void> {
  if (passcode.length < MIN_PASSCODE_LENGTH) throw new DraftPasscodeError('the passcode is too short');
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const key = await keyFrom(passcode, salt, ITERATIONS);
  const ct = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, new TextEncoder().encode(JSON.stringify(draft)));
  const stored: StoredDraft = { v: 1, iterations: ITERATIONS, salt, iv, ct };
  await withStore('readwrite', (store) => store.put(stored, RECORD));
}

/** The draft, opened with the passcode; throws DraftPasscodeError when it does not open it. */
export async function openDraft(passcode: string): Promise<unknown> {
  // Opening a database creates it: look first, so asking leaves no trace.
  if (!(await hasDraft())) return undefined;
  const stored = (await withStore('readonly', (store) => store.get(RECORD))) as StoredDraft | undefined;
  if (!stored) return undefined;
  try {
    const key = await keyFrom(passcode, stored.salt, stored.iterations);
    const plain = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: stored.iv as Uint8Array<ArrayBuffer> },
      key,
      stored.ct,
    );
    return JSON.parse(new TextDecoder().decode(plain)) as unknown;
  } catch {
    throw new DraftPasscodeError('this passcode does not open the draft');
  }
}

export async function hasDraft(): Promise<boolean> {
  try {
    if (!(await indexedDB.databases()).some((db) => db.name === DRAFT_DATABASE)) return false;
    return (await withStore('readonly', (store) => store.count(RECORD))) === 1;
  } catch {
    // No IndexedDB (private modes): there is no draft, and saving one will say it failed.
    return false;
  }
}

export function deleteDraft(): Promise<void> {
  return deleteDatabase(DRAFT_DATABASE);
}

function withStore<T>(mode: IDBTransactionMode, action: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open(DRAFT_DATABASE, 1);
    open.onupgradeneeded = () => open.result.createObjectStore(STORE);
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const tx = db.transaction(STORE, mode, { durability: 'strict' });
      const request = action(tx.objectStore(STORE));
      tx.oncomplete = () => {
        db.close();
        resolve(request.result);
      };
      tx.onerror = tx.onabort = () => {
        db.close();
        reject(tx.error);
      };
    };
  });
}
