// Makes an evidence package (DESIGN §4) from what the node holds: pure, so the same code runs
// in the node, in tests and in a browser. It refuses inputs that could not verify (a proof
// that does not lead to the checkpoint, an event about other evidence), so a package that
// leaves the node is at worst distrusted by a policy, never malformed.
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { custodyCommitment, evidenceCommitment } from '../commitment/index.ts';
import { leafHash, verifyConsistency, verifyInclusion } from '../merkle/index.ts';
import {
  type Checkpoint,
  ED25519_KEY_TYPE,
  type Note,
  type NoteVerifier,
  parseCheckpoint,
  parseNote,
  parseVerifierKey,
  toBase64,
} from '../note/index.ts';
import { type CustodyEvent, parseCustodyEvent } from './custody-event.ts';
import { PackageInputError } from './errors.ts';
import { formatInstructions } from './instructions.ts';
import {
  EVIDENCE_DIR,
  EVIDENCE_PROOF_PATH,
  INSTRUCTIONS_PATH,
  MANIFEST_PATH,
  type PackageManifest,
  PACKAGE_KIND,
  PACKAGE_VERSION,
  custodyEventPath,
  custodyProofPath,
  formatManifest,
} from './manifest.ts';
import { encoder, hasUnsafeCharacters, replaceUnsafeCharacters } from './text.ts';
import { formatTlogProof } from './tlog-proof.ts';

export interface CustodyInput {
  /** The exact bytes that were committed (formatCustodyEvent's output). */
  readonly event: Uint8Array;
  readonly salt: Uint8Array;
  readonly index: number;
  readonly proof: readonly Uint8Array[];
  /** The checkpoint the proof is against; the evidence checkpoint when absent. */
  readonly checkpoint?: string;
}

export interface ConsistencyInput {
  /** Another signed checkpoint note of the same log, earlier or later. */
  readonly from: string;
  /** The consistency proof between it and the evidence checkpoint, smaller tree first. */
  readonly proof: readonly Uint8Array[];
}

export interface EvidencePackageInput {
  readonly created: Date;
  /** The log's C2SP verifier key (type 0x01). */
  readonly logVerifierKey: string;
  /** The evidence, decrypted by the caseworker. */
  readonly file: Uint8Array;
  readonly name: string;
  readonly type: string;
  readonly salt: Uint8Array;
  /** The checkpoint note the inclusion proof is against, with its cosignatures. */
  readonly checkpoint: string;
  readonly index: number;
  readonly proof: readonly Uint8Array[];
  readonly custody: readonly CustodyInput[];
  readonly consistency?: readonly ConsistencyInput[];
  /** Where the node serves its offline verifier page, for VERIFY.txt. */
  readonly verifyPageUrl?: string;
}

const FILE_NAME_LENGTH = 100;

/** A name safe on every file system: letters, digits, ".", "_", "-", spaces; no hidden file. */
export function packageFileName(name: string): string {
  const cleaned = name
    .normalize('NFC')
    .replace(/[^\p{L}\p{N}._ -]/gu, '_')
    .replace(/^[.\s]+/, '')
    .slice(0, FILE_NAME_LENGTH)
    .replace(/[.\s]+$/, '');
  return cleaned || 'evidence';
}

/** The reporter's name for the file, kept for reference, without characters that could spoof. */
function displayName(name: string): string {
  return replaceUnsafeCharacters(name, '\ufffd').slice(0, 255) || 'evidence';
}

function inputError(what: string, cause: unknown): PackageInputError {
  return new PackageInputError(`${what}: ${(cause as Error).message}`, { cause });
}

function openCheckpoint(what: string, text: string): { note: Note; checkpoint: Checkpoint } {
  try {
    const note = parseNote(text);
    return { note, checkpoint: parseCheckpoint(note.text) };
  } catch (cause) {
    throw inputError(what, cause);
  }
}

const sameTree = (a: Checkpoint, b: Checkpoint) =>
  a.origin === b.origin && a.size === b.size && toBase64(a.root) === toBase64(b.root);

function checkConsistency(evidence: Checkpoint, items: readonly ConsistencyInput[]): Checkpoint[] {
  return items.map((item, n) => {
    const { checkpoint } = openCheckpoint(`consistency[${n}].from`, item.from);
    if (checkpoint.origin !== evidence.origin) throw new PackageInputError(`consistency[${n}] is about another log`);
    const [small, large] = checkpoint.size <= evidence.size ? [checkpoint, evidence] : [evidence, checkpoint];
    try {
      verifyConsistency(small.size, large.size, item.proof, small.root, large.root);
    } catch (cause) {
      throw inputError(`consistency[${n}]`, cause);
    }
    return checkpoint;
  });
}

interface BuiltCustody {
  readonly event: CustodyEvent;
  readonly index: number;
  readonly commitment: string;
  readonly proofText: string;
}

function buildCustody(
  item: CustodyInput,
  n: number,
  evidence: { checkpoint: Checkpoint; note: string; commitment: string },
  consistent: readonly Checkpoint[],
): BuiltCustody {
  let event: CustodyEvent;
  try {
    event = parseCustodyEvent(item.event);
  } catch (cause) {
    throw inputError(`custody[${n}]`, cause);
  }
  if (event.evidence !== evidence.commitment) throw new PackageInputError(`custody[${n}] is about other evidence`);
  if (event.log !== evidence.checkpoint.origin) throw new PackageInputError(`custody[${n}] names another log`);
  const note = item.checkpoint ?? evidence.note;
  const { checkpoint } = openCheckpoint(`custody[${n}].checkpoint`, note);
  if (!sameTree(checkpoint, evidence.checkpoint) && !consistent.some((c) => sameTree(c, checkpoint)))
    throw new PackageInputError(`custody[${n}]'s checkpoint is neither the evidence one nor proved consistent with it`);
  let commitment: Uint8Array;
  try {
    commitment = custodyCommitment(item.salt, item.event);
    verifyInclusion(item.index, checkpoint.size, leafHash(commitment), item.proof, checkpoint.root);
  } catch (cause) {
    throw inputError(`custody[${n}]`, cause);
  }
  return {
    event,
    index: item.index,
    commitment: toBase64(commitment),
    proofText: formatTlogProof({ index: item.index, proof: item.proof, checkpoint: note }),
  };
}

function logKey(vkey: string): NoteVerifier {
  let key: NoteVerifier;
  try {
    key = parseVerifierKey(vkey, () => false);
  } catch (cause) {
    throw inputError('the log verifier key', cause);
  }
  if (key.type !== ED25519_KEY_TYPE) throw new PackageInputError('the log verifier key is not of type 0x01 (Ed25519)');
  return key;
}

export function buildEvidencePackage(input: EvidencePackageInput): Map<string, Uint8Array> {
  const key = logKey(input.logVerifierKey);
  if (input.type.length === 0 || input.type.length > 255 || hasUnsafeCharacters(input.type))
    throw new PackageInputError('the media type is not 1 to 255 printable characters');
  const { note, checkpoint } = openCheckpoint('the checkpoint', input.checkpoint);
  if (!note.signatures.some((s) => s.name === key.name && s.keyId === key.keyId))
    throw new PackageInputError('the checkpoint carries no signature by the log verifier key');
  const fileHash = sha256(input.file);
  let commitment: Uint8Array;
  try {
    commitment = evidenceCommitment(input.salt, { sha256: fileHash, type: input.type, size: input.file.length });
    verifyInclusion(input.index, checkpoint.size, leafHash(commitment), input.proof, checkpoint.root);
  } catch (cause) {
    throw inputError('the evidence', cause);
  }
  const consistent = checkConsistency(checkpoint, input.consistency ?? []);
  const evidence = { checkpoint, note: input.checkpoint, commitment: toBase64(commitment) };
  const custody = input.custody.map((item, n) => buildCustody(item, n, evidence, consistent));

  const file = `${EVIDENCE_DIR}${packageFileName(input.name)}`;
  const manifest: PackageManifest = {
    v: PACKAGE_VERSION,
    kind: PACKAGE_KIND,
    created: input.created.toISOString(),
    log: { origin: checkpoint.origin, verifierKey: input.logVerifierKey },
    evidence: {
      file,
      name: displayName(input.name),
      type: input.type,
      size: input.file.length,
      sha256: bytesToHex(fileHash),
      salt: toBase64(input.salt),
      commitment: evidence.commitment,
      proof: EVIDENCE_PROOF_PATH,
    },
    custody: input.custody.map((item, n) => ({
      event: custodyEventPath(n),
      salt: toBase64(item.salt),
      proof: custodyProofPath(n),
    })),
    ...(input.consistency && {
      consistency: input.consistency.map((c) => ({ from: c.from, proof: c.proof.map(toBase64) })),
    }),
  };

  const files = new Map<string, Uint8Array>();
  files.set(MANIFEST_PATH, formatManifest(manifest));
  files.set(file, input.file);
  files.set(
    EVIDENCE_PROOF_PATH,
    encoder.encode(formatTlogProof({ index: input.index, proof: input.proof, checkpoint: input.checkpoint })),
  );
  input.custody.forEach((item, n) => {
    files.set(custodyEventPath(n), item.event);
    files.set(custodyProofPath(n), encoder.encode(custody[n]!.proofText));
  });
  const instructions = formatInstructions({
    manifest,
    checkpoint,
    index: input.index,
    signatures: note.signatures.filter((s) => s.name !== key.name || s.keyId !== key.keyId),
    custody: custody.map((c) => ({ kind: c.event.event, at: c.event.at, index: c.index, commitment: c.commitment })),
    verifyPageUrl: input.verifyPageUrl,
  });
  files.set(INSTRUCTIONS_PATH, encoder.encode(instructions));
  return files;
}
