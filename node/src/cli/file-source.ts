import { createHash } from 'node:crypto';
import { type FileHandle, open } from 'node:fs/promises';
import type { ByteSource, IncrementalHash } from '../../../client/src/envelope/index.ts';

export interface FileByteSource extends ByteSource {
  close(): Promise<void>;
}

export async function openFileSource(path: string): Promise<FileByteSource> {
  const handle: FileHandle = await open(path, 'r');
  const { size } = await handle.stat();
  return {
    size,
    async read(offset, length) {
      const buffer = Buffer.allocUnsafe(length);
      let filled = 0;
      while (filled < length) {
        const { bytesRead } = await handle.read(buffer, filled, length - filled, offset + filled);
        if (bytesRead === 0) throw new Error(`${path} is shorter than expected`);
        filled += bytesRead;
      }
      return buffer;
    },
    close: () => handle.close(),
  };
}

/** Node's native SHA-256 for the evidence encryptor (about ten times @noble/hashes). */
export function nativeSha256(): IncrementalHash {
  return createHash('sha256');
}
