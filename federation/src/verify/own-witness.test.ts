import { describe, expect, it } from 'vitest';
import { generateEd25519Seed, nodeEd25519Signer, nodeEd25519Verify } from '../crypto/node.ts';
import { EMPTY_ROOT } from '../merkle/index.ts';
import {
  COSIGNATURE_V1_KEY_TYPE,
  ED25519_KEY_TYPE,
  formatCheckpoint,
  formatVerifierKey,
  noteSigner,
  signNote,
} from '../note/index.ts';
import { examineCheckpoint, quorumOutcome } from './checkpoint.ts';

const verify = nodeEd25519Verify();
const ORIGIN = 'backup/clinic/0a0b0c0d';
const key = (name: string, type: typeof ED25519_KEY_TYPE | typeof COSIGNATURE_V1_KEY_TYPE) => {
  const signer = noteSigner(name, type, nodeEd25519Signer(generateEd25519Seed()), () => 1_800_000_000);
  return { signer, vkey: formatVerifierKey(name, type, signer.publicKey) };
};

describe('the quorum', () => {
  it('never counts the log’s own witness (same organisation, same key file) for its own log', () => {
    const log = key(ORIGIN, ED25519_KEY_TYPE);
    const own = key(`${ORIGIN}/witness`, COSIGNATURE_V1_KEY_TYPE);
    const other = key('backup/legal-aid/01020304/witness', COSIGNATURE_V1_KEY_TYPE);
    const note = signNote(formatCheckpoint({ origin: ORIGIN, size: 0, root: EMPTY_ROOT, extensions: [] }), [
      log.signer,
      own.signer,
      other.signer,
    ]);
    const policy = {
      v: 1 as const,
      logs: [{ origin: ORIGIN, key: log.vkey }],
      witnesses: [{ key: own.vkey }, { key: other.vkey }],
      quorum: 2,
    };
    const exam = examineCheckpoint(note, policy, verify, new Date(1_800_000_000_000));
    expect(exam.cosigners.map((c) => c.name)).toEqual([other.signer.name]);
    const outcome = quorumOutcome(exam, 2);
    expect(outcome.ok).toBe(false);
    expect(outcome.detail).toMatch(/log's own witness, so it does not count/);
    expect(quorumOutcome(exam, 1).ok).toBe(true);
  });
});
