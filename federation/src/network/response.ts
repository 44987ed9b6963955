// A response frame starts with one status byte: 0 and the handler's bytes, or 1 and a
// stable ASCII error code. Codes, never messages, cross the wire, so a failing handler
// cannot leak its internals to the requester.
import { MalformedMessageError, REMOTE_ERROR_CODES, RemoteError } from './errors.ts';
import type { RemoteErrorCode } from './errors.ts';

const OK = 0;
const FAILED = 1;
/** Longer than any code we send; a remote sending more is malformed. */
const MAX_CODE_BYTES = 64;

export function encodeResponse(body: Uint8Array): Uint8Array {
  const frame = new Uint8Array(body.byteLength + 1);
  frame[0] = OK;
  frame.set(body, 1);
  return frame;
}

export function encodeErrorResponse(code: Exclude<RemoteErrorCode, 'unknown'>): Uint8Array {
  const text = new TextEncoder().encode(code);
  const frame = new Uint8Array(text.byteLength + 1);
  frame[0] = FAILED;
  frame.set(text, 1);
  return frame;
}

/** Returns the response body, or throws the RemoteError the frame carries. */
export function decodeResponse(frame: Uint8Array): Uint8Array {
  if (frame[0] === OK) return frame.subarray(1);
  if (frame[0] !== FAILED) throw new MalformedMessageError('response has no valid status byte');
  if (frame.byteLength - 1 > MAX_CODE_BYTES) throw new MalformedMessageError('response error code is too long');
  const text = new TextDecoder().decode(frame.subarray(1));
  const known = (REMOTE_ERROR_CODES as readonly string[]).includes(text);
  throw new RemoteError(known ? (text as RemoteErrorCode) : 'unknown');
}
