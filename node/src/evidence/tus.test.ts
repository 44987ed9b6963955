// The tus routes on loopback, with the reporting devices' own upload client and the node's
// real evidence log (federation/src/log) behind a flag that can make its appends fail.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Koa from 'koa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type EvidenceEncryptor,
  createEvidenceEncryptor,
  deriveReceiptKeys,
  generateBoxKeyPair,
  generateReceiptCode,
  openEvidence,
  toBase64Url,
} from '../../../client/src/envelope/index.ts';
import { evidenceCommitmentOf, uploadEvidence } from '../../../client/src/intake/index.ts';
import { type LogStore, openLogStore } from '../../../federation/src/log/index.ts';
import { SourceRateLimiter, errorHandler, notFound, router } from '../http/index.ts';
import { EVIDENCE_ENDPOINT, verifierOf } from '../intake/index.ts';
import { createLogger } from '../log/index.ts';
import { CaseStore } from '../store/index.ts';
import { openFileSource } from '../cli/file-source.ts';
import { type EvidenceLog, pendingEvidenceLogger } from './evidence-log.ts';
import { EVIDENCE_DIR, evidenceRoutes, prepareEvidenceDirectory } from './tus.ts';

const caseKeys = generateBoxKeyPair();

describe('evidenceRoutes with the node’s evidence log', () => {
  let dir: string;
  let store: CaseStore;
  let log: LogStore;
  let server: Server;
  let url: string;
  let logDown: boolean;
  /** A slow disk under the log: an answer sent before the append ends would show. */
  let logDelayMs: number;
  const lookup = deriveReceiptKeys(generateReceiptCode()).lookup;
  const auth = { 'Tus-Resumable': '1.0.0', Authorization: `Receipt ${toBase64Url(lookup)}` };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'backup-tus-'));
    await prepareEvidenceDirectory(dir);
    store = new CaseStore(dir);
    log = await openLogStore(join(dir, 'log'));
    logDown = false;
    logDelayMs = 0;
    await store.insertCase({
      id: 'c',
      verifier: verifierOf(lookup),
      replyKey: new Uint8Array(32),
      envelope: '{}',
      shared: '{}',
    });
    const evidenceLog: EvidenceLog = {
      origin: 'backup.test/tus',
      append: async (entry) => {
        await new Promise((resolve) => setTimeout(resolve, logDelayMs));
        if (logDown) throw new Error('log down');
        return log.append(entry);
      },
    };
    const app = new Koa();
    app.silent = true;
    app.use(errorHandler(createLogger('error', () => {})));
    app.use(
      router(
        evidenceRoutes(
          {
            store,
            sourceLimiter: new SourceRateLimiter({ sourceBurst: 1000, sourcePerMinute: 1000 }),
            pending: pendingEvidenceLogger({
              store,
              evidenceLog,
              casePublicKey: caseKeys.publicKey,
              log: createLogger('error', () => {}),
            }),
          },
          {
            dataDir: dir,
            endpoint: EVIDENCE_ENDPOINT,
            maxEvidenceBytes: 10_000_000,
            maxEvidenceFiles: 10,
            minFreeBytes: 0,
          },
        ),
      ),
    );
    app.use(notFound);
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    store.close();
    await log.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** A file encrypted to the case key, as a reporter's device does it. */
  function encrypted(bytes: number): Promise<EvidenceEncryptor> {
    const plain = new Uint8Array(randomBytes(bytes));
    const source = { size: bytes, read: async (at: number, length: number) => plain.subarray(at, at + length) };
    return createEvidenceEncryptor(source, caseKeys.publicKey, { name: 'v.mp4', type: 'video/mp4' });
  }

  async function upload(encryptor: EvidenceEncryptor): Promise<string> {
    const commitment = evidenceCommitmentOf(await encryptor.metadata());
    const uploaded = await uploadEvidence({
      nodeUrl: url,
      lookup,
      source: encryptor,
      commitment,
      chunkSize: 64 * 1024,
    });
    return uploaded.split('/').pop()!;
  }

  describe('when an upload completes', () => {
    it('has logged its commitment and its "received" event by the time the last PATCH is answered', async () => {
      const encryptor = await encrypted(300_000);
      logDelayMs = 200;
      const id = await upload(encryptor);
      const record = store.evidence(id)!;
      expect(record.complete).toBe(true);
      expect(log.entry(record.logIndex!)).toEqual(record.commitment);
      const [event] = store.custodyEventsOf(id);
      expect(log.entry(event!.logIndex!)).toEqual(event!.commitment);

      // The caseworker's check: the stored commitment is the one the sealed metadata gives.
      const source = await openFileSource(join(dir, EVIDENCE_DIR, id));
      try {
        const opened = await openEvidence(source, caseKeys.secretKey);
        expect(evidenceCommitmentOf(opened.metadata)).toEqual(record.commitment);
      } finally {
        await source.close();
      }
    });
  });

  describe('when the log fails as an upload completes', () => {
    it('still answers, keeps the upload complete, and logs it with the next completion', async () => {
      logDown = true;
      const first = await upload(await encrypted(2000));
      expect(store.evidence(first)?.complete).toBe(true);
      expect(store.evidence(first)?.logIndex).toBeUndefined();
      expect(store.evidenceAwaitingLog().map((e) => e.id)).toEqual([first]);

      logDown = false;
      logDelayMs = 0;
      const second = await upload(await encrypted(3000));
      expect(store.evidenceAwaitingLog()).toEqual([]);
      expect(log.size).toBe(4);
      for (const id of [first, second]) {
        expect(log.entry(store.evidence(id)!.logIndex!)).toEqual(store.evidence(id)!.commitment);
        expect(store.custodyEventsOf(id)).toHaveLength(1);
      }
    });
  });

  describe('when every byte is on disk but the node stopped before recording it', () => {
    it('completes and logs the upload before HEAD answers the full offset', async () => {
      const commitment = Buffer.from(randomBytes(32));
      const created = await fetch(`${url}${EVIDENCE_ENDPOINT}`, {
        method: 'POST',
        headers: {
          ...auth,
          'Upload-Length': '500',
          'Upload-Metadata': `commitment ${Buffer.from(commitment.toString('base64url')).toString('base64')}`,
        },
      });
      expect(created.status).toBe(201);
      const id = created.headers.get('location')!.split('/').pop()!;
      await writeFile(join(dir, EVIDENCE_DIR, id), randomBytes(500));
      expect(store.evidence(id)?.complete).toBe(false);

      const head = await fetch(`${url}${EVIDENCE_ENDPOINT}/${id}`, { method: 'HEAD', headers: auth });
      expect(head.headers.get('upload-offset')).toBe('500');
      expect(store.evidence(id)).toMatchObject({ complete: true, logIndex: 0 });
      expect(log.entry(0)).toEqual(new Uint8Array(commitment));
    });
  });

  describe('POST', () => {
    const create = (metadata?: string) =>
      fetch(`${url}${EVIDENCE_ENDPOINT}`, {
        method: 'POST',
        headers: { ...auth, 'Upload-Length': '500', ...(metadata !== undefined && { 'Upload-Metadata': metadata }) },
      }).then(async (r) => [r.status, ((await r.json()) as { error: { code: string } }).error.code]);

    it('refuses an upload without a commitment, with other metadata, or with a malformed one', async () => {
      expect(await create()).toEqual([400, 'commitment-required']);
      expect(await create(`filename ${Buffer.from('a.mp4').toString('base64')}`)).toEqual([
        400,
        'metadata-not-accepted',
      ]);
      expect(await create(`commitment ${Buffer.from('short').toString('base64')}`)).toEqual([
        400,
        'commitment-invalid',
      ]);
      expect(store.evidenceCount('c')).toBe(0);
    });
  });
});
