// Encrypting evidence on the reporter's device; the layout is in evidence-format.ts.
import { CONTENT_KEY_BYTES, GCM_TAG_BYTES, type ContentKey, gcmEncrypt, importContentKey } from './aead.ts';
import { concatBytes, randomBytes, toBase64Url, toHex, wipe } from './bytes.ts';
import {
  type ByteSource,
  DEFAULT_CHUNK_BYTES,
  EVIDENCE_MAGIC,
  type EvidenceMetadata,
  FIXED_HEADER_BYTES,
  HASH_READ_BYTES,
  type IncrementalHash,
  type Layout,
  MAX_CHUNK_BYTES,
  MAX_TYPE_CHARS,
  METADATA_BYTES,
  METADATA_NONCE,
  MIN_CHUNK_BYTES,
  chunkNonce,
  chunkPlainLength,
  encodeMetadata,
  layoutOf,
  writeUint64,
} from './evidence-format.ts';
import { type BoxPublicKey, seal } from './sealed-box.ts';
import { createSha256 } from './sha256.ts';

export interface EvidenceEncryptor {
  /** Total ciphertext size: the tus Upload-Length. */
  readonly size: number;
  /** Ciphertext bytes [start, end). */
  slice(start: number, end: number): Promise<Uint8Array>;
  /** The sealed metadata, SHA-256 included: ready once the whole file has been read. */
  metadata(): Promise<EvidenceMetadata>;
}

export interface CreateEncryptorInit {
  readonly name: string;
  readonly type: string;
  readonly chunkSize?: number;
  /** A fresh SHA-256; defaults to ./sha256.ts, which is faster in browsers than @noble/hashes. */
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
  return new Encryptor(source, key, header, layoutOf(chunkSize, source.size), partial, (init.hash ?? createSha256)());
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
