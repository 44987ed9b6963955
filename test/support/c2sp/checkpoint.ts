// Checkpoint note text (c2sp.org/tlog-checkpoint, "Note text").
import { C2spFormatError, HASH_SIZE, fromBase64, parseDecimal } from './encoding.ts';

export interface Checkpoint {
  readonly origin: string;
  readonly size: bigint;
  readonly rootHash: Uint8Array;
  readonly extensions: string[];
}

/**
 * Parses the text of a checkpoint note (what verifyNote returns, ending in a newline):
 * origin, tree size, base64 root hash, then optional non-empty extension lines.
 */
export function parseCheckpoint(text: string): Checkpoint {
  if (!text.endsWith('\n')) throw new C2spFormatError('checkpoint text must end with a newline');
  const lines = text.slice(0, -1).split('\n');
  const [origin, size, root, ...extensions] = lines;
  if (origin === undefined || size === undefined || root === undefined) {
    throw new C2spFormatError('checkpoint needs at least three lines');
  }
  if (lines.some((line) => line.length === 0)) throw new C2spFormatError('checkpoint lines must be non-empty');
  const rootHash = fromBase64(root);
  if (rootHash.length !== HASH_SIZE) throw new C2spFormatError('root hash must be 32 bytes');
  return { origin, size: parseDecimal(size, 'tree size'), rootHash, extensions };
}
