// A File or Blob as a ByteSource for the evidence encryptor. Each read asks the browser
// for just that slice, so a phone never holds a whole video in memory.
import type { ByteSource } from './evidence-format.ts';

export function blobSource(blob: Blob): ByteSource {
  return {
    size: blob.size,
    async read(offset, length) {
      if (!(Number.isSafeInteger(offset) && Number.isSafeInteger(length) && offset >= 0 && length >= 0)) {
        throw new RangeError('bad read');
      }
      if (offset + length > blob.size) throw new RangeError('read past the end of the file');
      // A File changed on disk since it was picked rejects here (NotReadableError).
      return new Uint8Array(await blob.slice(offset, offset + length).arrayBuffer());
    },
  };
}
