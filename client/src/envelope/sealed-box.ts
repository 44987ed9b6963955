// libsodium's crypto_box_seal built from tweetnacl, so partner systems can open our boxes
// with libsodium/PyNaCl: nonce = BLAKE2b-192(ephemeral_pk ‖ recipient_pk), output
// ephemeral_pk ‖ crypto_box(m). https://doc.libsodium.org/public-key_cryptography/sealed_boxes
import nacl from 'tweetnacl';
import { blake2b } from '@noble/hashes/blake2.js';
import { concatBytes, wipe } from './bytes.ts';

export const X25519_KEY_BYTES = 32;
export const SEAL_OVERHEAD_BYTES = 32 + 16;

/** An X25519 public key (32 bytes). */
export type BoxPublicKey = Uint8Array & { readonly __brand: 'BoxPublicKey' };
/** An X25519 secret key (32 bytes); wipe it when done. */
export type BoxSecretKey = Uint8Array & { readonly __brand: 'BoxSecretKey' };

export class KeyLengthError extends Error {
  override name = 'KeyLengthError';
}

export class SealedBoxError extends Error {
  override name = 'SealedBoxError';
}

export function asBoxPublicKey(bytes: Uint8Array): BoxPublicKey {
  if (bytes.length !== X25519_KEY_BYTES) throw new KeyLengthError('X25519 public key must be 32 bytes');
  return bytes as BoxPublicKey;
}

export function asBoxSecretKey(bytes: Uint8Array): BoxSecretKey {
  if (bytes.length !== X25519_KEY_BYTES) throw new KeyLengthError('X25519 secret key must be 32 bytes');
  return bytes as BoxSecretKey;
}

export function generateBoxKeyPair(): { publicKey: BoxPublicKey; secretKey: BoxSecretKey } {
  const pair = nacl.box.keyPair();
  return { publicKey: pair.publicKey as BoxPublicKey, secretKey: pair.secretKey as BoxSecretKey };
}

export function boxPublicKeyFromSecret(secretKey: BoxSecretKey): BoxPublicKey {
  return nacl.box.keyPair.fromSecretKey(secretKey).publicKey as BoxPublicKey;
}

function sealNonce(ephemeralPublicKey: Uint8Array, recipient: Uint8Array): Uint8Array {
  return blake2b(concatBytes(ephemeralPublicKey, recipient), { dkLen: nacl.box.nonceLength });
}

export function seal(message: Uint8Array, recipient: BoxPublicKey): Uint8Array {
  asBoxPublicKey(recipient);
  const ephemeral = nacl.box.keyPair();
  const boxed = nacl.box(message, sealNonce(ephemeral.publicKey, recipient), recipient, ephemeral.secretKey);
  wipe(ephemeral.secretKey);
  return concatBytes(ephemeral.publicKey, boxed);
}

export function openSealed(sealed: Uint8Array, recipientSecret: BoxSecretKey): Uint8Array {
  asBoxSecretKey(recipientSecret);
  if (sealed.length < SEAL_OVERHEAD_BYTES) throw new SealedBoxError('sealed box too short');
  const ephemeralPublicKey = sealed.subarray(0, X25519_KEY_BYTES);
  const recipient = boxPublicKeyFromSecret(recipientSecret);
  const opened = nacl.box.open(
    sealed.subarray(X25519_KEY_BYTES),
    sealNonce(ephemeralPublicKey, recipient),
    ephemeralPublicKey,
    recipientSecret,
  );
  if (!opened) throw new SealedBoxError('sealed box does not open with this key');
  return opened;
}
