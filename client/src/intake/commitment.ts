// The evidence commitment a node logs (DESIGN §4, federation/src/commitment), computed on
// the reporter's device from the sealed metadata, since the node never sees the salt or the
// file's hash. It travels in clear as the tus Upload-Metadata of the upload's creation: it
// becomes public in the node's log anyway, and without the salt it tells nothing of the file.
import { evidenceCommitment } from '../../../federation/src/commitment/index.ts';
import { EncodingError, type EvidenceMetadata, fromBase64Url, wipe } from '../envelope/index.ts';

/** The tus Upload-Metadata key; the node accepts no other. */
export const COMMITMENT_METADATA_KEY = 'commitment';

/** The 32-byte evidence commitment of a file, from its metadata (salt, SHA-256, type, size). */
export function evidenceCommitmentOf(
  metadata: Pick<EvidenceMetadata, 'salt' | 'sha256' | 'type' | 'size'>,
): Uint8Array {
  const salt = fromBase64Url(metadata.salt);
  try {
    return evidenceCommitment(salt, { sha256: fromHex(metadata.sha256), type: metadata.type, size: metadata.size });
  } finally {
    wipe(salt);
  }
}

function fromHex(hex: string): Uint8Array {
  if (!/^(?:[0-9a-f]{2})*$/.test(hex)) throw new EncodingError('not lowercase hex');
  return Uint8Array.from({ length: hex.length / 2 }, (_, i) => parseInt(hex.slice(2 * i, 2 * i + 2), 16));
}
