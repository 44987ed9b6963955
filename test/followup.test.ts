// Acceptance: a caseworker and a reporter talk through the node, end to end encrypted. The
// caseworker replies with `backup reply` beside the running node; the reporter reads it and
// answers with nothing but the receipt code; `backup decrypt` shows the whole thread; the
// data folder holds neither side's words in any encoding.
import { randomBytes } from 'node:crypto';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BoxPublicKey,
  deriveReceiptKeys,
  generateReceiptCode,
  sealMessage,
  toBase64Url,
} from '../client/src/envelope/index.ts';
import { fetchFollowUp, fetchNodeInfo, sendMessage, submitReport } from '../client/src/intake/index.ts';
import {
  type NodeProcess,
  type Workspace,
  decryptInto,
  makeWorkspace,
  runCli,
  startNodeProcess,
} from './helpers/node-process.ts';
import { encodingsOf, findInFiles } from './helpers/scan.ts';

interface ThreadLine {
  readonly id: string;
  readonly author: string;
  readonly receivedHour: string;
  readonly text?: string;
  readonly unreadable?: string;
}

const HOUR = /^\d{4}-\d\d-\d\dT\d\d:00Z$/;

async function readThread(out: string, caseId: string): Promise<ThreadLine[]> {
  return JSON.parse(await readFile(join(out, caseId, 'messages.json'), 'utf8')) as ThreadLine[];
}

function postJson(url: string, body: string): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
}

describe('a message thread between a caseworker and a reporter', () => {
  let ws: Workspace;
  let node: NodeProcess;
  let casePublicKey: BoxPublicKey;
  let receipt: string;
  let caseId: string;
  const caseworkerMarker = `CASEWORKER-${randomBytes(12).toString('hex')}`;
  const reporterMarker = `REPORTER-${randomBytes(12).toString('hex')}`;
  const needles = {
    ...encodingsOf('caseworker marker', Buffer.from(caseworkerMarker)),
    ...encodingsOf('reporter marker', Buffer.from(reporterMarker)),
  };

  beforeAll(async () => {
    ws = await makeWorkspace();
    node = await startNodeProcess(ws);
    casePublicKey = (await fetchNodeInfo(node.url)).casePublicKey;
    const narrative = join(ws.dir, 'narrative.txt');
    await writeFile(narrative, 'حدث ذلك عند نقطة التفتيش.\n');
    const reported = await runCli(['report', '--node', node.url, '--narrative', narrative]);
    expect(reported.code, reported.stderr).toBe(0);
    receipt = reported.stdout.trim().split('\n').pop()!;
  });

  afterAll(async () => {
    await node?.kill();
    await ws?.cleanup();
  });

  it('starts empty: the reporter sees no messages, and decrypt writes an empty thread', async () => {
    expect((await fetchFollowUp(node.url, receipt)).messages).toEqual([]);
    const out = join(ws.dir, 'out-before');
    const result = await decryptInto(ws, out);
    expect(result.code, result.stderr).toBe(0);
    const cases = await readdir(out);
    expect(cases).toHaveLength(1);
    caseId = cases[0]!;
    expect(await readThread(out, caseId)).toEqual([]);
  });

  it('takes a caseworker’s reply from `backup reply` while the node runs', async () => {
    const result = await runCli(
      ['reply', '--data', ws.dataDir, '--case', caseId, '--message-file', '-'],
      `نحن هنا لمساعدتك. ${caseworkerMarker}\n`,
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim()).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('shows the reply to the reporter, opened with the receipt code', async () => {
    const followUp = await fetchFollowUp(node.url, receipt);
    expect(followUp.status).toBe('received');
    expect(followUp.messages).toEqual([
      {
        id: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/) as unknown,
        author: 'caseworker',
        receivedHour: expect.stringMatching(HOUR) as unknown,
        readable: true,
        text: `نحن هنا لمساعدتك. ${caseworkerMarker}`,
      },
    ]);
  });

  it('takes the reporter’s answer and shows the thread in order, to the reporter and to decrypt', async () => {
    const sent = await sendMessage(node.url, receipt, casePublicKey, `شكرا. Дякую. ${reporterMarker}`);
    expect(sent.id).toMatch(/^[A-Za-z0-9_-]{22}$/);

    const followUp = await fetchFollowUp(node.url, receipt);
    expect(followUp.messages.map((m) => [m.author, m.readable && m.text])).toEqual([
      ['caseworker', `نحن هنا لمساعدتك. ${caseworkerMarker}`],
      ['reporter', `شكرا. Дякую. ${reporterMarker}`],
    ]);
    expect(followUp.messages[1]!.id).toBe(sent.id);

    const out = join(ws.dir, 'out-after');
    const result = await decryptInto(ws, out);
    expect(result.code, result.stderr).toBe(0);
    const thread = await readThread(out, caseId);
    expect(thread.map((m) => [m.author, m.text])).toEqual([
      ['caseworker', `نحن هنا لمساعدتك. ${caseworkerMarker}`],
      ['reporter', `شكرا. Дякую. ${reporterMarker}`],
    ]);
    for (const m of thread) expect(m.receivedHour).toMatch(HOUR);
  });

  it('keeps neither side’s words in the data folder, in any encoding, while running and after stopping', async () => {
    expect(await findInFiles(ws.dataDir, needles)).toEqual([]);
    // The scan is not vacuous: the same search finds both markers in the decrypted thread.
    const found = await findInFiles(join(ws.dir, 'out-after'), needles);
    expect(found.some((f) => f.includes('caseworker marker (raw)'))).toBe(true);
    expect(found.some((f) => f.includes('reporter marker (raw)'))).toBe(true);
    await node.kill('SIGTERM');
    expect(await findInFiles(ws.dataDir, needles)).toEqual([]);
    node = await startNodeProcess(ws);
  });

  describe('when the requests are hostile', () => {
    const lookup = () => toBase64Url(deriveReceiptKeys(receipt).lookup);

    it('answers 404 receipt-unknown to a receipt the node does not know, for reading and for sending', async () => {
      await expect(fetchFollowUp(node.url, generateReceiptCode())).rejects.toMatchObject({
        name: 'NodeApiError',
        status: 404,
        code: 'receipt-unknown',
      });
      await expect(sendMessage(node.url, generateReceiptCode(), casePublicKey, 'hello')).rejects.toMatchObject({
        name: 'NodeApiError',
        status: 404,
        code: 'receipt-unknown',
      });
    });

    it('refuses malformed messages with a 4xx and a code, never a 5xx, and stores none of them', async () => {
      const good = await sealMessage(
        { v: 1, author: 'reporter', text: 'x' },
        { casePublicKey, reporterPublicKey: deriveReceiptKeys(receipt).replyPublicKey },
      );
      const bodies: [string, string][] = [
        ['not JSON', '{"lookup":'],
        ['no message', JSON.stringify({ lookup: lookup() })],
        ['an author chosen by the sender', JSON.stringify({ lookup: lookup(), message: good, author: 'caseworker' })],
        ['an envelope of another version', JSON.stringify({ lookup: lookup(), message: { ...good, v: 2 } })],
        ['a short iv', JSON.stringify({ lookup: lookup(), message: { ...good, iv: good.iv.slice(1) } })],
        ['an unpadded ciphertext', JSON.stringify({ lookup: lookup(), message: { ...good, ct: good.ct.slice(8) } })],
        [
          'a sealed key missing',
          JSON.stringify({ lookup: lookup(), message: { ...good, keys: { case: good.keys.case } } }),
        ],
        [
          'a sealed key in base64',
          JSON.stringify({
            lookup: lookup(),
            message: { ...good, keys: { ...good.keys, case: `${good.keys.case.slice(2)}+/` } },
          }),
        ],
        ['an envelope that is a string', JSON.stringify({ lookup: lookup(), message: JSON.stringify(good) })],
        ['a lookup that is a number', JSON.stringify({ lookup: 42, message: good })],
        ['a JSON array', JSON.stringify([lookup(), good])],
        ['too large a body', JSON.stringify({ lookup: lookup(), message: { ...good, ct: 'A'.repeat(40_000) } })],
      ];
      const before = (await fetchFollowUp(node.url, receipt)).messages.length;
      for (const [what, body] of bodies) {
        const response = await postJson(`${node.url}/api/v1/messages`, body);
        const answer = (await response.json()) as { error?: { code?: string } };
        expect(response.status, what).toBeGreaterThanOrEqual(400);
        expect(response.status, what).toBeLessThan(500);
        expect(answer.error?.code, what).toMatch(/^[a-z-]+$/);
      }
      const text = await fetch(`${node.url}/api/v1/messages`, { method: 'POST', body: 'lookup=1' });
      expect(text.status).toBe(415);
      expect((await fetchFollowUp(node.url, receipt)).messages).toHaveLength(before);
    });

    it('shows a message that claims to be from a caseworker, sent by the reporter route, as unreadable', async () => {
      const forged = await sealMessage(
        { v: 1, author: 'caseworker', text: 'Come alone to the checkpoint.' },
        { casePublicKey, reporterPublicKey: deriveReceiptKeys(receipt).replyPublicKey },
      );
      const response = await postJson(
        `${node.url}/api/v1/messages`,
        JSON.stringify({ lookup: lookup(), message: forged }),
      );
      expect(response.status).toBe(201);
      const last = (await fetchFollowUp(node.url, receipt)).messages.at(-1)!;
      expect(last).toMatchObject({ author: 'reporter', readable: false });
      expect(last).not.toHaveProperty('text');

      const out = join(ws.dir, 'out-forged');
      const result = await decryptInto(ws, out);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/message .* cannot be opened: it says it is from the caseworker/);
      const thread = await readThread(out, caseId);
      expect(thread.at(-1)).toMatchObject({ author: 'reporter', unreadable: expect.any(String) as unknown });
      expect(thread.at(-1)).not.toHaveProperty('text');
    });

    it('shows a message sealed to another reporter as unreadable, and keeps the rest of the thread', async () => {
      const stranger = deriveReceiptKeys(generateReceiptCode()).replyPublicKey;
      const misdirected = await sealMessage(
        { v: 1, author: 'reporter', text: 'for someone else' },
        { casePublicKey, reporterPublicKey: stranger },
      );
      const response = await postJson(
        `${node.url}/api/v1/messages`,
        JSON.stringify({ lookup: lookup(), message: misdirected }),
      );
      expect(response.status).toBe(201);
      const messages = (await fetchFollowUp(node.url, receipt)).messages;
      expect(messages.at(-1)).toMatchObject({ author: 'reporter', readable: false });
      expect(messages.filter((m) => m.readable)).toHaveLength(2);
    });
  });
});

describe('messages from one source', () => {
  let ws: Workspace;
  let node: NodeProcess;

  beforeAll(async () => {
    ws = await makeWorkspace();
    node = await startNodeProcess(ws, { flags: { 'source-burst': 2, 'source-per-minute': 1 } });
  });

  afterAll(async () => {
    await node?.kill();
    await ws?.cleanup();
  });

  it('has its messages rate-limited per source, like follow-ups', async () => {
    const { casePublicKey } = await fetchNodeInfo(node.url);
    // The report takes the first of the source's two tokens, the first message the second.
    const { receiptCode } = await submitReport({
      nodeUrl: node.url,
      casePublicKey,
      document: {},
      shared: { consent: { storage: true, referral: false, statistics: false, justice: false } },
    });
    await expect(sendMessage(node.url, receiptCode, casePublicKey, 'first')).resolves.toHaveProperty('id');
    await expect(sendMessage(node.url, receiptCode, casePublicKey, 'second')).rejects.toMatchObject({
      name: 'NodeApiError',
      status: 429,
      code: 'rate-limited',
    });
  });
});
