// Acceptance: a ≥ 50 MB evidence upload, interrupted several times (the reporter's side
// aborting, and the node being killed), resumes and decrypts to the original SHA-256.
import { createHash, randomBytes } from 'node:crypto';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createEvidenceEncryptor, type EvidenceEncryptor, toBase64Url } from '../client/src/envelope/index.ts';
import { evidenceCommitmentOf, fetchNodeInfo, submitReport, uploadEvidence } from '../client/src/intake/index.ts';
import { nativeSha256, openFileSource } from '../node/src/cli/file-source.ts';
import {
  type NodeProcess,
  type Workspace,
  decryptInto,
  makeWorkspace,
  startNodeProcess,
} from './helpers/node-process.ts';

const FILE_BYTES = 60 * 1024 * 1024;
const CHUNK_BYTES = 2 * 1024 * 1024;

describe('an interrupted evidence upload', () => {
  let ws: Workspace;
  let node: NodeProcess | undefined;
  afterAll(async () => {
    await node?.kill();
    await ws?.cleanup();
  });

  it('resumes after aborts and a node crash, and decrypts to the original', async () => {
    ws = await makeWorkspace();
    node = await startNodeProcess(ws, { logName: 'a.log' });
    const port = node.port;
    const info = await fetchNodeInfo(node.url);
    const report = await submitReport({
      nodeUrl: node.url,
      casePublicKey: info.casePublicKey,
      document: { v: 1, narrative: 'video attached', answers: {} },
      shared: { consent: { storage: true, referral: false, statistics: false, justice: true } },
    });
    const path = join(ws.dir, 'video.mp4');
    await writeFile(path, randomBytes(FILE_BYTES));
    const sha256 = createHash('sha256')
      .update(await readFile(path))
      .digest('hex');
    const source = await openFileSource(path);
    const encryptor: EvidenceEncryptor = await createEvidenceEncryptor(source, info.casePublicKey, {
      name: 'video.mp4',
      type: 'video/mp4',
      hash: nativeSha256,
    });
    // Sent when the upload is created, so the file is hashed first.
    const commitment = evidenceCommitmentOf(await encryptor.metadata());

    let uploadUrl: string | undefined;
    const headOffset = async () => {
      const response = await fetch(uploadUrl!, {
        method: 'HEAD',
        headers: { 'Tus-Resumable': '1.0.0', Authorization: `Receipt ${toBase64Url(report.lookup)}` },
      });
      return Number(response.headers.get('upload-offset'));
    };
    /** One attempt that is cut once progress passes `cutAt` (a fraction), or that finishes. */
    const attempt = (cutAt: number | undefined, cut: (controller: AbortController) => void) => {
      const controller = new AbortController();
      return uploadEvidence({
        nodeUrl: node!.url,
        lookup: report.lookup,
        encryptor,
        commitment,
        chunkSize: CHUNK_BYTES,
        retryDelays: [],
        ...(uploadUrl && { uploadUrl }),
        onUploadUrl: (url) => (uploadUrl = url),
        onProgress: (sent, total) => {
          if (cutAt !== undefined && sent / total > cutAt && !controller.signal.aborted) cut(controller);
        },
        signal: controller.signal,
      });
    };

    const offsets: number[] = [];
    await expect(attempt(0.15, (c) => c.abort())).rejects.toThrow();
    offsets.push(await headOffset());
    await expect(attempt(0.4, (c) => c.abort())).rejects.toThrow();
    offsets.push(await headOffset());
    const crashing = node;
    await expect(attempt(0.65, () => crashing.child.kill('SIGKILL'))).rejects.toThrow();
    await crashing.kill('SIGKILL');
    node = await startNodeProcess(ws, { port, logName: 'b.log' });
    offsets.push(await headOffset());
    // Each attempt kept what the one before had stored, and none started from zero.
    expect(offsets[0]).toBeGreaterThan(0);
    expect(offsets[1]).toBeGreaterThan(offsets[0]!);
    expect(offsets[2]).toBeGreaterThan(offsets[1]!);
    expect(offsets[2]).toBeLessThan(encryptor.size);

    await attempt(undefined, () => {});
    expect((await encryptor.metadata()).sha256).toBe(sha256);
    expect(await headOffset()).toBe(encryptor.size);
    await source.close();

    const out = join(ws.dir, 'out');
    const result = await decryptInto(ws, out);
    expect(result.code, result.stderr).toBe(0);
    // Completed by the restarted node, which logged it as it came.
    expect(result.stderr).toMatch(/: matches its commitment, entry \d+ of the log\n/);
    const [caseId] = await readdir(out);
    const evidenceDir = join(out, caseId!, 'evidence');
    const [file] = (await readdir(evidenceDir)).filter((f) => f.endsWith('video.mp4'));
    expect(
      createHash('sha256')
        .update(await readFile(join(evidenceDir, file!)))
        .digest('hex'),
    ).toBe(sha256);
  });
});
