// C2SP signed-note keys: key ID = SHA-256(name ‖ "\n" ‖ type ‖ public key)[:4]; verifier
// key "<name>+<hex key ID>+<base64(type ‖ public key)>"; signer key "PRIVATE+KEY+…" likewise.
// Key type 0x01 is Ed25519 (signed-note); 0x04 is an Ed25519 cosignature/v1 (tlog-cosignature).
import { sha256 } from '@noble/hashes/sha2.js';
import { ED25519_PUBLIC_KEY_BYTES, type Ed25519Signer, type Ed25519Verify } from '../crypto/index.ts';
import { fromBase64, toBase64, utf8 } from './encoding.ts';
import { NoteError } from './errors.ts';

export const ED25519_KEY_TYPE = 0x01;
export const COSIGNATURE_V1_KEY_TYPE = 0x04;
export type KeyType = typeof ED25519_KEY_TYPE | typeof COSIGNATURE_V1_KEY_TYPE;

/** What a verifier needs to check one signature line's signature bytes (key ID removed). */
export interface NoteVerifier {
  readonly name: string;
  readonly keyId: number;
  readonly type: KeyType;
  readonly publicKey: Uint8Array;
  verify(text: Uint8Array, signature: Uint8Array): boolean;
}

export interface NoteSigner {
  readonly name: string;
  readonly keyId: number;
  readonly type: KeyType;
  readonly publicKey: Uint8Array;
  /** The signature bytes that follow the key ID on a signature line. */
  sign(text: Uint8Array): Uint8Array;
}

/** Key names: non-empty, no whitespace, no "+" (signed-note §Signatures). */
export function checkKeyName(name: string): void {
  if (name.length === 0 || /[\s+]/u.test(name) || name.length > 256)
    throw new NoteError(`"${name.slice(0, 40)}" is not a valid key name`);
}

export function keyId(name: string, type: KeyType, publicKey: Uint8Array): number {
  const n = utf8(name);
  const input = new Uint8Array(n.length + 2 + publicKey.length);
  input.set(n);
  input[n.length] = 0x0a;
  input[n.length + 1] = type;
  input.set(publicKey, n.length + 2);
  const h = sha256(input);
  return ((h[0]! << 24) | (h[1]! << 16) | (h[2]! << 8) | h[3]!) >>> 0;
}

export function formatVerifierKey(name: string, type: KeyType, publicKey: Uint8Array): string {
  checkKeyName(name);
  const id = keyId(name, type, publicKey).toString(16).padStart(8, '0');
  return `${name}+${id}+${toBase64(Uint8Array.of(type, ...publicKey))}`;
}

export interface ParsedKey {
  readonly name: string;
  readonly keyId: number;
  readonly type: KeyType;
  readonly key: Uint8Array;
}

/** Parses "<prefix><name>+<hex id>+<base64(type ‖ key)>" and checks the key ID. */
function parseKeyString(text: string, prefix: string): ParsedKey {
  if (!text.startsWith(prefix)) throw new NoteError('not a key string');
  // The base64 part may itself hold "+": only the first two separate fields.
  const m = /^([^+]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/=]+)$/.exec(text.slice(prefix.length));
  if (!m) throw new NoteError('malformed key string');
  const [, name, idHex, material] = m as unknown as [string, string, string, string];
  checkKeyName(name);
  const bytes = fromBase64(material);
  const type = bytes[0];
  const key = bytes.subarray(1);
  if ((type !== ED25519_KEY_TYPE && type !== COSIGNATURE_V1_KEY_TYPE) || key.length !== ED25519_PUBLIC_KEY_BYTES)
    throw new NoteError(`key "${name}" is not an Ed25519 note or cosignature/v1 key`);
  return { name, keyId: parseInt(idHex, 16), type, key };
}

export function parseVerifierKey(vkey: string, verify: Ed25519Verify): NoteVerifier {
  const k = parseKeyString(vkey, '');
  if (k.keyId !== keyId(k.name, k.type, k.key)) throw new NoteError(`key "${k.name}" has a wrong key ID`);
  return verifierFor(k.name, k.type, k.key, verify);
}

export function verifierFor(name: string, type: KeyType, publicKey: Uint8Array, verify: Ed25519Verify): NoteVerifier {
  checkKeyName(name);
  const id = keyId(name, type, publicKey);
  if (type === ED25519_KEY_TYPE)
    return { name, keyId: id, type, publicKey, verify: (text, sig) => verify(publicKey, text, sig) };
  return {
    name,
    keyId: id,
    type,
    publicKey,
    // tlog-cosignature: the bytes are timestamp(8, big-endian) ‖ Ed25519 signature(64).
    verify: (text, sig) =>
      sig.length === 72 && verify(publicKey, cosignatureMessage(readTimestamp(sig), text), sig.subarray(8)),
  };
}

/** Formats a signer key for storage; its seed never leaves the node's key file. */
export function formatSignerKey(name: string, type: KeyType, publicKey: Uint8Array, seed: Uint8Array): string {
  checkKeyName(name);
  const id = keyId(name, type, publicKey).toString(16).padStart(8, '0');
  return `PRIVATE+KEY+${name}+${id}+${toBase64(Uint8Array.of(type, ...seed))}`;
}

/** Returns the name, type and seed of a signer key; the caller builds the signer from it. */
export function parseSignerKey(skey: string): ParsedKey {
  return parseKeyString(skey, 'PRIVATE+KEY+');
}

export function noteSigner(name: string, type: KeyType, ed: Ed25519Signer, now: () => number = unixNow): NoteSigner {
  checkKeyName(name);
  const id = keyId(name, type, ed.publicKey);
  if (type === ED25519_KEY_TYPE) return { name, keyId: id, type, publicKey: ed.publicKey, sign: (t) => ed.sign(t) };
  return {
    name,
    keyId: id,
    type,
    publicKey: ed.publicKey,
    sign(text) {
      const time = now();
      const out = new Uint8Array(72);
      new DataView(out.buffer).setBigUint64(0, BigInt(time));
      out.set(ed.sign(cosignatureMessage(time, text)), 8);
      return out;
    },
  };
}

export function unixNow(): number {
  return Math.floor(Date.now() / 1000);
}

/** tlog-cosignature §Ed25519 signed message: "cosignature/v1\ntime <t>\n" then the note text. */
export function cosignatureMessage(timestamp: number, text: Uint8Array): Uint8Array {
  const head = utf8(`cosignature/v1\ntime ${timestamp}\n`);
  const out = new Uint8Array(head.length + text.length);
  out.set(head);
  out.set(text, head.length);
  return out;
}

export function readTimestamp(sig: Uint8Array): number {
  const t = new DataView(sig.buffer, sig.byteOffset, 8).getBigUint64(0);
  if (t > BigInt(Number.MAX_SAFE_INTEGER)) return Number.MAX_SAFE_INTEGER; // far future: refused by callers
  return Number(t);
}
