// Signed notes (c2sp.org/signed-note) and cosignature/v1 lines (c2sp.org/tlog-cosignature,
// "Ed25519 signed message"). Input is hostile: every parse below is strict and throws.
import { C2spFormatError, bytesEqual, concat, fromBase64, toBase64, utf8 } from './encoding.ts';
import {
  ED25519_SIG_SIZE,
  SIG_TYPE_COSIGNATURE_V1,
  SIG_TYPE_ED25519,
  ed25519Verify,
  isValidKeyName,
  parseVerifierKey,
  type NoteKey,
  type VerifierKey,
} from './keys.ts';

/** Go's sumdb/note cap; the spec asks verifiers to accept at least 16. */
export const MAX_SIGNATURES = 100;
const MAX_TIMESTAMP = (1n << 63n) - 1n;
const SIG_PREFIX = '\u2014 ';
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export interface NoteSignature {
  readonly name: string;
  /** base64-decoded: 4-byte key ID || signature */
  readonly blob: Uint8Array;
}

export interface ParsedNote {
  readonly text: string;
  readonly signatures: readonly NoteSignature[];
}

export interface VerifiedNote {
  readonly text: string;
  /** Names of the given keys whose signature lines verify. Empty means the note MUST be rejected. */
  readonly verifiedBy: string[];
  /** Names of given keys with a matching (name, key ID) line that does not verify. */
  readonly failedBy: string[];
}

export interface Cosignature {
  readonly keyId: Uint8Array;
  readonly timestamp: bigint;
  readonly signature: Uint8Array;
}

function checkCharacters(text: string): void {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 && code !== 0x0a) throw new C2spFormatError('control character in note');
  }
  if (LONE_SURROGATE.test(text)) throw new C2spFormatError('note is not valid UTF-8');
}

function decodeNote(note: string | Uint8Array): string {
  if (typeof note === 'string') return note;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(note);
  } catch (cause) {
    throw new C2spFormatError('note is not valid UTF-8', { cause });
  }
}

/** Splits a note at its last empty line into text and signature lines. */
export function parseSignedNote(note: string | Uint8Array): ParsedNote {
  const whole = decodeNote(note);
  checkCharacters(whole);
  if (!whole.endsWith('\n')) throw new C2spFormatError('note must end with a newline');
  const split = whole.lastIndexOf('\n\n');
  if (split < 0) throw new C2spFormatError('note has no signature block');
  const text = whole.slice(0, split + 1);
  const lines = whole.slice(split + 2, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) throw new C2spFormatError('too many signatures');
  const signatures = lines.map((line) => {
    if (!line.startsWith(SIG_PREFIX)) throw new C2spFormatError('signature line must start with an em dash');
    const fields = line.slice(SIG_PREFIX.length).split(' ');
    const [name, b64] = fields;
    if (fields.length !== 2 || name === undefined || b64 === undefined || !isValidKeyName(name)) {
      throw new C2spFormatError('malformed signature line');
    }
    const blob = fromBase64(b64);
    if (blob.length <= 4) throw new C2spFormatError('signature too short');
    return { name, blob };
  });
  return { text, signatures };
}

/** keyId(4) || timestamp(8, big-endian) || Ed25519 signature(64) */
export function parseCosignatureBlob(blob: Uint8Array): Cosignature {
  if (blob.length !== 4 + 8 + ED25519_SIG_SIZE) throw new C2spFormatError('cosignature/v1 blob must be 76 bytes');
  const timestamp = Buffer.from(blob).readBigUInt64BE(4);
  if (timestamp > MAX_TIMESTAMP) throw new C2spFormatError('cosignature timestamp exceeds 2^63-1');
  return { keyId: blob.slice(0, 4), timestamp, signature: blob.slice(12) };
}

/** "cosignature/v1\ntime <decimal>\n" followed by the whole note text. */
export function cosignedMessage(text: string, timestamp: bigint | number): Uint8Array {
  return utf8(`cosignature/v1\ntime ${BigInt(timestamp).toString()}\n${text}`);
}

function signatureVerifies(key: VerifierKey, text: string, blob: Uint8Array): boolean {
  if (key.type === SIG_TYPE_ED25519) return ed25519Verify(key.publicKey, utf8(text), blob.slice(4));
  if (key.type !== SIG_TYPE_COSIGNATURE_V1 || blob.length !== 4 + 8 + ED25519_SIG_SIZE) return false;
  // A timestamp past 2^63-1 is a failed signature, not a malformed note.
  const timestamp = Buffer.from(blob).readBigUInt64BE(4);
  if (timestamp > MAX_TIMESTAMP) return false;
  return ed25519Verify(key.publicKey, cosignedMessage(text, timestamp), blob.slice(12));
}

function matches(key: VerifierKey, sig: NoteSignature): boolean {
  return sig.name === key.name && bytesEqual(sig.blob.slice(0, 4), key.keyId);
}

/** Checks every signature line against the keys; lines of unknown keys are ignored. */
export function verifyNote(note: string | Uint8Array, vkeys: readonly string[]): VerifiedNote {
  const { text, signatures } = parseSignedNote(note);
  const keys = vkeys.map(parseVerifierKey);
  const verified = new Set<VerifierKey>();
  const failed = new Set<VerifierKey>();
  for (const sig of signatures) {
    for (const key of keys) {
      if (!matches(key, sig)) continue;
      (signatureVerifies(key, text, sig.blob) ? verified : failed).add(key);
    }
  }
  return { text, verifiedBy: [...verified].map((k) => k.name), failedBy: [...failed].map((k) => k.name) };
}

/** The timestamp of the cosignature/v1 line by `vkey`, which must verify. */
export function cosignatureTimestamp(note: string | Uint8Array, vkey: string): number {
  const key = parseVerifierKey(vkey);
  if (key.type !== SIG_TYPE_COSIGNATURE_V1) throw new C2spFormatError('not a cosignature/v1 key');
  const { text, signatures } = parseSignedNote(note);
  const sig = signatures.find((s) => matches(key, s) && signatureVerifies(key, text, s.blob));
  if (sig === undefined) throw new C2spFormatError(`no valid cosignature by ${key.name}`);
  const { timestamp } = parseCosignatureBlob(sig.blob);
  if (timestamp > BigInt(Number.MAX_SAFE_INTEGER)) throw new C2spFormatError('timestamp beyond 2^53');
  return Number(timestamp);
}

function checkText(text: string): void {
  checkCharacters(text);
  if (!text.endsWith('\n')) throw new C2spFormatError('note text must end with a newline');
}

/** One cosignature/v1 signature line, as a tlog-witness add-checkpoint response carries it. */
export function cosign(text: string, signer: NoteKey, timestamp: bigint | number): string {
  checkText(text);
  if (signer.type !== SIG_TYPE_COSIGNATURE_V1) throw new C2spFormatError('cosign needs a type 0x04 key');
  const ts = BigInt(timestamp);
  if (ts < 0n || ts > MAX_TIMESTAMP) throw new C2spFormatError('timestamp out of range');
  const time = new Uint8Array(8);
  Buffer.from(time.buffer).writeBigUInt64BE(ts);
  const blob = concat(signer.keyId, time, signer.sign(cosignedMessage(text, ts)));
  return `${SIG_PREFIX}${signer.name} ${toBase64(blob)}\n`;
}

/** A signed note: text, an empty line, one line per signer (type 0x04 signers cosign at `timestamp`). */
export function signNote(text: string, signers: readonly NoteKey[], timestamp?: bigint | number): string {
  checkText(text);
  if (signers.length === 0) throw new C2spFormatError('a note needs at least one signature');
  const lines = signers.map((signer) => {
    if (signer.type === SIG_TYPE_COSIGNATURE_V1)
      return cosign(text, signer, timestamp ?? Math.floor(Date.now() / 1000));
    const blob = concat(signer.keyId, signer.sign(utf8(text)));
    return `${SIG_PREFIX}${signer.name} ${toBase64(blob)}\n`;
  });
  return `${text}\n${lines.join('')}`;
}
