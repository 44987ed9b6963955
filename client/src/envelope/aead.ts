// AES-256-GCM through WebCrypto (native in browsers and in Node), the bulk cipher for
// reports and evidence. tweetnacl only wraps the 32-byte content keys.
import { asBufferSource } from './bytes.ts';

export const CONTENT_KEY_BYTES = 32;
export const GCM_NONCE_BYTES = 12;
export const GCM_TAG_BYTES = 16;

export class DecryptionError extends Error {
  override name = 'DecryptionError';
}

export type ContentKey = CryptoKey & { readonly __brand: 'ContentKey' };

export async function importContentKey(raw: Uint8Array): Promise<ContentKey> {
  if (raw.length !== CONTENT_KEY_BYTES) throw new RangeError('content key must be 32 bytes');
  const key = await crypto.subtle.importKey('raw', asBufferSource(raw), 'AES-GCM', false, ['encrypt', 'decrypt']);
  return key as ContentKey;
}

export async function gcmEncrypt(
  key: ContentKey,
  nonce: Uint8Array,
  plaintext: Uint8Array,
  aad?: Uint8Array,
): Promise<Uint8Array> {
  const params: AesGcmParams = { name: 'AES-GCM', iv: asBufferSource(nonce) };
  if (aad) params.additionalData = asBufferSource(aad);
  return new Uint8Array(await crypto.subtle.encrypt(params, key, asBufferSource(plaintext)));
}

export async function gcmDecrypt(
  key: ContentKey,
  nonce: Uint8Array,
  ciphertext: Uint8Array,
  aad?: Uint8Array,
): Promise<Uint8Array> {
  const params: AesGcmParams = { name: 'AES-GCM', iv: asBufferSource(nonce) };
  if (aad) params.additionalData = asBufferSource(aad);
  try {
    return new Uint8Array(await crypto.subtle.decrypt(params, key, asBufferSource(ciphertext)));
  } catch (cause) {
    throw new DecryptionError('ciphertext was altered or the key is wrong', { cause });
  }
}
