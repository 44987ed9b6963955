// Opening stored evidence with the case key; the layout is in evidence-format.ts.
import { GCM_TAG_BYTES, gcmDecrypt, importContentKey } from './aead.ts';
import { wipe } from './bytes.ts';
import {
  type ByteSource,
  EVIDENCE_MAGIC,
  EvidenceFormatError,
  type EvidenceMetadata,
  FIXED_HEADER_BYTES,
  MAX_CHUNK_BYTES,
  MAX_METADATA_BYTES,
  METADATA_NONCE,
  MIN_CHUNK_BYTES,
  SEALED_KEY_BYTES,
  chunkNonce,
  chunkPlainLength,
  layoutOf,
  parseMetadata,
} from './evidence-format.ts';
import { type BoxSecretKey, openSealed } from './sealed-box.ts';

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
