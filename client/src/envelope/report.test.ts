import { describe, expect, it } from 'vitest';
import { DecryptionError } from './aead.ts';
import { EncodingError, fromBase64Url, randomBytes, toBase64Url, utf8 } from './bytes.ts';
import { REPORT_ENVELOPE_VERSION, REPORT_PADDING_BYTES, type SealedReport, openReport, sealReport } from './report.ts';
import { SealedBoxError, generateBoxKeyPair, openSealed, seal } from './sealed-box.ts';

const caseKeys = generateBoxKeyPair();

const DOCUMENT = {
  language: 'ar',
  when: '2024-03-01',
  answers: { safeToContact: false, ageRange: '18-25', count: 3, witnesses: null },
  narrative: 'حدث ذلك في الليل عند نقطة التفتيش. Це сталося вночі біля блокпосту. Ґ ї є',
  tags: ['نقطة تفتيش', 'блокпост'],
};

function flipped(text: string, at: number): string {
  const bytes = fromBase64Url(text);
  bytes[at < 0 ? bytes.length + at : at]! ^= 0x01;
  return toBase64Url(bytes);
}

/** Decrypts the envelope with WebCrypto directly, following the documented format. */
async function paddedPlaintext(sealed: SealedReport): Promise<Uint8Array> {
  const rawKey = openSealed(fromBase64Url(sealed.key), caseKeys.secretKey);
  const key = await crypto.subtle.importKey('raw', new Uint8Array(rawKey), 'AES-GCM', false, ['decrypt']);
  const plain = await crypto.subtle.decrypt(
    {
      name: 'AES-GCM',
      iv: new Uint8Array(fromBase64Url(sealed.iv)),
      additionalData: new Uint8Array(utf8('backup report envelope v1')),
    },
    key,
    new Uint8Array(fromBase64Url(sealed.ct)),
  );
  return new Uint8Array(plain);
}

describe('sealReport', () => {
  it('produces a version-1 envelope with a 12-byte nonce and an 80-byte sealed key', async () => {
    const sealed = await sealReport(DOCUMENT, caseKeys.publicKey);
    expect(sealed.v).toBe(REPORT_ENVELOPE_VERSION);
    expect(sealed.v).toBe(1);
    expect(fromBase64Url(sealed.iv).length).toBe(12);
    expect(fromBase64Url(sealed.key).length).toBe(32 + 48);
    expect(Object.keys(sealed).sort()).toEqual(['ct', 'iv', 'key', 'v']);
  });

  describe('when the plaintext is padded', () => {
    // JSON.stringify of a string of n one-byte characters is n + 2 bytes.
    it.each([
      { jsonBytes: 2, padded: 1024 },
      { jsonBytes: 1022, padded: 1024 },
      { jsonBytes: 1023, padded: 1024 },
      { jsonBytes: 1024, padded: 2048 },
      { jsonBytes: 2047, padded: 2048 },
      { jsonBytes: 2048, padded: 3072 },
      { jsonBytes: 10_000, padded: 10_240 },
    ])('a $jsonBytes-byte document gives $padded bytes of plaintext plus the 16-byte tag', async (c) => {
      const document = 'x'.repeat(c.jsonBytes - 2);
      expect(utf8(JSON.stringify(document)).length).toBe(c.jsonBytes);
      const sealed = await sealReport(document, caseKeys.publicKey);
      const ct = fromBase64Url(sealed.ct);
      expect(ct.length).toBe(c.padded + 16);
      expect((ct.length - 16) % REPORT_PADDING_BYTES).toBe(0);
    });

    it('counts UTF-8 bytes, not characters', async () => {
      // 600 Arabic letters are 1200 bytes of UTF-8: more than one 1024-byte block.
      const document = 'ب'.repeat(600);
      const sealed = await sealReport(document, caseKeys.publicKey);
      expect(fromBase64Url(sealed.ct).length).toBe(2048 + 16);
      expect(await openReport(sealed, caseKeys.secretKey)).toBe(document);
    });

    it('pads with spaces after the JSON, always at least one', async () => {
      for (const document of [DOCUMENT, 'x'.repeat(1022), 'x'.repeat(1021)]) {
        const sealed = await sealReport(document, caseKeys.publicKey);
        const plain = await paddedPlaintext(sealed);
        const json = utf8(JSON.stringify(document));
        expect(plain.length % REPORT_PADDING_BYTES).toBe(0);
        expect(plain.length).toBeGreaterThan(json.length);
        expect(plain.subarray(0, json.length)).toEqual(json);
        expect(plain.subarray(json.length).every((b) => b === 0x20)).toBe(true);
      }
    });

    it('gives a short and a long narrative in the same block the same ciphertext length', async () => {
      const short = await sealReport({ narrative: 'نعم' }, caseKeys.publicKey);
      const long = await sealReport({ narrative: 'Так. '.repeat(80) }, caseKeys.publicKey);
      expect(fromBase64Url(short.ct).length).toBe(fromBase64Url(long.ct).length);
    });
  });

  describe('when the same document is sealed twice', () => {
    it('gives different keys, nonces and ciphertexts', async () => {
      const a = await sealReport(DOCUMENT, caseKeys.publicKey);
      const b = await sealReport(DOCUMENT, caseKeys.publicKey);
      expect(a.key).not.toBe(b.key);
      expect(a.iv).not.toBe(b.iv);
      expect(a.ct).not.toBe(b.ct);
      expect(await openReport(a, caseKeys.secretKey)).toEqual(await openReport(b, caseKeys.secretKey));
    });
  });
});

describe('openReport', () => {
  describe('given a sealed report', () => {
    it('gives back the document, including Arabic and Ukrainian text', async () => {
      const sealed = await sealReport(DOCUMENT, caseKeys.publicKey);
      expect(await openReport(sealed, caseKeys.secretKey)).toEqual(DOCUMENT);
    });

    it.each([
      { value: null },
      { value: 0 },
      { value: 'рядок' },
      { value: [] },
      { value: {} },
      { value: [1, 'два', { ثلاثة: 3 }] },
    ])('round-trips the JSON value $value', async ({ value }) => {
      const sealed = await sealReport(value, caseKeys.publicKey);
      expect(await openReport(sealed, caseKeys.secretKey)).toEqual(value);
    });

    it('round-trips a report that survived JSON serialisation on the wire', async () => {
      const wire = JSON.stringify(await sealReport(DOCUMENT, caseKeys.publicKey));
      expect(await openReport(JSON.parse(wire) as SealedReport, caseKeys.secretKey)).toEqual(DOCUMENT);
    });
  });

  describe('given an envelope built by hand from the documented format', () => {
    async function handMade(additionalData: Uint8Array | undefined): Promise<SealedReport> {
      const rawKey = new Uint8Array(randomBytes(32));
      const iv = new Uint8Array(randomBytes(12));
      const padded = new Uint8Array(1024).fill(0x20);
      padded.set(utf8(JSON.stringify({ narrative: 'مرحبا' })));
      const key = await crypto.subtle.importKey('raw', rawKey, 'AES-GCM', false, ['encrypt']);
      const params: AesGcmParams = { name: 'AES-GCM', iv };
      if (additionalData) params.additionalData = new Uint8Array(additionalData);
      const ct = new Uint8Array(await crypto.subtle.encrypt(params, key, padded));
      return { v: 1, key: toBase64Url(seal(rawKey, caseKeys.publicKey)), iv: toBase64Url(iv), ct: toBase64Url(ct) };
    }

    it('opens it when the AAD is "backup report envelope v1"', async () => {
      const sealed = await handMade(utf8('backup report envelope v1'));
      expect(await openReport(sealed, caseKeys.secretKey)).toEqual({ narrative: 'مرحبا' });
    });

    it('rejects it with DecryptionError when the AAD is missing or different', async () => {
      await expect(openReport(await handMade(undefined), caseKeys.secretKey)).rejects.toThrow(DecryptionError);
      await expect(openReport(await handMade(utf8('backup report envelope v2')), caseKeys.secretKey)).rejects.toThrow(
        DecryptionError,
      );
    });
  });

  describe('when a byte of the ciphertext was altered', () => {
    it.each([0, 1, 500, -17, -16, -1])('rejects with DecryptionError (byte %i)', async (at) => {
      const sealed = await sealReport(DOCUMENT, caseKeys.publicKey);
      await expect(openReport({ ...sealed, ct: flipped(sealed.ct, at) }, caseKeys.secretKey)).rejects.toThrow(
        DecryptionError,
      );
    });
  });

  describe('when the ciphertext was truncated', () => {
    it('rejects with DecryptionError', async () => {
      const sealed = await sealReport(DOCUMENT, caseKeys.publicKey);
      const ct = fromBase64Url(sealed.ct);
      for (const length of [ct.length - 1, ct.length - 16, 1024, 16, 0]) {
        await expect(
          openReport({ ...sealed, ct: toBase64Url(ct.subarray(0, length)) }, caseKeys.secretKey),
        ).rejects.toThrow(DecryptionError);
      }
    });
  });

  describe('when the nonce was altered', () => {
    it.each([0, 5, 11])('rejects with DecryptionError (byte %i)', async (at) => {
      const sealed = await sealReport(DOCUMENT, caseKeys.publicKey);
      await expect(openReport({ ...sealed, iv: flipped(sealed.iv, at) }, caseKeys.secretKey)).rejects.toThrow(
        DecryptionError,
      );
    });
  });

  describe('when the sealed key was altered', () => {
    it.each([0, 31, 32, 50, 79])('rejects with SealedBoxError (byte %i)', async (at) => {
      const sealed = await sealReport(DOCUMENT, caseKeys.publicKey);
      await expect(openReport({ ...sealed, key: flipped(sealed.key, at) }, caseKeys.secretKey)).rejects.toThrow(
        SealedBoxError,
      );
    });
  });

  describe('when parts of two reports are mixed', () => {
    it('rejects the nonce of the other report with DecryptionError', async () => {
      const a = await sealReport(DOCUMENT, caseKeys.publicKey);
      const b = await sealReport(DOCUMENT, caseKeys.publicKey);
      await expect(openReport({ ...a, iv: b.iv }, caseKeys.secretKey)).rejects.toThrow(DecryptionError);
    });

    it('rejects the sealed key of the other report with DecryptionError', async () => {
      const a = await sealReport(DOCUMENT, caseKeys.publicKey);
      const b = await sealReport(DOCUMENT, caseKeys.publicKey);
      await expect(openReport({ ...a, key: b.key }, caseKeys.secretKey)).rejects.toThrow(DecryptionError);
    });
  });

  describe('when opened with another case key', () => {
    it('rejects with SealedBoxError', async () => {
      const sealed = await sealReport(DOCUMENT, caseKeys.publicKey);
      await expect(openReport(sealed, generateBoxKeyPair().secretKey)).rejects.toThrow(SealedBoxError);
    });
  });

  describe('when a field is not base64url', () => {
    it('rejects with EncodingError', async () => {
      const sealed = await sealReport(DOCUMENT, caseKeys.publicKey);
      await expect(openReport({ ...sealed, ct: sealed.ct + '=' }, caseKeys.secretKey)).rejects.toThrow(EncodingError);
      await expect(openReport({ ...sealed, key: 'a+b/' }, caseKeys.secretKey)).rejects.toThrow(EncodingError);
    });
  });
});
