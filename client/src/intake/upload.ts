// Evidence upload with tus (tus-js-client, the protocol's reference client). Ciphertext
// slices are made on demand from the plaintext, so memory stays bounded by the chunk
// size and an interrupted upload resumes from whatever the node has on disk.
import { Upload } from 'tus-js-client';
import { type EvidenceEncryptor, toBase64Url } from '../envelope/index.ts';

// Each PATCH is fsynced on the node; large requests keep that cost small on a desktop or in
// `backup report`. A phone app on a slow link passes a smaller `chunkSize`.
export const DEFAULT_UPLOAD_CHUNK_BYTES = 16 * 1024 * 1024;
const RETRY_DELAYS_MS = [0, 1000, 3000, 5000, 10_000];

export interface UploadEvidenceInit {
  readonly nodeUrl: string;
  /** The receipt's lookup value: proves the upload belongs to the reporter's case. */
  readonly lookup: Uint8Array;
  readonly encryptor: EvidenceEncryptor;
  /** An upload URL from an earlier, interrupted attempt. */
  readonly uploadUrl?: string;
  readonly chunkSize?: number;
  readonly retryDelays?: readonly number[];
  readonly onProgress?: (sent: number, total: number) => void;
  readonly onUploadUrl?: (url: string) => void;
  readonly signal?: AbortSignal;
}

export class UploadAbortedError extends Error {
  override name = 'UploadAbortedError';
}

export function uploadEvidence(init: UploadEvidenceInit): Promise<string> {
  return new Promise((resolve, reject) => {
    const upload: Upload = new Upload(init.encryptor as unknown as Blob, {
      endpoint: new URL('/api/v1/evidence', init.nodeUrl).href,
      uploadUrl: init.uploadUrl ?? null,
      uploadSize: init.encryptor.size,
      chunkSize: init.chunkSize ?? DEFAULT_UPLOAD_CHUNK_BYTES,
      retryDelays: [...(init.retryDelays ?? RETRY_DELAYS_MS)],
      headers: { Authorization: `Receipt ${toBase64Url(init.lookup)}` },
      storeFingerprintForResuming: false,
      removeFingerprintOnSuccess: false,
      fingerprint: async () => 'backup-evidence',
      fileReader: {
        async openFile(input: EvidenceEncryptor) {
          return {
            size: input.size,
            async slice(start: number, end: number) {
              const bytes = await input.slice(start, end);
              // tus-js-client reads `size` (as on a Blob) to count what a slice holds.
              return { value: Object.assign(bytes, { size: bytes.length }), done: end >= input.size };
            },
            close() {},
          };
        },
      },
      onUploadUrlAvailable: () => upload.url && init.onUploadUrl?.(upload.url),
      onProgress: (sent, total) => init.onProgress?.(sent, total),
      onSuccess: () => resolve(upload.url!),
      onError: (error) => reject(error),
    });
    init.signal?.addEventListener('abort', () => {
      void upload.abort().then(() => reject(new UploadAbortedError('upload aborted', { cause: init.signal?.reason })));
    });
    upload.start();
  });
}
