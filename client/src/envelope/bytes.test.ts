import { describe, expect, it } from 'vitest';
import {
  EncodingError,
  asBufferSource,
  concatBytes,
  fromBase64Url,
  randomBytes,
  toBase64Url,
  toHex,
  utf8,
  wipe,
} from './bytes.ts';

describe('toBase64Url', () => {
  describe('given the RFC 4648 test vectors', () => {
    it('encodes them without padding', () => {
      const cases: Array<[string, string]> = [
        ['', ''],
        ['f', 'Zg'],
        ['fo', 'Zm8'],
        ['foo', 'Zm9v'],
        ['foob', 'Zm9vYg'],
        ['fooba', 'Zm9vYmE'],
        ['foobar', 'Zm9vYmFy'],
      ];
      for (const [plain, encoded] of cases) expect(toBase64Url(utf8(plain))).toBe(encoded);
    });
  });

  describe('when the bytes map to "+" and "/" in standard base64', () => {
    it('uses "-" and "_" instead', () => {
      expect(toBase64Url(Uint8Array.of(0xfb, 0xff))).toBe('-_8');
      expect(toBase64Url(Uint8Array.of(0xfb, 0xef, 0xbe))).toBe('----');
      expect(toBase64Url(Uint8Array.of(0xff, 0xff, 0xff))).toBe('____');
    });
  });

  describe('for random bytes of every length from 0 to 300', () => {
    it("matches Node's base64url and decodes back to the same bytes", () => {
      for (let length = 0; length <= 300; length++) {
        const bytes = randomBytes(length);
        const encoded = toBase64Url(bytes);
        expect(encoded).toBe(Buffer.from(bytes).toString('base64url'));
        expect(fromBase64Url(encoded)).toEqual(bytes);
      }
    });
  });

  describe('when the input is longer than one 32 KiB batch', () => {
    it("still matches Node's base64url", () => {
      const bytes = randomBytes(100_003);
      const encoded = toBase64Url(bytes);
      expect(encoded).toBe(Buffer.from(bytes).toString('base64url'));
      expect(fromBase64Url(encoded)).toEqual(bytes);
    });
  });
});

describe('fromBase64Url', () => {
  describe("given Node's base64url of random bytes", () => {
    it('decodes it', () => {
      for (let length = 0; length <= 300; length += 7) {
        const bytes = randomBytes(length);
        expect(fromBase64Url(Buffer.from(bytes).toString('base64url'))).toEqual(bytes);
      }
    });
  });

  describe('when the text contains standard-base64 characters or padding', () => {
    it.each(['ab+c', 'ab/c', 'Zg==', 'Zm8=', '+', '/', '='])('rejects %j with EncodingError', (text) => {
      expect(() => fromBase64Url(text)).toThrow(EncodingError);
    });
  });

  describe('when the length leaves a single character over (length % 4 == 1)', () => {
    it.each(['A', 'AAAAA', 'Zm9vYmFyZ'])('rejects %j with EncodingError', (text) => {
      expect(() => fromBase64Url(text)).toThrow(EncodingError);
    });
  });

  describe('when the text contains whitespace or other characters', () => {
    it.each(['Zm9v Zg', 'Zm9v\n', ' Zm9v', 'Zm9v.', 'Zm9\u0000', 'Zm9é'])('rejects %j with EncodingError', (text) => {
      expect(() => fromBase64Url(text)).toThrow(EncodingError);
    });
  });
});

describe('toHex', () => {
  it('writes two lowercase digits per byte', () => {
    expect(toHex(Uint8Array.of(0x00, 0x0f, 0xa0, 0xff))).toBe('000fa0ff');
    expect(toHex(new Uint8Array(0))).toBe('');
  });

  it("matches Node's hex for random bytes", () => {
    const bytes = randomBytes(257);
    expect(toHex(bytes)).toBe(Buffer.from(bytes).toString('hex'));
  });
});

describe('concatBytes', () => {
  it('joins the parts in order', () => {
    expect(concatBytes(Uint8Array.of(1, 2), new Uint8Array(0), Uint8Array.of(3), Uint8Array.of(4, 5))).toEqual(
      Uint8Array.of(1, 2, 3, 4, 5),
    );
  });

  it('respects subarray offsets', () => {
    const base = Uint8Array.of(9, 9, 1, 2, 9);
    expect(concatBytes(base.subarray(2, 4), base.subarray(0, 1))).toEqual(Uint8Array.of(1, 2, 9));
  });

  describe('with no parts', () => {
    it('returns an empty array', () => {
      expect(concatBytes()).toEqual(new Uint8Array(0));
    });
  });
});

describe('randomBytes', () => {
  it('returns the requested length', () => {
    for (const length of [0, 1, 31, 65536, 65537, 200_000]) expect(randomBytes(length).length).toBe(length);
  });

  describe('when more than one 64 KiB batch is asked for', () => {
    it('fills every batch, including the last partial one', () => {
      const bytes = randomBytes(3 * 65536 + 100);
      for (let start = 0; start < bytes.length; start += 65536) {
        const batch = bytes.subarray(start, Math.min(bytes.length, start + 65536));
        // 100+ zero bytes in a row from a CSPRNG: probability 2^-800.
        expect(batch.some((b) => b !== 0)).toBe(true);
      }
    });
  });

  it('returns different bytes on each call', () => {
    expect(randomBytes(32)).not.toEqual(randomBytes(32));
  });
});

describe('utf8', () => {
  it('encodes Arabic and Ukrainian text as UTF-8', () => {
    expect(utf8('سلام')).toEqual(new Uint8Array(Buffer.from('سلام', 'utf8')));
    expect(utf8('Привіт, ї')).toEqual(new Uint8Array(Buffer.from('Привіт, ї', 'utf8')));
  });
});

describe('wipe', () => {
  it('zeroes every array it is given', () => {
    const a = Uint8Array.of(1, 2, 3);
    const b = randomBytes(64).map((x) => x | 1);
    wipe(a, b);
    expect(a).toEqual(new Uint8Array(3));
    expect(b).toEqual(new Uint8Array(64));
  });
});

describe('asBufferSource', () => {
  describe('when the view is backed by an ArrayBuffer', () => {
    it('returns the same view without copying', () => {
      const bytes = Uint8Array.of(1, 2, 3);
      expect(asBufferSource(bytes)).toBe(bytes);
    });
  });

  describe('when the view is backed by a SharedArrayBuffer', () => {
    it('returns an ArrayBuffer-backed copy with the same bytes', () => {
      const shared = new Uint8Array(new SharedArrayBuffer(4));
      shared.set([4, 3, 2, 1]);
      const out = asBufferSource(shared);
      expect(out.buffer).toBeInstanceOf(ArrayBuffer);
      expect(Array.from(out)).toEqual([4, 3, 2, 1]);
    });
  });
});
