// The report envelope: the reporter's answers and narrative, encrypted on the reporter's
// device under a fresh AES-256-GCM content key that is sealed to the node's case key.
// The padded-JSON content below is shared with the message envelope (message.ts).
import {
  CONTENT_KEY_BYTES,
  DecryptionError,
  GCM_NONCE_BYTES,
  gcmDecrypt,
  gcmEncrypt,
  importContentKey,
} from './aead.ts';
import { fromBase64Url, randomBytes, toBase64Url, utf8, wipe } from './bytes.ts';
import { type BoxPublicKey, type BoxSecretKey, openSealed, seal } from './sealed-box.ts';

export const REPORT_ENVELOPE_VERSION = 1;
/** Plaintext is padded to a multiple of this, so sizes say little about the narrative. */
export const REPORT_PADDING_BYTES = 1024;
const AAD = utf8('backup report envelope v1');

export interface SealedReport {
  readonly v: typeof REPORT_ENVELOPE_VERSION;
  /** Content key sealed to the node's case key (base64url). */
  readonly key: string;
  /** AES-GCM nonce (base64url). */
  readonly iv: string;
  /** AES-GCM ciphertext of the padded JSON document (base64url). */
  readonly ct: string;
}

/** A JSON document padded with spaces to the next multiple of REPORT_PADDING_BYTES. */
export function padJson(document: unknown): Uint8Array {
  const json = JSON.stringify(document) as string | undefined;
  if (json === undefined) throw new TypeError('a sealed document must be a JSON value');
  const body = utf8(json);
  // JSON ignores trailing spaces, so padding needs no length field; there is always one.
  const padded = new Uint8Array(Math.ceil((body.length + 1) / REPORT_PADDING_BYTES) * REPORT_PADDING_BYTES).fill(0x20);
  padded.set(body);
  wipe(body);
  return padded;
}

export interface SealedContent {
  /** The content key sealed to each recipient, in the order given. */
  readonly sealedKeys: readonly Uint8Array[];
  readonly iv: Uint8Array;
  readonly ct: Uint8Array;
}

/** Encrypts `padded` once under a fresh content key and seals that key to every recipient; wipes `padded`. */
export async function sealContent(
  padded: Uint8Array,
  aad: Uint8Array,
  recipients: readonly BoxPublicKey[],
): Promise<SealedContent> {
  const rawKey = randomBytes(CONTENT_KEY_BYTES);
  const iv = randomBytes(GCM_NONCE_BYTES);
  try {
    const ct = await gcmEncrypt(await importContentKey(rawKey), iv, padded, aad);
    return { sealedKeys: recipients.map((recipient) => seal(rawKey, recipient)), iv, ct };
  } finally {
    wipe(rawKey, padded);
  }
}

/** Opens content sealed by sealContent with one recipient's secret key, and parses its JSON. */
export async function openContent(
  sealedKey: string,
  iv: string,
  ct: string,
  secretKey: BoxSecretKey,
  aad: Uint8Array,
): Promise<unknown> {
  const rawKey = openSealed(fromBase64Url(sealedKey), secretKey);
  const key = await importContentKey(rawKey);
  wipe(rawKey);
  const plain = await gcmDecrypt(key, fromBase64Url(iv), fromBase64Url(ct), aad);
  try {
    return JSON.parse(new TextDecoder().decode(plain)) as unknown;
  } catch (cause) {
    // Only someone holding the recipient's public key could seal this: a forgery.
    throw new DecryptionError('the envelope opens but is not JSON', { cause });
  } finally {
    wipe(plain);
  }
}

export async function sealReport(document: unknown, caseKey: BoxPublicKey): Promise<SealedReport> {
  const { sealedKeys, iv, ct } = await sealContent(padJson(document), AAD, [caseKey]);
  return { v: REPORT_ENVELOPE_VERSION, key: toBase64Url(sealedKeys[0]!), iv: toBase64Url(iv), ct: toBase64Url(ct) };
}

export async function openReport(sealed: SealedReport, caseSecret: BoxSecretKey): Promise<unknown> {
  if (sealed.v !== REPORT_ENVELOPE_VERSION)
    throw new DecryptionError(`unknown report envelope version ${String(sealed.v)}`);
  return openContent(sealed.key, sealed.iv, sealed.ct, caseSecret, AAD);
}
