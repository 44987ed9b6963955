import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  deriveReceiptKeys,
  generateBoxKeyPair,
  normaliseReceiptCode,
  openReport,
  receiptVerifier,
  toBase64Url,
} from '../envelope/index.ts';
import { prepareReport, sendPreparedReport, submitReport } from './api.ts';
import type { ReportSubmission, SharedFields } from './types.ts';

const caseKeys = generateBoxKeyPair();
const shared: SharedFields = {
  triage: 'within-120h',
  area: 'NG008',
  consent: { storage: true, referral: false, statistics: true, justice: false },
};
const NODE = 'https://node.invalid';
const ACCEPTED = { accepted: true, evidence: { endpoint: '/api/v1/evidence', maxBytes: 1, maxFiles: 1 } };

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status });
const failure = (status: number, code: string) => json(status, { error: { code, message: code } });
const challenge = () => json(200, { seed: toBase64Url(new Uint8Array(16)), difficulty: 0 });

/** A node that answers the report POSTs in turn with `answers`. */
function stubNode(...answers: (() => Response | Promise<Response>)[]) {
  const calls: string[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit = {}) => {
      const path = new URL(url).pathname;
      calls.push(`${init.method ?? 'GET'} ${path}`);
      if (path === '/api/v1/pow') return challenge();
      return answers.shift()!();
    }),
  );
  return calls;
}

afterEach(() => vi.unstubAllGlobals());

describe('prepareReport', () => {
  it('makes the submission: the sealed document, the shared fields, and the receipt’s verifier', async () => {
    const document = { v: 1, narrative: 'what happened' };
    const prepared = await prepareReport({ casePublicKey: caseKeys.publicKey, document, shared });
    const submission = JSON.parse(new TextDecoder().decode(prepared.body)) as ReportSubmission;
    expect(submission.shared).toEqual(shared);
    expect(await openReport(submission.report, caseKeys.secretKey)).toEqual(document);
    const keys = deriveReceiptKeys(normaliseReceiptCode(prepared.receiptCode));
    expect(prepared.lookup).toEqual(keys.lookup);
    expect(submission.receipt).toEqual({
      verifier: toBase64Url(receiptVerifier(keys.lookup)),
      replyKey: toBase64Url(keys.replyPublicKey),
    });
  });

  it('never puts the receipt code or the lookup in the body', async () => {
    const prepared = await prepareReport({ casePublicKey: caseKeys.publicKey, document: {}, shared });
    const body = new TextDecoder().decode(prepared.body);
    expect(body).not.toContain(prepared.receiptCode.replace(/\D/g, ''));
    expect(body).not.toContain(toBase64Url(prepared.lookup));
  });
});

describe('sendPreparedReport', () => {
  it('sends the prepared bytes unchanged, with a proof of work', async () => {
    const prepared = await prepareReport({ casePublicKey: caseKeys.publicKey, document: {}, shared });
    let sent: { body: Uint8Array; pow: string | null } | undefined;
    vi.stubGlobal('fetch', async (url: string, init: RequestInit = {}) => {
      if (url.endsWith('/api/v1/pow')) return challenge();
      const body = new Uint8Array(await new Response(init.body).arrayBuffer());
      sent = { body, pow: new Headers(init.headers).get('backup-pow') };
      return json(201, ACCEPTED);
    });
    expect(await sendPreparedReport(NODE, prepared.body)).toEqual(ACCEPTED);
    expect(sent?.body).toEqual(prepared.body);
    expect(sent?.pow).toMatch(/^[A-Za-z0-9_-]{22}\.[0-9a-f]{16}$/);
  });

  describe('when the proof-of-work seed rotated meanwhile', () => {
    it('solves a fresh challenge and sends once more', async () => {
      const calls = stubNode(
        () => failure(403, 'pow-stale'),
        () => json(201, ACCEPTED),
      );
      await sendPreparedReport(NODE, new Uint8Array([123, 125]));
      expect(calls).toEqual(['GET /api/v1/pow', 'POST /api/v1/reports', 'GET /api/v1/pow', 'POST /api/v1/reports']);
    });

    it('gives up after the second stale seed', async () => {
      stubNode(
        () => failure(403, 'pow-stale'),
        () => failure(403, 'pow-stale'),
      );
      await expect(sendPreparedReport(NODE, new Uint8Array([123, 125]))).rejects.toMatchObject({
        name: 'NodeApiError',
        code: 'pow-stale',
      });
    });
  });

  describe('when the node refuses', () => {
    it('throws a NodeApiError with the status and code', async () => {
      stubNode(() => failure(409, 'receipt-taken'));
      await expect(sendPreparedReport(NODE, new Uint8Array([123, 125]))).rejects.toMatchObject({
        name: 'NodeApiError',
        status: 409,
        code: 'receipt-taken',
      });
    });

    it('still gives the status when the answer is a proxy’s HTML page', async () => {
      stubNode(() => new Response('<html>Bad gateway</html>', { status: 502 }));
      await expect(sendPreparedReport(NODE, new Uint8Array([123, 125]))).rejects.toMatchObject({
        name: 'NodeApiError',
        status: 502,
        code: 'http-error',
      });
    });
  });

  describe('when the node cannot be reached', () => {
    it('throws what fetch throws, not a NodeApiError', async () => {
      stubNode(() => Promise.reject(new TypeError('Failed to fetch')));
      const error = await sendPreparedReport(NODE, new Uint8Array([123, 125])).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TypeError);
    });
  });
});

describe('submitReport', () => {
  it('prepares and sends at once, and returns the receipt code with the answer', async () => {
    stubNode(() => json(201, ACCEPTED));
    const submitted = await submitReport({ nodeUrl: NODE, casePublicKey: caseKeys.publicKey, document: {}, shared });
    expect(submitted.accepted).toEqual(ACCEPTED);
    expect(normaliseReceiptCode(submitted.receiptCode)).toHaveLength(28);
    expect(submitted.lookup).toEqual(deriveReceiptKeys(normaliseReceiptCode(submitted.receiptCode)).lookup);
  });
});
