// Whether a checkpoint is one the policy trusts: C2SP signed-note (the log's Ed25519
// signature) and tlog-cosignature/v1 (witnesses' cosignatures, type 0x04). Unlike openNote,
// every signature line is looked at and explained, so the report can say which witness's
// cosignature failed and why, rather than stop at the first.
import type { Ed25519Verify } from '../crypto/index.ts';
import {
  type Checkpoint,
  type Note,
  type NoteVerifier,
  parseCheckpoint,
  parseNote,
  parseVerifierKey,
  readTimestamp,
  toBase64,
} from '../note/index.ts';
import { quoted } from '../package/index.ts';
import type { TrustPolicy } from './policy.ts';
import { count } from './report.ts';

/** tlog-cosignature/v1 signature bytes: an 8-byte timestamp then an Ed25519 signature. */
const COSIGNATURE_BYTES = 72;
/** Clocks differ: a cosignature dated up to this far ahead of the verifier still counts. */
export const MAX_COSIGNATURE_CLOCK_SKEW_SECONDS = 10 * 60;

export interface Cosigner {
  readonly name: string;
  /** Unix seconds, as the witness dated its cosignature. */
  readonly time: number;
}

export interface CheckpointExamination {
  readonly note: Note;
  readonly checkpoint: Checkpoint;
  /** The policy's log key that signed, or why no signature is accepted. */
  readonly log: { readonly ok: true; readonly keyName: string } | { readonly ok: false; readonly problem: string };
  /** Distinct trusted witnesses whose cosignatures verified, in the note's order. */
  readonly cosigners: readonly Cosigner[];
  /** Cosignatures by trusted witnesses that do not verify: someone changed the note. */
  readonly invalid: readonly string[];
  /** Valid cosignatures that do not count, and why (dated in the future). */
  readonly uncounted: readonly string[];
  /** Names on signature lines from keys the policy does not name. */
  readonly ignored: readonly string[];
}

export const isoTime = (unixSeconds: number): string => {
  const date = new Date(unixSeconds * 1000);
  return Number.isNaN(date.getTime()) ? `${unixSeconds} (Unix time)` : date.toISOString().replace('.000Z', 'Z');
};

export const sameTree = (a: Checkpoint, b: Checkpoint): boolean =>
  a.origin === b.origin && a.size === b.size && toBase64(a.root) === toBase64(b.root);

function examineLog(note: Note, text: Uint8Array, origin: string, policy: TrustPolicy, verify: Ed25519Verify) {
  const keys = policy.logs.filter((l) => l.origin === origin).map((l) => parseVerifierKey(l.key, verify));
  if (keys.length === 0) {
    const trusted = policy.logs.map((l) => quoted(l.origin)).join(', ');
    return {
      ok: false,
      problem: `the checkpoint is from the log ${quoted(origin)}, which the policy does not trust (it trusts ${trusted})`,
    } as const;
  }
  let seen: NoteVerifier | undefined;
  for (const key of keys)
    for (const line of note.signatures.filter((s) => s.name === key.name && s.keyId === key.keyId)) {
      if (key.verify(text, line.signature)) return { ok: true, keyName: key.name } as const;
      seen = key;
    }
  if (seen)
    return {
      ok: false,
      problem: `the log's signature (key ${quoted(seen.name)}) does not verify: the checkpoint's text or the signature was changed after signing`,
    } as const;
  return {
    ok: false,
    problem: `the checkpoint carries no signature by the key the policy trusts for this log (${keys.map((k) => quoted(k.name)).join(', ')})`,
  } as const;
}

/** Parses a checkpoint note (throwing when it is malformed) and weighs its signatures. */
export function examineCheckpoint(
  noteText: string,
  policy: TrustPolicy,
  verify: Ed25519Verify,
  now: Date,
): CheckpointExamination {
  const note = parseNote(noteText);
  const checkpoint = parseCheckpoint(note.text);
  const text = new TextEncoder().encode(note.text);
  const log = examineLog(note, text, checkpoint.origin, policy, verify);
  const latest = Math.floor(now.getTime() / 1000) + MAX_COSIGNATURE_CLOCK_SKEW_SECONDS;
  const witnesses = policy.witnesses.map((w) => parseVerifierKey(w.key, verify));
  const counted = new Set<string>();
  const cosigners: Cosigner[] = [];
  const invalid: string[] = [];
  const uncounted: string[] = [];
  for (const witness of witnesses) {
    const lines = note.signatures.filter((s) => s.name === witness.name && s.keyId === witness.keyId);
    const id = toBase64(witness.publicKey);
    for (const line of lines) {
      if (counted.has(id)) break;
      const time = line.signature.length === COSIGNATURE_BYTES ? readTimestamp(line.signature) : undefined;
      if (time === undefined || !witness.verify(text, line.signature)) {
        invalid.push(`the cosignature by ${quoted(witness.name)} does not verify`);
      } else if (witness.name.startsWith(`${checkpoint.origin}/`)) {
        // BackUp names a node's witness "<its log's origin>/witness": the same organisation,
        // and the same key file, as the log. It cannot vouch for its own log.
        uncounted.push(`the cosignature by ${quoted(witness.name)} is the log's own witness, so it does not count`);
      } else if (time > latest) {
        uncounted.push(
          `the cosignature by ${quoted(witness.name)} is dated ${isoTime(time)}, more than 10 minutes after the time of verification (${isoTime(now.getTime() / 1000)}), so it does not count`,
        );
      } else {
        counted.add(id);
        cosigners.push({ name: witness.name, time });
      }
    }
  }
  const known = (name: string, keyId: number) =>
    [...witnesses, ...policy.logs.map((l) => parseVerifierKey(l.key, verify))].some(
      (k) => k.name === name && k.keyId === keyId,
    );
  const ignored = note.signatures.filter((s) => !known(s.name, s.keyId)).map((s) => s.name);
  return { note, checkpoint, log, cosigners, invalid, uncounted, ignored };
}

/**
 * The witness check: `ok` when the cosigners reach the policy's quorum and no cosignature by
 * a trusted witness fails to verify (as openNote, which treats that as tampering).
 */
export function quorumOutcome(exam: CheckpointExamination, quorum: number): { ok: boolean; detail: string } {
  const n = exam.cosigners.length;
  const who = exam.cosigners.map((c) => `${quoted(c.name)} at ${isoTime(c.time)}`).join(', ');
  const parts = [
    `${n} of the ${quorum} ${quorum === 1 ? 'cosignature' : 'cosignatures'} required by the policy, from distinct trusted witnesses${n > 0 ? `: ${who}` : ''}`,
    ...exam.invalid,
    ...exam.uncounted,
  ];
  if (exam.ignored.length > 0)
    parts.push(
      `${count(exam.ignored.length, 'signature')} by keys the policy does not name did not count (${exam.ignored.map((name) => quoted(name)).join(', ')})`,
    );
  return { ok: n >= quorum && exam.invalid.length === 0, detail: `${parts.join('; ')}.` };
}
