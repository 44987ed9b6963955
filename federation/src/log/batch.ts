// One batch of the group commit: the entries of waiting appends, their leaf hashes, the new
// complete-subtree hashes and the state the log will have once the batch is committed.
import { HASH_BYTES, MAX_ENTRY_BYTES } from '../merkle/index.ts';
import { OFFSET_BYTES, putU64 } from './disk.ts';
import { EntryTooLargeError } from './errors.ts';
import type { BatchWrite } from './files.ts';
import { type Frontier, type TreeHasher, extendTree, frontierRoot, nextFrontier } from './tree.ts';

/** The committed state that opening recovers and each batch advances. */
export interface LogState {
  readonly size: number;
  readonly root: Uint8Array;
  readonly frontier: Frontier;
  /** Length of the entries file at the committed size. */
  readonly entriesEnd: number;
}

/** The entries of one append or appendMany call. */
export interface PackedEntries {
  /** The entries concatenated, copied at call time so the caller may reuse its buffers. */
  readonly data: Buffer;
  /** Where each entry ends in data. */
  readonly ends: readonly number[];
}

/** Checks and copies entries (the edge: they may come from a reporter's upload). */
export function packEntries(entries: readonly Uint8Array[]): PackedEntries {
  let total = 0;
  for (const e of entries) {
    if (!(e instanceof Uint8Array)) throw new TypeError('a log entry is a Uint8Array');
    if (e.length > MAX_ENTRY_BYTES)
      throw new EntryTooLargeError(`a log entry holds at most ${MAX_ENTRY_BYTES} bytes, not ${e.length}`);
    total += e.length;
  }
  const data = Buffer.allocUnsafe(total);
  const ends: number[] = [];
  let at = 0;
  for (const e of entries) {
    data.set(e, at);
    at += e.length;
    ends.push(at);
  }
  return { data, ends };
}

/** What to write for `batch` on top of `state`, and the state once it is committed. */
export function prepareBatch(
  hasher: TreeHasher,
  state: LogState,
  batch: readonly PackedEntries[],
  count: number,
): { write: BatchWrite; next: LogState } {
  const data = batch.length === 1 ? batch[0]!.data : Buffer.concat(batch.map((r) => r.data));
  const ends = Buffer.allocUnsafe(count * OFFSET_BYTES);
  const leaves = Buffer.allocUnsafe(count * HASH_BYTES);
  let i = 0;
  let base = 0;
  for (const r of batch) {
    let start = 0;
    for (const end of r.ends) {
      hasher.leafInto(data, base + start, base + end, leaves, i * HASH_BYTES);
      putU64(ends, i++ * OFFSET_BYTES, state.entriesEnd + base + end);
      start = end;
    }
    base += r.data.length;
  }
  const levels = extendTree(hasher, state.size, state.frontier, leaves);
  const size = state.size + count;
  const frontier = nextFrontier(state.frontier, state.size, levels);
  const write: BatchWrite = {
    data,
    dataAt: state.entriesEnd,
    ends,
    endsAt: state.size * OFFSET_BYTES,
    levels,
    hashesAt: levels.map((_, h) => Math.floor(state.size / 2 ** h) * HASH_BYTES),
  };
  const root = frontierRoot(hasher, frontier, size);
  return { write, next: { size, root, frontier, entriesEnd: state.entriesEnd + data.length } };
}
