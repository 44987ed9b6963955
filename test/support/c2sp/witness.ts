// Wire formats of the add-checkpoint call (c2sp.org/tlog-witness, "add-checkpoint").
import { C2spFormatError, HASH_SIZE, fromBase64, parseDecimal, toBase64 } from './encoding.ts';

/** Content-Type of the "409 Conflict" body, which holds the witness's latest cosigned size. */
export const TLOG_SIZE_CONTENT_TYPE = 'text/x.tlog.size';
export const MAX_CONSISTENCY_PROOF_LINES = 63;

export interface AddCheckpointRequest {
  readonly oldSize: bigint;
  readonly proof: Uint8Array[];
  /** The signed checkpoint note, verbatim. */
  readonly checkpoint: string;
}

/** `old <size>\n`, one base64 hash per line, an empty line, then the signed checkpoint. */
export function formatAddCheckpointBody(
  oldSize: bigint | number,
  proof: readonly Uint8Array[],
  checkpoint: string,
): string {
  if (proof.length > MAX_CONSISTENCY_PROOF_LINES) throw new C2spFormatError('more than 63 proof lines');
  return `old ${BigInt(oldSize).toString()}\n${proof.map((h) => `${toBase64(h)}\n`).join('')}\n${checkpoint}`;
}

export function parseAddCheckpointBody(body: string): AddCheckpointRequest {
  const blank = body.indexOf('\n\n');
  if (blank < 0) throw new C2spFormatError('request has no empty line before the checkpoint');
  const [oldLine = '', ...proofLines] = body.slice(0, blank).split('\n');
  if (!oldLine.startsWith('old ')) throw new C2spFormatError('request must start with an old size line');
  if (proofLines.length > MAX_CONSISTENCY_PROOF_LINES) throw new C2spFormatError('more than 63 proof lines');
  const proof = proofLines.map((line) => {
    const hash = fromBase64(line);
    if (hash.length !== HASH_SIZE) throw new C2spFormatError('proof hash must be 32 bytes');
    return hash;
  });
  return { oldSize: parseDecimal(oldLine.slice(4), 'old size'), proof, checkpoint: body.slice(blank + 2) };
}

/** The 409 body: the tree size of the latest cosigned checkpoint in decimal, then a newline. */
export function parseTlogSizeBody(body: string): bigint {
  if (!body.endsWith('\n')) throw new C2spFormatError('size body must end with a newline');
  return parseDecimal(body.slice(0, -1), 'tree size');
}

/**
 * The 200 body is one or more note signature lines; appended to the checkpoint they make a
 * note that verifyNote can check against the witness keys.
 */
export function appendCosignatures(checkpoint: string, responseBody: string): string {
  const lines = responseBody.split('\n');
  if (lines.pop() !== '' || lines.length === 0 || !lines.every((l) => l.startsWith('\u2014 '))) {
    throw new C2spFormatError('response must be newline-terminated signature lines');
  }
  return checkpoint + responseBody;
}
