// The durable, append-only evidence log of one node: an RFC 9162 Merkle tree on flat files,
// served as C2SP tlog-tiles. Layout and crash behaviour: store.ts.
import type { HashReader } from '../merkle/index.ts';

export interface LogStoreInit {
  /**
   * Most entries written in one batch (one set of fsyncs). Appends beyond it wait for the next
   * batch; a single appendMany larger than this is written alone, never split. Default 4096.
   */
  readonly maxBatchEntries?: number;
  /**
   * For another process (the admin CLI) reading a log the node is writing: nothing is
   * created, cut or written, and the store shows the size committed when it was opened.
   */
  readonly readOnly?: boolean;
}

export interface LogStore {
  /** Entries that are durable (fsync'd and committed); grows when a batch commits. */
  readonly size: number;
  /** Batches committed since the store was opened. */
  readonly batches: number;
  /**
   * Appends an entry (at most 65535 bytes) and resolves with its index once it is durable.
   * Appends that arrive while a batch is being written go together in the next batch.
   */
  append(entry: Uint8Array): Promise<number>;
  /** Appends entries at consecutive indices, all in one batch; resolves with the first index. */
  appendMany(entries: readonly Uint8Array[]): Promise<number>;
  /** MTH of the first `size` entries (RFC 9162 §2.1.1). */
  root(size?: number): Uint8Array;
  entry(index: number): Uint8Array;
  /** RFC 9162 §2.1.3.1, for the tree of `size` (default: the durable size). */
  inclusionProof(index: number, size?: number): Uint8Array[];
  /** RFC 9162 §2.1.4.1, from size1 to size2 (default: the durable size). */
  consistencyProof(size1: number, size2?: number): Uint8Array[];
  /** Reads stored complete-subtree hashes, bounded by the durable size at each call. */
  hashReader(): HashReader;
  /**
   * C2SP tlog-tiles hash tile: `width` hashes at tree height 8·level, from index·256 on.
   * Throws TileNotFoundError when the durable size does not hold them yet.
   */
  readTile(level: number, index: number, width: number): Uint8Array;
  /** C2SP tlog-tiles entry bundle of entries index·256 … index·256 + width − 1. */
  readEntryBundle(index: number, width: number): Uint8Array;
  /** Waits for the batches already asked for, then closes the files. */
  close(): Promise<void>;
}

export { DEFAULT_MAX_BATCH_ENTRIES, openLogStore } from './open.ts';
export { LOG_FORMAT_VERSION } from './disk.ts';
export {
  EntryTooLargeError,
  LogClosedError,
  LogCorruptError,
  LogRangeError,
  LogWriteError,
  TileNotFoundError,
  UnsupportedLogFormatError,
} from './errors.ts';
export { tilesForSize } from './tiles.ts';
