// Verifier keys and Ed25519 signing keys for signed notes (c2sp.org/signed-note,
// "Signatures" and "Ed25519 signatures"; c2sp.org/tlog-cosignature, "Format").
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { C2spFormatError, bytesEqual, concat, fromBase64, fromHex, sha256, toBase64, toHex, utf8 } from './encoding.ts';

/** Signature type 0x01: Ed25519 over the note text. */
export const SIG_TYPE_ED25519 = 0x01;
/** Signature type 0x04: timestamped Ed25519 cosignature (cosignature/v1). */
export const SIG_TYPE_COSIGNATURE_V1 = 0x04;
export type SigType = typeof SIG_TYPE_ED25519 | typeof SIG_TYPE_COSIGNATURE_V1;

export interface VerifierKey {
  readonly name: string;
  readonly keyId: Uint8Array;
  readonly type: number;
  readonly publicKey: Uint8Array;
}

export interface NoteKey extends VerifierKey {
  readonly type: SigType;
  readonly vkey: string;
  sign(message: Uint8Array): Uint8Array;
}

// DER headers of an Ed25519 SubjectPublicKeyInfo and PKCS #8 PrivateKeyInfo (RFC 8410).
const SPKI_PREFIX = fromHex('302a300506032b6570032100');
const PKCS8_PREFIX = fromHex('302e020100300506032b657004220420');
const ED25519_KEY_SIZE = 32;
export const ED25519_SIG_SIZE = 64;

/** Key names are non-empty and hold no Unicode space and no '+'. */
export function isValidKeyName(name: string): boolean {
  return name.length > 0 && !/[\s\u0085+]/u.test(name);
}

/** key ID = SHA-256(key name || 0x0A || signature type || public key)[:4] */
export function computeKeyId(name: string, type: number, publicKey: Uint8Array): Uint8Array {
  return sha256(utf8(name), Uint8Array.of(0x0a, type), publicKey).slice(0, 4);
}

/** Parses `<name>+<hex key ID>+<base64(type || public key)>`, for types 0x01 and 0x04. */
export function parseVerifierKey(vkey: string): VerifierKey {
  const first = vkey.indexOf('+');
  const second = first < 0 ? -1 : vkey.indexOf('+', first + 1);
  if (second < 0) throw new C2spFormatError('verifier key needs three +-separated parts');
  const name = vkey.slice(0, first);
  const idHex = vkey.slice(first + 1, second);
  if (!isValidKeyName(name)) throw new C2spFormatError('invalid key name');
  if (!/^[0-9a-fA-F]{8}$/.test(idHex)) throw new C2spFormatError('key ID must be 8 hex digits');
  const material = fromBase64(vkey.slice(second + 1));
  const type = material[0];
  if (type !== SIG_TYPE_ED25519 && type !== SIG_TYPE_COSIGNATURE_V1) {
    throw new C2spFormatError(`unsupported signature type ${String(type)}`);
  }
  const publicKey = material.slice(1);
  if (publicKey.length !== ED25519_KEY_SIZE) throw new C2spFormatError('Ed25519 public key must be 32 bytes');
  const keyId = fromHex(idHex);
  if (!bytesEqual(keyId, computeKeyId(name, type, publicKey))) throw new C2spFormatError('key ID does not match key');
  return { name, keyId, type, publicKey };
}

export function formatVerifierKey(name: string, type: number, publicKey: Uint8Array): string {
  const keyId = computeKeyId(name, type, publicKey);
  return `${name}+${toHex(keyId)}+${toBase64(concat(Uint8Array.of(type), publicKey))}`;
}

export function ed25519PublicKey(raw: Uint8Array): KeyObject {
  if (raw.length !== ED25519_KEY_SIZE) throw new C2spFormatError('Ed25519 public key must be 32 bytes');
  return createPublicKey({ key: Buffer.from(concat(SPKI_PREFIX, raw)), format: 'der', type: 'spki' });
}

export function ed25519Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (signature.length !== ED25519_SIG_SIZE) return false;
  return verify(null, message, ed25519PublicKey(publicKey), signature);
}

/**
 * A fresh Ed25519 note key (or a fixed one from a 32-byte RFC 8032 seed, for known-answer
 * tests). The same Ed25519 key yields different key IDs under types 0x01 and 0x04.
 */
export function makeNoteKey(name: string, type: SigType = SIG_TYPE_ED25519, seed?: Uint8Array): NoteKey {
  if (!isValidKeyName(name)) throw new C2spFormatError('invalid key name');
  let privateKey: KeyObject;
  if (seed === undefined) {
    privateKey = generateKeyPairSync('ed25519').privateKey;
  } else {
    if (seed.length !== ED25519_KEY_SIZE) throw new C2spFormatError('Ed25519 seed must be 32 bytes');
    privateKey = createPrivateKey({ key: Buffer.from(concat(PKCS8_PREFIX, seed)), format: 'der', type: 'pkcs8' });
  }
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  const publicKey = new Uint8Array(spki.subarray(SPKI_PREFIX.length));
  return {
    name,
    type,
    publicKey,
    keyId: computeKeyId(name, type, publicKey),
    vkey: formatVerifierKey(name, type, publicKey),
    sign: (message) => new Uint8Array(sign(null, message, privateKey)),
  };
}
