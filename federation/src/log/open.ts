// Opening a log: creating it, or recovering the committed state after a clean close or a crash.
import { type FileHandle, mkdir, readFile, readdir, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { EMPTY_ROOT, HASH_BYTES, equalHashes } from '../merkle/index.ts';
import {
  ENTRIES_FILE,
  FORMAT_FILE,
  HASHES_DIR,
  OFFSETS_FILE,
  OFFSET_BYTES,
  SIZE_FILE,
  type Committed,
  checkFormat,
  decodeSizeRecord,
  encodeFormat,
  encodeSizeRecord,
  syncDir,
  writeFileDurably,
} from './disk.ts';
import type { LogState } from './batch.ts';
import { LogCorruptError } from './errors.ts';
import { LogFiles, MAX_HEIGHT } from './files.ts';
import type { LogStore, LogStoreInit } from './index.ts';
import { LogStoreImpl } from './store.ts';
import { TreeHasher, frontierRoot } from './tree.ts';

/** Entries per batch unless LogStoreInit says otherwise: about 4096 × 32 B per set of fsyncs. */
export const DEFAULT_MAX_BATCH_ENTRIES = 4096;

/** Opens the log in `dir`, creating it when the directory is new or empty. */
export async function openLogStore(dir: string, init: LogStoreInit = {}): Promise<LogStore> {
  const maxBatchEntries = init.maxBatchEntries ?? DEFAULT_MAX_BATCH_ENTRIES;
  if (!Number.isSafeInteger(maxBatchEntries) || maxBatchEntries < 1)
    throw new RangeError('maxBatchEntries is a whole number of at least 1');
  const readOnly = init.readOnly === true;
  if (!readOnly) await mkdir(dir, { recursive: true });
  const format = await readIfPresent(join(dir, FORMAT_FILE));
  if (format === undefined) {
    if (readOnly) throw new LogCorruptError(`there is no evidence log in ${dir}`);
    await create(dir);
  } else checkFormat(format.toString('utf8'));
  const record = await readIfPresent(join(dir, SIZE_FILE));
  if (record === undefined) throw new LogCorruptError('the log size record is missing');
  const committed = decodeSizeRecord(record);
  // A size.tmp is a commit that never happened (or, beside a running node, one in progress).
  if (!readOnly) await rm(join(dir, `${SIZE_FILE}.tmp`), { force: true });
  const files = await LogFiles.open(dir, readOnly);
  try {
    return new LogStoreImpl(dir, files, await recover(files, committed, readOnly), maxBatchEntries, readOnly);
  } catch (error) {
    await files.close();
    throw error;
  }
}

async function readIfPresent(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

async function isEmpty(path: string): Promise<boolean> {
  try {
    const info = await stat(path);
    return info.isDirectory() ? (await readdir(path)).length === 0 : info.size === 0;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw error;
  }
}

/**
 * Creates a log. The format file comes last, so a creation cut short leaves no format file
 * and empty data files, and is simply done again; data without a format file is never touched.
 */
async function create(dir: string): Promise<void> {
  const record = await readIfPresent(join(dir, SIZE_FILE));
  const holdsData =
    (record !== undefined && decodeSizeRecord(record).size !== 0) ||
    !(await isEmpty(join(dir, ENTRIES_FILE))) ||
    !(await isEmpty(join(dir, OFFSETS_FILE))) ||
    !(await isEmpty(join(dir, HASHES_DIR)));
  if (holdsData) throw new LogCorruptError(`${dir} holds log data but no format file; refusing to touch it`);
  await (await LogFiles.open(dir)).close();
  await writeFileDurably(dir, SIZE_FILE, encodeSizeRecord({ size: 0, root: EMPTY_ROOT }));
  await writeFileDurably(dir, FORMAT_FILE, encodeFormat());
  await syncDir(dirname(dir));
}

/**
 * Cuts every file back to the committed size (dropping a batch a crash cut short), then checks
 * that the stored hashes still lead to the committed root and the last entry to its leaf hash.
 */
async function recover(files: LogFiles, { size, root }: Committed, readOnly: boolean): Promise<LogState> {
  await cut(files.offsets, size * OFFSET_BYTES, OFFSETS_FILE, readOnly);
  const entriesEnd = files.readEnd(size - 1);
  await cut(files.entries, entriesEnd, ENTRIES_FILE, readOnly);
  for (let h = 0; h <= MAX_HEIGHT; h++) {
    const want = Math.floor(size / 2 ** h) * HASH_BYTES;
    const handle = files.hashes[h];
    if (handle !== undefined) await cut(handle, want, `${HASHES_DIR}/${h}`, readOnly);
    else if (want > 0) throw new LogCorruptError(`${HASHES_DIR}/${h} is missing from a log of ${size}`);
  }
  const frontier: (Uint8Array | undefined)[] = [];
  for (let h = 0; 2 ** h <= size; h++) {
    const n = Math.floor(size / 2 ** h);
    frontier.push(n % 2 === 1 ? files.readHashes(h, n - 1, 1) : undefined);
  }
  const hasher = new TreeHasher();
  if (!equalHashes(frontierRoot(hasher, frontier, size), root))
    throw new LogCorruptError('the stored hashes do not lead to the committed root');
  if (size > 0) {
    const start = files.readEnd(size - 2);
    const last = files.readData(start, entriesEnd - start);
    if (!equalHashes(hasher.leafHash(last), files.readHashes(0, size - 1, 1)))
      throw new LogCorruptError('the last entry does not match its leaf hash');
  }
  return { size, root, frontier, entriesEnd };
}

/** Cuts a file back to `length`; a reader only checks that the committed part is there. */
async function cut(handle: FileHandle, length: number, name: string, readOnly: boolean): Promise<void> {
  const { size } = await handle.stat();
  if (size < length) throw new LogCorruptError(`${name} is ${size} bytes; the committed size needs ${length}`);
  if (size > length && !readOnly) {
    await handle.truncate(length);
    await handle.datasync();
  }
}
