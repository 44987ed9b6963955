import sodium from 'libsodium-wrappers';
import { beforeAll, describe, expect, it } from 'vitest';
import { DecryptionError } from './aead.ts';
import { EncodingError, fromBase64Url, toBase64Url, utf8 } from './bytes.ts';
import {
  MESSAGE_MAX_PLAINTEXT_BYTES,
  type MessageDocument,
  MessageFormatError,
  MessageTooLongError,
  type SealedMessage,
  openMessage,
  sealMessage,
} from './message.ts';
import { deriveReceiptKeys, generateReceiptCode } from './receipt.ts';
import { REPORT_PADDING_BYTES, sealReport } from './report.ts';
import { type BoxSecretKey, SealedBoxError, asBoxSecretKey, generateBoxKeyPair, openSealed } from './sealed-box.ts';

const hex = (text: string) => new Uint8Array(Buffer.from(text, 'hex'));

const caseKeys = generateBoxKeyPair();
const receipt = deriveReceiptKeys(generateReceiptCode());
const recipients = { casePublicKey: caseKeys.publicKey, reporterPublicKey: receipt.replyPublicKey };
const readers: readonly (readonly ['case' | 'reporter', BoxSecretKey])[] = [
  ['case', caseKeys.secretKey],
  ['reporter', receipt.replySecretKey],
];

const DOCUMENT: MessageDocument = {
  v: 1,
  author: 'caseworker',
  text: 'هل أنت بأمان الآن؟ Чи ви зараз у безпеці? We can arrange a clinic visit.',
};

function flipped(text: string, at: number): string {
  const bytes = fromBase64Url(text);
  bytes[at < 0 ? bytes.length + at : at]! ^= 0x01;
  return toBase64Url(bytes);
}

/**
 * Made once, outside this code: the content key a0 a1 … bf sealed with libsodium's
 * crypto_box_seal (libsodium-wrappers 0.8.4) to the case key of seed 00 01 … 1f and to
 * the reply key of the receipt code below, and the padded JSON encrypted with node:crypto's
 * AES-256-GCM (nonce c0 c1 … cb, AAD "backup message envelope v1"). A failure means the
 * message format changed: do not regenerate it to make the test pass.
 */
const VECTOR = {
  receiptCode: '5301592421976383390800589095',
  caseSecretKey: '3d94eea49c580aef816935762be049559d6d1440dede12e6a125f1841fff8e6f',
  contentKey: 'a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf',
  document: {
    v: 1,
    author: 'caseworker',
    text: 'نحن هنا لمساعدتك. Ми тут, щоб допомогти.',
    sentAt: '2026-05-01T14:00Z',
  },
  envelope: {
    v: 1,
    iv: 'wMHCw8TFxsfIycrL',
    ct: 'N0JN0QTxzqePM-eknhY2n9KvYnYhdAH7HT0GnsZbe4UKQA1bCesPx9GhhjUiomdxpPfPkcXHPIJuaGghahWPWGh2C3VNYqK-kY2QxVDna_Wxe3otfXdKE4KYp0-a8AapJHDFufib8lCGukiyPLone9B2LIGvJ57-ahXcR6n59VRees-sqMQVD7rr4bl9te3Po2840u4d5dL96PJ7jYqropFwVCf-IxdfslEwYiQsUsLoi02FAl2yIkVKOoCog53FgmaPdagHsFhLgolW28Br2RS2rjURyfeJIj6MIJIU76ck2oPpYEgcIJKB3DzcOaZaydTinBiqm6X-x6W1sXVtWaY1LEa1bVEflXQxB3FTo6Bqjzgu5vWrPvHonMpp82sBjL0hUAdNAHuWSd66PouTaKRsXXMxXc2ZuTyBfLoWXbZdVdbdvS2-B0fQZ3udpyLqhsZkRvseeToHmSuxT2TagJaFIzKNJtq4LTf0FNrEdjEVlMnYz2nqzpovIjbXQgiChJ6H3x7pod8KcH3jW9o5MeI6BE9R3TblWT-wqaEmY_AM_C98p1nPxfkGqW23jpH-ULPDAfCUJweoau8u3iYmt0g0AnaaDBOO-SIGn_yczYmpWI-IzG0hI5FXbD-nGolkOoD3_gadDIUDqfSK3uGg84kXochIH6exURM6kBFqWCTTYbhztaQvzOPsLQNc18ZmlKrwihEiGCDZz9MLcBbvBYiEaofYAbR1g8nYe9aX9vOs6hG_iazf06xOlIXFLnaiAfaPn2bzj5ypWWv2F1nGsFTx_TCrXPZ6EKDxqapRjRe7TMUj-SbDWVnybAfeQloaERLZq8rIOViQmE5NonWtC-XJI-iJbrgfJhfoHVG043T3VycJV8hlHD8Ih4UMdNgkm0B5Fb9zSMlwb8cmdkIJHSgQ9x8_0yoh2A_e8b4HVwa-iWQMQPNbzYSkCx0Y9YGLQF4x-Vf6Ei8tFJZsRW_HUH5NX03GfHxb8jL7A0frIN_WOCONx9tvQDngFzzysOBNT4AkiaEBeejISoUrKmVCqY4-dc35L-KW1GWwQ7pST9MAOJxQ-4n-WbiHwOkuIzTawFJbj2uyLHu72bYDL0s-pXbfGlhhOnTne8U753v6tXvRTM7bdAj4L8DzQB_mfFHzXxe5xNiotBRDm3p09pLIXytkWpUYv7oIec7Gm28JxVn096dSMf4f-mbWK6KQ7U9LBKkeYMzOmrU8NQdpzHAUDO2F5iWDtHG3XTjnJeqAsuRLZ5oRMjBubBvLChCPXFqsw2gRcPzz5pWOVeTIzSjwdliROdrk2nbLGSoosPkFzm6egD7fkslluOcYMvK2k21QwUMeGu19q3xaOI81MWQpptF1Yh0iaRLy6fyR4f0ixhk',
    keys: {
      case: 'iAfubnk-PaE2B_SehSNYxlrGY9vXZvFTGKlJFNCQ1kaDgQ_I3lO594OUvX6msJfqzbdqAIuC5oHDKrIFmv5ekpKE4fy7lbjTQOILxjkuQ2s',
      reporter:
        '4NBVxXJ9GJ-pB1S4s5gTlwZx2GB97-OyTM-iJ9PndjeFmBx9RI4Pf7k1-w7D15IyMi14qwwzSI2w4rBO9tonWhM_Qx7LAMi-2VDA9j3UfQg',
    },
  },
} as const;

/** A message sealed by hand from the documented format, with libsodium and WebCrypto. */
async function handMade(document: unknown): Promise<SealedMessage> {
  const rawKey = new Uint8Array(sodium.randombytes_buf(32));
  const iv = new Uint8Array(sodium.randombytes_buf(12));
  const json = utf8(JSON.stringify(document));
  const padded = new Uint8Array(Math.ceil((json.length + 1) / REPORT_PADDING_BYTES) * REPORT_PADDING_BYTES).fill(0x20);
  padded.set(json);
  const key = await crypto.subtle.importKey('raw', rawKey, 'AES-GCM', false, ['encrypt']);
  const additionalData = new Uint8Array(utf8('backup message envelope v1'));
  const ct = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData }, key, padded);
  return {
    v: 1,
    iv: toBase64Url(iv),
    ct: toBase64Url(new Uint8Array(ct)),
    keys: {
      case: toBase64Url(sodium.crypto_box_seal(rawKey, caseKeys.publicKey)),
      reporter: toBase64Url(sodium.crypto_box_seal(rawKey, receipt.replyPublicKey)),
    },
  };
}

beforeAll(async () => {
  await sodium.ready;
});

describe('openMessage', () => {
  describe('given the known-answer vector', () => {
    it('opens it with the case secret key', async () => {
      const caseSecret = asBoxSecretKey(hex(VECTOR.caseSecretKey));
      expect(await openMessage(VECTOR.envelope, caseSecret, 'case')).toEqual(VECTOR.document);
    });

    it('opens it with the reply secret key derived from the receipt code', async () => {
      const { replySecretKey } = deriveReceiptKeys(VECTOR.receiptCode);
      expect(await openMessage(VECTOR.envelope, replySecretKey, 'reporter')).toEqual(VECTOR.document);
    });

    it('holds one content key sealed to both readers', () => {
      const { replySecretKey } = deriveReceiptKeys(VECTOR.receiptCode);
      const caseSecret = asBoxSecretKey(hex(VECTOR.caseSecretKey));
      expect(openSealed(fromBase64Url(VECTOR.envelope.keys.case), caseSecret)).toEqual(hex(VECTOR.contentKey));
      expect(openSealed(fromBase64Url(VECTOR.envelope.keys.reporter), replySecretKey)).toEqual(hex(VECTOR.contentKey));
    });
  });

  describe('given an envelope sealed by sealMessage', () => {
    it.each(readers)('gives back the document to the %s reader', async (which, secret) => {
      const sealed = await sealMessage(DOCUMENT, recipients);
      expect(await openMessage(sealed, secret, which)).toEqual(DOCUMENT);
    });

    it('keeps an hour in sentAt', async () => {
      const document: MessageDocument = { v: 1, author: 'reporter', text: 'شكرا', sentAt: '2026-12-31T23:00Z' };
      const sealed = await sealMessage(document, recipients);
      expect(await openMessage(sealed, receipt.replySecretKey, 'reporter')).toEqual(document);
    });

    it('round-trips an envelope that survived JSON serialisation on the wire', async () => {
      const wire = JSON.stringify(await sealMessage(DOCUMENT, recipients));
      expect(await openMessage(JSON.parse(wire) as SealedMessage, caseKeys.secretKey, 'case')).toEqual(DOCUMENT);
    });
  });

  describe('given a message made by hand with libsodium and WebCrypto', () => {
    it.each(readers)('gives back the document to the %s reader', async (which, secret) => {
      expect(await openMessage(await handMade(DOCUMENT), secret, which)).toEqual(DOCUMENT);
    });
  });

  describe('when a byte of the ciphertext was altered', () => {
    it.each([0, 1, 700, -17, -16, -1])('rejects with DecryptionError (byte %i)', async (at) => {
      const sealed = await sealMessage(DOCUMENT, recipients);
      for (const [which, secret] of readers) {
        await expect(openMessage({ ...sealed, ct: flipped(sealed.ct, at) }, secret, which)).rejects.toThrow(
          DecryptionError,
        );
      }
    });
  });

  describe('when the ciphertext was truncated', () => {
    it('rejects with DecryptionError', async () => {
      const sealed = await sealMessage(DOCUMENT, recipients);
      const ct = fromBase64Url(sealed.ct);
      for (const length of [ct.length - 1, ct.length - 16, 1024, 0]) {
        await expect(
          openMessage({ ...sealed, ct: toBase64Url(ct.subarray(0, length)) }, caseKeys.secretKey, 'case'),
        ).rejects.toThrow(DecryptionError);
      }
    });
  });

  describe('when the nonce was altered', () => {
    it.each([0, 11])('rejects with DecryptionError (byte %i)', async (at) => {
      const sealed = await sealMessage(DOCUMENT, recipients);
      await expect(
        openMessage({ ...sealed, iv: flipped(sealed.iv, at) }, receipt.replySecretKey, 'reporter'),
      ).rejects.toThrow(DecryptionError);
    });
  });

  describe('when a sealed key was altered', () => {
    it.each([0, 32, 79])('rejects with SealedBoxError (byte %i)', async (at) => {
      const sealed = await sealMessage(DOCUMENT, recipients);
      const keys = { case: flipped(sealed.keys.case, at), reporter: flipped(sealed.keys.reporter, at) };
      for (const [which, secret] of readers) {
        await expect(openMessage({ ...sealed, keys }, secret, which)).rejects.toThrow(SealedBoxError);
      }
    });
  });

  describe('when parts of two messages are mixed', () => {
    it('rejects the sealed keys of the other message with DecryptionError', async () => {
      const a = await sealMessage(DOCUMENT, recipients);
      const b = await sealMessage(DOCUMENT, recipients);
      for (const [which, secret] of readers) {
        await expect(openMessage({ ...a, keys: b.keys }, secret, which)).rejects.toThrow(DecryptionError);
      }
    });
  });

  describe('when a sealed report is presented as a message', () => {
    it('rejects it with DecryptionError: the AAD differs', async () => {
      const report = await sealReport(DOCUMENT, caseKeys.publicKey);
      const posing: SealedMessage = { v: 1, iv: report.iv, ct: report.ct, keys: { case: report.key, reporter: '' } };
      await expect(openMessage(posing, caseKeys.secretKey, 'case')).rejects.toThrow(DecryptionError);
    });
  });

  describe('when opened with a key that is not the reader’s', () => {
    it('rejects another case key with SealedBoxError', async () => {
      const sealed = await sealMessage(DOCUMENT, recipients);
      await expect(openMessage(sealed, generateBoxKeyPair().secretKey, 'case')).rejects.toThrow(SealedBoxError);
    });

    it('rejects another receipt’s reply key with SealedBoxError', async () => {
      const sealed = await sealMessage(DOCUMENT, recipients);
      const stranger = deriveReceiptKeys(generateReceiptCode()).replySecretKey;
      await expect(openMessage(sealed, stranger, 'reporter')).rejects.toThrow(SealedBoxError);
    });

    it('rejects each right key used for the other reader’s seal with SealedBoxError', async () => {
      const sealed = await sealMessage(DOCUMENT, recipients);
      await expect(openMessage(sealed, caseKeys.secretKey, 'reporter')).rejects.toThrow(SealedBoxError);
      await expect(openMessage(sealed, receipt.replySecretKey, 'case')).rejects.toThrow(SealedBoxError);
    });
  });

  describe('when the envelope is malformed', () => {
    it('rejects another version with DecryptionError', async () => {
      const sealed = await sealMessage(DOCUMENT, recipients);
      const v2 = { ...sealed, v: 2 } as unknown as SealedMessage;
      await expect(openMessage(v2, caseKeys.secretKey, 'case')).rejects.toThrow(DecryptionError);
    });

    it('rejects a missing sealed key with DecryptionError', async () => {
      const sealed = await sealMessage(DOCUMENT, recipients);
      const keyless = { ...sealed, keys: { case: sealed.keys.case } } as unknown as SealedMessage;
      await expect(openMessage(keyless, receipt.replySecretKey, 'reporter')).rejects.toThrow(DecryptionError);
    });

    it('rejects a field that is not base64url with EncodingError', async () => {
      const sealed = await sealMessage(DOCUMENT, recipients);
      await expect(openMessage({ ...sealed, ct: `${sealed.ct}=` }, caseKeys.secretKey, 'case')).rejects.toThrow(
        EncodingError,
      );
    });
  });

  describe('when the envelope opens to something that is not a message document', () => {
    // What a sender holding both public keys can seal by hand; sealMessage refuses to make these.
    it.each([
      ['an array', ['x']],
      ['a string', 'text'],
      ['null', null],
      ['another document version', { ...DOCUMENT, v: 2 }],
      ['an unknown author', { ...DOCUMENT, author: 'node' }],
      ['no text', { v: 1, author: 'reporter' }],
      ['empty text', { ...DOCUMENT, text: '' }],
      ['text that is not a string', { ...DOCUMENT, text: 42 }],
      ['a time to the minute', { ...DOCUMENT, sentAt: '2026-05-01T14:37Z' }],
      ['a time to the second', { ...DOCUMENT, sentAt: '2026-05-01T14:00:00Z' }],
      ['an extra field', { ...DOCUMENT, location: '12.34,56.78' }],
    ])('rejects %s with MessageFormatError', async (_what, document) => {
      const forged = await handMade(document);
      for (const [which, secret] of readers) {
        await expect(openMessage(forged, secret, which)).rejects.toThrow(MessageFormatError);
      }
    });
  });
});

describe('sealMessage', () => {
  it('produces a version-1 envelope: a 12-byte nonce and two 80-byte sealed keys', async () => {
    const sealed = await sealMessage(DOCUMENT, recipients);
    expect(Object.keys(sealed).sort()).toEqual(['ct', 'iv', 'keys', 'v']);
    expect(Object.keys(sealed.keys).sort()).toEqual(['case', 'reporter']);
    expect(sealed.v).toBe(1);
    expect(fromBase64Url(sealed.iv)).toHaveLength(12);
    expect(fromBase64Url(sealed.keys.case)).toHaveLength(80);
    expect(fromBase64Url(sealed.keys.reporter)).toHaveLength(80);
  });

  it('seals one content key to both readers, so both read the same text', async () => {
    const sealed = await sealMessage(DOCUMENT, recipients);
    const forCase = openSealed(fromBase64Url(sealed.keys.case), caseKeys.secretKey);
    expect(openSealed(fromBase64Url(sealed.keys.reporter), receipt.replySecretKey)).toEqual(forCase);
  });

  describe('when the plaintext is padded', () => {
    it.each([
      { what: 'one letter', text: 'x', padded: 1024 },
      { what: '1500 letters', text: 'x'.repeat(1500), padded: 2048 },
      // 600 Arabic letters are 1200 bytes of UTF-8.
      { what: '600 Arabic letters', text: 'ب'.repeat(600), padded: 2048 },
    ])('gives $what $padded bytes of plaintext plus the tag', async ({ text, padded }) => {
      const sealed = await sealMessage({ v: 1, author: 'reporter', text }, recipients);
      expect(fromBase64Url(sealed.ct)).toHaveLength(padded + 16);
    });

    it('gives a short and a longer note in the same block the same length', async () => {
      const short = await sealMessage({ v: 1, author: 'reporter', text: 'نعم' }, recipients);
      const long = await sealMessage({ v: 1, author: 'reporter', text: 'Так. '.repeat(100) }, recipients);
      expect(fromBase64Url(short.ct).length).toBe(fromBase64Url(long.ct).length);
    });
  });

  describe('when the message is as long as allowed', () => {
    // {"v":1,"author":"reporter","text":""} is 37 bytes, and padding adds at least one space.
    const longest = 'x'.repeat(MESSAGE_MAX_PLAINTEXT_BYTES - 38);

    it('seals it into exactly the largest plaintext', async () => {
      const sealed = await sealMessage({ v: 1, author: 'reporter', text: longest }, recipients);
      expect(fromBase64Url(sealed.ct)).toHaveLength(MESSAGE_MAX_PLAINTEXT_BYTES + 16);
    });

    it('refuses one byte more with MessageTooLongError', async () => {
      await expect(sealMessage({ v: 1, author: 'reporter', text: `${longest}x` }, recipients)).rejects.toThrow(
        MessageTooLongError,
      );
    });
  });

  describe('when the document is not a message', () => {
    it.each([
      ['a time finer than the hour', { ...DOCUMENT, sentAt: '2026-05-01T14:37:12.345Z' }],
      ['an unknown author', { ...DOCUMENT, author: 'admin' }],
      ['empty text', { ...DOCUMENT, text: '' }],
      ['an extra field', { ...DOCUMENT, ip: '203.0.113.5' }],
    ])('refuses %s with MessageFormatError', async (_what, document) => {
      await expect(sealMessage(document as MessageDocument, recipients)).rejects.toThrow(MessageFormatError);
    });
  });

  describe('when the same document is sealed twice', () => {
    it('gives different nonces, sealed keys and ciphertexts', async () => {
      const a = await sealMessage(DOCUMENT, recipients);
      const b = await sealMessage(DOCUMENT, recipients);
      expect(a.iv).not.toBe(b.iv);
      expect(a.ct).not.toBe(b.ct);
      expect(a.keys.case).not.toBe(b.keys.case);
      expect(a.keys.reporter).not.toBe(b.keys.reporter);
    });
  });
});
