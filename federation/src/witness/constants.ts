// Bounds and media types of C2SP tlog-witness add-checkpoint.
import { HASH_BYTES, MAX_PROOF_HASHES } from '../merkle/index.ts';
import { MAX_NOTE_BYTES } from '../note/index.ts';

/** "The client MUST NOT send more than 63 consistency proof lines." */
export const MAX_PROOF_LINES = MAX_PROOF_HASHES;
/** A base64 SHA-256 hash: 44 characters. */
const PROOF_LINE_BYTES = 4 * Math.ceil(HASH_BYTES / 3) + 1;
/** "old " + a size of up to 16 digits (2^53) + "\n". */
const OLD_LINE_BYTES = 4 + 16 + 1;
/** The largest well-formed body: old line, 63 proof lines, the empty line, a note. */
export const MAX_ADD_CHECKPOINT_BODY_BYTES = OLD_LINE_BYTES + MAX_PROOF_LINES * PROOF_LINE_BYTES + 1 + MAX_NOTE_BYTES;

/** The 409 body "<size>\n" MUST have this Content-Type (tlog-witness §add-checkpoint). */
export const TLOG_SIZE_CONTENT_TYPE = 'text/x.tlog.size';
/** Cosignature lines and error messages; the spec names no type for them. */
export const TEXT_CONTENT_TYPE = 'text/plain; charset=utf-8';
