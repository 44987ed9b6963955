import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CommitmentError, custodyCommitment, evidenceCommitment } from './index.ts';

const sha = (...parts: (string | Uint8Array)[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};

describe('evidenceCommitment', () => {
  const salt = new Uint8Array(32).fill(9);
  const file = sha('the evidence file');
  it('is SHA-256 of the label, the salt, the file hash and the hash of type and size', () => {
    const expected = sha('backup/evidence-commitment/v1\n', salt, file, sha('type video/mp4\nsize 1234\n'));
    expect(evidenceCommitment(salt, { sha256: file, type: 'video/mp4', size: 1234 })).toEqual(expected);
  });
  it('changes with the salt, so a bare file hash cannot be looked up', () => {
    const other = new Uint8Array(32).fill(8);
    const facts = { sha256: file, type: 'video/mp4', size: 1234 };
    expect(evidenceCommitment(salt, facts)).not.toEqual(evidenceCommitment(other, facts));
  });
  it('refuses a short salt, a short hash and a multi-line type', () => {
    expect(() => evidenceCommitment(salt.subarray(1), { sha256: file, type: 'a', size: 1 })).toThrow(CommitmentError);
    expect(() => evidenceCommitment(salt, { sha256: file.subarray(1), type: 'a', size: 1 })).toThrow(CommitmentError);
    expect(() => evidenceCommitment(salt, { sha256: file, type: 'a\nsize 2', size: 1 })).toThrow(CommitmentError);
  });
});

describe('custodyCommitment', () => {
  it('is SHA-256 of the label, the salt and the hash of the event bytes', () => {
    const salt = new Uint8Array(32).fill(1);
    const event = new TextEncoder().encode('{"v":1}');
    expect(custodyCommitment(salt, event)).toEqual(sha('backup/custody-event/v1\n', salt, sha(event)));
  });
});
