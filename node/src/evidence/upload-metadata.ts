// tus 1.0.0 Upload-Metadata (https://tus.io/protocols/resumable-upload#upload-metadata):
// comma-separated pairs of a key, a space and the base64 of the value. This node accepts one
// key only, `commitment`: the evidence commitment made on the reporter's device, base64url
// of 32 bytes (inside tus's own base64). Names and media types travel only inside the
// encrypted file. The header comes from an anonymous uploader: parsed defensively.
import { fromBase64Url, toBase64Url } from '../../../client/src/envelope/index.ts';
import { InvalidRequestError } from '../http/index.ts';

export const COMMITMENT_KEY = 'commitment';
const STANDARD_BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const COMMITMENT_TEXT = /^[A-Za-z0-9_-]{43}$/;

/** The commitment an upload's creation carries; `header` is Upload-Metadata, '' if absent. */
export function commitmentFromMetadata(header: string): Uint8Array {
  if (header.trim() === '')
    throw new InvalidRequestError('commitment-required', `send Upload-Metadata: ${COMMITMENT_KEY} <base64>`);
  const pairs = header.split(',').map((pair) => pair.trim().split(' '));
  if (pairs.some(([key]) => key !== COMMITMENT_KEY)) {
    throw new InvalidRequestError(
      'metadata-not-accepted',
      `send only the ${COMMITMENT_KEY} key in Upload-Metadata: names and types travel inside the encrypted file`,
    );
  }
  const invalid = () =>
    new InvalidRequestError('commitment-invalid', `${COMMITMENT_KEY} must be the base64 of base64url of 32 bytes`);
  if (pairs.length !== 1 || pairs[0]!.length !== 2) throw invalid();
  const value = pairs[0]![1]!;
  // Canonical base64 only, so one commitment has one spelling on the wire.
  if (!STANDARD_BASE64.test(value) || value.length % 4 !== 0) throw invalid();
  const text = Buffer.from(value, 'base64').toString('latin1');
  if (Buffer.from(text, 'latin1').toString('base64') !== value || !COMMITMENT_TEXT.test(text)) throw invalid();
  const commitment = fromBase64Url(text);
  if (commitment.length !== 32 || toBase64Url(commitment) !== text) throw invalid();
  return commitment;
}
