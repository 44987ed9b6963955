// `backup report`: submit a report, and evidence files, from a terminal. Uses the same
// envelope and intake code as the browser app. The receipt code is the last line on stdout.
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { createEvidenceEncryptor } from '../../../client/src/envelope/index.ts';
import {
  type SharedFields,
  evidenceCommitmentOf,
  fetchNodeInfo,
  submitReport,
  uploadEvidence,
} from '../../../client/src/intake/index.ts';
import { nativeSha256, openFileSource } from './file-source.ts';
import { UsageError } from './usage.ts';

export interface ReportOptions {
  readonly node?: string;
  readonly narrative?: string;
  readonly evidence?: readonly string[];
  readonly answers?: string;
  readonly 'chunk-size'?: string;
}

const DEFAULT_SHARED: SharedFields = { consent: { storage: true, referral: false, statistics: false, justice: false } };

const MIME_BY_EXTENSION: Readonly<Record<string, string>> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  heic: 'image/heic',
  mp4: 'video/mp4',
  webm: 'video/webm',
  mov: 'video/quicktime',
  '3gp': 'video/3gpp',
  mp3: 'audio/mpeg',
  m4a: 'audio/mp4',
  ogg: 'audio/ogg',
  opus: 'audio/ogg',
  wav: 'audio/wav',
  amr: 'audio/amr',
  pdf: 'application/pdf',
  txt: 'text/plain',
};

function mimeOf(path: string): string {
  return MIME_BY_EXTENSION[path.split('.').pop()?.toLowerCase() ?? ''] ?? 'application/octet-stream';
}

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

export async function reportCommand(
  options: ReportOptions,
  out: NodeJS.WritableStream,
  err: NodeJS.WritableStream,
): Promise<number> {
  if (!options.node) throw new UsageError('backup report needs --node URL');
  const answers = options.answers
    ? (JSON.parse(await readFile(options.answers, 'utf8')) as Record<string, unknown>)
    : {};
  const narrative = options.narrative ? await readFile(options.narrative, 'utf8') : '';
  const chunkSize = options['chunk-size'] ? Number(options['chunk-size']) : undefined;

  const node = await fetchNodeInfo(options.node);
  err.write(`Sending an encrypted report to ${node.name} (${options.node})…\n`);
  const submitted = await submitReport({
    nodeUrl: options.node,
    casePublicKey: node.casePublicKey,
    document: { v: 1, narrative, answers },
    shared: (answers.shared as SharedFields | undefined) ?? DEFAULT_SHARED,
  });
  err.write('Report received by the node.\n');

  let failures = 0;
  const files = options.evidence ?? [];
  for (const [i, path] of files.entries()) {
    const label = `evidence ${i + 1}/${files.length} ${basename(path)}`;
    try {
      const source = await openFileSource(path);
      try {
        const encryptor = await createEvidenceEncryptor(source, node.casePublicKey, {
          name: basename(path),
          type: mimeOf(path),
          hash: nativeSha256,
        });
        // The node logs the file's commitment, sent when the upload is created: the file is
        // read once to hash it first, then again as it is encrypted and sent.
        err.write(`${label}: hashing…\n`);
        const metadata = await encryptor.metadata();
        let shown = -1;
        await uploadEvidence({
          nodeUrl: options.node,
          lookup: submitted.lookup,
          encryptor,
          commitment: evidenceCommitmentOf(metadata),
          ...(chunkSize && { chunkSize }),
          onProgress(sent, total) {
            const percent = Math.floor((sent / total) * 100);
            if (percent >= shown + 10 || sent === total) {
              shown = percent;
              err.write(`${label}: ${percent}% (${megabytes(sent)} of ${megabytes(total)})\n`);
            }
          },
        });
        err.write(`${label}: stored, encrypted (SHA-256 ${metadata.sha256})\n`);
      } finally {
        await source.close();
      }
    } catch (error) {
      failures++;
      err.write(`${label}: NOT sent: ${(error as Error).message}\n`);
    }
  }
  err.write('\nKeep this receipt code. It is the only way back to this report, and nobody can recover it:\n');
  out.write(`${submitted.receiptCode}\n`);
  return failures === 0 ? 0 : 1;
}
