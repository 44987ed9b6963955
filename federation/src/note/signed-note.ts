// C2SP signed-note: a UTF-8 text ending in "\n", a blank line, then one or more lines
// "— <key name> <base64(key ID ‖ signature)>\n". Notes arrive from peers and packages:
// parsing is strict and bounded.
import { fromBase64, fromUtf8, toBase64, utf8 } from './encoding.ts';
import { NoteError, UnverifiedNoteError } from './errors.ts';
import { type NoteSigner, type NoteVerifier, checkKeyName } from './keys.ts';

/** A note larger than this is refused before parsing (checkpoints are a few hundred bytes). */
export const MAX_NOTE_BYTES = 64 * 1024;
/** As in the Go reference: more signature lines than this is an attack, not a federation. */
export const MAX_SIGNATURES = 100;
const DASH = '\u2014 ';

export interface NoteSignature {
  readonly name: string;
  readonly keyId: number;
  /** The bytes after the key ID. */
  readonly signature: Uint8Array;
  /** The whole line, without its newline: it can be copied onto another copy of the note. */
  readonly line: string;
}

export interface Note {
  readonly text: string;
  readonly signatures: readonly NoteSignature[];
}

export interface VerifiedNote extends Note {
  /** Signatures by trusted keys that verified, one per key. */
  readonly verified: readonly { readonly verifier: NoteVerifier; readonly signature: NoteSignature }[];
}

export function checkNoteText(text: string): void {
  if (!text.endsWith('\n')) throw new NoteError('the note text does not end with a newline');
  // Control characters other than newline would let two readers see different texts.
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  if (/[\u0000-\u0009\u000b-\u001f\u007f]/u.test(text)) throw new NoteError('the note text holds control characters');
}

export function parseSignatureLine(line: string): NoteSignature {
  if (!line.startsWith(DASH)) throw new NoteError('a signature line does not start with "— "');
  const rest = line.slice(DASH.length).split(' ');
  if (rest.length !== 2) throw new NoteError('malformed signature line');
  const [name, b64] = rest as [string, string];
  checkKeyName(name);
  const bytes = fromBase64(b64);
  if (bytes.length < 5) throw new NoteError('a signature line is too short');
  const keyId = ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0;
  return { name, keyId, signature: bytes.subarray(4), line };
}

export function parseNote(input: string | Uint8Array): Note {
  const bytes = typeof input === 'string' ? utf8(input) : input;
  if (bytes.length > MAX_NOTE_BYTES) throw new NoteError('the note is too large');
  const all = typeof input === 'string' ? input : fromUtf8(input);
  const split = all.lastIndexOf('\n\n');
  if (split < 0) throw new NoteError('the note has no signatures');
  const text = all.slice(0, split + 1);
  checkNoteText(text);
  const block = all.slice(split + 2);
  if (!block.endsWith('\n')) throw new NoteError('the last signature line does not end with a newline');
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) throw new NoteError('the note has too many signatures');
  return { text, signatures: lines.map(parseSignatureLine) };
}

/**
 * Verifies a note with the trusted keys. Lines from unknown keys are ignored; a line that
 * names a trusted key but does not verify is an error, as in the reference implementation.
 */
export function openNote(input: string | Uint8Array, verifiers: readonly NoteVerifier[]): VerifiedNote {
  const note = parseNote(input);
  const text = utf8(note.text);
  const verified: { verifier: NoteVerifier; signature: NoteSignature }[] = [];
  for (const signature of note.signatures) {
    const verifier = verifiers.find((v) => v.name === signature.name && v.keyId === signature.keyId);
    if (!verifier) continue;
    if (!verifier.verify(text, signature.signature))
      throw new NoteError(`the signature by "${signature.name}" does not verify`);
    if (!verified.some((v) => v.verifier === verifier)) verified.push({ verifier, signature });
  }
  if (verified.length === 0) throw new UnverifiedNoteError('no trusted key signed this note');
  return { ...note, verified };
}

/** True when the note holds a valid signature by this key (and nothing fails to verify). */
export function isSignedBy(note: string, verifier: NoteVerifier): boolean {
  try {
    openNote(note, [verifier]);
    return true;
  } catch {
    return false; // no line by this key, or one that does not verify: not signed by it
  }
}

export function signatureLine(signer: NoteSigner, text: string): string {
  const sig = signer.sign(utf8(text));
  const bytes = new Uint8Array(4 + sig.length);
  new DataView(bytes.buffer).setUint32(0, signer.keyId);
  bytes.set(sig, 4);
  return `${DASH}${signer.name} ${toBase64(bytes)}`;
}

export function signNote(text: string, signers: readonly NoteSigner[]): string {
  checkNoteText(text);
  if (signers.length === 0) throw new NoteError('a note needs at least one signature');
  return `${text}\n${signers.map((s) => `${signatureLine(s, text)}\n`).join('')}`;
}

/**
 * The note with extra signature lines (e.g. cosignatures). A line by a key that already
 * signed (same name and key ID) replaces that key's line: a witness asked again cosigns
 * again with a new timestamp, and the note must not grow with each time.
 */
export function withSignatures(note: string, lines: readonly string[]): string {
  const parsed = parseNote(note);
  const byKey = new Map<string, string>();
  for (const s of [...parsed.signatures, ...lines.map(parseSignatureLine)]) byKey.set(`${s.name} ${s.keyId}`, s.line);
  return `${parsed.text}\n${[...byKey.values()].map((l) => `${l}\n`).join('')}`;
}
