export { type Checkpoint, formatCheckpoint, parseCheckpoint } from './checkpoint.ts';
export { fromBase64, toBase64 } from './encoding.ts';
export { NoteError, UnverifiedNoteError } from './errors.ts';
export {
  COSIGNATURE_V1_KEY_TYPE,
  ED25519_KEY_TYPE,
  type KeyType,
  type NoteSigner,
  type NoteVerifier,
  type ParsedKey,
  cosignatureMessage,
  formatSignerKey,
  formatVerifierKey,
  keyId,
  noteSigner,
  parseSignerKey,
  parseVerifierKey,
  readTimestamp,
  unixNow,
  verifierFor,
} from './keys.ts';
export {
  MAX_NOTE_BYTES,
  MAX_SIGNATURES,
  type Note,
  type NoteSignature,
  type VerifiedNote,
  isSignedBy,
  openNote,
  parseNote,
  parseSignatureLine,
  signNote,
  signatureLine,
  withSignatures,
} from './signed-note.ts';
