// Salted commitments, the only thing a node's evidence log holds (DESIGN §4). A bare file
// hash would let anyone holding a copy of a video (a perpetrator included) ask the public
// log whether a node has it; with a 32-byte secret salt kept inside the encrypted case,
// the entry reveals nothing until the holder of the case chooses to open it.
//
//   evidence: SHA-256("backup/evidence-commitment/v1\n" ‖ salt ‖ SHA-256(file) ‖ SHA-256(meta))
//             meta = "type <media type>\nsize <bytes>\n"
//   custody:  SHA-256("backup/custody-event/v1\n" ‖ salt ‖ SHA-256(event JSON bytes))
//
// Both are 32 bytes, so log entries do not even say which kind they are.
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes as concat } from '@noble/hashes/utils.js';

export const COMMITMENT_BYTES = 32;
export const SALT_BYTES = 32;
const EVIDENCE_LABEL = new TextEncoder().encode('backup/evidence-commitment/v1\n');
const CUSTODY_LABEL = new TextEncoder().encode('backup/custody-event/v1\n');

export class CommitmentError extends Error {
  override name = 'CommitmentError';
}

function checkLength(what: string, bytes: Uint8Array, length: number): void {
  if (bytes.length !== length) throw new CommitmentError(`${what} must be ${length} bytes`);
}

export interface EvidenceFacts {
  /** SHA-256 of the evidence file as the reporter's device read it. */
  readonly sha256: Uint8Array;
  readonly type: string;
  readonly size: number;
}

/** The committed description of the file: its media type and size, never its name. */
export function evidenceMeta(facts: Pick<EvidenceFacts, 'type' | 'size'>): Uint8Array {
  if (!Number.isSafeInteger(facts.size) || facts.size < 0) throw new CommitmentError('bad file size');
  if (/[\n\r]/.test(facts.type)) throw new CommitmentError('a media type is one line');
  return new TextEncoder().encode(`type ${facts.type}\nsize ${facts.size}\n`);
}

export function evidenceCommitment(salt: Uint8Array, facts: EvidenceFacts): Uint8Array {
  checkLength('the salt', salt, SALT_BYTES);
  checkLength('the file hash', facts.sha256, 32);
  return sha256(concat(EVIDENCE_LABEL, salt, facts.sha256, sha256(evidenceMeta(facts))));
}

export function custodyCommitment(salt: Uint8Array, event: Uint8Array): Uint8Array {
  checkLength('the salt', salt, SALT_BYTES);
  return sha256(concat(CUSTODY_LABEL, salt, sha256(event)));
}
