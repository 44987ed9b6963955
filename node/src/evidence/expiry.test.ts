import { mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../log/index.ts';
import { CaseStore } from '../store/index.ts';
import { createUploadExpiry } from './expiry.ts';
import { EVIDENCE_DIR, prepareEvidenceDirectory } from './tus.ts';

const DAY = 24 * 60 * 60 * 1000;

describe('createUploadExpiry', () => {
  let dir: string;
  let store: CaseStore;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'backup-expiry-'));
    await prepareEvidenceDirectory(dir);
    store = new CaseStore(dir);
    await store.insertCase({
      id: 'c',
      verifier: new Uint8Array(32),
      replyKey: new Uint8Array(32),
      envelope: '{}',
      shared: '{}',
    });
  });

  afterEach(async () => {
    store.close();
    await rm(dir, { recursive: true, force: true });
  });

  describe('when an unfinished upload has been idle longer than allowed', () => {
    it('deletes its bytes and marks it expired, and leaves the others alone', async () => {
      for (const id of ['stale', 'fresh', 'done']) {
        store.addEvidence(id, 'c', 100, new Uint8Array(32));
        await writeFile(join(dir, EVIDENCE_DIR, id), 'partial');
      }
      store.markEvidenceComplete('done');
      const old = new Date(Date.now() - 40 * DAY);
      for (const id of ['stale', 'done']) await utimes(join(dir, EVIDENCE_DIR, id), old, old);

      const expiry = createUploadExpiry({ store, log: createLogger('error') }, { dataDir: dir, maxIdleMs: 30 * DAY });
      expect(await expiry.sweep()).toBe(1);
      expect((await readdir(join(dir, EVIDENCE_DIR))).sort()).toEqual(['done', 'fresh']);
      expect(store.evidence('stale')).toMatchObject({ expired: true, complete: false });
      expect(store.evidence('fresh')?.expired).toBe(false);
      expect(store.evidence('done')).toMatchObject({ expired: false, complete: true });
      expect(await expiry.sweep()).toBe(0);
    });
  });

  describe('when an upload never received a byte', () => {
    it('counts from its creation', async () => {
      store.addEvidence('empty', 'c', 100, new Uint8Array(32));
      const expiry = createUploadExpiry({ store, log: createLogger('error') }, { dataDir: dir, maxIdleMs: 30 * DAY });
      expect(await expiry.sweep(Date.now())).toBe(0);
      expect(await expiry.sweep(Date.now() + 31 * DAY)).toBe(1);
      expect(store.evidence('empty')?.expired).toBe(true);
    });
  });
});
