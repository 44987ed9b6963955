// Resumable evidence uploads: tus 1.0.0 core protocol with the creation extension
// (https://tus.io/protocols/resumable-upload). The bytes are ciphertext made on the
// reporter's device; this side only appends them, fsyncs before every acknowledgement,
// and takes no upload metadata but the file's evidence commitment (file names travel
// encrypted), which it logs when the upload completes (evidence-log.ts).
// See docs/decisions/0005-own-tus-server.md for why this is not @tus/server.
import { randomBytes } from 'node:crypto';
import { mkdir, open, stat, statfs } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Context } from 'koa';
import { fromBase64Url } from '../../../client/src/envelope/index.ts';
import {
  ConflictError,
  ForbiddenError,
  GoneError,
  InsufficientStorageError,
  InvalidRequestError,
  LockedError,
  NotFoundError,
  PayloadTooLargeError,
  PreconditionFailedError,
  type Route,
  type SourceRateLimiter,
  UnprocessableError,
  UnsupportedMediaTypeError,
} from '../http/index.ts';
import { verifierOf } from '../intake/index.ts';
import { type CaseRecord, type CaseStore, type EvidenceRecord, syncDirectory } from '../store/index.ts';
import type { PendingEvidenceLogger } from './evidence-log.ts';
import { commitmentFromMetadata } from './upload-metadata.ts';

export const TUS_VERSION = '1.0.0';
export const EVIDENCE_DIR = 'evidence';
const AUTHORIZATION = /^Receipt ([A-Za-z0-9_-]{43})$/;
const DECIMAL = /^(0|[1-9][0-9]{0,15})$/;
/** Socket reads are gathered into writes of this size: fewer system calls, bounded memory. */
const WRITE_BATCH_BYTES = 1024 * 1024;

export interface EvidenceComponents {
  readonly store: CaseStore;
  readonly sourceLimiter: SourceRateLimiter;
  /**
   * The node's one runner of pending-evidence passes (evidence-log.ts): with it, an upload's
   * commitment and its "received" custody event are logged before its completion is
   * acknowledged. Without it (tests), uploads are only stored.
   */
  readonly pending?: PendingEvidenceLogger;
}

export interface EvidenceInit {
  readonly dataDir: string;
  readonly endpoint: string;
  readonly maxEvidenceBytes: number;
  readonly maxEvidenceFiles: number;
  /** Uploads that would leave less free disk than this are refused. */
  readonly minFreeBytes: number;
}

export async function prepareEvidenceDirectory(dataDir: string): Promise<void> {
  await mkdir(join(dataDir, EVIDENCE_DIR), { recursive: true, mode: 0o700 });
}

function requireTusVersion(ctx: Context): void {
  ctx.set('Tus-Resumable', TUS_VERSION);
  if (ctx.get('tus-resumable') !== TUS_VERSION) {
    ctx.set('Tus-Version', TUS_VERSION);
    throw new PreconditionFailedError('tus-version', `send Tus-Resumable: ${TUS_VERSION}`);
  }
}

function decimalHeader(ctx: Context, name: string): number | undefined {
  const value = ctx.get(name);
  if (value === '') return undefined;
  if (!DECIMAL.test(value))
    throw new InvalidRequestError(`bad-${name.toLowerCase()}`, `${name} must be a non-negative integer`);
  return Number(value);
}

export function evidenceRoutes(components: EvidenceComponents, init: EvidenceInit): Route[] {
  const { store, sourceLimiter } = components;
  const dir = join(init.dataDir, EVIDENCE_DIR);
  const patching = new Set<string>();
  const fileOf = (id: string) => join(dir, id);

  /** An upload whose every byte is on disk: complete, then logged (evidence-log.ts). */
  async function complete(id: string): Promise<void> {
    store.markEvidenceComplete(id);
    await components.pending?.logPending();
  }

  function caseOf(ctx: Context): CaseRecord {
    const match = AUTHORIZATION.exec(ctx.get('authorization'));
    if (!match)
      throw new ForbiddenError(
        'receipt-required',
        'send Authorization: Receipt <lookup> for the report this evidence belongs to',
      );
    const found = store.caseByVerifier(verifierOf(fromBase64Url(match[1]!)));
    if (!found) throw new NotFoundError('receipt-unknown', 'no report has this receipt code on this node');
    return found;
  }

  function uploadOf(ctx: Context, id: string): EvidenceRecord {
    const owner = caseOf(ctx);
    const upload = store.evidence(id);
    // Someone else's upload answers exactly like a missing one.
    if (!upload || upload.caseId !== owner.id) throw new NotFoundError('upload-unknown', 'no such upload');
    if (upload.expired)
      throw new GoneError('upload-expired', 'this upload was left unfinished too long; start it again');
    return upload;
  }

  async function offsetOf(id: string): Promise<number> {
    try {
      return (await stat(fileOf(id))).size;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw error;
    }
  }

  return [
    {
      method: 'OPTIONS',
      template: init.endpoint,
      handle(ctx) {
        ctx.set({
          'Tus-Resumable': TUS_VERSION,
          'Tus-Version': TUS_VERSION,
          'Tus-Extension': 'creation',
          'Tus-Max-Size': String(init.maxEvidenceBytes),
        });
        ctx.status = 204;
      },
    },
    {
      method: 'POST',
      template: init.endpoint,
      async handle(ctx) {
        requireTusVersion(ctx);
        sourceLimiter.check(ctx);
        const owner = caseOf(ctx);
        if (ctx.get('upload-defer-length'))
          throw new InvalidRequestError('tus-defer-length', 'Upload-Length must be known in advance');
        const commitment = commitmentFromMetadata(ctx.get('upload-metadata'));
        if ((decimalHeader(ctx, 'Content-Length') ?? 0) > 0)
          throw new InvalidRequestError('tus-creation-with-upload', 'create the upload first, then PATCH its bytes');
        const length = decimalHeader(ctx, 'Upload-Length');
        if (length === undefined) throw new InvalidRequestError('upload-length-missing', 'send Upload-Length');
        if (length === 0) throw new InvalidRequestError('upload-empty', 'an encrypted evidence file is never empty');
        if (length > init.maxEvidenceBytes)
          throw new PayloadTooLargeError(
            'upload-too-large',
            `evidence files may be at most ${init.maxEvidenceBytes} bytes`,
          );
        const { bavail, bsize } = await statfs(dir);
        if (bavail * bsize - length < init.minFreeBytes) {
          throw new InsufficientStorageError('storage-full', 'this node is short of disk space; try again later');
        }
        if (store.evidenceCount(owner.id) >= init.maxEvidenceFiles) {
          throw new UnprocessableError(
            'too-many-files',
            `a report may have at most ${init.maxEvidenceFiles} evidence files`,
          );
        }
        // The count check and the insert run with no await between them, so parallel
        // creations cannot pass the limit. The file itself appears with the first PATCH.
        const id = randomBytes(16).toString('base64url');
        store.addEvidence(id, owner.id, length, commitment);
        ctx.status = 201;
        ctx.set('Location', `${init.endpoint}/${id}`);
      },
    },
    {
      method: 'HEAD',
      template: `${init.endpoint}/{id}`,
      async handle(ctx, { id }) {
        requireTusVersion(ctx);
        const upload = uploadOf(ctx, id!);
        const offset = await offsetOf(upload.id);
        // A node that stopped after the last byte's fsync but before recording it: a tus
        // client takes this answer as the upload's end, so the upload is completed (and
        // logged) first. Not while a PATCH is writing: its bytes are not all fsynced yet.
        if (offset === upload.length && !upload.complete && !patching.has(upload.id)) await complete(upload.id);
        ctx.set({ 'Upload-Offset': String(offset), 'Upload-Length': String(upload.length) });
        ctx.status = 200;
      },
    },
    {
      method: 'PATCH',
      template: `${init.endpoint}/{id}`,
      async handle(ctx, { id }) {
        requireTusVersion(ctx);
        const upload = uploadOf(ctx, id!);
        if (ctx.get('content-type') !== 'application/offset+octet-stream') {
          throw new UnsupportedMediaTypeError(
            'tus-content-type',
            'PATCH bodies must be application/offset+octet-stream',
          );
        }
        const claimed = decimalHeader(ctx, 'Upload-Offset');
        if (claimed === undefined) throw new InvalidRequestError('upload-offset-missing', 'send Upload-Offset');
        if (patching.has(upload.id))
          throw new LockedError('upload-busy', 'another request is writing this upload; retry shortly');
        patching.add(upload.id);
        try {
          const offset = await offsetOf(upload.id);
          if (claimed !== offset) throw new ConflictError('tus-offset-mismatch', `the upload is at offset ${offset}`);
          const declared = decimalHeader(ctx, 'Content-Length');
          if (declared !== undefined && offset + declared > upload.length) {
            throw new PayloadTooLargeError('upload-exceeds-length', 'this PATCH goes past Upload-Length');
          }
          const written = await appendBody(ctx, fileOf(upload.id), offset, upload.length);
          if (written === upload.length && !upload.complete) await complete(upload.id);
          ctx.set('Upload-Offset', String(written));
          ctx.status = 204;
        } finally {
          patching.delete(upload.id);
        }
      },
    },
  ];
}

/**
 * Writes the body at `offset`, never past `length`, in constant memory. Whatever arrived
 * is fsynced before returning, also when the sender vanished mid-way, so a resumed upload
 * continues from the bytes that are really on disk.
 */
async function appendBody(ctx: Context, path: string, offset: number, length: number): Promise<number> {
  // Append mode: the caller holds the upload's lock and checked that `offset` is the
  // file's end, so appending writes exactly at `offset`, and creates the file if need be.
  const handle = await open(path, 'a', 0o600);
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let accepted = offset;
  let at = offset;
  // One write in flight while the next batch arrives (memory: two batches), and the disk
  // flushes in the background meanwhile, so the fsync before the answer finds little to do.
  let writing: Promise<void> = Promise.resolve();
  let flushing: Promise<void> | undefined;
  const write = async () => {
    if (pendingBytes === 0) return;
    const buffers = pending;
    pending = [];
    pendingBytes = 0;
    await writing;
    writing = handle.writev(buffers).then(({ bytesWritten }) => {
      at += bytesWritten;
      // Errors surface in the final sync below.
      flushing ??= handle
        .datasync()
        .catch(() => {})
        .finally(() => (flushing = undefined));
    });
  };
  try {
    for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
      if (accepted + chunk.length > length) {
        throw new PayloadTooLargeError('upload-exceeds-length', 'this PATCH goes past Upload-Length');
      }
      accepted += chunk.length;
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (pendingBytes >= WRITE_BATCH_BYTES) await write();
    }
  } catch (error) {
    if (error instanceof PayloadTooLargeError) throw error;
    throw new InvalidRequestError('body-incomplete', 'the upload was interrupted; send HEAD to find where to resume', {
      cause: error,
    });
  } finally {
    await write();
    await writing;
    await flushing;
    await handle.sync();
    await handle.close();
    if (offset === 0) await syncDirectory(dirname(path));
  }
  return at;
}
