// The federation's wire protocols. The witness protocol carries C2SP tlog-witness
// add-checkpoint bodies unchanged, so a witness answers the same bytes over libp2p as over
// HTTP; only the HTTP status line needs framing.
import { fromBase64, toBase64 } from '../note/index.ts';

export const WITNESS_PROTOCOL = '/backup/witness/1.0.0';
/** Consistency proofs between two sizes of the serving node's own log. */
export const LOG_PROTOCOL = '/backup/log/1.0.0';
/** Cosigned checkpoints seen by members, for split-view detection. */
export const CHECKPOINT_TOPIC = '/backup/checkpoints/1.0.0';

export class ProtocolError extends Error {
  override name = 'ProtocolError';
}

export interface WireResponse {
  readonly status: number;
  readonly contentType: string;
  readonly body: Uint8Array;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** "<status> <content type>\n" then the body, as an HTTP response would carry them. */
export function encodeWireResponse(r: WireResponse): Uint8Array {
  const head = encoder.encode(`${r.status} ${r.contentType}\n`);
  const out = new Uint8Array(head.length + r.body.length);
  out.set(head);
  out.set(r.body, head.length);
  return out;
}

export function decodeWireResponse(bytes: Uint8Array): WireResponse {
  const nl = bytes.indexOf(0x0a);
  if (nl < 0 || nl > 200) throw new ProtocolError('malformed witness response');
  const m = /^([1-5][0-9]{2}) ([!-~][ -~]{0,99})$/.exec(decoder.decode(bytes.subarray(0, nl)));
  if (!m) throw new ProtocolError('malformed witness response status line');
  return { status: Number(m[1]), contentType: m[2]!, body: bytes.subarray(nl + 1) };
}

export function encodeConsistencyRequest(size1: number, size2: number): Uint8Array {
  return encoder.encode(`consistency ${size1} ${size2}\n`);
}

export function decodeConsistencyRequest(bytes: Uint8Array): { size1: number; size2: number } {
  const m = /^consistency (0|[1-9][0-9]{0,15}) (0|[1-9][0-9]{0,15})\n$/.exec(decoder.decode(bytes));
  if (!m) throw new ProtocolError('malformed consistency request');
  return { size1: Number(m[1]), size2: Number(m[2]) };
}

export function encodeProof(proof: readonly Uint8Array[]): Uint8Array {
  return encoder.encode(proof.map((h) => `${toBase64(h)}\n`).join(''));
}

export function decodeProof(bytes: Uint8Array): Uint8Array[] {
  const text = decoder.decode(bytes);
  if (text === '') return [];
  if (!text.endsWith('\n')) throw new ProtocolError('malformed proof');
  const lines = text.slice(0, -1).split('\n');
  if (lines.length > 63) throw new ProtocolError('the proof is too long');
  return lines.map(fromBase64);
}
