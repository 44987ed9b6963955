// Proof production, RFC 9162 §2.1.3.1 (PATH) and §2.1.4.1 (SUBPROOF), over any store that
// can give the hash of a complete subtree. Each proof reads O(log n) stored hashes.
import { EMPTY_ROOT, nodeHash, splitPoint } from './hash.ts';
import { ProofError } from './verify.ts';

/** Hashes of complete subtrees: hash(h, i) is the root of leaves [i·2^h, (i+1)·2^h). */
export interface HashReader {
  hash(height: number, index: number): Uint8Array;
}

/** MTH(D[lo:hi]) for a range whose start is aligned to its largest complete subtree. */
export function subtreeRoot(reader: HashReader, lo: number, hi: number): Uint8Array {
  const n = hi - lo;
  let height = 0;
  while (2 ** height < n) height++;
  if (2 ** height === n && lo % n === 0) return reader.hash(height, lo / n);
  const k = splitPoint(n);
  return nodeHash(subtreeRoot(reader, lo, lo + k), subtreeRoot(reader, lo + k, hi));
}

export function treeRoot(reader: HashReader, size: number): Uint8Array {
  return size === 0 ? EMPTY_ROOT : subtreeRoot(reader, 0, size);
}

export function inclusionProof(reader: HashReader, index: number, size: number): Uint8Array[] {
  if (!Number.isSafeInteger(index) || index < 0 || index >= size)
    throw new ProofError(`index ${index} is outside a tree of ${size} entries`);
  const proof: Uint8Array[] = [];
  let lo = 0;
  let hi = size;
  // Walks down from the root; the proof lists siblings from the leaf up, so it is reversed.
  while (hi - lo > 1) {
    const k = splitPoint(hi - lo);
    if (index < lo + k) {
      proof.push(subtreeRoot(reader, lo + k, hi));
      hi = lo + k;
    } else {
      proof.push(subtreeRoot(reader, lo, lo + k));
      lo += k;
    }
  }
  return proof.reverse();
}

export function consistencyProof(reader: HashReader, size1: number, size2: number): Uint8Array[] {
  if (!Number.isSafeInteger(size1) || size1 < 1 || size1 > size2)
    throw new ProofError(`no consistency proof from ${size1} to ${size2} entries`);
  if (size1 === size2) return [];
  const proof: Uint8Array[] = [];
  let m = size1;
  let lo = 0;
  let hi = size2;
  let complete = true;
  while (m !== hi - lo) {
    const k = splitPoint(hi - lo);
    if (m <= k) {
      proof.push(subtreeRoot(reader, lo + k, hi));
      hi = lo + k;
    } else {
      proof.push(subtreeRoot(reader, lo, lo + k));
      lo += k;
      m -= k;
      complete = false;
    }
  }
  if (!complete) proof.push(subtreeRoot(reader, lo, hi));
  return proof.reverse();
}
