// Proof verification, RFC 9162 §2.1.3.2 (inclusion) and §2.1.4.2 (consistency). Proofs come
// from peers and packages: every length and size is checked before any hashing.
import { HASH_BYTES, equalHashes, isPowerOfTwo, nodeHash } from './hash.ts';

export class ProofError extends Error {
  override name = 'ProofError';
}

/** Tree sizes stay exact in a double up to 2^53. */
const MAX_SIZE = Number.MAX_SAFE_INTEGER;
/** A tree of at most 2^63 leaves has proofs of at most 63 hashes (tlog-witness's bound). */
export const MAX_PROOF_HASHES = 63;

function checkHashes(what: string, hashes: readonly Uint8Array[]): void {
  if (hashes.length > MAX_PROOF_HASHES) throw new ProofError(`${what} has too many hashes`);
  for (const h of hashes)
    if (h.length !== HASH_BYTES) throw new ProofError(`${what} holds a hash that is not 32 bytes`);
}

function checkSize(what: string, n: number): void {
  if (!Number.isSafeInteger(n) || n < 0 || n > MAX_SIZE) throw new ProofError(`${what} is not a valid tree size`);
}

const odd = (n: number) => n % 2 === 1;
const half = (n: number) => Math.floor(n / 2);

/** The root that an inclusion proof leads to; throws when the proof cannot be one. */
export function rootFromInclusionProof(
  index: number,
  size: number,
  leaf: Uint8Array,
  proof: readonly Uint8Array[],
): Uint8Array {
  checkSize('the tree size', size);
  if (!Number.isSafeInteger(index) || index < 0 || index >= size)
    throw new ProofError(`index ${index} is outside a tree of ${size} entries`);
  if (leaf.length !== HASH_BYTES) throw new ProofError('the leaf hash is not 32 bytes');
  checkHashes('the inclusion proof', proof);
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) throw new ProofError('the inclusion proof is too long');
    if (odd(fn) || fn === sn) {
      r = nodeHash(p, r);
      if (!odd(fn))
        while (!odd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) throw new ProofError('the inclusion proof is too short');
  return r;
}

export function verifyInclusion(
  index: number,
  size: number,
  leaf: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): void {
  if (root.length !== HASH_BYTES) throw new ProofError('the root hash is not 32 bytes');
  if (!equalHashes(rootFromInclusionProof(index, size, leaf, proof), root))
    throw new ProofError(`entry ${index} is not in the tree of ${size} entries with this root`);
}

/**
 * Verifies that the tree of size2 extends the tree of size1. Size 0 is refused, as in the
 * published vectors: callers (the witness) handle an old size of 0 before calling this.
 */
export function verifyConsistency(
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): void {
  checkSize('the first tree size', size1);
  checkSize('the second tree size', size2);
  checkHashes('the consistency proof', proof);
  if (size1 === 0) throw new ProofError('a consistency proof from the empty tree proves nothing');
  if (size2 < size1) throw new ProofError(`the tree shrank from ${size1} to ${size2} entries`);
  if (size1 === size2) {
    if (proof.length !== 0) throw new ProofError('trees of equal size need an empty proof');
    if (!equalHashes(root1, root2)) throw new ProofError(`two different roots for ${size1} entries`);
    return;
  }
  if (root1.length !== HASH_BYTES || root2.length !== HASH_BYTES) throw new ProofError('a root hash is not 32 bytes');
  if (proof.length === 0) throw new ProofError('the consistency proof is empty');
  // §2.1.4.2 step 2: when size1 is a power of two, the first tree is a subtree of the proof.
  const path = isPowerOfTwo(size1) ? [root1, ...proof] : [...proof];
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (odd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) throw new ProofError('the consistency proof is too long');
    if (odd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (!odd(fn))
        while (!odd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) throw new ProofError('the consistency proof is too short');
  if (!equalHashes(fr, root1))
    throw new ProofError(`the proof does not lead to the root of the first ${size1} entries`);
  if (!equalHashes(sr, root2)) throw new ProofError(`the proof does not lead to the root of the ${size2} entries`);
}
