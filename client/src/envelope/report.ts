// The report envelope: the reporter's answers and narrative, encrypted on the reporter's
// device under a fresh AES-256-GCM content key that is sealed to the node's case key.
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

export async function sealReport(document: unknown, caseKey: BoxPublicKey): Promise<SealedReport> {
  const json = JSON.stringify(document) as string | undefined;
  if (json === undefined) throw new TypeError('a report must be a JSON value');
  const body = utf8(json);
  // JSON ignores trailing spaces, so padding needs no length field.
  const padded = new Uint8Array(Math.ceil((body.length + 1) / REPORT_PADDING_BYTES) * REPORT_PADDING_BYTES).fill(0x20);
  padded.set(body);
  const rawKey = randomBytes(CONTENT_KEY_BYTES);
  const iv = randomBytes(GCM_NONCE_BYTES);
  const ct = await gcmEncrypt(await importContentKey(rawKey), iv, padded, AAD);
  const sealedKey = seal(rawKey, caseKey);
  wipe(rawKey, body, padded);
  return { v: REPORT_ENVELOPE_VERSION, key: toBase64Url(sealedKey), iv: toBase64Url(iv), ct: toBase64Url(ct) };
}

export async function openReport(sealed: SealedReport, caseSecret: BoxSecretKey): Promise<unknown> {
  if (sealed.v !== REPORT_ENVELOPE_VERSION)
    throw new DecryptionError(`unknown report envelope version ${String(sealed.v)}`);
  const rawKey = openSealed(fromBase64Url(sealed.key), caseSecret);
  const key = await importContentKey(rawKey);
  wipe(rawKey);
  const plain = await gcmDecrypt(key, fromBase64Url(sealed.iv), fromBase64Url(sealed.ct), AAD);
  try {
    return JSON.parse(new TextDecoder().decode(plain)) as unknown;
  } catch (cause) {
    // Only someone holding the node's public key could seal this: a forged report.
    throw new DecryptionError('the report opens but is not JSON', { cause });
  }
}
