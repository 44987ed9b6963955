import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { evidenceCommitmentOf } from './commitment.ts';

const sha = (...parts: (string | Uint8Array)[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};

describe('evidenceCommitmentOf', () => {
  const salt = new Uint8Array(32).fill(3);
  const file = sha('a photo');
  const metadata = {
    salt: Buffer.from(salt).toString('base64url'),
    sha256: Buffer.from(file).toString('hex'),
    type: 'image/jpeg',
    size: 200_000,
  };

  it('commits to the salt, the file hash, the type and the size of the sealed metadata', () => {
    const expected = sha('backup/evidence-commitment/v1\n', salt, file, sha('type image/jpeg\nsize 200000\n'));
    expect(evidenceCommitmentOf(metadata)).toEqual(expected);
  });

  it('does not depend on the file name, which is never committed', () => {
    expect(evidenceCommitmentOf({ ...metadata, name: 'Goma, the market.jpg' } as typeof metadata)).toEqual(
      evidenceCommitmentOf(metadata),
    );
  });

  it('refuses a hash that is not lowercase hex, and a salt of the wrong length', () => {
    expect(() => evidenceCommitmentOf({ ...metadata, sha256: metadata.sha256.toUpperCase() })).toThrow(/hex/);
    expect(() => evidenceCommitmentOf({ ...metadata, sha256: `${metadata.sha256}0` })).toThrow();
    expect(() => evidenceCommitmentOf({ ...metadata, salt: metadata.salt.slice(3) })).toThrow(/salt/);
  });
});
