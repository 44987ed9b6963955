import { beforeAll, describe, expect, it } from 'vitest';
import {
  deriveReceiptKeys,
  generateBoxKeyPair,
  generateReceiptCode,
  MESSAGE_MAX_PLAINTEXT_BYTES,
  receiptVerifier,
  sealMessage,
  sealReport,
  toBase64Url,
} from '../../../client/src/envelope/index.ts';
import { FollowUpRequest, INCIDENT_TYPES, MessageSubmission, ReportSubmission, TRIAGE_WINDOWS } from './index.ts';

type Json = Record<string, unknown>;

/** A submission as the reporting app makes it: a really sealed report and a real receipt. */
async function realSubmission(): Promise<Json> {
  const keys = deriveReceiptKeys(generateReceiptCode());
  return {
    v: 1,
    report: await sealReport({ narrative: 'it happened at night' }, generateBoxKeyPair().publicKey),
    shared: {
      triage: 'within-72h',
      incidentType: 'rape',
      area: 'NG008',
      consent: { storage: true, referral: true, statistics: false, justice: false },
    },
    receipt: { verifier: toBase64Url(receiptVerifier(keys.lookup)), replyKey: toBase64Url(keys.replyPublicKey) },
  };
}

/** A copy of `value` with `path` set to `replacement` (or removed, for undefined). */
function withChange(value: Json, path: string, replacement: unknown): Json {
  const copy = structuredClone(value);
  const keys = path.split('.');
  let at = copy;
  for (const key of keys.slice(0, -1)) at = at[key] as Json;
  if (replacement === undefined) delete at[keys.at(-1)!];
  else at[keys.at(-1)!] = replacement;
  return copy;
}

describe('ReportSubmission', () => {
  let valid: Json;

  beforeAll(async () => {
    valid = await realSubmission();
  });

  describe('when the submission is what the reporting app sends', () => {
    it('accepts it', () => {
      const parsed = ReportSubmission.safeParse(valid);
      expect(parsed.error).toBeUndefined();
      expect(parsed.data).toEqual(valid);
    });

    it('has the lengths the schema expects', () => {
      const report = valid['report'] as Json;
      const receipt = valid['receipt'] as Json;
      expect(report['key']).toHaveLength(107);
      expect(report['iv']).toHaveLength(16);
      expect(receipt['verifier']).toHaveLength(43);
      expect(receipt['replyKey']).toHaveLength(43);
    });
  });

  describe('when only the required shared fields are given', () => {
    it('accepts it, with the triage window unknown', () => {
      const minimal = withChange(valid, 'shared', {
        consent: { storage: true, referral: false, statistics: false, justice: false },
      });
      const parsed = ReportSubmission.safeParse(minimal);
      expect(parsed.error).toBeUndefined();
      expect(parsed.data?.shared.triage).toBe('unknown');
      expect(parsed.data?.shared.area).toBeUndefined();
    });
  });

  it.each(INCIDENT_TYPES)('accepts the incident type %s', (type) => {
    expect(ReportSubmission.safeParse(withChange(valid, 'shared.incidentType', type)).success).toBe(true);
  });

  it.each(TRIAGE_WINDOWS)('accepts the triage window %s', (window) => {
    expect(ReportSubmission.safeParse(withChange(valid, 'shared.triage', window)).success).toBe(true);
  });

  describe('when a field is wrong', () => {
    const b64 = (length: number) => 'A'.repeat(length);

    it.each([
      ['an extra top-level key', 'ip', '203.0.113.5'],
      ['an extra key in the report', 'report.name', 'photo.jpg'],
      ['an extra key in the shared fields', 'shared.location', 'x'],
      ['an extra key in the consent', 'shared.consent.publish', true],
      ['an extra key in the receipt', 'receipt.code', '1234'],
      ['no consent to storage', 'shared.consent.storage', false],
      ['consent without storage', 'shared.consent.storage', undefined],
      ['consent without referral', 'shared.consent.referral', undefined],
      ['a sealed key one character short (106)', 'report.key', b64(106)],
      ['a sealed key one character long (108)', 'report.key', b64(108)],
      ['a sealed key that is not base64url', 'report.key', `${b64(105)}+/`],
      ['an iv of 15 characters', 'report.iv', b64(15)],
      ['an iv of 17 characters', 'report.iv', b64(17)],
      ['an iv that is not base64url', 'report.iv', `${b64(15)}=`],
      ['a ciphertext of 23 characters', 'report.ct', b64(23)],
      ['a ciphertext that is not base64url', 'report.ct', `${b64(30)}.`],
      ['a verifier of 42 characters', 'receipt.verifier', b64(42)],
      ['a verifier of 44 characters', 'receipt.verifier', b64(44)],
      ['a verifier in standard base64', 'receipt.verifier', `${b64(41)}+/`],
      ['a reply key of 42 characters', 'receipt.replyKey', b64(42)],
      ['a reply key of 44 characters', 'receipt.replyKey', b64(44)],
      ['an area with punctuation', 'shared.area', 'NG-008'],
      ['an area that is coordinates', 'shared.area', '12.34,56.78'],
      ['an area of one character', 'shared.area', 'N'],
      ['an area of 21 characters', 'shared.area', 'N'.repeat(21)],
      ['an area with a space', 'shared.area', 'NG 008'],
      ['an unknown incident type', 'shared.incidentType', 'assault'],
      ['an unknown triage window', 'shared.triage', 'yesterday'],
      ['another submission version', 'v', 2],
      ['another report version', 'report.v', 2],
      ['no receipt', 'receipt', undefined],
      ['no shared fields', 'shared', undefined],
    ])('rejects %s', (_what, path, replacement) => {
      const parsed = ReportSubmission.safeParse(withChange(valid, path, replacement));
      expect(parsed.success).toBe(false);
      // The issue points at the field, or at its parent for an unknown key.
      const issuePaths = parsed.error!.issues.map((i) => i.path.join('.'));
      const parent = path.split('.').slice(0, -1).join('.');
      expect(issuePaths.some((p) => p === path || p === parent)).toBe(true);
    });
  });
});

describe('FollowUpRequest', () => {
  it('accepts a 32-byte lookup in base64url', () => {
    const lookup = toBase64Url(deriveReceiptKeys(generateReceiptCode()).lookup);
    expect(FollowUpRequest.safeParse({ lookup }).success).toBe(true);
  });

  it.each([
    ['a short lookup', { lookup: 'A'.repeat(42) }],
    ['an extra key', { lookup: 'A'.repeat(43), code: '1234' }],
    ['no lookup', {}],
  ])('rejects %s', (_what, body) => {
    expect(FollowUpRequest.safeParse(body).success).toBe(false);
  });
});

describe('MessageSubmission', () => {
  let valid: Json;
  const b64 = (length: number) => 'A'.repeat(length);
  /** base64url text of a ciphertext of `bytes` bytes. */
  const ct = (bytes: number) => toBase64Url(new Uint8Array(bytes));

  beforeAll(async () => {
    const keys = deriveReceiptKeys(generateReceiptCode());
    const message = await sealMessage(
      { v: 1, author: 'reporter', text: 'هل وصلت رسالتي؟' },
      { casePublicKey: generateBoxKeyPair().publicKey, reporterPublicKey: keys.replyPublicKey },
    );
    valid = { lookup: toBase64Url(keys.lookup), message };
  });

  describe('when the body is what the reporting app sends', () => {
    it('accepts it', () => {
      const parsed = MessageSubmission.safeParse(valid);
      expect(parsed.error).toBeUndefined();
      expect(parsed.data).toEqual(valid);
    });
  });

  it.each([
    ['the largest padded plaintext', MESSAGE_MAX_PLAINTEXT_BYTES + 16],
    ['one block', 1024 + 16],
  ])('accepts a ciphertext of %s', (_what, bytes) => {
    expect(MessageSubmission.safeParse(withChange(valid, 'message.ct', ct(bytes))).success).toBe(true);
  });

  describe('when a field is wrong', () => {
    it.each([
      ['an author given by the sender', 'author', 'caseworker'],
      ['an extra key in the envelope', 'message.author', 'caseworker'],
      ['an extra sealed key', 'message.keys.node', b64(107)],
      ['no key for the reporter', 'message.keys.reporter', undefined],
      ['no key for the case', 'message.keys.case', undefined],
      ['a sealed key one character short', 'message.keys.case', b64(106)],
      ['a sealed key one character long', 'message.keys.reporter', b64(108)],
      ['a sealed key that is not base64url', 'message.keys.case', `${b64(105)}+/`],
      ['an iv of 15 characters', 'message.iv', b64(15)],
      ['an iv of 17 characters', 'message.iv', b64(17)],
      ['a ciphertext that is only a tag', 'message.ct', ct(16)],
      ['a ciphertext not padded to 1 KiB', 'message.ct', ct(1000 + 16)],
      ['a ciphertext without its tag', 'message.ct', ct(1024)],
      ['a ciphertext over the largest message', 'message.ct', ct(MESSAGE_MAX_PLAINTEXT_BYTES + 1024 + 16)],
      // 2753 characters would be 2064 = 2 × 1024 + 16 bytes, but no byte string encodes to 4k + 1 characters.
      ['a ciphertext of a length base64url never has', 'message.ct', b64(2753)],
      ['a ciphertext that is not base64url', 'message.ct', `${ct(1024 + 16).slice(1)}.`],
      ['another envelope version', 'message.v', 2],
      ['no envelope', 'message', undefined],
      ['a short lookup', 'lookup', b64(42)],
      ['no lookup', 'lookup', undefined],
    ])('rejects %s', (_what, path, replacement) => {
      const parsed = MessageSubmission.safeParse(withChange(valid, path, replacement));
      expect(parsed.success).toBe(false);
      const issuePaths = parsed.error!.issues.map((i) => i.path.join('.'));
      const parent = path.split('.').slice(0, -1).join('.');
      expect(issuePaths.some((p) => p === path || p === parent)).toBe(true);
    });
  });
});
