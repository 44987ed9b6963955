import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BoxSecretKey,
  MESSAGE_MAX_PLAINTEXT_BYTES,
  type SealedMessage,
  deriveReceiptKeys,
  generateReceiptCode,
  openMessage,
  receiptVerifier,
} from '../../../client/src/envelope/index.ts';
import { createKeyFile, unlockCaseKey } from '../keys/index.ts';
import { CaseStore } from '../store/index.ts';
import { replyCommand } from './reply-command.ts';
import { UsageError } from './usage.ts';

const PASSPHRASE = 'reply test passphrase';

function sink(): PassThrough & { text(): string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (d: Buffer) => (text += d.toString()));
  return Object.assign(stream, { text: () => text });
}

describe('replyCommand', () => {
  let dir: string;
  let caseSecret: BoxSecretKey;
  const receipt = deriveReceiptKeys(generateReceiptCode());
  const caseId = randomBytes(16).toString('base64url');

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'backup-reply-'));
    await createKeyFile(dir, PASSPHRASE);
    caseSecret = await unlockCaseKey(dir, PASSPHRASE);
    const store = new CaseStore(dir);
    await store.insertCase({
      id: caseId,
      verifier: receiptVerifier(receipt.lookup),
      replyKey: receipt.replyPublicKey,
      envelope: '{}',
      shared: '{}',
    });
    store.close();
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** `message` goes in on standard input, as `--message-file -`. */
  const reply = ({ message, ...options }: Parameters<typeof replyCommand>[0] & { message?: string }) =>
    replyCommand(
      message === undefined ? options : { ...options, 'message-file': '-' },
      sink(),
      sink(),
      Readable.from([message ?? '']),
    );

  function thread() {
    const store = new CaseStore(dir, { readonly: true });
    try {
      return store.messagesOfCase(caseId);
    } finally {
      store.close();
    }
  }

  describe('given a message for a case', () => {
    it('stores it as a caseworker’s, read from standard input, sealed so that the reporter and the case key both open it', async () => {
      const out = sink();
      const stdin = Readable.from([Buffer.from('نحن هنا. Ми тут.\n')]);
      expect(await replyCommand({ data: dir, case: caseId, 'message-file': '-' }, out, sink(), stdin)).toBe(0);
      const stored = thread().at(-1)!;
      expect(out.text()).toBe(`${stored.id}\n`);
      expect(stored.author).toBe('caseworker');
      const envelope = JSON.parse(stored.envelope) as SealedMessage;
      const expected = { v: 1, author: 'caseworker', text: 'نحن هنا. Ми тут.' };
      expect(await openMessage(envelope, receipt.replySecretKey, 'reporter')).toEqual(expected);
      expect(await openMessage(envelope, caseSecret, 'case')).toEqual(expected);
    });

    it('reads it from a file, without the trailing newline', async () => {
      const file = join(dir, 'reply.txt');
      await writeFile(file, 'Line one.\nLine two.\n');
      await reply({ data: dir, case: caseId, 'message-file': file });
      const envelope = JSON.parse(thread().at(-1)!.envelope) as SealedMessage;
      expect((await openMessage(envelope, caseSecret, 'case')).text).toBe('Line one.\nLine two.');
    });
  });

  describe('when it cannot send', () => {
    it.each([
      ['no data folder', () => ({ case: caseId, message: 'x' }), /--data/],
      ['no case', () => ({ data: dir, message: 'x' }), /--case/],
      ['no message', () => ({ data: dir, case: caseId }), /--message-file/],
      ['an empty message', () => ({ data: dir, case: caseId, message: ' \n' }), /empty/],
      ['a case id that is not one', () => ({ data: dir, case: '../../etc', message: 'x' }), /case id/],
      ['a case this node does not have', () => ({ data: dir, case: 'A'.repeat(22), message: 'x' }), /no case/],
      ['a folder with no node', () => ({ data: join(dir, 'nowhere'), case: caseId, message: 'x' }), /no node/],
      [
        'a message too long',
        () => ({ data: dir, case: caseId, message: 'x'.repeat(MESSAGE_MAX_PLAINTEXT_BYTES) }),
        /at most/,
      ],
    ])('refuses %s with a UsageError and stores nothing', async (_what, options, message) => {
      const before = thread().length;
      // The folder exists only once the tests run, so each case makes its options then.
      const attempt = reply(options());
      await expect(attempt).rejects.toBeInstanceOf(UsageError);
      await expect(attempt).rejects.toThrow(message);
      expect(thread()).toHaveLength(before);
    });
  });
});
