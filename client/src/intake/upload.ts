// Evidence upload with tus (tus-js-client, the protocol's reference client). The bytes
// come from any source that can produce a ciphertext range on demand: an encryptor
// working from the plaintext file (`backup report`), or the reporting app's outbox, which
// holds the ciphertext. Memory stays bounded by the chunk size, and an interrupted upload
// resumes from whatever the node has on disk.
import { type HttpStack, Upload } from 'tus-js-client';
import { toBase64Url } from '../envelope/index.ts';
import { COMMITMENT_METADATA_KEY } from './commitment.ts';

// Each PATCH is fsynced on the node; large requests keep that cost small on a desktop or in
// `backup report`. A phone app on a slow link passes a smaller `chunkSize`.
export const DEFAULT_UPLOAD_CHUNK_BYTES = 16 * 1024 * 1024;
const RETRY_DELAYS_MS = [0, 1000, 3000, 5000, 10_000];

/** Ciphertext to upload: an EvidenceEncryptor is one. */
export interface UploadSource {
  /** Total ciphertext size: the tus Upload-Length. */
  readonly size: number;
  /** Ciphertext bytes [start, end). */
  slice(start: number, end: number): Promise<Uint8Array>;
}

interface UploadOptions {
  readonly nodeUrl: string;
  /** The receipt's lookup value: proves the upload belongs to the reporter's case. */
  readonly lookup: Uint8Array;
  /**
   * The file's evidence commitment (`evidenceCommitmentOf(metadata)`, 32 bytes), sent as the
   * tus Upload-Metadata when the upload is created: the node refuses to create one without
   * it (`400 commitment-required`). A resumed upload (`uploadUrl`) does not send it again.
   */
  readonly commitment?: Uint8Array;
  /**
   * An upload URL from an earlier, interrupted attempt. It is resumed from the node's
   * offset, and never silently replaced by a new upload: if the node no longer has it
   * (`404 upload-unknown`, `410 upload-expired`), the upload fails with that answer.
   */
  readonly uploadUrl?: string;
  readonly chunkSize?: number;
  /** tus-js-client's own retries before the upload fails; `[]` leaves retrying to the caller. */
  readonly retryDelays?: readonly number[];
  readonly onProgress?: (sent: number, total: number) => void;
  /** Called once the node has made the upload; if it returns a promise, no byte is sent before it settles. */
  readonly onUploadUrl?: (url: string) => unknown;
  /** tus-js-client's HTTP layer: XMLHttpRequest in a browser, node:http in Node. */
  readonly httpStack?: HttpStack;
  readonly signal?: AbortSignal;
}

export type UploadEvidenceInit = UploadOptions &
  (
    | { readonly source: UploadSource }
    /** The same as `source`, by its older name. */
    | { readonly encryptor: UploadSource }
  );

export class UploadAbortedError extends Error {
  override name = 'UploadAbortedError';
}

/** Uploads the source's bytes; resolves to the upload URL once the node holds them all. */
export function uploadEvidence(init: UploadEvidenceInit): Promise<string> {
  const source = 'source' in init ? init.source : init.encryptor;
  return new Promise((resolve, reject) => {
    if (init.signal?.aborted) {
      reject(new UploadAbortedError('upload aborted', { cause: init.signal.reason }));
      return;
    }
    if (init.commitment && init.commitment.length !== 32) {
      reject(new RangeError('an evidence commitment is 32 bytes'));
      return;
    }
    let urlSaved: Promise<unknown> | undefined;
    const onAbort = () => {
      void upload.abort().then(() => reject(new UploadAbortedError('upload aborted', { cause: init.signal?.reason })));
    };
    // A long-lived signal (the outbox sender's) must not keep every finished upload alive.
    const settle = () => init.signal?.removeEventListener('abort', onAbort);
    const upload: Upload = new Upload(source as unknown as Blob, {
      // Without an endpoint, tus-js-client cannot swap a stored URL for a fresh upload.
      endpoint: init.uploadUrl ? null : new URL('/api/v1/evidence', init.nodeUrl).href,
      uploadUrl: init.uploadUrl ?? null,
      uploadSize: source.size,
      chunkSize: init.chunkSize ?? DEFAULT_UPLOAD_CHUNK_BYTES,
      retryDelays: [...(init.retryDelays ?? RETRY_DELAYS_MS)],
      headers: { Authorization: `Receipt ${toBase64Url(init.lookup)}` },
      // tus-js-client base64-encodes each value on the wire (tus 1.0.0, Upload-Metadata).
      metadata: init.commitment ? { [COMMITMENT_METADATA_KEY]: toBase64Url(init.commitment) } : {},
      // Resuming is the caller's business (it passes `uploadUrl`): nothing goes to localStorage.
      storeFingerprintForResuming: false,
      removeFingerprintOnSuccess: false,
      urlStorage: noUrlStorage,
      fingerprint: async () => 'backup-evidence',
      ...(init.httpStack && { httpStack: init.httpStack }),
      fileReader: {
        async openFile(input: UploadSource) {
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
      onUploadUrlAvailable: () => {
        if (!upload.url || upload.url === init.uploadUrl || !init.onUploadUrl) return;
        urlSaved = Promise.resolve(init.onUploadUrl(upload.url));
        // Awaited before the first PATCH, which fails the upload if saving failed.
        urlSaved.catch(() => {});
      },
      onBeforeRequest: async (request) => {
        if (request.getMethod() === 'PATCH') await urlSaved;
      },
      onProgress: (sent, total) => init.onProgress?.(sent, total),
      onSuccess: () => {
        settle();
        resolve(upload.url!);
      },
      onError: (error) => {
        settle();
        reject(error);
      },
    });
    init.signal?.addEventListener('abort', onAbort, { once: true });
    upload.start();
  });
}

const noUrlStorage = {
  findAllUploads: async () => [],
  findUploadsByFingerprint: async () => [],
  removeUpload: async () => {},
  addUpload: async () => '',
};
