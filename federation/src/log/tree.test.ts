import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { HASH_BYTES, leafHash, nodeHash, rootOfLeafHashes } from '../merkle/index.ts';
import { type Frontier, TreeHasher, extendTree, frontierRoot, nextFrontier } from './tree.ts';

describe('TreeHasher (node:crypto)', () => {
  const hasher = new TreeHasher();
  it.each([0, 1, 31, 32, 33, 1000, 65535])('hashes a %i-byte leaf as merkle leafHash does', (length) => {
    const entry = randomBytes(length);
    expect(hasher.leafHash(entry)).toEqual(leafHash(entry));
    const out = Buffer.alloc(HASH_BYTES + 7);
    hasher.leafInto(Buffer.concat([Buffer.from('xx'), entry]), 2, 2 + length, out, 7);
    expect(new Uint8Array(out.subarray(7))).toEqual(leafHash(entry));
  });
  it('hashes interior nodes as merkle nodeHash does', () => {
    for (let i = 0; i < 50; i++) {
      const [left, right] = [randomBytes(HASH_BYTES), randomBytes(HASH_BYTES)];
      expect(hasher.nodeHash(left, right)).toEqual(nodeHash(left, right));
      const out = Buffer.alloc(HASH_BYTES);
      hasher.pairInto(Buffer.concat([left, right]), 0, out, 0);
      expect(new Uint8Array(out)).toEqual(nodeHash(left, right));
    }
  });
});

describe('extendTree and the frontier', () => {
  it('grow, batch by batch, to the tree of the definition', () => {
    const hasher = new TreeHasher();
    const leaves: Uint8Array[] = [];
    let frontier: Frontier = [];
    for (const batch of [1, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 1, 256, 7]) {
      const added = Array.from({ length: batch }, () => leafHash(randomBytes(8)));
      const levels = extendTree(hasher, leaves.length, frontier, Buffer.concat(added));
      frontier = nextFrontier(frontier, leaves.length, levels);
      const before = leaves.length;
      leaves.push(...added);
      // Every new hash is the root of its complete subtree.
      for (const [h, level] of levels.entries())
        for (let j = 0; j < level.length / HASH_BYTES; j++) {
          const i = Math.floor(before / 2 ** h) + j;
          expect(new Uint8Array(level.subarray(j * HASH_BYTES, (j + 1) * HASH_BYTES))).toEqual(
            rootOfLeafHashes(leaves.slice(i * 2 ** h, (i + 1) * 2 ** h)),
          );
        }
      expect(frontierRoot(hasher, frontier, leaves.length)).toEqual(rootOfLeafHashes(leaves));
    }
  });
});
