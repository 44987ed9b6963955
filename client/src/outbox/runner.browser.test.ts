// The sender in Chromium, against a node faked in the page (fake-node.testing.ts): the
// order of things, retries, refusals, and resuming an upload after a reload.
import { equal, ok } from '../../test-support/assert.ts';
import { after, describe, it } from '../../test-support/mocha.ts';
import {
  type BoxPublicKey,
  generateBoxKeyPair,
  generateReceiptCode,
  openEvidence,
  randomBytes,
  toBase64Url,
  toHex,
} from '../envelope/index.ts';
import { type PreparedReport, evidenceCommitmentOf, prepareReport } from '../intake/index.ts';
import { FakeNode } from './fake-node.testing.ts';
import { blobOf, databaseExists, eventually, storedBytes, until } from './inspect.testing.ts';
import {
  type Outbox,
  type OutboxItem,
  type OutboxRunner,
  type OutboxRunnerInit,
  createOutboxRunner,
  openOutbox,
  wipeOutbox,
} from './index.ts';
import { recordsOf } from './outbox.ts';

const KiB = 1024;
const caseKeys = generateBoxKeyPair();
const CONSENT = { storage: true, referral: false, statistics: false, justice: false } as const;

type Mode = 'indexeddb' | 'memory';

interface Scene {
  readonly node: FakeNode;
  readonly outbox: Outbox;
  readonly runner: (init?: Partial<OutboxRunnerInit>) => OutboxRunner;
  readonly reopen: () => Promise<Outbox>;
}

/** A fresh outbox and node; fetch goes to the fake node until the test ends. */
async function scene(mode: Mode, test: (scene: Scene) => Promise<void>): Promise<void> {
  await wipeOutbox();
  const node = new FakeNode();
  const realFetch = globalThis.fetch;
  globalThis.fetch = node.fetch;
  const open = () => openOutbox(mode === 'memory' ? { indexedDB: null } : {});
  let outbox = await open();
  const runners: OutboxRunner[] = [];
  const runner = (init: Partial<OutboxRunnerInit> = {}) => {
    const made = createOutboxRunner({
      nodeUrl: node.url,
      outbox,
      chunkSize: 256 * KiB,
      httpStack: node.httpStack,
      retryDelay: () => 20,
      ...init,
    });
    runners.push(made);
    return made;
  };
  try {
    await test({ node, outbox, runner, reopen: async () => (outbox = await open()) });
  } finally {
    for (const made of runners) await made.stop();
    globalThis.fetch = realFetch;
    outbox.close();
  }
}

/** Staged under the report's receipt code, as the app does. */
async function stage(outbox: Outbox, report: PreparedReport, bytes: number, type = 'video/mp4') {
  const file = blobOf([randomBytes(bytes)], type);
  return { file, ...(await outbox.stageEvidence(report.receiptCode, file, caseKeys.publicKey)) };
}

/** A report prepared first, its receipt code unlocked, as the app does before staging its files. */
async function prepare(outbox: Outbox, casePublicKey: BoxPublicKey = caseKeys.publicKey): Promise<PreparedReport> {
  const report = await prepareReport({
    casePublicKey,
    document: { v: 1, narrative: 'n' },
    shared: { consent: CONSENT },
  });
  await outbox.unlock(report.receiptCode);
  return report;
}

const item = (runner: OutboxRunner, id: string): OutboxItem | undefined => runner.items().find((i) => i.id === id);
const stateOf = (runner: OutboxRunner, id: string) => item(runner, id)?.state;

/** The node's copy of an upload, opened with the case key: its SHA-256 must be the file's. */
async function checkUploaded(node: FakeNode, file: Blob, upload = [...node.uploads.values()][0]!): Promise<void> {
  equal(upload.bytes.length, upload.length, 'bytes on the node');
  const bytes = upload.bytes;
  const opened = await openEvidence(
    { size: bytes.length, read: async (offset, length) => bytes.slice(offset, offset + length) },
    caseKeys.secretKey,
  );
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', await file.arrayBuffer()));
  equal(opened.metadata.sha256, toHex(digest));
  // The commitment sent at creation is the one the sealed metadata (salt included) gives.
  equal(upload.commitment, toBase64Url(evidenceCommitmentOf(opened.metadata)), 'commitment');
}

/** Soon after the last upload (or discard), the outbox holds nothing, not even the lookup, nor its database. */
function nothingKept(outbox: Outbox): Promise<void> {
  return eventually(async () => {
    equal((await recordsOf(outbox).all()).entries.length, 0, 'entries kept');
    const stored = await storedBytes();
    equal(stored.items.length + stored.ciphertext.length, 0, 'records in IndexedDB');
    ok(!(await databaseExists()), 'the database is kept');
  });
}

describe('createOutboxRunner', () => {
  after(() => wipeOutbox());

  for (const mode of ['indexeddb', 'memory'] as const) {
    describe(`with the ${mode} outbox`, () => {
      it('sends the report, then uploads its files, and keeps nothing once the node has them', () =>
        scene(mode, async ({ node, outbox, runner }) => {
          const report = await prepare(outbox);
          const video = await stage(outbox, report, 1_500_000);
          const photo = await stage(outbox, report, 300_000, 'image/jpeg');
          const id = await outbox.queueReport(report, [video.id, photo.id]);
          let changes = 0;
          const sender = runner({ onChange: () => changes++ });
          sender.start();
          await until(() => stateOf(sender, photo.id) === 'done', 'the last upload');

          equal(node.reports.length, 1, 'reports on the node');
          const firstUpload = node.log.indexOf('POST /api/v1/evidence');
          ok(node.log.indexOf('POST /api/v1/reports') < firstUpload, 'the report goes first');
          equal(node.uploads.size, 2);
          const [first, second] = [...node.uploads.values()];
          await checkUploaded(node, video.file, first);
          await checkUploaded(node, photo.file, second);
          const items = sender.items();
          equal(items.map((i) => `${i.kind}:${i.state}`).join(), 'report:done,evidence:done,evidence:done');
          ok(items[0]!.id === id && items[1]!.fileKind === 'video' && items[2]!.fileKind === 'image');
          for (const i of items) equal(i.sent, i.total, `${i.kind} sent`);
          ok(changes > 5, 'progress was reported');
          await nothingKept(outbox);
        }));

      it('keeps trying while offline, and again at once when the browser is back online', () =>
        scene(mode, async ({ node, outbox, runner }) => {
          const report = await prepare(outbox);
          const file = await stage(outbox, report, 50_000);
          const id = await outbox.queueReport(report, [file.id]);
          node.online = false;
          const sender = runner({ retryDelay: () => 60_000 });
          sender.start();
          await until(() => item(sender, id)?.error === 'network', 'a failed attempt');
          equal(stateOf(sender, id), 'waiting-network');
          node.online = true;
          const backOnline = Date.now();
          globalThis.dispatchEvent(new Event('online'));
          await until(() => stateOf(sender, file.id) === 'done', 'the upload', 5000);
          ok(Date.now() - backOnline < 5000, 'sent well before the minute of back-off');
        }));

      it('stops when told to while a pass is still finishing', () =>
        scene(mode, async ({ node, outbox, runner }) => {
          const report = await prepare(outbox);
          const id = await outbox.queueReport(report, []);
          // Told to stop as the report is sent: the pass goes on to settle it, then ends.
          let stopped: Promise<void> | undefined;
          const sender = runner({
            onChange: (items) => {
              if (items.some((i) => i.id === id && i.state === 'done')) stopped ??= sender.stop();
            },
          });
          sender.start();
          await until(() => stopped !== undefined, 'the report to be sent');
          let done = false;
          void stopped!.then(() => (done = true));
          await until(() => done, 'the sender to stop');
          equal(node.reports.length, 1, 'reports on the node');
        }));

      it('does not send a report twice when the answer to the first attempt was lost', () =>
        scene(mode, async ({ node, outbox, runner }) => {
          const report = await prepare(outbox);
          const file = await stage(outbox, report, 50_000);
          const id = await outbox.queueReport(report, [file.id]);
          node.loseNextReportAnswer = true;
          const sender = runner();
          sender.start();
          await until(() => stateOf(sender, file.id) === 'done', 'the upload');
          equal(node.log.filter((line) => line === 'POST /api/v1/reports').length, 2, 'attempts');
          equal(node.reports.length, 1, 'reports on the node');
          equal(stateOf(sender, id), 'done');
        }));

      it('takes a refused upload as final, and keeps it, without its lookup, until discarded', () =>
        scene(mode, async ({ node, outbox, runner }) => {
          const report = await prepare(outbox);
          const file = await stage(outbox, report, 50_000);
          const id = await outbox.queueReport(report, [file.id]);
          const sender = runner();
          node.refuseUploads = { status: 410, code: 'upload-expired' };
          sender.start();
          await until(() => stateOf(sender, file.id) === 'refused', 'the refusal');
          equal(item(sender, file.id)?.error, 'upload-expired');
          equal(stateOf(sender, id), 'done', 'the report itself');
          const requests = node.log.length;
          await new Promise((resolve) => setTimeout(resolve, 300));
          equal(node.log.length, requests, 'requests after the refusal');
          const kept = await recordsOf(outbox).all();
          ok(
            kept.entries.some((entry) => entry.id === file.id),
            'the refused file is kept',
          );
          const group = kept.entries.find((entry) => entry.id === id);
          ok(group?.type === 'group', 'the group of the refused file is kept');
          equal(group.lookup, undefined, 'the lookup');
          equal(group.body, undefined, 'the report');

          await outbox.discard(file.id);
          await until(() => item(sender, file.id) === undefined, 'the discarded item to go');
          await nothingKept(outbox);
        }));

      it('refuses the files of a report the node refuses, and uploads none', () =>
        scene(mode, async ({ node, outbox, runner }) => {
          const report = await prepare(outbox);
          const file = await stage(outbox, report, 50_000);
          const id = await outbox.queueReport(report, [file.id]);
          node.refuseReports = { status: 400, code: 'invalid-request' };
          const sender = runner();
          sender.start();
          await until(() => stateOf(sender, id) === 'refused', 'the refusal');
          equal(item(sender, id)?.error, 'invalid-request');
          equal(item(sender, file.id)?.state, 'refused');
          equal(item(sender, file.id)?.error, 'report-refused');
          equal(node.uploads.size, 0);
          await eventually(async () => {
            const group = await recordsOf(outbox).get(id);
            ok(group?.type === 'group' && group.lookup === undefined && group.body === undefined, 'lookup kept');
          });
        }));

      it('uploads files attached on follow-up with the lookup alone', () =>
        scene(mode, async ({ node, outbox, runner }) => {
          const report = await prepare(outbox);
          const file = await stage(outbox, report, 400_000, 'audio/ogg');
          const sender = runner();
          sender.start();
          await outbox.attachEvidence(report.receiptCode, [file.id]);
          await until(() => stateOf(sender, file.id) === 'done', 'the upload');
          equal(node.reports.length, 0);
          equal(sender.items().length, 1, 'items (no report)');
          await checkUploaded(node, file.file);
        }));
    });
  }

  describe('after a reload', () => {
    it('resumes an upload at the node’s offset, with the upload URL it kept', () =>
      scene('indexeddb', async ({ node, outbox, runner, reopen }) => {
        const report = await prepare(outbox);
        const file = await stage(outbox, report, 1_000_000);
        await outbox.queueReport(report, [file.id]);
        node.cutNextPatchAfter = 100_000;
        const before = runner({ retryDelay: () => 60_000 });
        before.start();
        await until(() => item(before, file.id)?.error === 'network', 'the dropped connection');
        await before.stop();
        outbox.close();

        // The page reloads: a new outbox and sender, from what IndexedDB kept, opened with
        // the receipt code the reporter types again.
        const reopened = await reopen();
        await reopened.unlock(report.receiptCode);
        const [uploadId] = [...node.uploads.keys()];
        const kept = await recordsOf(reopened).get(file.id);
        ok(kept?.type === 'evidence' && kept.uploadUrl?.endsWith(`/api/v1/evidence/${uploadId}`), 'the upload URL');
        const logged = node.log.length;
        const after = runner();
        after.start();
        await until(() => stateOf(after, file.id) === 'done', 'the resumed upload');
        const resumed = node.log.slice(logged);
        equal(resumed[0], `HEAD /api/v1/evidence/${uploadId}`, 'asks the node its offset first');
        equal(resumed[1], `PATCH /api/v1/evidence/${uploadId} @100000`, 'and goes on from there');
        ok(!resumed.includes('POST /api/v1/evidence'), 'no new upload');
        ok(!resumed.includes('POST /api/v1/reports'), 'the report is not sent again');
        await checkUploaded(node, file.file);
        await nothingKept(reopened);
      }));

    it('takes an upload the node let expire meanwhile as refused, and starts no other', () =>
      scene('indexeddb', async ({ node, outbox, runner, reopen }) => {
        const report = await prepare(outbox);
        const file = await stage(outbox, report, 1_000_000);
        await outbox.queueReport(report, [file.id]);
        node.cutNextPatchAfter = 100_000;
        const before = runner({ retryDelay: () => 60_000 });
        before.start();
        await until(() => item(before, file.id)?.error === 'network', 'the dropped connection');
        await before.stop();
        outbox.close();
        for (const upload of node.uploads.values()) upload.expired = true;

        await (await reopen()).unlock(report.receiptCode);
        const logged = node.log.length;
        const after = runner();
        after.start();
        await until(() => stateOf(after, file.id) === 'refused', 'the refusal');
        equal(item(after, file.id)?.error, 'upload-expired');
        ok(!node.log.slice(logged).includes('POST /api/v1/evidence'), 'a new upload was started');
      }));

    it('keeps a refusal across the reload, and tries no more', () =>
      scene('indexeddb', async ({ node, outbox, runner, reopen }) => {
        const report = await prepare(outbox);
        const file = await stage(outbox, report, 50_000);
        await outbox.queueReport(report, [file.id]);
        node.refuseUploads = { status: 413, code: 'too-large' };
        const before = runner();
        before.start();
        await until(() => stateOf(before, file.id) === 'refused', 'the refusal');
        await before.stop();
        outbox.close();
        await (await reopen()).unlock(report.receiptCode);
        const logged = node.log.length;
        const after = runner();
        after.start();
        await until(() => stateOf(after, file.id) === 'refused', 'the refusal after the reload');
        equal(item(after, file.id)?.error, 'too-large');
        await new Promise((resolve) => setTimeout(resolve, 200));
        equal(node.log.length, logged, 'requests after the reload');
      }));
  });

  describe('after a reload, before the receipt code is typed again', () => {
    it('shows what waits as locked, tries nothing, and sends it all once the code is typed', () =>
      scene('indexeddb', async ({ node, outbox, runner, reopen }) => {
        const report = await prepare(outbox);
        const file = await stage(outbox, report, 300_000);
        const id = await outbox.queueReport(report, [file.id]);
        outbox.close();

        const reopened = await reopen();
        const sender = runner({ retryDelay: () => 20 });
        sender.start();
        await until(() => sender.items().length === 1, 'the locked item');
        const [locked] = sender.items();
        equal(locked?.state, 'locked');
        equal(locked?.kind, 'report');
        await new Promise((resolve) => setTimeout(resolve, 300));
        equal(node.log.length, 0, 'requests while locked');
        ok(await databaseExists(), 'the locked report was deleted');

        equal(await reopened.unlock(generateReceiptCode()), false, 'another code opens something');
        equal(await reopened.unlock(report.receiptCode), true);
        await until(() => stateOf(sender, file.id) === 'done', 'the upload');
        equal(stateOf(sender, id), 'done', 'the report');
        equal(item(sender, locked!.id), undefined, 'the locked item, once opened');
        equal(node.reports.length, 1, 'reports on the node');
        await checkUploaded(node, file.file);
        await nothingKept(reopened);
      }));
  });

  describe('when quick exit wipes the outbox mid-upload', () => {
    it('stops on its own and leaves no database', () =>
      scene('indexeddb', async ({ node, outbox, runner }) => {
        const report = await prepare(outbox);
        const file = await stage(outbox, report, 2_000_000);
        await outbox.queueReport(report, [file.id]);
        const sender = runner();
        sender.start();
        await until(() => (item(sender, file.id)?.sent ?? 0) > 0, 'the upload to start');
        await wipeOutbox();
        await until(() => item(sender, file.id)?.error === 'outbox-closed', 'the sender to notice');
        const requests = node.log.length;
        await new Promise((resolve) => setTimeout(resolve, 300));
        equal(node.log.length, requests, 'requests after the wipe');
        equal((await indexedDB.databases()).length, 0, 'databases left');
      }));
  });
});
