// RFC 9162 §2.1.1 hashes on the append path. node:crypto's one-shot hash() is about 4× faster
// than @noble/hashes here; merkle/hash.ts stays the browser-safe reference, and tree.test.ts
// checks that both agree. Digests are taken as "binary" (latin1) strings and written into place,
// which costs less than allocating a Buffer per hash.
import { hash } from 'node:crypto';
import { EMPTY_ROOT, HASH_BYTES } from '../merkle/index.ts';

/**
 * The right edge of a tree of size n: frontier[h] = hash(h, ⌊n/2^h⌋ − 1) for every height h
 * where ⌊n/2^h⌋ is odd (a complete subtree still waiting for its right sibling), else undefined.
 * These are exactly the subtrees of n's binary decomposition, so they also give the root.
 */
export type Frontier = readonly (Uint8Array | undefined)[];

const count = (size: number, height: number) => Math.floor(size / 2 ** height);

export class TreeHasher {
  #leafInput = Buffer.alloc(1 + HASH_BYTES);
  readonly #nodeInput = Buffer.alloc(1 + 2 * HASH_BYTES);

  constructor() {
    this.#nodeInput[0] = 1;
  }

  /** Writes SHA-256(0x00 ‖ src[from…to)) to out[at…at+32). */
  leafInto(src: Buffer, from: number, to: number, out: Buffer, at: number): void {
    if (this.#leafInput.length !== 1 + to - from) this.#leafInput = Buffer.alloc(1 + to - from);
    src.copy(this.#leafInput, 1, from, to);
    out.write(hash('sha256', this.#leafInput, 'binary'), at, HASH_BYTES, 'latin1');
  }

  /** Writes SHA-256(0x01 ‖ src[from…from+64)) to out[at…at+32): two adjacent siblings. */
  pairInto(src: Buffer, from: number, out: Buffer, at: number): void {
    src.copy(this.#nodeInput, 1, from, from + 2 * HASH_BYTES);
    out.write(hash('sha256', this.#nodeInput, 'binary'), at, HASH_BYTES, 'latin1');
  }

  leafHash(entry: Uint8Array): Uint8Array {
    const out = Buffer.alloc(HASH_BYTES);
    const src = Buffer.from(entry.buffer, entry.byteOffset, entry.length);
    this.leafInto(src, 0, src.length, out, 0);
    return new Uint8Array(out.buffer, out.byteOffset, HASH_BYTES);
  }

  nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
    this.#nodeInput.set(left, 1);
    this.#nodeInput.set(right, 1 + HASH_BYTES);
    return new Uint8Array(hash('sha256', this.#nodeInput, 'buffer'));
  }
}

/**
 * The complete-subtree hashes that appending `leaves` (leaf hashes, count × 32 bytes) to a tree
 * of `size` creates: levels[h] holds the new hashes at height h from index ⌊size/2^h⌋ on.
 */
export function extendTree(hasher: TreeHasher, size: number, frontier: Frontier, leaves: Buffer): Buffer[] {
  const levels = [leaves];
  for (let h = 0; ; h++) {
    const current = levels[h]!;
    // 1 when the last stored node at this height is a left child whose sibling is new.
    const carry = count(size, h) % 2;
    const parents = Math.floor((current.length / HASH_BYTES + carry) / 2);
    if (parents === 0) return levels;
    const next = Buffer.allocUnsafe(parents * HASH_BYTES);
    let p = 0;
    if (carry === 1) {
      const pair = Buffer.concat([frontier[h]!, current.subarray(0, HASH_BYTES)]);
      hasher.pairInto(pair, 0, next, 0);
      p = 1;
    }
    for (; p < parents; p++) hasher.pairInto(current, (2 * p - carry) * HASH_BYTES, next, p * HASH_BYTES);
    levels.push(next);
  }
}

/** The frontier of the tree of `size` + new leaves, from the old one and extendTree's levels. */
export function nextFrontier(frontier: Frontier, size: number, levels: readonly Buffer[]): Frontier {
  const grown = size + levels[0]!.length / HASH_BYTES;
  const out: (Uint8Array | undefined)[] = [];
  for (let h = 0; 2 ** h <= grown; h++) {
    const level = levels[h];
    if (count(grown, h) % 2 === 0) out.push(undefined);
    // No new node at this height means the count did not change, nor did its last node.
    else if (level === undefined || level.length === 0) out.push(frontier[h]);
    else out.push(Uint8Array.from(level.subarray(level.length - HASH_BYTES)));
  }
  return out;
}

/** MTH of the tree of `size` (RFC 9162 §2.1.1): its frontier folded from the right. */
export function frontierRoot(hasher: TreeHasher, frontier: Frontier, size: number): Uint8Array {
  let root: Uint8Array | undefined;
  for (let h = 0; 2 ** h <= size; h++) {
    const node = frontier[h];
    if (count(size, h) % 2 === 1) root = root === undefined ? node! : hasher.nodeHash(node!, root);
  }
  return root ?? EMPTY_ROOT;
}
