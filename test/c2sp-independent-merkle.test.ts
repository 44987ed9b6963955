// The independent RFC 6962 / c2sp.org/merkle-tree / tlog-tiles implementation in
// test/support/c2sp, proved against published vectors before it is trusted to cross-check
// federation/. No networking: tiles are served from memory.
import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  consistencyProof,
  encodeEntryBundle,
  entriesUrlPath,
  fromHex,
  inclusionProof,
  leafHash,
  leafHashesFromEntryBundle,
  nodeHash,
  rootFromTiles,
  tileUrlPath,
  tilesForTreeSize,
  toHex,
  treeHash,
  verifyConsistency,
  verifyInclusion,
} from './support/c2sp/index.ts';

// The leaves and roots of the RFC 6962 reference tests, as published in
// github.com/transparency-dev/merkle proof/verify_test.go (`leaves`, `roots`; the same values
// as certificate-transparency's C++ merkle_tree_test.cc). Size 0 is SHA-256("") by definition.
const REFERENCE_LEAVES = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
];
const REFERENCE_ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
const referenceHashes = REFERENCE_LEAVES.map((hex) => leafHash(fromHex(hex)));
const hex = (hashes: readonly Uint8Array[]): string[] => hashes.map(toHex);

/** Leaf hashes of a synthetic log; random bytes stand in for hashes to keep big trees cheap. */
function leavesOf(count: number): Uint8Array[] {
  const bytes = randomBytes(32 * count);
  return Array.from({ length: count }, (_, i) => new Uint8Array(bytes.subarray(32 * i, 32 * (i + 1))));
}

describe('treeHash', () => {
  it.each(REFERENCE_ROOTS.map((root, size) => ({ size, root })))(
    'reproduces the RFC 6962 reference root of size $size',
    ({ size, root }) => {
      expect(toHex(treeHash(referenceHashes.slice(0, size)))).toBe(root);
    },
  );
});

describe('inclusionProof and consistencyProof', () => {
  // Reference proofs: transparency-dev/merkle proof/verify_test.go (`inclusionProofs` with
  // 1-based leaf numbers, `consistencyProofs`).
  it('reproduce the reference inclusion proofs', () => {
    const in8 = referenceHashes.slice(0, 8);
    expect(hex(inclusionProof(0, in8))).toEqual([
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ]);
    expect(hex(inclusionProof(5, in8))).toEqual([
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ]);
    expect(hex(inclusionProof(2, referenceHashes.slice(0, 3)))).toEqual([REFERENCE_ROOTS[2]]);
    expect(hex(inclusionProof(1, referenceHashes.slice(0, 5)))).toEqual([
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ]);
  });

  it('reproduce the reference consistency proofs', () => {
    expect(hex(consistencyProof(1, referenceHashes.slice(0, 8)))).toEqual(hex(inclusionProof(0, referenceHashes)));
    expect(hex(consistencyProof(6, referenceHashes.slice(0, 8)))).toEqual([
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ]);
    expect(hex(consistencyProof(2, referenceHashes.slice(0, 5)))).toEqual([
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ]);
    expect(hex(consistencyProof(6, referenceHashes.slice(0, 7)))).toEqual([
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ]);
  });

  it('match the 7-entry example of c2sp.org/merkle-tree', () => {
    const [a, b, c, d, e, f, g] = Array.from({ length: 7 }, (_, i) => leafHash(Uint8Array.of(i))) as [
      Uint8Array,
      Uint8Array,
      Uint8Array,
      Uint8Array,
      Uint8Array,
      Uint8Array,
      Uint8Array,
    ];
    const [h, i, j] = [nodeHash(a, b), nodeHash(c, d), nodeHash(e, f)];
    const [k, l] = [nodeHash(h, i), nodeHash(j, g)];
    const tree = [a, b, c, d, e, f, g];
    expect(treeHash(tree)).toEqual(nodeHash(k, l));
    expect(inclusionProof(0, tree)).toEqual([b, i, l]);
    expect(inclusionProof(3, tree)).toEqual([c, h, l]);
    expect(inclusionProof(4, tree)).toEqual([f, g, k]);
    expect(inclusionProof(6, tree)).toEqual([j, k]);
    expect(consistencyProof(3, tree)).toEqual([c, d, h, l]);
    expect(consistencyProof(4, tree)).toEqual([l]);
    expect(consistencyProof(6, tree)).toEqual([j, g, k]);
  });
});

// The transparency-dev probes copied into federation/testdata/tlog-merkle (see ORIGIN.md there).
const PROBES = new URL('../federation/testdata/tlog-merkle', import.meta.url).pathname;
const b64 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'base64'));
function probes(kind: 'inclusion' | 'consistency'): { file: string; probe: Record<string, unknown> }[] {
  return readdirSync(join(PROBES, kind), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => ({
      file,
      probe: JSON.parse(readFileSync(join(PROBES, kind, file), 'utf8')) as Record<string, unknown>,
    }));
}
const proofOf = (p: Record<string, unknown>): Uint8Array[] => ((p.proof as string[] | null) ?? []).map(b64);

describe('the transparency-dev/merkle probes', () => {
  it('are all present (ORIGIN.md lists 196 files)', () => {
    expect(probes('inclusion').length + probes('consistency').length).toBe(196);
  });
});

describe('verifyInclusion', () => {
  describe('against the transparency-dev/merkle probes', () => {
    it.each(probes('inclusion'))('answers $file as the reference library does', ({ probe: p }) => {
      const ok = verifyInclusion(
        p.leafIdx as number,
        p.treeSize as number,
        b64(p.leafHash as string),
        proofOf(p),
        b64(p.root as string),
      );
      expect(ok).toBe(!(p.wantErr as boolean));
    });
  });

  it('accepts every generated proof, and rejects it at the next index or in the next tree', () => {
    const leaves = leavesOf(21);
    for (let size = 1; size <= 20; size++) {
      const tree = leaves.slice(0, size);
      const [root, nextRoot] = [treeHash(tree), treeHash(leaves, 0, size + 1)];
      for (let index = 0; index < size; index++) {
        const [leaf, proof] = [tree[index] as Uint8Array, inclusionProof(index, tree)];
        expect(verifyInclusion(index, size, leaf, proof, root)).toBe(true);
        expect(verifyInclusion(index + 1, size, leaf, proof, root)).toBe(false);
        expect(verifyInclusion(index, size + 1, leaf, proof, nextRoot)).toBe(false);
      }
    }
  });
});

describe('verifyConsistency', () => {
  describe('against the transparency-dev/merkle probes', () => {
    it.each(probes('consistency'))('answers $file as the reference library does', ({ probe: p }) => {
      const args = [
        p.size1 as number,
        p.size2 as number,
        proofOf(p),
        b64(p.root1 as string),
        b64(p.root2 as string),
      ] as const;
      expect(verifyConsistency(...args)).toBe(!(p.wantErr as boolean));
    });
  });

  describe('when the old tree is empty', () => {
    it('follows c2sp.org/merkle-tree when asked: valid if and only if the proof is empty', () => {
      const root = treeHash(leavesOf(5));
      const opts = { allowEmptyOldTree: true };
      expect(verifyConsistency(0, 5, [], treeHash([]), root)).toBe(false);
      expect(verifyConsistency(0, 5, [], treeHash([]), root, opts)).toBe(true);
      expect(verifyConsistency(0, 5, [root], treeHash([]), root, opts)).toBe(false);
      expect(verifyConsistency(0, 0, [], root, treeHash([]), opts)).toBe(false);
    });
  });

  it('accepts every generated proof and rejects a swapped root or a truncated proof', () => {
    for (let size2 = 1; size2 <= 20; size2++) {
      const tree = leavesOf(size2);
      for (let size1 = 1; size1 <= size2; size1++) {
        const [root1, root2] = [treeHash(tree, 0, size1), treeHash(tree)];
        const proof = consistencyProof(size1, tree);
        expect(verifyConsistency(size1, size2, proof, root1, root2)).toBe(true);
        if (size1 === size2) continue;
        expect(verifyConsistency(size1, size2, proof, root2, root1)).toBe(false);
        expect(verifyConsistency(size1, size2, proof.slice(0, -1), root1, root2)).toBe(false);
      }
    }
  });
});

describe('tile paths', () => {
  it('encode the index in 3-digit x-prefixed elements, as in the tlog-tiles example', () => {
    expect(tileUrlPath(0, 1234067)).toBe('tile/0/x001/x234/067');
    expect(tileUrlPath(2, 0)).toBe('tile/2/000');
    expect(tileUrlPath(1, 1000, 17)).toBe('tile/1/x001/000.p/17');
    expect(entriesUrlPath(1234067)).toBe('tile/entries/x001/x234/067');
    expect(entriesUrlPath(273, 112)).toBe('tile/entries/273.p/112');
  });

  it('refuse levels past 63 and partial widths outside 1..255', () => {
    expect(() => tileUrlPath(64, 0)).toThrow();
    expect(() => tileUrlPath(0, 0, 0)).toThrow();
    expect(() => tileUrlPath(0, -1)).toThrow();
    expect(tileUrlPath(0, 5, 256)).toBe('tile/0/005');
  });

  it('list the tiles of the 70,000-leaf and 256-leaf examples of tlog-tiles', () => {
    const tiles = tilesForTreeSize(70_000);
    expect(tiles.filter((t) => t.level === 0 && t.width === 256)).toHaveLength(273);
    expect(tiles.filter((t) => t.width !== 256)).toEqual([
      { level: 0, index: 273, width: 112 },
      { level: 1, index: 1, width: 17 },
      { level: 2, index: 0, width: 1 },
    ]);
    expect(tiles.filter((t) => t.level === 1 && t.width === 256)).toHaveLength(1);
    expect(tilesForTreeSize(256)).toEqual([
      { level: 0, index: 0, width: 256 },
      { level: 1, index: 0, width: 1 },
    ]);
  });
});

describe('leafHashesFromEntryBundle', () => {
  it('hashes a bundle of the reference leaves to the reference root of size 8', () => {
    const bundle = encodeEntryBundle(REFERENCE_LEAVES.map(fromHex));
    expect(toHex(treeHash(leafHashesFromEntryBundle(bundle)))).toBe(REFERENCE_ROOTS[8]);
  });

  it('rejects a bundle cut inside an entry or a length prefix', () => {
    const bundle = encodeEntryBundle([fromHex('0102'), fromHex('03')]);
    expect(() => leafHashesFromEntryBundle(bundle.slice(0, -1))).toThrow();
    expect(() => leafHashesFromEntryBundle(bundle.slice(0, 5))).toThrow();
  });
});

/** A log in memory serving, on request, every tile tlog-tiles says a tree of this size has. */
function serveTiles(tree: readonly Uint8Array[]): { fetch: (path: string) => Promise<Uint8Array>; fetched: string[] } {
  const served = new Map(tilesForTreeSize(tree.length).map((t) => [tileUrlPath(t.level, t.index, t.width), t]));
  const fetched: string[] = [];
  const fetch = (path: string): Promise<Uint8Array> => {
    fetched.push(path);
    const tile = served.get(path);
    if (tile === undefined) return Promise.reject(new Error(`404 ${path}`));
    const span = 256 ** tile.level;
    const hashes = Array.from({ length: tile.width }, (_, i) => {
      const start = (tile.index * 256 + i) * span;
      return treeHash(tree, start, start + span);
    });
    return Promise.resolve(new Uint8Array(Buffer.concat(hashes)));
  };
  return { fetch, fetched };
}

describe('rootFromTiles', () => {
  it.each([0, 1, 2, 255, 256, 257, 1000, 4097])(
    'recomputes the root of %i leaves from level-0 tiles only',
    async (size) => {
      const tree = leavesOf(size);
      const log = serveTiles(tree);
      expect(await rootFromTiles(size, log.fetch)).toEqual(treeHash(tree));
      expect(log.fetched.every((path) => path.startsWith('tile/0/'))).toBe(true);
    },
  );

  it('reads whole subtrees from level-1 tiles when allowed', async () => {
    const size = 40 * 256 + 17;
    const tree = leavesOf(size);
    const log = serveTiles(tree);
    expect(await rootFromTiles(size, log.fetch, { maxLevel: 1 })).toEqual(treeHash(tree));
    expect(log.fetched.sort()).toEqual(['tile/0/040.p/17', 'tile/1/000.p/40']);
  });

  it('rejects a tile of the wrong length', async () => {
    const { fetch } = serveTiles(leavesOf(300));
    const short = async (path: string): Promise<Uint8Array> => (await fetch(path)).slice(32);
    await expect(rootFromTiles(300, short)).rejects.toThrow();
  });
});
