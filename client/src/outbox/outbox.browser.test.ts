// The outbox in a real Chromium with real IndexedDB: what a seized phone's storage would hold.
import { equal, ok, rejects } from '../../test-support/assert.ts';
import { after, describe, it } from '../../test-support/mocha.ts';
import {
  type ByteSource,
  generateBoxKeyPair,
  generateReceiptCode,
  openEvidence,
  randomBytes,
  toBase64Url,
  toHex,
  utf8,
} from '../envelope/index.ts';
import { type PreparedReport, type SharedFields, evidenceCommitmentOf, prepareReport } from '../intake/index.ts';
import { blobOf, bytesIn, containsBytes, containsText, databaseExists, storedBytes } from './inspect.testing.ts';
import { type Outbox, openOutbox, wipeOutbox } from './index.ts';
import { recordsOf } from './outbox.ts';

const MiB = 1024 * 1024;
const caseKeys = generateBoxKeyPair();
const MARKER = 'PLAINTEXT-MARKER-7f3a9c';
const SHARED: SharedFields = {
  triage: 'within-72h',
  incidentType: 'forced-marriage',
  area: 'ZZ4417Q',
  consent: { storage: true, referral: true, statistics: false, justice: false },
};

/** A file whose every byte is part of a repeated marker: any plaintext kept would show. */
function markedFile(bytes: number, type = 'video/mp4'): Blob {
  const block = utf8(MARKER.repeat(Math.ceil(MiB / MARKER.length)).slice(0, MiB));
  const parts = Array.from({ length: Math.ceil(bytes / MiB) }, (_, i) =>
    block.subarray(0, Math.min(MiB, bytes - i * MiB)),
  );
  return blobOf(parts, type);
}

/** A Blob that notes how far into it the outbox has read. */
class WatchedBlob extends Blob {
  furthest = 0;
  override slice(start?: number, end?: number, type?: string): Blob {
    this.furthest = Math.max(this.furthest, end ?? this.size);
    return super.slice(start, end, type);
  }
}

async function sha256Hex(blob: Blob): Promise<string> {
  return toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', await blob.arrayBuffer())));
}

/** A fresh outbox: the database wiped first, as after a quick exit. */
async function fresh(): Promise<Outbox> {
  await wipeOutbox();
  return openOutbox();
}

/** A report prepared as the app does, its receipt code unlocked before anything is staged. */
async function prepared(outbox: Outbox, document: unknown = {}): Promise<PreparedReport> {
  const report = await prepareReport({ casePublicKey: caseKeys.publicKey, document, shared: SHARED });
  await outbox.unlock(report.receiptCode);
  return report;
}

/** A receipt code unlocked on this outbox, for staging alone. */
async function unlockedCode(outbox: Outbox): Promise<string> {
  const code = generateReceiptCode();
  await outbox.unlock(code);
  return code;
}

/** The raw bytes of the code's outbox keys, derived here as sealing.ts specifies. */
async function keyBytes(code: string): Promise<Uint8Array[]> {
  const digits = utf8(code.replace(/\D/g, '')) as Uint8Array<ArrayBuffer>;
  const ikm = await crypto.subtle.importKey('raw', digits, 'HKDF', false, ['deriveBits']);
  const salt = utf8('backup outbox v1') as Uint8Array<ArrayBuffer>;
  const derive = async (info: string, bytes: number) =>
    new Uint8Array(
      await crypto.subtle.deriveBits(
        { name: 'HKDF', hash: 'SHA-256', salt, info: utf8(info) as Uint8Array<ArrayBuffer> },
        ikm,
        bytes * 8,
      ),
    );
  return [await derive('backup outbox items v1', 32)];
}

describe('the outbox in Chromium', () => {
  after(() => wipeOutbox());

  describe('stageEvidence', () => {
    it('keeps only ciphertext of a 30 MB file, in 1 MiB records, that the case key opens', async () => {
      const outbox = await fresh();
      const file = markedFile(30 * 1000 * 1000);
      let progress = 0;
      const code = await unlockedCode(outbox);
      const staged = await outbox.stageEvidence(code, file, caseKeys.publicKey, {
        onProgress: (done) => (progress = done),
      });
      equal(staged.kind, 'video');
      equal(progress, staged.size, 'progress reaches the ciphertext size');
      const chunks = Math.ceil(file.size / (256 * 1024));
      equal(staged.size, 104 + file.size + 16 * chunks + 1040, 'the documented evidence size');

      const stored = await storedBytes();
      const records = stored.ciphertext.filter((r) => r.key[0] === staged.id).sort((a, b) => a.key[1] - b.key[1]);
      equal(records.length, Math.ceil(staged.size / MiB), 'one record per MiB');
      records.forEach((r, i) => {
        equal(r.key[1], i, 'records are numbered from 0');
        equal(r.value.byteLength, i < records.length - 1 ? MiB : staged.size - i * MiB, `record ${i} size`);
        ok(!containsText(r.value, MARKER), `record ${i} holds plaintext`);
      });
      for (const item of stored.items) ok(!containsText(item.sealed, MARKER), 'an item holds plaintext');

      // What is stored is the evidence file, whole: the node's case key opens it.
      const source: ByteSource = {
        size: staged.size,
        read: async (offset, length) => {
          const out = new Uint8Array(length);
          for (let at = offset; at < offset + length;) {
            const record = records[Math.floor(at / MiB)]!.value;
            const from = at % MiB;
            const part = record.subarray(from, Math.min(record.length, from + offset + length - at));
            out.set(part, at - offset);
            at += part.length;
          }
          return out;
        },
      };
      const opened = await openEvidence(source, caseKeys.secretKey);
      equal(opened.metadata.sha256, await sha256Hex(file));
      // The sealed entry keeps the file's commitment, sent when the upload is created, and
      // never the salt, which stays inside the ciphertext.
      const entry = await recordsOf(outbox).get(staged.id);
      const commitment = toBase64Url(evidenceCommitmentOf(opened.metadata));
      equal(entry?.type === 'evidence' ? entry.commitment : undefined, commitment, 'the commitment kept');
      ok(!JSON.stringify(entry).includes(opened.metadata.salt), 'the salt is kept in the entry');
      for (const item of stored.items) ok(!containsText(item.sealed, opened.metadata.salt), 'an item holds the salt');
      let plainBytes = 0;
      for await (const chunk of opened.chunks()) plainBytes += chunk.length;
      equal(plainBytes, file.size);
      outbox.close();
    });

    it('reads the file at most two 8 MiB slices ahead of what it has stored, whatever its size', async () => {
      const outbox = await fresh();
      const file = new WatchedBlob([randomBytes(40 * MiB) as Uint8Array<ArrayBuffer>]);
      let ahead = 0;
      await outbox.stageEvidence(await unlockedCode(outbox), file, caseKeys.publicKey, {
        onProgress: (done) => (ahead = Math.max(ahead, file.furthest - done)),
      });
      ok(ahead <= 16 * MiB, `read ${ahead} bytes ahead of what was stored`);
      outbox.close();
    });

    it('refuses a file the browser says has no room, before keeping any of it', async () => {
      const outbox = await fresh();
      const code = await unlockedCode(outbox);
      const estimate = navigator.storage.estimate;
      navigator.storage.estimate = async () => ({ quota: 5 * MiB, usage: 4 * MiB });
      try {
        await rejects(() => outbox.stageEvidence(code, markedFile(2 * MiB), caseKeys.publicKey), 'OutboxFullError');
      } finally {
        navigator.storage.estimate = estimate;
      }
      const stored = await storedBytes();
      equal(stored.items.length + stored.ciphertext.length, 0, 'records kept');
      outbox.close();
    });

    it('stops when aborted, and keeps nothing of the file', async () => {
      const outbox = await fresh();
      const controller = new AbortController();
      const staging = outbox.stageEvidence(await unlockedCode(outbox), markedFile(8 * MiB), caseKeys.publicKey, {
        signal: controller.signal,
        onProgress: (done) => done >= 2 * MiB && controller.abort(),
      });
      await rejects(() => staging, 'AbortError');
      const stored = await storedBytes();
      equal(stored.items.length + stored.ciphertext.length, 0, 'records kept');
      outbox.close();
    });

    it('keeps nothing under a receipt code this page has not unlocked', async () => {
      const outbox = await fresh();
      await rejects(
        () => outbox.stageEvidence(generateReceiptCode(), markedFile(1000), caseKeys.publicKey),
        'OutboxLockedError',
      );
      await rejects(() => outbox.stageEvidence('1234', markedFile(1000), caseKeys.publicKey), 'ReceiptCodeError');
      equal((await storedBytes()).items.length, 0, 'items kept');
      outbox.close();
    });
  });

  describe('queueReport', () => {
    it('keeps no shared field, narrative, lookup, receipt code or key anywhere in storage', async () => {
      const outbox = await fresh();
      const report = await prepared(outbox, { v: 1, narrative: MARKER, answers: {} });
      const staged = await outbox.stageEvidence(
        report.receiptCode,
        markedFile(100_000, 'image/jpeg'),
        caseKeys.publicKey,
      );
      await outbox.queueReport(report, [staged.id]);

      const stored = await storedBytes();
      equal(stored.stores.join(), 'ciphertext,items', 'object stores (no key store)');
      equal(stored.items.length, 2, 'the report and its file');
      const digits = report.receiptCode.replace(/\D/g, '');
      const texts = [MARKER, 'ZZ4417Q', 'within-72h', 'forced-marriage', 'consent', 'verifier', digits];
      texts.push(toBase64Url(report.lookup), toBase64Url(report.body).slice(0, 40));
      const secrets = [...texts.map((text) => utf8(text)), report.lookup, ...(await keyBytes(report.receiptCode))];
      // Every value of every store: sealed items, their clear fields, the ciphertext records.
      for (const bytes of stored.values.flatMap(bytesIn)) {
        for (const [i, secret] of secrets.entries()) ok(!containsBytes(bytes, secret), `storage shows secret ${i}`);
      }
      for (const record of stored.ciphertext) ok(!containsText(record.value, 'ZZ4417Q'), 'ciphertext shows the area');
      outbox.close();
    });

    it('refuses evidence that was never staged, is already queued, or was staged under another code', async () => {
      const outbox = await fresh();
      const report = await prepared(outbox);
      const staged = await outbox.stageEvidence(report.receiptCode, markedFile(1000), caseKeys.publicKey);
      const other = await outbox.stageEvidence(await unlockedCode(outbox), markedFile(1000), caseKeys.publicKey);
      await rejects(() => outbox.queueReport(report, ['nope']), 'StagedEvidenceError');
      await rejects(() => outbox.queueReport(report, [staged.id, other.id]), 'StagedEvidenceError');
      await rejects(() => outbox.queueReport(report, [staged.id, staged.id]), 'StagedEvidenceError');
      await outbox.queueReport(report, [staged.id]);
      await rejects(() => outbox.attachEvidence(report.receiptCode, [staged.id]), 'StagedEvidenceError');
      outbox.close();
    });

    it('refuses a report whose receipt code was not unlocked', async () => {
      const outbox = await fresh();
      const report = await prepareReport({ casePublicKey: caseKeys.publicKey, document: {}, shared: SHARED });
      await rejects(() => outbox.queueReport(report, []), 'OutboxLockedError');
      outbox.close();
    });
  });

  describe('openOutbox', () => {
    it('falls back to memory when IndexedDB will not open', async () => {
      await wipeOutbox();
      const refusing = {
        open: () => {
          throw new DOMException('A mutation operation was attempted', 'InvalidStateError');
        },
      } as unknown as IDBFactory;
      const outbox = await openOutbox({ indexedDB: refusing });
      equal(outbox.persistent, false);
      const staged = await outbox.stageEvidence(await unlockedCode(outbox), markedFile(MiB), caseKeys.publicKey);
      ok(staged.size > MiB);
      ok(!(await databaseExists()), 'a database was made');
      outbox.close();
    });
  });

  describe('wipeOutbox', () => {
    it('deletes everything while the outbox is open, leaving indexedDB.databases() empty', async () => {
      const outbox = await fresh();
      const report = await prepared(outbox);
      const staged = await outbox.stageEvidence(report.receiptCode, markedFile(2 * MiB), caseKeys.publicKey);
      await outbox.queueReport(report, [staged.id]);
      await wipeOutbox();
      equal((await indexedDB.databases()).length, 0, 'databases left');
      await rejects(
        () => outbox.stageEvidence(report.receiptCode, markedFile(10), caseKeys.publicKey),
        'OutboxClosedError',
      );
      ok(!(await databaseExists()), 'the database came back');
    });
  });

  describe('the memory outbox', () => {
    it('stages, queues and discards like the stored one, and writes nothing to the browser', async () => {
      await wipeOutbox();
      const outbox = await openOutbox({ indexedDB: null });
      equal(outbox.persistent, false);
      const file = markedFile(5 * MiB);
      let progress = 0;
      const report = await prepared(outbox);
      const staged = await outbox.stageEvidence(report.receiptCode, file, caseKeys.publicKey, {
        onProgress: (done) => (progress = done),
      });
      equal(staged.kind, 'video');
      equal(progress, staged.size);
      await rejects(() => outbox.queueReport(report, ['nope']), 'StagedEvidenceError');
      const id = await outbox.queueReport(report, [staged.id]);
      await rejects(() => outbox.attachEvidence(report.receiptCode, [staged.id]), 'StagedEvidenceError');

      // The kept ciphertext is the evidence file, made a slice at a time from the picked file.
      const source = recordsOf(outbox).store.ciphertext(staged.id, staged.size);
      const opened = await openEvidence(
        { size: source.size, read: (offset, length) => source.slice(offset, offset + length) },
        caseKeys.secretKey,
      );
      equal(opened.metadata.sha256, await sha256Hex(file));

      await outbox.discard(id);
      equal((await recordsOf(outbox).all()).entries.length, 0, 'entries left after discarding the report');
      ok(!(await databaseExists()), 'a database was made');
      outbox.close();
      await rejects(
        () => outbox.stageEvidence(report.receiptCode, markedFile(10), caseKeys.publicKey),
        'OutboxClosedError',
      );
    });
  });
});
