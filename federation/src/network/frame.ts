// One message per direction, prefixed with its length as an unsigned varint (the
// multiformats unsigned-varint spec, github.com/multiformats/unsigned-varint: LEB128, at
// most 9 bytes, minimally encoded). Bytes come from another peer and are hostile: the
// prefix is read a byte at a time under a fixed bound and the payload only once its
// declared length is known to fit.
import type { AbortOptions, Stream } from '@libp2p/interface';
import type { ByteStream } from '@libp2p/utils';
import { MalformedMessageError, MessageTooLargeError, StreamClosedError } from './errors.ts';

/** The spec's practical maximum for a varint. */
const MAX_VARINT_BYTES = 9;

export function encodeFrame(payload: Uint8Array): Uint8Array {
  const prefix: number[] = [];
  let n = payload.byteLength;
  while (n >= 0x80) {
    prefix.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  prefix.push(n);
  const frame = new Uint8Array(prefix.length + payload.byteLength);
  frame.set(prefix);
  frame.set(payload, prefix.length);
  return frame;
}

/**
 * Reads one frame of at most `maxBytes` payload bytes. Throws MessageTooLargeError for a
 * longer declared length, MalformedMessageError for a bad prefix or a stream that ends
 * inside the frame, StreamClosedError if it ends before the frame starts.
 */
export async function readFrame(
  bytes: ByteStream<Stream>,
  maxBytes: number,
  options: AbortOptions,
): Promise<Uint8Array> {
  let length = 0;
  for (let i = 0; ; i++) {
    if (i === MAX_VARINT_BYTES) throw new MalformedMessageError(`length prefix longer than ${MAX_VARINT_BYTES} bytes`);
    const byte = (await readExactly(bytes, 1, options, i === 0)).get(0);
    length += (byte & 0x7f) * 2 ** (7 * i);
    if ((byte & 0x80) === 0) {
      if (byte === 0 && i > 0) throw new MalformedMessageError('length prefix is not minimally encoded');
      break;
    }
  }
  if (length > maxBytes) throw new MessageTooLargeError(`frame of ${length} bytes is over the limit of ${maxBytes}`);
  if (length === 0) return new Uint8Array(0);
  return (await readExactly(bytes, length, options, false)).subarray();
}

async function readExactly(bytes: ByteStream<Stream>, count: number, options: AbortOptions, atStart: boolean) {
  try {
    return await bytes.read({ ...options, bytes: count });
  } catch (err) {
    if (err instanceof Error && err.name === 'UnexpectedEOFError') {
      throw atStart
        ? new StreamClosedError('the stream ended before a frame arrived', { cause: err })
        : new MalformedMessageError('the stream ended inside a frame', { cause: err });
    }
    throw err;
  }
}
