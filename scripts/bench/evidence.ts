// Evidence benchmark: a 1 GiB file hashed (for the commitment sent when the upload is
// created), then encrypted chunk by chunk and uploaded with tus to a real node over
// loopback, which logs the commitment as it completes: the way `backup report` does it.
// Prints throughput and the node's resident memory growth. Bounded; cleans up after itself.
import { createCipheriv, randomBytes } from 'node:crypto';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEvidenceEncryptor } from '../../client/src/envelope/index.ts';
import {
  DEFAULT_UPLOAD_CHUNK_BYTES,
  evidenceCommitmentOf,
  fetchNodeInfo,
  submitReport,
  uploadEvidence,
} from '../../client/src/intake/index.ts';
import { nativeSha256, openFileSource } from '../../node/src/cli/file-source.ts';
import { mb, rssOf, startBenchNode } from './harness.ts';

const FILE_BYTES = Number(process.env['BENCH_EVIDENCE_BYTES'] ?? 1024 ** 3);
const SAMPLE_MS = 50;
const UPLOAD_CHUNK = Number(process.env['BENCH_UPLOAD_CHUNK'] ?? DEFAULT_UPLOAD_CHUNK_BYTES);

async function writePseudoRandomFile(path: string, size: number): Promise<void> {
  // AES-CTR keystream: incompressible, and much faster to make than crypto.randomBytes.
  const cipher = createCipheriv('aes-256-ctr', randomBytes(32), randomBytes(16));
  const zeros = Buffer.alloc(8 * 1024 * 1024);
  const handle = await open(path, 'w');
  try {
    for (let written = 0; written < size; written += zeros.length) {
      await handle.write(cipher.update(zeros.subarray(0, Math.min(zeros.length, size - written))));
    }
    // On disk before the clock starts, so its write-back does not compete with the node's.
    await handle.sync();
  } finally {
    await handle.close();
  }
}

const dir = await mkdtemp(join(tmpdir(), 'backup-bench-'));
try {
  const { node, url: nodeUrl } = await startBenchNode(dir, { 'pow-difficulty': 8 });
  try {
    const path = join(dir, 'video.bin');
    await writePseudoRandomFile(path, FILE_BYTES);
    const info = await fetchNodeInfo(nodeUrl);
    const report = await submitReport({
      nodeUrl,
      casePublicKey: info.casePublicKey,
      document: { v: 1 },
      shared: { consent: { storage: true, referral: false, statistics: false, justice: true } },
    });

    const pid = node.process.pid!;
    const baseline = await rssOf(pid);
    let peak = baseline;
    const sampler = setInterval(() => void rssOf(pid).then((rss) => (peak = Math.max(peak, rss))), SAMPLE_MS);

    const started = performance.now();
    const source = await openFileSource(path);
    const encryptor = await createEvidenceEncryptor(source, info.casePublicKey, {
      name: 'video.bin',
      type: 'video/mp4',
      hash: nativeSha256,
    });
    const commitment = evidenceCommitmentOf(await encryptor.metadata());
    const hashed = performance.now();
    await uploadEvidence({ nodeUrl, lookup: report.lookup, encryptor, commitment, chunkSize: UPLOAD_CHUNK });
    const finished = performance.now();
    clearInterval(sampler);
    await source.close();

    const rate = (ms: number) => `${(ms / 1000).toFixed(2)} s = ${(FILE_BYTES / 1e6 / (ms / 1000)).toFixed(0)} MB/s`;
    process.stdout.write(`file: ${mb(FILE_BYTES)}, ciphertext ${mb(encryptor.size)}\n`);
    process.stdout.write(`hash (for the commitment): ${rate(hashed - started)}\n`);
    process.stdout.write(`encrypt + upload + log: ${rate(finished - hashed)}\n`);
    process.stdout.write(`in all: ${rate(finished - started)}\n`);
    process.stdout.write(`node RSS: baseline ${mb(baseline)}, peak ${mb(peak)}, growth ${mb(peak - baseline)}\n`);
  } finally {
    await node.stop();
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
