// The witness side of C2SP tlog-witness §add-checkpoint, independent of the transport: the
// node's HTTP route and the libp2p protocol hand it the request body and send back what
// it answers. Checks run in the order of the spec: 404, 403, 400, 409 (old size), 422,
// 409 (same size, other root); then the checkpoint is persisted and cosigned
// (C2SP tlog-cosignature, cosignature/v1).
import type { Ed25519Verify } from '../crypto/index.ts';
import { EMPTY_ROOT, ProofError, equalHashes, verifyConsistency } from '../merkle/index.ts';
import {
  COSIGNATURE_V1_KEY_TYPE,
  ED25519_KEY_TYPE,
  type Note,
  type NoteSigner,
  type NoteVerifier,
  formatVerifierKey,
  parseVerifierKey,
  signatureLine,
  toBase64,
  unixNow,
} from '../note/index.ts';
import { TEXT_CONTENT_TYPE, TLOG_SIZE_CONTENT_TYPE } from './constants.ts';
import { AddCheckpointRequestError, WitnessConfigError } from './errors.ts';
import { type ParsedAddCheckpointRequest, readAddCheckpointRequest } from './request.ts';
import type { MisbehaviourReason, MisbehaviourRecord, WitnessStore } from './store.ts';

export type WitnessStatus = 200 | 400 | 403 | 404 | 409 | 422;

export interface WitnessResponse {
  readonly status: WitnessStatus;
  readonly contentType: string;
  readonly body: Uint8Array;
}

/** A log the witness cosigns for: its origin line and its note verifier key (type 0x01). */
export interface TrustedLog {
  readonly origin: string;
  readonly verifierKey: string;
}

export interface WitnessInit {
  /** The witness's key name; the signer's name must be the same. */
  readonly name: string;
  /** A cosignature/v1 signer (key type 0x04). */
  readonly signer: NoteSigner;
  readonly store: WitnessStore;
  /** The logs trusted now; read at every request, so membership changes apply at once. */
  readonly logs: () => ReadonlyArray<TrustedLog>;
  readonly verify: Ed25519Verify;
  /** Unix seconds, for the records kept; defaults to the clock. */
  readonly now?: () => number;
}

export interface Witness {
  /** The witness's C2SP verifier key, type 0x04. */
  readonly verifierKey: string;
  /** Answers one add-checkpoint body; rejects only on internal errors (storage, config). */
  addCheckpoint(body: Uint8Array): Promise<WitnessResponse>;
  latest(origin: string): { size: number; note: string } | undefined;
  misbehaviour(): MisbehaviourRecord[];
}

const encoder = new TextEncoder();
const text = (status: WitnessStatus, message: string): WitnessResponse => ({
  status,
  contentType: TEXT_CONTENT_TYPE,
  body: encoder.encode(`${message}\n`),
});

function logVerifier(log: TrustedLog, verify: Ed25519Verify): NoteVerifier {
  const verifier = parseVerifierKey(log.verifierKey, verify);
  if (verifier.type !== ED25519_KEY_TYPE)
    throw new WitnessConfigError(`the key of log "${log.origin}" is not an Ed25519 note key (type 0x01)`);
  return verifier;
}

/**
 * The signature lines by trusted keys that verify. Lines by unknown keys are ignored, as the
 * spec requires; so is a trusted key's line that does not verify, since the witness answers
 * 403 only when "none of the signatures verify against a trusted public key".
 */
function verifiedLines(note: Note, verifiers: readonly NoteVerifier[]): string[] {
  const message = encoder.encode(note.text);
  const lines = new Set<string>();
  for (const s of note.signatures) {
    const v = verifiers.find((k) => k.name === s.name && k.keyId === s.keyId);
    if (v?.verify(message, s.signature)) lines.add(s.line);
  }
  return [...lines];
}

export function createWitness(init: WitnessInit): Witness {
  const { name, signer, store, verify } = init;
  const now = init.now ?? unixNow;
  if (signer.type !== COSIGNATURE_V1_KEY_TYPE)
    throw new WitnessConfigError('the witness signer is not a cosignature/v1 key (type 0x04)');
  if (signer.name !== name) throw new WitnessConfigError(`the witness signer is named "${signer.name}", not "${name}"`);

  /** The check against the stored state and the update, inside one transaction. */
  function decide(req: ParsedAddCheckpointRequest, signedBy: readonly string[]): WitnessResponse {
    const { checkpoint, oldSize, proof } = req;
    const state = store.latest(checkpoint.origin);
    const latestSize = state?.size ?? 0;
    if (oldSize !== latestSize)
      return { status: 409, contentType: TLOG_SIZE_CONTENT_TYPE, body: encoder.encode(`${latestSize}\n`) };

    // The spec MAY-logs a signed checkpoint that fails the checks: it may be a fork.
    const conflict = (reason: MisbehaviourReason) =>
      state &&
      store.recordMisbehaviour(
        {
          origin: checkpoint.origin,
          reason,
          previousNote: state.note,
          conflictingNote: `${req.parsed.text}\n${signedBy.map((l) => `${l}\n`).join('')}`,
          proof: proof.map(toBase64),
          observedAt: now(),
        },
        req.parsed.text,
      );

    if (oldSize === checkpoint.size) {
      if (proof.length !== 0) return text(422, 'a consistency proof between equal sizes is empty');
      // Never cosigned means size 0, whose root RFC 9162 §2.1.1 fixes: MTH({}).
      if (!equalHashes(checkpoint.root, state?.root ?? EMPTY_ROOT)) {
        conflict('same-size-different-root');
        return text(409, 'the checkpoint has another root than the one cosigned at this size');
      }
    } else if (state && oldSize !== 0) {
      try {
        verifyConsistency(oldSize, checkpoint.size, proof, state.root, checkpoint.root);
      } catch (cause) {
        if (!(cause instanceof ProofError)) throw cause;
        conflict('inconsistent-proof');
        return text(422, `the consistency proof does not verify: ${cause.message}`);
      }
    }
    // An old size of 0 needs no proof (it is empty, checked when parsing): any tree extends
    // the empty one.
    const line = signatureLine(signer, req.parsed.text);
    store.advance(checkpoint.origin, { size: checkpoint.size, root: checkpoint.root, note: req.note }, now());
    return { status: 200, contentType: TEXT_CONTENT_TYPE, body: encoder.encode(`${line}\n`) };
  }

  function answer(body: Uint8Array): WitnessResponse {
    let req: ParsedAddCheckpointRequest;
    try {
      req = readAddCheckpointRequest(body);
    } catch (cause) {
      if (cause instanceof AddCheckpointRequestError) return text(400, cause.message);
      throw cause;
    }
    const { origin, size } = req.checkpoint;
    const trusted = init.logs().filter((l) => l.origin === origin);
    if (trusted.length === 0) return text(404, 'this witness does not know the log');
    const signedBy = verifiedLines(
      req.parsed,
      trusted.map((l) => logVerifier(l, verify)),
    );
    if (signedBy.length === 0) return text(403, 'no signature by a key of the log verifies');
    if (req.oldSize > size) return text(400, 'the old size is larger than the checkpoint size');
    // Atomic (tlog-witness: otherwise a smaller checkpoint could roll the state back). The
    // transaction is synchronous, so no other request of this process runs inside it, and
    // BEGIN IMMEDIATE holds the write lock against other connections to the file.
    return store.transaction(() => decide(req, signedBy));
  }

  return {
    verifierKey: formatVerifierKey(name, COSIGNATURE_V1_KEY_TYPE, signer.publicKey),
    addCheckpoint: async (body) => answer(body),
    latest(origin) {
      const state = store.latest(origin);
      return state && { size: state.size, note: state.note };
    },
    misbehaviour: () => store.misbehaviour(),
  };
}
