// Sealing the outbox's items at rest: AES-256-GCM under a non-extractable WebCrypto key
// kept in the same database.
//
// What this defends against, honestly: someone who copies or reads the browser's storage
// files (a seized phone's disk, a backup, forensic tools) finds the items but no key
// material, because a non-extractable key's bytes are held by the browser, not written
// where page data can get them. It does NOT defend against someone holding the unlocked
// phone with the browser open: the page (or anyone using it) can ask the browser to
// decrypt. Quick exit deletes the items and the key together.
import { randomBytes, utf8 } from '../envelope/index.ts';

const IV_BYTES = 12;
const AAD_PREFIX = 'backup outbox item v1 ';

export async function createSealingKey(): Promise<CryptoKey> {
  return crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
}

/** Seals `value` as JSON; the item's id is bound in, so items cannot be swapped. */
export async function sealItem(key: CryptoKey, id: string, value: unknown): Promise<Uint8Array> {
  const iv = randomBytes(IV_BYTES) as Uint8Array<ArrayBuffer>;
  const plain = utf8(JSON.stringify(value)) as Uint8Array<ArrayBuffer>;
  const ct = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: aad(id) }, key, plain);
  plain.fill(0);
  const sealed = new Uint8Array(IV_BYTES + ct.byteLength);
  sealed.set(iv);
  sealed.set(new Uint8Array(ct), IV_BYTES);
  return sealed;
}

export async function openItem(key: CryptoKey, id: string, sealed: Uint8Array): Promise<unknown> {
  const iv = sealed.slice(0, IV_BYTES);
  const ct = sealed.slice(IV_BYTES);
  const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv, additionalData: aad(id) }, key, ct);
  return JSON.parse(new TextDecoder().decode(plain)) as unknown;
}

function aad(id: string): Uint8Array<ArrayBuffer> {
  return utf8(AAD_PREFIX + id) as Uint8Array<ArrayBuffer>;
}
