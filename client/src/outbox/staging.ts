// Staging a file: encrypt it to the node's case key, a slice at a time, and keep only the
// ciphertext. The file's content key is sealed inside the ciphertext and kept nowhere
// else, so what the phone stores is unreadable on the phone. Its entry (kind, size, later
// its upload URL, the file's evidence commitment) is sealed under the report's receipt
// code key, and marked pending until a report takes it.
import { type BoxPublicKey, blobSource, createEvidenceEncryptor, toBase64Url } from '../envelope/index.ts';
import { evidenceCommitmentOf } from '../intake/index.ts';
import { OutboxFullError } from './errors.ts';
import type { FileKind, OutboxRecords } from './records.ts';

export interface StageEvidenceOptions {
  /** The name kept inside the encrypted metadata; defaults to the File's name. */
  readonly name?: string;
  /** Ciphertext bytes kept so far, of `total`. */
  readonly onProgress?: (done: number, total: number) => void;
  readonly signal?: AbortSignal;
}

export interface StagedEvidence {
  readonly id: string;
  /** Ciphertext bytes. */
  readonly size: number;
  readonly kind: FileKind;
}

/** `keyId`: the held key of the report the file goes with (`OutboxRecords.keyIdOf`). */
export async function stageEvidence(
  records: OutboxRecords,
  keyId: string,
  file: Blob,
  casePublicKey: BoxPublicKey,
  options: StageEvidenceOptions = {},
): Promise<StagedEvidence> {
  options.signal?.throwIfAborted();
  const encryptor = await createEvidenceEncryptor(blobSource(file), casePublicKey, {
    name: options.name ?? (file instanceof File ? file.name : ''),
    type: file.type,
  });
  if (records.store.persistent) await ensureRoom(encryptor.size);
  const entry = {
    v: 1,
    type: 'evidence',
    id: records.newId(),
    created: records.now(),
    kind: fileKindOf(file.type),
    size: encryptor.size,
    staged: false,
  } as const;
  await records.put(entry, keyId, true);
  try {
    await records.store.stageCiphertext(entry.id, encryptor, options);
    // Kept ciphertext ends with the sealed metadata, so this costs nothing more; a memory
    // outbox reads the file once here to hash it.
    const commitment = toBase64Url(evidenceCommitmentOf(await encryptor.metadata()));
    await records.put({ ...entry, staged: true, commitment }, keyId, true);
  } catch (error) {
    // Best effort: what is left is ciphertext, and the next openOutbox removes it anyway.
    await records.delete(entry.id).catch(() => undefined);
    throw error;
  }
  return { id: entry.id, size: entry.size, kind: entry.kind };
}

export function fileKindOf(type: string): FileKind {
  const major = type.split('/')[0];
  return major === 'image' || major === 'video' || major === 'audio' ? major : 'other';
}

/** Fails before writing anything when the browser says the file cannot fit. */
async function ensureRoom(bytes: number): Promise<void> {
  const estimate = await globalThis.navigator?.storage?.estimate?.();
  if (estimate?.quota === undefined || estimate.usage === undefined) return;
  if (estimate.quota - estimate.usage < bytes) {
    throw new OutboxFullError('there is no room left on this phone to keep this file');
  }
}
