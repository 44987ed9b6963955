// The open files of one log: positioned synchronous reads for proofs and tiles (a few µs each,
// from the page cache), asynchronous writes and fsyncs for batches.
import { constants, readSync } from 'node:fs';
import { type FileHandle, mkdir, open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { HASH_BYTES } from '../merkle/index.ts';
import { ENTRIES_FILE, HASHES_DIR, OFFSETS_FILE, OFFSET_BYTES, getU64, syncDir, writeAll } from './disk.ts';
import { LogCorruptError } from './errors.ts';

/** Heights 0…63 cover any tree whose size fits a u64. */
export const MAX_HEIGHT = 63;
const OPEN_RW = constants.O_RDWR | constants.O_CREAT;

/** What one batch adds; each part is written at its position, past the committed size. */
export interface BatchWrite {
  readonly data: Buffer;
  readonly dataAt: number;
  readonly ends: Buffer;
  readonly endsAt: number;
  /** levels[h] is written to hashes/<h> at hashesAt[h]. */
  readonly levels: readonly Buffer[];
  readonly hashesAt: readonly number[];
}

export class LogFiles {
  readonly #dir: string;
  readonly entries: FileHandle;
  readonly offsets: FileHandle;
  /** hashes[h] is hashes/<h>, opened when it exists or is first written. */
  readonly hashes: (FileHandle | undefined)[];

  private constructor(dir: string, entries: FileHandle, offsets: FileHandle, hashes: (FileHandle | undefined)[]) {
    this.#dir = dir;
    this.entries = entries;
    this.offsets = offsets;
    this.hashes = hashes;
  }

  static async open(dir: string, readOnly = false): Promise<LogFiles> {
    if (!readOnly) await mkdir(join(dir, HASHES_DIR), { recursive: true });
    const opened: FileHandle[] = [];
    const openOne = async (path: string) => {
      const handle = await open(path, readOnly ? 'r' : OPEN_RW, 0o600);
      opened.push(handle);
      return handle;
    };
    try {
      const entries = await openOne(join(dir, ENTRIES_FILE));
      const offsets = await openOne(join(dir, OFFSETS_FILE));
      const hashes: (FileHandle | undefined)[] = [];
      for (const name of await readdir(join(dir, HASHES_DIR))) {
        // Only canonical heights; anything else in hashes/ is not ours and is left alone.
        if (!/^(0|[1-9][0-9]?)$/.test(name) || Number(name) > MAX_HEIGHT) continue;
        hashes[Number(name)] = await openOne(join(dir, HASHES_DIR, name));
      }
      return new LogFiles(dir, entries, offsets, hashes);
    } catch (error) {
      await Promise.all(opened.map((h) => h.close()));
      throw error;
    }
  }

  /** count hashes at height h from index on. The caller has checked they are committed. */
  readHashes(height: number, index: number, count: number): Uint8Array {
    const handle = this.hashes[height];
    if (handle === undefined) throw new LogCorruptError(`hashes/${height} is missing`);
    return readExactly(handle, count * HASH_BYTES, index * HASH_BYTES);
  }

  /** Where entry i ends in the entries file; entry −1 "ends" at 0. */
  readEnd(index: number): number {
    return index < 0 ? 0 : getU64(readExactly(this.offsets, OFFSET_BYTES, index * OFFSET_BYTES), 0);
  }

  readEnds(first: number, count: number): Uint8Array {
    return readExactly(this.offsets, count * OFFSET_BYTES, first * OFFSET_BYTES);
  }

  readData(position: number, length: number): Uint8Array {
    return readExactly(this.entries, length, position);
  }

  /** Writes a batch and fsyncs every file it touched; files are written and synced in parallel. */
  async writeBatch(batch: BatchWrite): Promise<void> {
    // Every file is opened before any write starts, and every write is settled before a
    // failure is rethrown: a write left running after an error would reject unobserved.
    let created = false;
    for (const [h, level] of batch.levels.entries()) {
      if (level.length === 0 || this.hashes[h] !== undefined) continue;
      this.hashes[h] = await open(join(this.#dir, HASHES_DIR, String(h)), OPEN_RW, 0o600);
      created = true;
    }
    const jobs: Promise<void>[] = [
      writeAndSync(this.entries, batch.data, batch.dataAt),
      writeAndSync(this.offsets, batch.ends, batch.endsAt),
    ];
    for (const [h, level] of batch.levels.entries())
      if (level.length > 0) jobs.push(writeAndSync(this.hashes[h]!, level, batch.hashesAt[h]!));
    // A new file is only durable once the directory entry naming it is.
    if (created) jobs.push(syncDir(join(this.#dir, HASHES_DIR)));
    const failed = (await Promise.allSettled(jobs)).find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  async close(): Promise<void> {
    await Promise.all([this.entries, this.offsets, ...this.hashes].map((h) => h?.close()));
  }
}

async function writeAndSync(handle: FileHandle, bytes: Buffer, position: number): Promise<void> {
  await writeAll(handle, bytes, position);
  // fdatasync also flushes the file length, which is all the metadata a reader needs.
  await handle.datasync();
}

function readExactly(handle: FileHandle, length: number, position: number): Uint8Array {
  const out = new Uint8Array(length);
  let done = 0;
  while (done < length) {
    const n = readSync(handle.fd, out, done, length - done, position + done);
    if (n === 0) throw new LogCorruptError('a log file ended before the committed size (was it changed underneath?)');
    done += n;
  }
  return out;
}
