import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  EMPTY_ROOT,
  type HashReader,
  ProofError,
  consistencyProof,
  inclusionProof,
  leafHash,
  rootOfLeafHashes,
  treeRoot,
  verifyConsistency,
  verifyInclusion,
} from './index.ts';

const VECTORS = new URL('../../testdata/tlog-merkle/', import.meta.url).pathname;
const b64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));
const hex = (s: string) => new Uint8Array(Buffer.from(s, 'hex'));
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');

function probes(kind: 'inclusion' | 'consistency'): { file: string; probe: Record<string, unknown> }[] {
  const out: { file: string; probe: Record<string, unknown> }[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.json'))
        out.push({ file: path.slice(VECTORS.length), probe: JSON.parse(readFileSync(path, 'utf8')) });
    }
  };
  walk(join(VECTORS, kind));
  return out;
}

const hashes = (p: unknown) => ((p as string[] | null) ?? []).map(b64);

describe('the published tlog-merkle probes (transparency-dev/merkle testdata)', () => {
  const inclusion = probes('inclusion');
  const consistency = probes('consistency');
  it('are all present', () => {
    expect(inclusion.length).toBe(98);
    expect(consistency.length).toBe(98);
  });
  it.each(inclusion)('inclusion $file', ({ probe }) => {
    const run = () =>
      verifyInclusion(
        probe.leafIdx as number,
        probe.treeSize as number,
        b64(probe.leafHash as string),
        hashes(probe.proof),
        b64(probe.root as string),
      );
    if (probe.wantErr) expect(run).toThrow(ProofError);
    else expect(run).not.toThrow();
  });
  it.each(consistency)('consistency $file', ({ probe }) => {
    const run = () =>
      verifyConsistency(
        probe.size1 as number,
        probe.size2 as number,
        hashes(probe.proof),
        b64(probe.root1 as string),
        b64(probe.root2 as string),
      );
    if (probe.wantErr) expect(run).toThrow(ProofError);
    else expect(run).not.toThrow();
  });
});

// RFC 6962 reference inputs and roots, as used by the reference implementations' tests
// (certificate-transparency C++ merkle_tree_test.cc, transparency-dev/merkle testonly).
const LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'];
const ROOTS = [
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

/** A reader over every level of a tree built in memory, by the definition. */
function memoryReader(leaves: readonly Uint8Array[]): HashReader {
  return {
    hash(height, index) {
      const span = 2 ** height;
      return rootOfLeafHashes(leaves.slice(index * span, (index + 1) * span));
    },
  };
}

describe('RFC 6962 reference roots', () => {
  it.each(ROOTS.map((root, size) => ({ size, root })))('size $size', ({ size, root }) => {
    const leaves = LEAVES.slice(0, size).map((l) => leafHash(hex(l)));
    expect(toHex(rootOfLeafHashes(leaves))).toBe(root);
    expect(toHex(treeRoot(memoryReader(leaves), size))).toBe(root);
  });
  it('the empty tree is SHA-256 of nothing', () => expect(toHex(EMPTY_ROOT)).toBe(ROOTS[0]));
});

describe('inclusionProof and consistencyProof', () => {
  const leaves = Array.from({ length: 70 }, (_, i) => leafHash(new TextEncoder().encode(`entry ${i}`)));
  const reader = memoryReader(leaves);
  it('produce proofs that verify for every index and pair of sizes up to 70', () => {
    for (let size = 1; size <= leaves.length; size++) {
      const root = treeRoot(reader, size);
      for (let i = 0; i < size; i++) verifyInclusion(i, size, leaves[i]!, inclusionProof(reader, i, size), root);
      for (let m = 1; m <= size; m++)
        verifyConsistency(m, size, consistencyProof(reader, m, size), treeRoot(reader, m), root);
    }
  });
  it('a proof for one entry does not verify another', () => {
    const root = treeRoot(reader, 70);
    expect(() => verifyInclusion(5, 70, leaves[6]!, inclusionProof(reader, 5, 70), root)).toThrow(ProofError);
  });
  it('refuses an index past the tree', () => {
    expect(() => inclusionProof(reader, 70, 70)).toThrow(ProofError);
  });
});
