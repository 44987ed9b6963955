// The production code (federation/) against the independent implementation written from
// the spec texts (test/support/c2sp): each verifies what the other produces.
import { describe, expect, it } from 'vitest';
import { generateEd25519Seed, nodeEd25519Signer, nodeEd25519Verify } from '../federation/src/crypto/node.ts';
import {
  consistencyProof as prodConsistency,
  entriesPath,
  inclusionProof as prodInclusion,
  leafHash as prodLeafHash,
  rootOfLeafHashes,
  tilePath,
  verifyConsistency as prodVerifyConsistency,
  verifyInclusion as prodVerifyInclusion,
} from '../federation/src/merkle/index.ts';
import {
  COSIGNATURE_V1_KEY_TYPE,
  ED25519_KEY_TYPE,
  formatCheckpoint,
  formatVerifierKey,
  noteSigner,
  openNote,
  parseCheckpoint as prodParseCheckpoint,
  parseVerifierKey as prodParseVerifierKey,
  signNote as prodSignNote,
} from '../federation/src/note/index.ts';
import * as c2sp from './support/c2sp/index.ts';

const verify = nodeEd25519Verify();
const enc = new TextEncoder();

function productionKey(name: string, type: typeof ED25519_KEY_TYPE | typeof COSIGNATURE_V1_KEY_TYPE) {
  const signer = noteSigner(name, type, nodeEd25519Signer(generateEd25519Seed()), () => 1_800_000_000);
  return { signer, vkey: formatVerifierKey(name, type, signer.publicKey) };
}

const leaves = Array.from({ length: 600 }, (_, i) => prodLeafHash(enc.encode(`commitment ${i}`)));
const reader = {
  hash: (h: number, i: number) => rootOfLeafHashes(leaves.slice(i * 2 ** h, (i + 1) * 2 ** h)),
};

describe('checkpoints and cosignatures made by federation/', () => {
  const log = productionKey('backup/test/00c0ffee', ED25519_KEY_TYPE);
  const witnesses = [1, 2, 3].map((i) => productionKey(`backup/w${i}/witness`, COSIGNATURE_V1_KEY_TYPE));
  const text = formatCheckpoint({ origin: log.signer.name, size: 600, root: rootOfLeafHashes(leaves), extensions: [] });
  const note = prodSignNote(text, [log.signer, ...witnesses.map((w) => w.signer)]);

  it('verify with the independent implementation, log signature and cosignatures alike', () => {
    const checked = c2sp.verifyNote(note, [log.vkey, ...witnesses.map((w) => w.vkey)]);
    expect(checked.failedBy).toEqual([]);
    expect(checked.verifiedBy.sort()).toEqual([log.signer.name, ...witnesses.map((w) => w.signer.name)].sort());
    expect(c2sp.cosignatureTimestamp(note, witnesses[0]!.vkey)).toBe(1_800_000_000);
    const parsed = c2sp.parseCheckpoint(checked.text);
    expect(parsed.size).toBe(600n);
    expect(parsed.rootHash).toEqual(c2sp.treeHash(leaves));
  });
  it('the independent verifier keys parse to the same key IDs', () => {
    for (const { vkey, signer } of [log, ...witnesses]) {
      expect(c2sp.parseVerifierKey(vkey).publicKey).toEqual(signer.publicKey);
      expect(prodParseVerifierKey(vkey, verify).keyId).toBe(signer.keyId);
    }
  });
});

describe('notes made by the independent implementation', () => {
  it('verify with federation/ (log key and cosignature/v1)', () => {
    const log = c2sp.makeNoteKey('example.org/log', c2sp.SIG_TYPE_ED25519);
    const witness = c2sp.makeNoteKey('example.org/witness', c2sp.SIG_TYPE_COSIGNATURE_V1);
    const text = `example.org/log\n7\n${c2sp.toBase64(c2sp.treeHash(leaves.slice(0, 7)))}\n`;
    const note = c2sp.signNote(text, [log, witness], 1_700_000_000n);
    const opened = openNote(note, [prodParseVerifierKey(log.vkey, verify), prodParseVerifierKey(witness.vkey, verify)]);
    expect(opened.verified.map((v) => v.verifier.name).sort()).toEqual(['example.org/log', 'example.org/witness']);
    expect(prodParseCheckpoint(opened.text).size).toBe(7);
  });
});

describe('proofs and tile paths', () => {
  it('production proofs verify independently, and independent proofs verify in production', () => {
    for (const size of [1, 2, 7, 255, 256, 257, 600]) {
      const root = rootOfLeafHashes(leaves.slice(0, size));
      for (const i of [0, Math.floor(size / 2), size - 1]) {
        expect(c2sp.verifyInclusion(i, size, leaves[i]!, prodInclusion(reader, i, size), root)).toBe(true);
        prodVerifyInclusion(i, size, leaves[i]!, c2sp.inclusionProof(i, leaves.slice(0, size)), root);
      }
      for (const m of [1, Math.ceil(size / 3), size]) {
        const root1 = rootOfLeafHashes(leaves.slice(0, m));
        expect(c2sp.verifyConsistency(m, size, prodConsistency(reader, m, size), root1, root)).toBe(true);
        prodVerifyConsistency(m, size, c2sp.consistencyProof(m, leaves.slice(0, size)), root1, root);
      }
    }
  });
  it('tile and entry bundle paths are the same', () => {
    for (const [level, index, width] of [
      [0, 0, 256],
      [0, 1234067, 256],
      [1, 999, 17],
      [2, 1000, 1],
    ] as const) {
      expect(tilePath(level, index, width)).toBe(c2sp.tileUrlPath(level, index, width === 256 ? undefined : width));
      expect(entriesPath(index, width)).toBe(c2sp.entriesUrlPath(index, width === 256 ? undefined : width));
    }
  });
});
