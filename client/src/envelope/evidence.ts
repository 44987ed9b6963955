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
import { sha256 } from '@noble/hashes/sha2.js';
import { CONTENT_KEY_BYTES, GCM_TAG_BYTES, type ContentKey, gcmDecrypt, gcmEncrypt, importContentKey } from './aead.ts';
import { concatBytes, randomBytes, toBase64Url, toHex, utf8, wipe } from './bytes.ts';
import { type BoxPublicKey, type BoxSecretKey, SEAL_OVERHEAD_BYTES, openSealed, seal } from './sealed-box.ts';

export const EVIDENCE_MAGIC = utf8('BKUPEV\u0000\u0001');
export const DEFAULT_CHUNK_BYTES = 256 * 1024;
/** Plaintext metadata is padded to exactly this, so the ciphertext size is known up front. */
export const METADATA_BYTES = 1024;
const MIN_CHUNK_BYTES = 1024;
const MAX_CHUNK_BYTES = 16 * 1024 * 1024;
const MAX_METADATA_BYTES = 64 * 1024;
const MAX_NAME_CHARS = 255;
const MAX_TYPE_CHARS = 127;
const HASH_READ_BYTES = 4 * 1024 * 1024;
const SEALED_KEY_BYTES = SEAL_OVERHEAD_BYTES + CONTENT_KEY_BYTES;
const FIXED_HEADER_BYTES = 8 + SEALED_KEY_BYTES + 4 + 8 + 4;

/** Random-access bytes: a File in the browser, a file handle in Node. */
export interface ByteSource {
  readonly size: number;
  read(offset: number, length: number): Promise<Uint8Array>;
}

/** SHA-256, fed in order. `@noble/hashes` by default; Node passes its native one. */
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

export interface EvidenceEncryptor {
  /** Total ciphertext size: the tus Upload-Length. */
  readonly size: number;
  /** Ciphertext bytes [start, end). */
  slice(start: number, end: number): Promise<Uint8Array>;
  /** The sealed metadata, SHA-256 included: ready once the whole file has been read. */
  metadata(): Promise<EvidenceMetadata>;
}

interface Layout {
  readonly chunkSize: number;
  readonly plainSize: number;
  readonly chunkCount: number;
  /** Where the metadata starts: the end of the last chunk. */
  readonly chunksEnd: number;
}

function layoutOf(chunkSize: number, plainSize: number): Layout {
  const chunkCount = Math.max(1, Math.ceil(plainSize / chunkSize));
  return { chunkSize, plainSize, chunkCount, chunksEnd: FIXED_HEADER_BYTES + plainSize + chunkCount * GCM_TAG_BYTES };
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

/** The metadata as padded JSON of exactly METADATA_BYTES; a long name is shortened to fit. */
function encodeMetadata(metadata: EvidenceMetadata): Uint8Array {
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

export interface CreateEncryptorInit {
  readonly name: string;
  readonly type: string;
  readonly chunkSize?: number;
  /** A fresh SHA-256; defaults to @noble/hashes. */
  readonly hash?: () => IncrementalHash;
}

export async function createEvidenceEncryptor(
  source: ByteSource,
  caseKey: BoxPublicKey,
  init: CreateEncryptorInit,
): Promise<EvidenceEncryptor> {
  const chunkSize = init.chunkSize ?? DEFAULT_CHUNK_BYTES;
  if (!Number.isInteger(chunkSize) || chunkSize < MIN_CHUNK_BYTES || chunkSize > MAX_CHUNK_BYTES) {
    throw new RangeError(`chunk size must be a whole number from ${MIN_CHUNK_BYTES} to ${MAX_CHUNK_BYTES}`);
  }
  if (!Number.isSafeInteger(source.size) || source.size < 0) throw new RangeError('bad source size');
  const rawKey = randomBytes(CONTENT_KEY_BYTES);
  const key = await importContentKey(rawKey);
  const header = new Uint8Array(FIXED_HEADER_BYTES);
  const view = new DataView(header.buffer);
  header.set(EVIDENCE_MAGIC, 0);
  header.set(seal(rawKey, caseKey), 8);
  view.setUint32(88, chunkSize);
  writeUint64(view, 92, source.size);
  view.setUint32(100, METADATA_BYTES + GCM_TAG_BYTES);
  wipe(rawKey);
  const partial = {
    v: 1,
    name: init.name,
    type: Array.from(init.type).slice(0, MAX_TYPE_CHARS).join(''),
    size: source.size,
    salt: toBase64Url(randomBytes(32)),
  } as const;
  return new Encryptor(source, key, header, layoutOf(chunkSize, source.size), partial, (init.hash ?? sha256.create)());
}

/**
 * Encrypts the chunks a slice needs in one read and in parallel, and reads ahead by as
 * much again while the caller uploads, so encryption and upload overlap. Reads are hashed
 * in file order as they arrive; a caller that starts mid-file (a resumed upload) gets the
 * hash from a full read when the metadata is reached.
 */
class Encryptor implements EvidenceEncryptor {
  readonly size: number;
  private readonly source: ByteSource;
  private readonly key: ContentKey;
  private readonly header: Uint8Array;
  private readonly layout: Layout;
  private readonly stride: number;
  private readonly cache = new Map<number, Promise<Uint8Array>>();
  private readonly partial: Omit<EvidenceMetadata, 'sha256'>;
  private readonly hash: IncrementalHash;
  /** Plaintext bytes fed to the hash so far; the chain below feeds them in order. */
  private hashed = 0;
  private hashing: Promise<void> = Promise.resolve();
  private sealedMetadata: Promise<{ metadata: EvidenceMetadata; bytes: Uint8Array }> | undefined;

  constructor(
    source: ByteSource,
    key: ContentKey,
    header: Uint8Array,
    layout: Layout,
    partial: Omit<EvidenceMetadata, 'sha256'>,
    hash: IncrementalHash,
  ) {
    this.source = source;
    this.key = key;
    this.header = header;
    this.layout = layout;
    this.partial = partial;
    this.hash = hash;
    this.stride = layout.chunkSize + GCM_TAG_BYTES;
    this.size = layout.chunksEnd + METADATA_BYTES + GCM_TAG_BYTES;
  }

  async slice(start: number, end: number): Promise<Uint8Array> {
    end = Math.min(end, this.size);
    if (!(start >= 0 && start <= end)) throw new RangeError('bad slice');
    const parts: Uint8Array[] = [];
    if (start < FIXED_HEADER_BYTES) parts.push(this.header.subarray(start, Math.min(end, FIXED_HEADER_BYTES)));
    const from = Math.max(start, FIXED_HEADER_BYTES);
    const to = Math.min(end, this.layout.chunksEnd);
    if (from < to) {
      const first = this.chunkAt(from);
      const last = this.chunkAt(to - 1);
      for (const index of this.cache.keys()) if (index < first) this.cache.delete(index);
      this.schedule(first, last);
      this.schedule(last + 1, last + 1 + (last - first));
      // Taken before any await, so a later slice evicting these entries cannot pull them away.
      const pending = Array.from({ length: last - first + 1 }, (_, i) => this.cache.get(first + i)!);
      for (const [i, chunk] of (await Promise.all(pending)).entries()) {
        const chunkStart = FIXED_HEADER_BYTES + (first + i) * this.stride;
        parts.push(chunk.subarray(Math.max(0, from - chunkStart), Math.min(chunk.length, to - chunkStart)));
      }
    }
    if (end > this.layout.chunksEnd) {
      const { bytes } = await this.seal();
      parts.push(
        bytes.subarray(Math.max(start, this.layout.chunksEnd) - this.layout.chunksEnd, end - this.layout.chunksEnd),
      );
    }
    return parts.length === 1 ? parts[0]! : concatBytes(...parts);
  }

  async metadata(): Promise<EvidenceMetadata> {
    return (await this.seal()).metadata;
  }

  private chunkAt(offset: number): number {
    return Math.floor((offset - FIXED_HEADER_BYTES) / this.stride);
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
      this.feedHash(offset, plain);
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

  /** Hashes a read if it continues the plaintext hashed so far; reads come in file order. */
  private feedHash(offset: number, plain: Promise<Uint8Array>): void {
    this.hashing = this.hashing.then(async () => {
      if (offset !== this.hashed) return;
      try {
        const bytes = await plain;
        this.hash.update(bytes);
        this.hashed += bytes.length;
      } catch {
        // The slice waiting for these bytes reports the failure; a retry reads them again.
      }
    });
  }

  /** Finishes the hash (reading whatever was not read in order) and seals the metadata. */
  private seal(): Promise<{ metadata: EvidenceMetadata; bytes: Uint8Array }> {
    this.sealedMetadata ??= (async () => {
      const rest = this.hashing.then(async () => {
        while (this.hashed < this.layout.plainSize) {
          const length = Math.min(HASH_READ_BYTES, this.layout.plainSize - this.hashed);
          this.hash.update(await this.source.read(this.hashed, length));
          this.hashed += length;
        }
      });
      this.hashing = rest.catch(() => {});
      await rest;
      const metadata: EvidenceMetadata = { ...this.partial, sha256: toHex(this.hash.digest()) };
      return { metadata, bytes: await gcmEncrypt(this.key, METADATA_NONCE, encodeMetadata(metadata), this.header) };
    })();
    this.sealedMetadata.catch(() => (this.sealedMetadata = undefined));
    return this.sealedMetadata;
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
  const layout = layoutOf(chunkSize, plainSize);
  if (layout.chunksEnd + metaLength !== source.size) throw new EvidenceFormatError('file is truncated or extended');

  const rawKey = openSealed(fixed.subarray(8, 8 + SEALED_KEY_BYTES), caseSecret);
  const key = await importContentKey(rawKey);
  wipe(rawKey);
  const metaPlain = await gcmDecrypt(key, METADATA_NONCE, await source.read(layout.chunksEnd, metaLength), fixed);
  const metadata = parseMetadata(metaPlain);
  if (metadata.size !== plainSize) throw new EvidenceFormatError('metadata and header disagree on the size');

  async function* chunks(): AsyncGenerator<Uint8Array> {
    let at = FIXED_HEADER_BYTES;
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
