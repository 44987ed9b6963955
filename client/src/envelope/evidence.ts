// Evidence files, encrypted chunk by chunk on the reporter's device before upload.
//
// Layout (all integers big-endian):
//   0   magic "BKUPEV\0\x01"                      8 bytes
//   8   content key sealed to the case key        80 bytes
//   88  plaintext chunk size                      u32
//   92  plaintext size                            u64
//   100 metadata ciphertext length                u32
//   104 metadata (JSON, AES-GCM, AAD = bytes 0–103, nonce 0¹¹‖0x02)
//   …   chunks: AES-GCM of each plaintext chunk, nonce = 88-bit counter ‖ last-chunk flag
// The chunk scheme is the STREAM construction (Hoang, Reyhanitabar, Rogaway, Vizár 2015),
// as used by age: truncation, reordering and extension are all detected. Any ciphertext
// byte range can be produced on demand, so an interrupted upload resumes anywhere.
import { CONTENT_KEY_BYTES, GCM_TAG_BYTES, type ContentKey, gcmDecrypt, gcmEncrypt, importContentKey } from './aead.ts';
import { concatBytes, randomBytes, toBase64Url, utf8, wipe } from './bytes.ts';
import { type BoxPublicKey, type BoxSecretKey, SEAL_OVERHEAD_BYTES, openSealed, seal } from './sealed-box.ts';

export const EVIDENCE_MAGIC = utf8('BKUPEV\u0000\u0001');
export const DEFAULT_CHUNK_BYTES = 256 * 1024;
const MIN_CHUNK_BYTES = 1024;
const MAX_CHUNK_BYTES = 16 * 1024 * 1024;
const MAX_METADATA_BYTES = 64 * 1024;
const METADATA_PADDING_BYTES = 256;
const SEALED_KEY_BYTES = SEAL_OVERHEAD_BYTES + CONTENT_KEY_BYTES;
const FIXED_HEADER_BYTES = 8 + SEALED_KEY_BYTES + 4 + 8 + 4;

/** Random-access bytes: a File in the browser, a file handle in Node. */
export interface ByteSource {
  readonly size: number;
  read(offset: number, length: number): Promise<Uint8Array>;
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

export interface EvidenceEncryptor {
  /** Total ciphertext size: the tus Upload-Length. */
  readonly size: number;
  /** Ciphertext bytes [start, end). */
  slice(start: number, end: number): Promise<Uint8Array>;
}

interface Layout {
  readonly headerLength: number;
  readonly chunkSize: number;
  readonly plainSize: number;
  readonly chunkCount: number;
}

function layoutOf(headerLength: number, chunkSize: number, plainSize: number): Layout {
  return { headerLength, chunkSize, plainSize, chunkCount: Math.max(1, Math.ceil(plainSize / chunkSize)) };
}

function ciphertextSize(l: Layout): number {
  return l.headerLength + l.plainSize + l.chunkCount * GCM_TAG_BYTES;
}

function chunkPlainLength(l: Layout, index: number): number {
  return index === l.chunkCount - 1 ? l.plainSize - index * l.chunkSize : l.chunkSize;
}

function chunkNonce(index: number, last: boolean): Uint8Array {
  const nonce = new Uint8Array(12);
  const view = new DataView(nonce.buffer);
  view.setUint32(3, Math.floor(index / 2 ** 32));
  view.setUint32(7, index >>> 0);
  nonce[11] = last ? 1 : 0;
  return nonce;
}

const METADATA_NONCE = Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2);

function writeUint64(view: DataView, at: number, value: number): void {
  view.setUint32(at, Math.floor(value / 2 ** 32));
  view.setUint32(at + 4, value >>> 0);
}

export interface CreateEncryptorInit {
  readonly name: string;
  readonly type: string;
  /** SHA-256 of the whole plaintext (hex), computed in a first pass. */
  readonly sha256: string;
  readonly chunkSize?: number;
}

export async function createEvidenceEncryptor(
  source: ByteSource,
  caseKey: BoxPublicKey,
  init: CreateEncryptorInit,
): Promise<EvidenceEncryptor> {
  const chunkSize = init.chunkSize ?? DEFAULT_CHUNK_BYTES;
  if (!/^[0-9a-f]{64}$/.test(init.sha256)) throw new RangeError('sha256 must be 64 lowercase hex digits');
  if (!Number.isInteger(chunkSize) || chunkSize < MIN_CHUNK_BYTES || chunkSize > MAX_CHUNK_BYTES) {
    throw new RangeError(`chunk size must be a whole number from ${MIN_CHUNK_BYTES} to ${MAX_CHUNK_BYTES}`);
  }
  if (!Number.isSafeInteger(source.size) || source.size < 0) throw new RangeError('bad source size');
  const rawKey = randomBytes(CONTENT_KEY_BYTES);
  const key = await importContentKey(rawKey);
  const metadata: EvidenceMetadata = {
    v: 1,
    name: init.name,
    type: init.type,
    size: source.size,
    sha256: init.sha256,
    salt: toBase64Url(randomBytes(32)),
  };
  const metaJson = utf8(JSON.stringify(metadata));
  const metaPlain = new Uint8Array(Math.ceil((metaJson.length + 1) / METADATA_PADDING_BYTES) * METADATA_PADDING_BYTES);
  metaPlain.fill(0x20).set(metaJson);

  const fixed = new Uint8Array(FIXED_HEADER_BYTES);
  const view = new DataView(fixed.buffer);
  fixed.set(EVIDENCE_MAGIC, 0);
  fixed.set(seal(rawKey, caseKey), 8);
  view.setUint32(88, chunkSize);
  writeUint64(view, 92, source.size);
  view.setUint32(100, metaPlain.length + GCM_TAG_BYTES);
  wipe(rawKey);
  const header = concatBytes(fixed, await gcmEncrypt(key, METADATA_NONCE, metaPlain, fixed));
  return new Encryptor(source, key, header, layoutOf(header.length, chunkSize, source.size));
}

/**
 * Encrypts the chunks a slice needs in one read and in parallel, and reads ahead by as
 * much again while the caller uploads, so encryption and upload overlap. Memory holds at
 * most two slices' worth of ciphertext.
 */
class Encryptor implements EvidenceEncryptor {
  readonly size: number;
  private readonly source: ByteSource;
  private readonly key: ContentKey;
  private readonly header: Uint8Array;
  private readonly layout: Layout;
  private readonly stride: number;
  private readonly cache = new Map<number, Promise<Uint8Array>>();

  constructor(source: ByteSource, key: ContentKey, header: Uint8Array, layout: Layout) {
    this.source = source;
    this.key = key;
    this.header = header;
    this.layout = layout;
    this.stride = layout.chunkSize + GCM_TAG_BYTES;
    this.size = ciphertextSize(layout);
  }

  async slice(start: number, end: number): Promise<Uint8Array> {
    end = Math.min(end, this.size);
    if (!(start >= 0 && start <= end)) throw new RangeError('bad slice');
    const parts: Uint8Array[] = [];
    if (start < this.header.length) parts.push(this.header.subarray(start, Math.min(end, this.header.length)));
    const from = Math.max(start, this.header.length);
    if (from < end) {
      const first = this.chunkAt(from);
      const last = this.chunkAt(end - 1);
      for (const index of this.cache.keys()) if (index < first) this.cache.delete(index);
      this.schedule(first, last);
      this.schedule(last + 1, last + 1 + (last - first));
      // Taken before any await, so a later slice evicting these entries cannot pull them away.
      const pending = Array.from({ length: last - first + 1 }, (_, i) => this.cache.get(first + i)!);
      for (const [i, chunk] of (await Promise.all(pending)).entries()) {
        const chunkStart = this.header.length + (first + i) * this.stride;
        parts.push(chunk.subarray(Math.max(0, from - chunkStart), Math.min(chunk.length, end - chunkStart)));
      }
    }
    return parts.length === 1 ? parts[0]! : concatBytes(...parts);
  }

  private chunkAt(offset: number): number {
    return Math.floor((offset - this.header.length) / this.stride);
  }

  /** Starts encrypting chunks first…last that are not cached yet, one read per run. */
  private schedule(first: number, last: number): void {
    last = Math.min(last, this.layout.chunkCount - 1);
    for (let runStart = first; runStart <= last; runStart++) {
      if (this.cache.has(runStart)) continue;
      let runEnd = runStart;
      while (runEnd < last && !this.cache.has(runEnd + 1)) runEnd++;
      const offset = runStart * this.layout.chunkSize;
      const plain = this.source.read(
        offset,
        runEnd * this.layout.chunkSize + chunkPlainLength(this.layout, runEnd) - offset,
      );
      for (let index = runStart; index <= runEnd; index++) {
        const at = (index - runStart) * this.layout.chunkSize;
        const nonce = chunkNonce(index, index === this.layout.chunkCount - 1);
        const chunk = plain.then((p) =>
          gcmEncrypt(this.key, nonce, p.subarray(at, at + chunkPlainLength(this.layout, index))),
        );
        // A failed read is forgotten, so a retry reads again; and a read-ahead nobody awaits
        // must not surface as an unhandled rejection (the slice that needs it sees the error).
        chunk.catch(() => {
          if (this.cache.get(index) === chunk) this.cache.delete(index);
        });
        this.cache.set(index, chunk);
      }
      runStart = runEnd;
    }
  }
}

export interface OpenedEvidence {
  readonly metadata: EvidenceMetadata;
  /** The plaintext, chunk by chunk; throws if any chunk was altered. */
  chunks(): AsyncGenerator<Uint8Array>;
}

/** Opens a stored evidence file. Its bytes came from an anonymous uploader: check everything. */
export async function openEvidence(source: ByteSource, caseSecret: BoxSecretKey): Promise<OpenedEvidence> {
  if (source.size < FIXED_HEADER_BYTES) throw new EvidenceFormatError('file too short for an evidence header');
  const fixed = await source.read(0, FIXED_HEADER_BYTES);
  if (!EVIDENCE_MAGIC.every((b, i) => fixed[i] === b)) throw new EvidenceFormatError('not a BackUp evidence file');
  const view = new DataView(fixed.buffer, fixed.byteOffset, fixed.byteLength);
  const chunkSize = view.getUint32(88);
  const plainSize = view.getUint32(92) * 2 ** 32 + view.getUint32(96);
  const metaLength = view.getUint32(100);
  if (chunkSize < MIN_CHUNK_BYTES || chunkSize > MAX_CHUNK_BYTES) throw new EvidenceFormatError('bad chunk size');
  if (!Number.isSafeInteger(plainSize)) throw new EvidenceFormatError('bad plaintext size');
  if (metaLength <= GCM_TAG_BYTES || metaLength > MAX_METADATA_BYTES)
    throw new EvidenceFormatError('bad metadata size');
  const layout = layoutOf(FIXED_HEADER_BYTES + metaLength, chunkSize, plainSize);
  if (ciphertextSize(layout) !== source.size) throw new EvidenceFormatError('file is truncated or extended');

  const rawKey = openSealed(fixed.subarray(8, 8 + SEALED_KEY_BYTES), caseSecret);
  const key = await importContentKey(rawKey);
  wipe(rawKey);
  const metaPlain = await gcmDecrypt(key, METADATA_NONCE, await source.read(FIXED_HEADER_BYTES, metaLength), fixed);
  const metadata = parseMetadata(metaPlain);
  if (metadata.size !== plainSize) throw new EvidenceFormatError('metadata and header disagree on the size');

  async function* chunks(): AsyncGenerator<Uint8Array> {
    let at = layout.headerLength;
    for (let index = 0; index < layout.chunkCount; index++) {
      const length = chunkPlainLength(layout, index) + GCM_TAG_BYTES;
      const ct = await source.read(at, length);
      at += length;
      yield await gcmDecrypt(key, chunkNonce(index, index === layout.chunkCount - 1), ct);
    }
  }
  return { metadata, chunks };
}

/** The metadata was written by an anonymous uploader who held the key: check its shape. */
function parseMetadata(plain: Uint8Array): EvidenceMetadata {
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
    m.name.length <= 1024 &&
    typeof m.type === 'string' &&
    m.type.length <= 255 &&
    Number.isSafeInteger(m.size) &&
    typeof m.sha256 === 'string' &&
    /^[0-9a-f]{64}$/.test(m.sha256) &&
    typeof m.salt === 'string' &&
    /^[A-Za-z0-9_-]{43}$/.test(m.salt);
  if (!valid) throw new EvidenceFormatError('the metadata does not have the expected fields');
  return m as EvidenceMetadata;
}
