// The evidence log of one node: an append-only Merkle tree (RFC 9162 §2.1) on flat files, with
// group commit, served as C2SP tlog-tiles.
//
// On-disk layout, format v1 (integers big-endian), in the directory given to openLogStore:
//   format      {"format":"backup-evidence-log","v":1} — written last at creation; an unknown
//               v is refused (UnsupportedLogFormatError).
//   size        48 bytes: u64 tree size ‖ 32-byte root at that size ‖ first 8 bytes of SHA-256
//               of the 40 before. THE COMMIT POINT: replaced atomically (size.tmp, fsync, rename,
//               fsync the directory) only after every data file of the batch is fsync'd.
//   entries     the entries' bytes, concatenated in index order.
//   offsets     u64 per entry: the offset in `entries` where it ends (it starts where the
//               previous one ends), so entry i and bundle reads are two positioned reads.
//   hashes/<h>  hash(h, i) for i = 0 … ⌊size/2^h⌋ − 1, 32 bytes each: the root of the complete
//               subtree of leaves [i·2^h, (i+1)·2^h). hashes/0 holds the leaf hashes; all
//               heights together ≈ 2·size hashes. A tlog-tiles level-L tile is a 256-hash slice
//               of hashes/<8L>, and any proof is O(log n) positioned reads.
// A crash mid-batch leaves bytes past what the committed size implies; opening truncates them,
// so only appends that were never acknowledged are lost.
import {
  type HashReader,
  TILE_WIDTH,
  consistencyProof,
  encodeEntryBundle,
  inclusionProof,
  treeRoot,
} from '../merkle/index.ts';
import { type LogState, type PackedEntries, packEntries, prepareBatch } from './batch.ts';
import { OFFSET_BYTES, SIZE_FILE, encodeSizeRecord, getU64, writeFileDurably } from './disk.ts';
import { LogClosedError, LogRangeError, LogWriteError, TileNotFoundError } from './errors.ts';
import type { LogFiles } from './files.ts';
import type { LogStore } from './index.ts';
import { tileHashCount } from './tiles.ts';
import { TreeHasher } from './tree.ts';

interface Request extends PackedEntries {
  resolve(first: number): void;
  reject(error: unknown): void;
}

const isIndex = (n: number) => Number.isSafeInteger(n) && n >= 0;

export class LogStoreImpl implements LogStore {
  readonly #files: LogFiles;
  readonly #dir: string;
  readonly #maxBatchEntries: number;
  readonly #hasher = new TreeHasher();
  #state: LogState;
  #batches = 0;
  #queue: Request[] = [];
  #writing: Promise<void> | undefined;
  #failed: LogWriteError | undefined;
  #closing: Promise<void> | undefined;
  #closed = false;
  readonly #reader: HashReader = {
    hash: (height, index) => {
      this.#checkOpen();
      if (!isIndex(height) || !isIndex(index) || index >= Math.floor(this.#state.size / 2 ** height))
        throw new LogRangeError(`hash(${height}, ${index}) is not in a tree of ${this.#state.size}`);
      return this.#files.readHashes(height, index, 1);
    },
  };

  readonly #readOnly: boolean;

  constructor(dir: string, files: LogFiles, state: LogState, maxBatchEntries: number, readOnly = false) {
    this.#readOnly = readOnly;
    this.#dir = dir;
    this.#files = files;
    this.#state = state;
    this.#maxBatchEntries = maxBatchEntries;
  }

  get size(): number {
    return this.#state.size;
  }

  get batches(): number {
    return this.#batches;
  }

  append(entry: Uint8Array): Promise<number> {
    return this.appendMany([entry]);
  }

  async appendMany(entries: readonly Uint8Array[]): Promise<number> {
    if (this.#closing !== undefined) throw new LogClosedError('the log is closed');
    if (this.#readOnly) throw new LogClosedError('this log was opened read-only');
    if (this.#failed !== undefined) throw this.#failed;
    const packed = packEntries(entries);
    return new Promise((resolve, reject) => {
      this.#queue.push({ ...packed, resolve, reject });
      this.#writing ??= this.#drain();
    });
  }

  async #drain(): Promise<void> {
    // One microtask: callers appending in the same synchronous run share the first batch.
    await Promise.resolve();
    while (this.#queue.length > 0) {
      let take = 1;
      let count = this.#queue[0]!.ends.length;
      while (take < this.#queue.length && count + this.#queue[take]!.ends.length <= this.#maxBatchEntries)
        count += this.#queue[take++]!.ends.length;
      const batch = this.#queue.splice(0, take);
      try {
        let index = await this.#commit(batch, count);
        for (const r of batch) {
          r.resolve(index);
          index += r.ends.length;
        }
      } catch (cause) {
        this.#failed = new LogWriteError('a batch could not be made durable; reopen the log to recover', { cause });
        for (const r of [...batch, ...this.#queue.splice(0)]) r.reject(this.#failed);
      }
    }
    this.#writing = undefined;
  }

  /** Writes one batch and commits it; the in-memory state moves only once the commit is durable. */
  async #commit(batch: readonly Request[], count: number): Promise<number> {
    const old = this.#state;
    if (count === 0) return old.size;
    const { write, next } = prepareBatch(this.#hasher, old, batch, count);
    await this.#files.writeBatch(write);
    await writeFileDurably(this.#dir, SIZE_FILE, encodeSizeRecord(next));
    this.#state = next;
    this.#batches++;
    return old.size;
  }

  root(size = this.#state.size): Uint8Array {
    this.#checkSize(size);
    return size === this.#state.size ? Uint8Array.from(this.#state.root) : treeRoot(this.#reader, size);
  }

  entry(index: number): Uint8Array {
    this.#checkOpen();
    if (!isIndex(index) || index >= this.#state.size)
      throw new LogRangeError(`entry ${index} is not in a log of ${this.#state.size}`);
    const start = this.#files.readEnd(index - 1);
    return this.#files.readData(start, this.#files.readEnd(index) - start);
  }

  inclusionProof(index: number, size = this.#state.size): Uint8Array[] {
    this.#checkSize(size);
    return inclusionProof(this.#reader, index, size);
  }

  consistencyProof(size1: number, size2 = this.#state.size): Uint8Array[] {
    this.#checkSize(size2);
    return consistencyProof(this.#reader, size1, size2);
  }

  hashReader(): HashReader {
    return this.#reader;
  }

  readTile(level: number, index: number, width: number): Uint8Array {
    this.#checkOpen();
    if (!this.#holdsTile(level, index, width, tileHashCount(level, this.#state.size)))
      throw new TileNotFoundError(`tile ${level}/${index} of width ${width} is not in a tree of ${this.#state.size}`);
    return this.#files.readHashes(8 * level, index * TILE_WIDTH, width);
  }

  readEntryBundle(index: number, width: number): Uint8Array {
    this.#checkOpen();
    if (!this.#holdsTile(0, index, width, this.#state.size))
      throw new TileNotFoundError(`entry bundle ${index} of width ${width} is not in a log of ${this.#state.size}`);
    const first = index * TILE_WIDTH;
    const start = this.#files.readEnd(first - 1);
    const ends = this.#files.readEnds(first, width);
    const data = this.#files.readData(start, getU64(ends, (width - 1) * OFFSET_BYTES) - start);
    const entries: Uint8Array[] = [];
    for (let i = 0, from = 0; i < width; i++) {
      const to = getU64(ends, i * OFFSET_BYTES) - start;
      entries.push(data.subarray(from, to));
      from = to;
    }
    return encodeEntryBundle(entries);
  }

  #holdsTile(level: number, index: number, width: number, available: number): boolean {
    return (
      isIndex(level) &&
      isIndex(index) &&
      Number.isInteger(width) &&
      width >= 1 &&
      width <= TILE_WIDTH &&
      index * TILE_WIDTH + width <= available
    );
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      await this.#writing;
      this.#closed = true;
      await this.#files.close();
    })();
    return this.#closing;
  }

  #checkOpen(): void {
    if (this.#closed) throw new LogClosedError('the log is closed');
  }

  #checkSize(size: number): void {
    this.#checkOpen();
    if (!isIndex(size) || size > this.#state.size)
      throw new LogRangeError(`size ${size} is past the durable log of ${this.#state.size}`);
  }
}
