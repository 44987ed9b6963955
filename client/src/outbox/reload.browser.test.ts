// The outbox across page loads, in a real Chromium with real IndexedDB: what a reload
// leaves locked until the receipt code is typed, what it removes, how an older database is
// migrated, and the database going once it holds nothing.
import { equal, ok, rejects } from '../../test-support/assert.ts';
import { after, describe, it } from '../../test-support/mocha.ts';
import { generateBoxKeyPair, generateReceiptCode, randomBytes, toBase64Url } from '../envelope/index.ts';
import { type PreparedReport, prepareReport } from '../intake/index.ts';
import { blobOf, databaseExists, storedBytes } from './inspect.testing.ts';
import { type Outbox, openOutbox, wipeOutbox } from './index.ts';
import { recordsOf } from './outbox.ts';

const MiB = 1024 * 1024;
const caseKeys = generateBoxKeyPair();
const CONSENT = { storage: true, referral: false, statistics: false, justice: false } as const;

const markedFile = (bytes: number): Blob => blobOf([randomBytes(bytes)], 'video/mp4');

/** A fresh outbox: the database wiped first, as after a quick exit. */
async function fresh(): Promise<Outbox> {
  await wipeOutbox();
  return openOutbox();
}

/** A report prepared as the app does, its receipt code unlocked before anything is staged. */
async function prepared(outbox: Outbox): Promise<PreparedReport> {
  const report = await prepareReport({ casePublicKey: caseKeys.publicKey, document: {}, shared: { consent: CONSENT } });
  await outbox.unlock(report.receiptCode);
  return report;
}

/** A receipt code unlocked on this outbox, for staging alone. */
async function unlockedCode(outbox: Outbox): Promise<string> {
  const code = generateReceiptCode();
  await outbox.unlock(code);
  return code;
}

describe('the outbox across page loads', () => {
  after(() => wipeOutbox());

  describe('after the page is closed and opened again', () => {
    it('opens nothing without the receipt code, nothing with another, and everything with it', async () => {
      const outbox = await fresh();
      const report = await prepared(outbox);
      const staged = await outbox.stageEvidence(report.receiptCode, markedFile(1000), caseKeys.publicKey);
      const id = await outbox.queueReport(report, [staged.id]);
      outbox.close();

      const reopened = await openOutbox();
      const records = recordsOf(reopened);
      const locked = await records.all();
      equal(locked.entries.length, 0, 'entries opened without the code');
      equal(locked.locked.length, 1, 'reports locked');
      equal(await records.get(id), undefined, 'the report, read without the code');

      equal(await reopened.unlock(generateReceiptCode()), false, 'another code opens something');
      await rejects(() => reopened.unlock(report.receiptCode.slice(0, -1) + 'x'), 'ReceiptCodeError');
      equal((await records.all()).entries.length, 0, 'entries opened by another code');

      let told = 0;
      records.watch(() => told++);
      equal(await reopened.unlock(report.receiptCode.replace(/ /g, '-')), true, 'the right code, typed with dashes');
      equal(told, 1, 'the sender is told');
      const opened = await records.all();
      equal(opened.locked.length, 0, 'reports still locked');
      equal(opened.entries.map((entry) => entry.type).join(), 'evidence,group');
      const group = await records.get(id);
      ok(group?.type === 'group' && group.lookup === toBase64Url(report.lookup), 'the lookup, opened');
      reopened.close();
    });

    it('removes, without any code, what this or another code staged and no report took', async () => {
      const outbox = await fresh();
      const report = await prepared(outbox);
      const left = await outbox.stageEvidence(report.receiptCode, markedFile(3 * MiB), caseKeys.publicKey);
      const queued = await outbox.stageEvidence(report.receiptCode, markedFile(1000), caseKeys.publicKey);
      await outbox.stageEvidence(await unlockedCode(outbox), markedFile(1000), caseKeys.publicKey);
      await outbox.queueReport(report, [queued.id]);
      outbox.close();

      const reopened = await openOutbox();
      const stored = await storedBytes();
      equal(stored.ciphertext.filter((r) => r.key[0] === left.id).length, 0, 'records of the unqueued file');
      ok(
        stored.ciphertext.some((r) => r.key[0] === queued.id),
        'the queued file is kept',
      );
      equal(stored.items.length, 2, 'the report and its file');
      equal((await recordsOf(reopened).all()).locked.length, 1, 'reports locked');
      reopened.close();
    });

    it('discards, at the reporter’s word, what waits for a code they no longer have', async () => {
      const outbox = await fresh();
      const report = await prepared(outbox);
      const staged = await outbox.stageEvidence(report.receiptCode, markedFile(1000), caseKeys.publicKey);
      await outbox.queueReport(report, [staged.id]);
      outbox.close();
      const reopened = await openOutbox();
      const [keyId] = (await recordsOf(reopened).all()).locked;
      await reopened.discard(keyId!);
      const stored = await storedBytes();
      equal(stored.items.length + stored.ciphertext.length, 0, 'records kept');
      reopened.close();
    });
  });

  describe('openOutbox', () => {
    it('drops a version 1 database’s stored key, and what it sealed with it', async () => {
      await wipeOutbox();
      const v1 = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open('backup-outbox', 1);
        request.onupgradeneeded = () => {
          request.result.createObjectStore('keys');
          request.result.createObjectStore('items', { keyPath: 'id' });
          request.result.createObjectStore('ciphertext');
        };
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      const tx = v1.transaction(['keys', 'items', 'ciphertext'], 'readwrite');
      tx.objectStore('keys').put(
        await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt']),
        'items',
      );
      tx.objectStore('items').put({ id: 'old', sealed: new Uint8Array(40) });
      tx.objectStore('ciphertext').put(new Uint8Array(10), ['old', 0]);
      await new Promise((resolve) => (tx.oncomplete = resolve));
      v1.close();

      const outbox = await openOutbox();
      const stored = await storedBytes();
      equal(stored.stores.join(), 'ciphertext,items', 'object stores');
      equal(stored.values.length, 0, 'values kept');
      outbox.close();
    });
  });

  describe('release', () => {
    it('deletes the database once it holds nothing, and the next write makes it anew', async () => {
      const outbox = await fresh();
      const store = recordsOf(outbox).store;
      const code = await unlockedCode(outbox);
      const staged = await outbox.stageEvidence(code, markedFile(1000), caseKeys.publicKey);
      await store.release();
      ok(await databaseExists(), 'released while a staged file is kept');
      await outbox.discard(staged.id);
      await store.release();
      ok(!(await databaseExists()), 'the empty database is kept');
      equal((await recordsOf(outbox).all()).entries.length, 0, 'entries read while released');
      ok(!(await databaseExists()), 'reading made the database again');

      const again = await outbox.stageEvidence(code, markedFile(1000), caseKeys.publicKey);
      ok(await databaseExists(), 'the database is made anew');
      ok(await recordsOf(outbox).get(again.id), 'the file staged after the release');
      outbox.close();
    });

    it('keeps what waits for its receipt code', async () => {
      const outbox = await fresh();
      const report = await prepared(outbox);
      await outbox.queueReport(report, []);
      outbox.close();
      const reopened = await openOutbox();
      await recordsOf(reopened).store.release();
      ok(await databaseExists(), 'a locked report was deleted');
      reopened.close();
    });

    it('leaves the database to another page that has it open', async () => {
      const outbox = await fresh();
      const code = await unlockedCode(outbox);
      let letGo = () => {};
      const held = new Promise<void>((resolve) => (letGo = resolve));
      // Another page's outbox holds this lock while it has the database open.
      await new Promise<void>((granted) => {
        void navigator.locks.request('backup-outbox', { mode: 'shared' }, () => (granted(), held));
      });
      try {
        await recordsOf(outbox).store.release();
        ok(await databaseExists(), 'deleted under another page');
        await outbox.stageEvidence(code, markedFile(1000), caseKeys.publicKey);
      } finally {
        letGo();
      }
      outbox.close();
    });
  });
});
