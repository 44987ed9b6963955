// RFC 6962 / RFC 9162 §2.1 Merkle tree hashing and proofs, written from c2sp.org/merkle-tree
// and RFC 9162 §2.1.3.2 (inclusion) and §2.1.4.2 (consistency). Sizes are bigint inside so
// that trees past 2^53 leaves behave; callers may pass plain numbers.
import { C2spFormatError, HASH_SIZE, bytesEqual, sha256 } from './encoding.ts';

export const EMPTY_TREE_HASH = sha256();

export function leafHash(entry: Uint8Array): Uint8Array {
  return sha256(Uint8Array.of(0x00), entry);
}

export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  return sha256(Uint8Array.of(0x01), left, right);
}

/** Largest power of two strictly smaller than n (n > 1). */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH over leaf hashes [start, end): the recursive definition, nothing clever. */
export function treeHash(leafHashes: readonly Uint8Array[], start = 0, end = leafHashes.length): Uint8Array {
  const n = end - start;
  if (n === 0) return EMPTY_TREE_HASH;
  if (n === 1) return leafHashes[start] as Uint8Array;
  const k = splitPoint(n);
  return nodeHash(treeHash(leafHashes, start, start + k), treeHash(leafHashes, start + k, end));
}

/** PATH(m, D[n]) of c2sp.org/merkle-tree, over leaf hashes. */
export function inclusionProof(index: number, leafHashes: readonly Uint8Array[]): Uint8Array[] {
  const path = (m: number, start: number, end: number): Uint8Array[] => {
    const n = end - start;
    if (n <= 1) return [];
    const k = splitPoint(n);
    if (m < k) return [...path(m, start, start + k), treeHash(leafHashes, start + k, end)];
    return [...path(m - k, start + k, end), treeHash(leafHashes, start, start + k)];
  };
  if (index < 0 || index >= leafHashes.length) throw new C2spFormatError('index outside the tree');
  return path(index, 0, leafHashes.length);
}

/** PROOF(m, D[n]) = SUBPROOF(m, D[n], true) of c2sp.org/merkle-tree; empty for m = 0 or m = n. */
export function consistencyProof(size1: number, leafHashes: readonly Uint8Array[]): Uint8Array[] {
  const subproof = (m: number, start: number, end: number, whole: boolean): Uint8Array[] => {
    const n = end - start;
    if (m === n) return whole ? [] : [treeHash(leafHashes, start, end)];
    const k = splitPoint(n);
    if (m <= k) return [...subproof(m, start, start + k, whole), treeHash(leafHashes, start + k, end)];
    return [...subproof(m - k, start + k, end, false), treeHash(leafHashes, start, start + k)];
  };
  if (size1 < 0 || size1 > leafHashes.length) throw new C2spFormatError('size1 outside the tree');
  if (size1 === 0 || size1 === leafHashes.length) return [];
  return subproof(size1, 0, leafHashes.length, true);
}

const isHash = (h: Uint8Array): boolean => h.length === HASH_SIZE;
const lsb = (x: bigint): boolean => (x & 1n) === 1n;

/** RFC 9162 §2.1.3.2. */
export function verifyInclusion(
  index: number | bigint,
  size: number | bigint,
  leaf: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  const m = BigInt(index);
  const n = BigInt(size);
  if (m < 0n || m >= n || !isHash(leaf) || !proof.every(isHash)) return false;
  let fn = m;
  let sn = n - 1n;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0n) return false;
    if (lsb(fn) || fn === sn) {
      r = nodeHash(p, r);
      while (!lsb(fn) && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      r = nodeHash(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n && bytesEqual(r, root);
}

export interface ConsistencyOptions {
  /**
   * c2sp.org/merkle-tree (and tlog-witness) accept old size 0 with an empty proof; RFC 9162
   * and transparency-dev/merkle reject any proof from size 0. Default: reject.
   */
  readonly allowEmptyOldTree?: boolean;
}

/** RFC 9162 §2.1.4.2, with equal sizes handled as c2sp.org/merkle-tree step 2. */
export function verifyConsistency(
  size1: number | bigint,
  size2: number | bigint,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
  options: ConsistencyOptions = {},
): boolean {
  const m = BigInt(size1);
  const n = BigInt(size2);
  if (m < 0n || m > n) return false;
  if (m === 0n && !options.allowEmptyOldTree) return false;
  if (m === n) return proof.length === 0 && bytesEqual(root1, root2);
  if (m === 0n) return proof.length === 0;
  if (proof.length === 0 || !proof.every(isHash)) return false;
  const path = (m & (m - 1n)) === 0n ? [root1, ...proof] : [...proof];
  let fn = m - 1n;
  let sn = n - 1n;
  while (lsb(fn)) {
    fn >>= 1n;
    sn >>= 1n;
  }
  let fr = path[0] as Uint8Array;
  let sr = fr;
  for (const c of path.slice(1)) {
    if (sn === 0n) return false;
    if (lsb(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (!lsb(fn) && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n && bytesEqual(fr, root1) && bytesEqual(sr, root2);
}
