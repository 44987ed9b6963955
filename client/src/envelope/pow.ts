// Anti-flood proof of work for anonymous submissions: find a nonce such that
// SHA-256("backup pow v1" ‖ seed ‖ SHA-256(body) ‖ nonce) starts with `difficulty` zero
// bits. The seed rotates on the node, and binding the body makes each solution single-use.
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, toHex, utf8 } from './bytes.ts';

export const POW_HEADER = 'backup-pow';
const DOMAIN = utf8('backup pow v1');
export const POW_NONCE_BYTES = 8;

export class ProofOfWorkAbortedError extends Error {
  override name = 'ProofOfWorkAbortedError';
}

export function leadingZeroBits(hash: Uint8Array): number {
  let bits = 0;
  for (const byte of hash) {
    if (byte === 0) {
      bits += 8;
      continue;
    }
    return bits + Math.clz32(byte) - 24;
  }
  return bits;
}

export function powPreimage(seed: Uint8Array, bodyHash: Uint8Array, nonce: Uint8Array): Uint8Array {
  return concatBytes(DOMAIN, seed, bodyHash, nonce);
}

export interface PowChallenge {
  /** base64url seed the node announced. */
  readonly seed: string;
  readonly difficulty: number;
}

/** Returns the header value `SEED.NONCEHEX`. Yields to the event loop now and then. */
export async function solveProofOfWork(
  challenge: PowChallenge,
  seedBytes: Uint8Array,
  body: Uint8Array,
  signal?: AbortSignal,
): Promise<string> {
  if (signal?.aborted) throw new ProofOfWorkAbortedError('proof of work aborted', { cause: signal.reason });
  const bodyHash = sha256(body);
  const preimage = powPreimage(seedBytes, bodyHash, new Uint8Array(POW_NONCE_BYTES));
  const nonceAt = preimage.length - POW_NONCE_BYTES;
  const view = new DataView(preimage.buffer);
  for (let counter = 0; ; counter++) {
    view.setUint32(nonceAt + 4, counter >>> 0);
    view.setUint32(nonceAt, Math.floor(counter / 2 ** 32));
    if (leadingZeroBits(sha256(preimage)) >= challenge.difficulty) {
      return `${challenge.seed}.${toHex(preimage.subarray(nonceAt))}`;
    }
    if (counter % 16384 === 16383) {
      if (signal?.aborted) throw new ProofOfWorkAbortedError('proof of work aborted', { cause: signal.reason });
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  }
}
