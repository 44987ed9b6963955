// Byte-level pieces of the on-disk format (the layout is described at the top of store.ts):
// names, the format file, the size record and durable writes.
import { hash } from 'node:crypto';
import { type FileHandle, open, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { HASH_BYTES } from '../merkle/index.ts';
import { LogCorruptError, UnsupportedLogFormatError } from './errors.ts';
import { syncDirectory as syncDir } from '../fs/durable.ts';

export const LOG_FORMAT_VERSION = 1;
const FORMAT_NAME = 'backup-evidence-log';

export const FORMAT_FILE = 'format';
export const SIZE_FILE = 'size';
export const ENTRIES_FILE = 'entries';
export const OFFSETS_FILE = 'offsets';
export const HASHES_DIR = 'hashes';
export const OFFSET_BYTES = 8;
/** u64 size ‖ 32-byte root ‖ 8-byte check. */
export const SIZE_RECORD_BYTES = 8 + HASH_BYTES + 8;

/** u64 big-endian from two u32 halves: exact up to 2^53 without BigInt on the hot path. */
export function putU64(buf: Buffer, at: number, n: number): void {
  buf.writeUInt32BE(Math.floor(n / 2 ** 32), at);
  buf.writeUInt32BE(n >>> 0, at + 4);
}

export function getU64(buf: Uint8Array, at: number): number {
  const view = new DataView(buf.buffer, buf.byteOffset + at, 8);
  return view.getUint32(0) * 2 ** 32 + view.getUint32(4);
}

export function encodeFormat(): string {
  return `${JSON.stringify({ format: FORMAT_NAME, v: LOG_FORMAT_VERSION })}\n`;
}

export function checkFormat(text: string): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new LogCorruptError('the log format file is not JSON', { cause });
  }
  const record = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<string, unknown>;
  if (record['format'] !== FORMAT_NAME) throw new LogCorruptError('the directory does not hold a BackUp evidence log');
  if (record['v'] !== LOG_FORMAT_VERSION)
    throw new UnsupportedLogFormatError(
      `the evidence log is format v${String(record['v'])}; this version of BackUp reads v${LOG_FORMAT_VERSION}`,
    );
}

export interface Committed {
  readonly size: number;
  readonly root: Uint8Array;
}

const check = (bytes: Uint8Array) => hash('sha256', bytes.subarray(0, 8 + HASH_BYTES), 'buffer').subarray(0, 8);

export function encodeSizeRecord({ size, root }: Committed): Buffer {
  const record = Buffer.alloc(SIZE_RECORD_BYTES);
  putU64(record, 0, size);
  record.set(root, 8);
  record.set(check(record), 8 + HASH_BYTES);
  return record;
}

/** The check catches a torn or damaged record, which must not pass for a smaller log. */
export function decodeSizeRecord(record: Buffer): Committed {
  if (record.length !== SIZE_RECORD_BYTES)
    throw new LogCorruptError(`the log size record is ${record.length} bytes, not ${SIZE_RECORD_BYTES}`);
  if (!check(record).equals(record.subarray(8 + HASH_BYTES)))
    throw new LogCorruptError('the log size record is damaged (its check does not match)');
  const size = getU64(record, 0);
  if (!Number.isSafeInteger(size)) throw new LogCorruptError('the log size record holds an impossible size');
  return { size, root: Uint8Array.from(record.subarray(8, 8 + HASH_BYTES)) };
}

/** Writes at `position` until every byte is down (a positioned write may be short). */
export async function writeAll(handle: FileHandle, bytes: Uint8Array, position: number): Promise<void> {
  for (let done = 0; done < bytes.length;) {
    const { bytesWritten } = await handle.write(bytes, done, bytes.length - done, position + done);
    done += bytesWritten;
  }
}

export { syncDir };

/** Replaces dir/name atomically and durably: temp file, fsync, rename, fsync the directory. */
export async function writeFileDurably(dir: string, name: string, bytes: Uint8Array | string): Promise<void> {
  const temp = join(dir, `${name}.tmp`);
  const handle = await open(temp, 'w', 0o600);
  try {
    await writeAll(handle, typeof bytes === 'string' ? Buffer.from(bytes) : bytes, 0);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, join(dir, name));
  await syncDir(dir);
}
