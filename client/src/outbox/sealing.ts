// Sealing the outbox's items at rest: AES-256-GCM under a key derived from the report's
// receipt code, held in the page's memory only.
//
// What this defends against, honestly: someone who copies the browser's storage (a seized
// phone's disk, a backup, forensic tools) finds sealed items, a public key id beside each,
// and no key material at all: what the report shares with the node (incident type, window,
// area, consent), the receipt's lookup and the upload URLs stay unreadable without the
// receipt code, which the reporter keeps, not the phone. Its 27 random digits (about 90
// bits) are beyond guessing, so HKDF suffices, without a slow KDF. What it does NOT defend
// against: someone who holds the phone while this page is open after the code was typed (the
// key is in the page's memory), or who gets the code from the reporter. The evidence
// ciphertext beside the items is sealed to the node's case key and opens on no phone.
import { normaliseReceiptCode, randomBytes, toBase64Url, utf8 } from '../envelope/index.ts';

const IV_BYTES = 12;
const AAD_PREFIX = 'backup outbox item v1 ';
// RFC 5869 HKDF over the code's 28 ASCII digits; each output has its own info.
const SALT = 'backup outbox v1';
const ITEMS_INFO = 'backup outbox items v1';
const KEY_ID_INFO = 'backup outbox key id v1';
const KEY_ID_BYTES = 8;

/** The key that seals one report's items, and the public id stored beside each of them. */
export interface ItemKey {
  /** base64url, safe to store in clear: it names the key without revealing it. */
  readonly id: string;
  /** Non-extractable; never written anywhere. */
  readonly key: CryptoKey;
}

/** Throws ReceiptCodeError for a code with a typing mistake. */
export async function deriveItemKey(receiptCode: string): Promise<ItemKey> {
  const code = await importCode(receiptCode);
  const [key, id] = await Promise.all([
    crypto.subtle.deriveKey(hkdf(ITEMS_INFO), code, { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']),
    keyIdOf(code),
  ]);
  return { id, key };
}

/** The id alone, to find which held key a code names. */
export async function deriveKeyId(receiptCode: string): Promise<string> {
  return keyIdOf(await importCode(receiptCode));
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

async function importCode(receiptCode: string): Promise<CryptoKey> {
  const digits = utf8(normaliseReceiptCode(receiptCode)) as Uint8Array<ArrayBuffer>;
  try {
    return await crypto.subtle.importKey('raw', digits, 'HKDF', false, ['deriveKey', 'deriveBits']);
  } finally {
    digits.fill(0);
  }
}

async function keyIdOf(code: CryptoKey): Promise<string> {
  return toBase64Url(new Uint8Array(await crypto.subtle.deriveBits(hkdf(KEY_ID_INFO), code, KEY_ID_BYTES * 8)));
}

function hkdf(info: string): HkdfParams {
  return {
    name: 'HKDF',
    hash: 'SHA-256',
    salt: utf8(SALT) as Uint8Array<ArrayBuffer>,
    info: utf8(info) as Uint8Array<ArrayBuffer>,
  };
}

function aad(id: string): Uint8Array<ArrayBuffer> {
  return utf8(AAD_PREFIX + id) as Uint8Array<ArrayBuffer>;
}
