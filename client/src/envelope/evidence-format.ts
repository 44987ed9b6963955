// Evidence files, encrypted chunk by chunk on the reporter's device before upload.
//
// Layout (all integers big-endian):
//   0     magic "BKUPEV\0\x01"                      8 bytes
//   8     content key sealed to the case key        80 bytes
//   88    plaintext chunk size C                    u32
//   92    plaintext size P                          u64
//   100   metadata ciphertext length M              u32
//   104   chunks: AES-GCM of each plaintext chunk, nonce = 88-bit counter ‖ last-chunk flag
//   end−M metadata: JSON padded to 1 KiB, AES-GCM, AAD = bytes 0–103, nonce 0¹¹‖0x02
// The chunk scheme is the STREAM construction (Hoang, Reyhanitabar, Rogaway, Vizár 2015),
// as used by age: truncation, reordering and extension are all detected. Any ciphertext
// byte range can be produced on demand, so an interrupted upload resumes anywhere. The
// metadata, which holds the file's SHA-256, comes last: the file is hashed while it is
// encrypted and sent, so a phone starts uploading at once instead of reading a video twice.
import { CONTENT_KEY_BYTES, GCM_TAG_BYTES } from './aead.ts';
import { utf8 } from './bytes.ts';
import { SEAL_OVERHEAD_BYTES } from './sealed-box.ts';

export const EVIDENCE_MAGIC = utf8('BKUPEV\u0000\u0001');
export const DEFAULT_CHUNK_BYTES = 256 * 1024;
/** Plaintext metadata is padded to exactly this, so the ciphertext size is known up front. */
export const METADATA_BYTES = 1024;
export const MIN_CHUNK_BYTES = 1024;
export const MAX_CHUNK_BYTES = 16 * 1024 * 1024;
export const MAX_METADATA_BYTES = 64 * 1024;
const MAX_NAME_CHARS = 255;
export const MAX_TYPE_CHARS = 127;
export const HASH_READ_BYTES = 4 * 1024 * 1024;
export const SEALED_KEY_BYTES = SEAL_OVERHEAD_BYTES + CONTENT_KEY_BYTES;
export const FIXED_HEADER_BYTES = 8 + SEALED_KEY_BYTES + 4 + 8 + 4;

/** Random-access bytes: a File in the browser, a file handle in Node. */
export interface ByteSource {
  readonly size: number;
  read(offset: number, length: number): Promise<Uint8Array>;
}

/** SHA-256, fed in order. ./sha256.ts by default; Node passes its native one. */
export interface IncrementalHash {
  update(bytes: Uint8Array): unknown;
  digest(): Uint8Array;
}

/** What the reporter's device knows about the file; travels only inside the ciphertext. */
export interface EvidenceMetadata {
  readonly v: 1;
  readonly name: string;
  readonly type: string;
  readonly size: number;
  /** SHA-256 of the plaintext file, lowercase hex. */
  readonly sha256: string;
  /** Random salt for the file's integrity-log commitment (base64url, 32 bytes). */
  readonly salt: string;
}

export class EvidenceFormatError extends Error {
  override name = 'EvidenceFormatError';
}

export interface Layout {
  readonly chunkSize: number;
  readonly plainSize: number;
  readonly chunkCount: number;
  /** Where the metadata starts: the end of the last chunk. */
  readonly chunksEnd: number;
}

export function layoutOf(chunkSize: number, plainSize: number): Layout {
  const chunkCount = Math.max(1, Math.ceil(plainSize / chunkSize));
  return { chunkSize, plainSize, chunkCount, chunksEnd: FIXED_HEADER_BYTES + plainSize + chunkCount * GCM_TAG_BYTES };
}

export function chunkPlainLength(l: Layout, index: number): number {
  return index === l.chunkCount - 1 ? l.plainSize - index * l.chunkSize : l.chunkSize;
}

export function chunkNonce(index: number, last: boolean): Uint8Array {
  const nonce = new Uint8Array(12);
  const view = new DataView(nonce.buffer);
  view.setUint32(3, Math.floor(index / 2 ** 32));
  view.setUint32(7, index >>> 0);
  nonce[11] = last ? 1 : 0;
  return nonce;
}

export const METADATA_NONCE = Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2);

export function writeUint64(view: DataView, at: number, value: number): void {
  view.setUint32(at, Math.floor(value / 2 ** 32));
  view.setUint32(at + 4, value >>> 0);
}

/** The metadata as padded JSON of exactly METADATA_BYTES; a long name is shortened to fit. */
export function encodeMetadata(metadata: EvidenceMetadata): Uint8Array {
  let name = Array.from(metadata.name).slice(0, MAX_NAME_CHARS);
  for (;;) {
    const json = utf8(JSON.stringify({ ...metadata, name: name.join('') }));
    if (json.length < METADATA_BYTES) {
      const padded = new Uint8Array(METADATA_BYTES).fill(0x20);
      padded.set(json);
      return padded;
    }
    name = name.slice(0, -1);
  }
}

/** The metadata was written by an anonymous uploader who held the key: check its shape. */
export function parseMetadata(plain: Uint8Array): EvidenceMetadata {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(plain));
  } catch (cause) {
    throw new EvidenceFormatError('the metadata is not JSON', { cause });
  }
  const m = value as Partial<Record<keyof EvidenceMetadata, unknown>> | null;
  const valid =
    typeof m === 'object' &&
    m !== null &&
    m.v === 1 &&
    typeof m.name === 'string' &&
    m.name.length <= MAX_NAME_CHARS * 2 &&
    typeof m.type === 'string' &&
    m.type.length <= MAX_TYPE_CHARS * 2 &&
    Number.isSafeInteger(m.size) &&
    typeof m.sha256 === 'string' &&
    /^[0-9a-f]{64}$/.test(m.sha256) &&
    typeof m.salt === 'string' &&
    /^[A-Za-z0-9_-]{43}$/.test(m.salt);
  if (!valid) throw new EvidenceFormatError('the metadata does not have the expected fields');
  return m as EvidenceMetadata;
}
