import nacl from 'tweetnacl';
import { describe, expect, it } from 'vitest';
import { randomBytes, utf8 } from './bytes.ts';
import {
  RECEIPT_DIGITS,
  ReceiptCodeError,
  dammDigit,
  deriveReceiptKeys,
  formatReceiptCode,
  generateReceiptCode,
  normaliseReceiptCode,
  receiptVerifier,
} from './receipt.ts';
import { SealedBoxError, generateBoxKeyPair, openSealed, seal } from './sealed-box.ts';

const ascii = (code: string): string => code.replace(/ /g, '');
const inScript = (digits: string, zero: number): string =>
  digits.replace(/[0-9]/g, (d) => String.fromCharCode(zero + Number(d)));

function codesWithSingleErrors(digits: string): Array<{ kind: string; code: string }> {
  const out: Array<{ kind: string; code: string }> = [];
  for (let i = 0; i < digits.length; i++) {
    for (let d = 0; d <= 9; d++) {
      if (String(d) === digits[i]) continue;
      out.push({ kind: `digit ${i} → ${d}`, code: digits.slice(0, i) + String(d) + digits.slice(i + 1) });
    }
  }
  for (let i = 0; i + 1 < digits.length; i++) {
    if (digits[i] === digits[i + 1]) continue;
    out.push({
      kind: `swap ${i}, ${i + 1}`,
      code: digits.slice(0, i) + digits[i + 1]! + digits[i]! + digits.slice(i + 2),
    });
  }
  return out;
}

async function hkdfSha256(ikm: Uint8Array, salt: Uint8Array, info: Uint8Array): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey('raw', new Uint8Array(ikm), 'HKDF', false, ['deriveBits']);
  const bits = await crypto.subtle.deriveBits(
    { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(salt), info: new Uint8Array(info) },
    key,
    256,
  );
  return new Uint8Array(bits);
}

describe('dammDigit', () => {
  describe('given the published example', () => {
    it('gives check digit 4 for "572"', () => {
      expect(dammDigit('572')).toBe(4);
    });

    it('gives interim digit 0 for "5724", the number with its check digit', () => {
      expect(dammDigit('5724')).toBe(0);
    });
  });

  it('gives 0 for no digits', () => {
    expect(dammDigit('')).toBe(0);
  });

  describe('from every interim digit', () => {
    // The one-digit prefixes "0".."9" reach every interim value, so these loops check the
    // whole table for the two properties the code relies on.
    const prefixes = Array.from({ length: 10 }, (_, d) => String(d));

    it('reaches every interim value from the one-digit prefixes', () => {
      expect(new Set(prefixes.map(dammDigit)).size).toBe(10);
    });

    it('tells apart any two different next digits', () => {
      for (const p of prefixes) {
        for (let a = 0; a <= 9; a++) {
          for (let b = a + 1; b <= 9; b++) expect(dammDigit(p + a)).not.toBe(dammDigit(p + b));
        }
      }
    });

    it('tells apart any two different adjacent digits in either order', () => {
      for (const p of prefixes) {
        for (let a = 0; a <= 9; a++) {
          for (let b = a + 1; b <= 9; b++)
            expect(dammDigit(`${p}${a}${b}`), `${p}|${a}${b}`).not.toBe(dammDigit(`${p}${b}${a}`));
        }
      }
    });
  });
});

describe('generateReceiptCode', () => {
  it('gives 28 digits in 7 groups of 4 that pass normaliseReceiptCode', () => {
    for (let i = 0; i < 50; i++) {
      const code = generateReceiptCode();
      expect(code).toMatch(/^[0-9]{4}( [0-9]{4}){6}$/);
      expect(RECEIPT_DIGITS).toBe(28);
      expect(normaliseReceiptCode(code)).toBe(ascii(code));
      expect(dammDigit(ascii(code))).toBe(0);
    }
  });

  it('gives a different code each time', () => {
    const codes = new Set(Array.from({ length: 200 }, generateReceiptCode));
    expect(codes.size).toBe(200);
  });

  describe('over 20 000 codes', () => {
    // 540 000 random digits: a modulo bias (b % 10 without rejection) would give a
    // chi-square near 200; P(chi-square with 9 degrees of freedom > 50) is about 1e-7.
    const codes = Array.from({ length: 20_000 }, () => ascii(generateReceiptCode()));

    function chiSquare(counts: number[]): number {
      const total = counts.reduce((a, b) => a + b, 0);
      const expected = total / counts.length;
      return counts.reduce((sum, c) => sum + (c - expected) ** 2 / expected, 0);
    }

    it('uses every digit about equally often in the random part', () => {
      const counts = new Array<number>(10).fill(0);
      for (const code of codes) for (const d of code.slice(0, 27)) counts[Number(d)]!++;
      expect(chiSquare(counts)).toBeLessThan(50);
    });

    it('uses every digit about equally often in each position', () => {
      for (let position = 0; position < RECEIPT_DIGITS; position++) {
        const counts = new Array<number>(10).fill(0);
        for (const code of codes) counts[Number(code[position])]!++;
        expect(chiSquare(counts), `position ${position}`).toBeLessThan(60);
      }
    });
  });
});

describe('formatReceiptCode', () => {
  it('groups digits in fours', () => {
    expect(formatReceiptCode('1234567890')).toBe('1234 5678 90');
  });
});

describe('normaliseReceiptCode', () => {
  describe('when one digit of a generated code is mistyped', () => {
    it('rejects every single-digit substitution and adjacent transposition', () => {
      for (let i = 0; i < 20; i++) {
        const digits = ascii(generateReceiptCode());
        const mistakes = codesWithSingleErrors(digits);
        expect(mistakes.length).toBeGreaterThanOrEqual(28 * 9);
        for (const { kind, code } of mistakes) {
          expect(() => normaliseReceiptCode(formatReceiptCode(code)), `${digits}: ${kind}`).toThrow(ReceiptCodeError);
        }
      }
    });
  });

  describe('when the code is typed in Arabic-Indic digits (U+0660–U+0669)', () => {
    it('accepts it and returns ASCII digits', () => {
      const code = generateReceiptCode();
      expect(normaliseReceiptCode(inScript(code, 0x0660))).toBe(ascii(code));
    });

    it('maps each of the ten digits to its value', () => {
      const digits = '0123456789012345678901234567';
      const valid = digits.slice(0, 27) + String(dammDigit(digits.slice(0, 27)));
      expect(normaliseReceiptCode(inScript(valid, 0x0660))).toBe(valid);
    });

    it('still rejects a mistyped digit', () => {
      const digits = ascii(generateReceiptCode());
      const wrong = digits.slice(0, 5) + String((Number(digits[5]) + 1) % 10) + digits.slice(6);
      expect(() => normaliseReceiptCode(inScript(wrong, 0x0660))).toThrow(ReceiptCodeError);
    });
  });

  describe('when the code is typed in Eastern Arabic-Indic digits (U+06F0–U+06F9)', () => {
    it('accepts it and returns ASCII digits', () => {
      const code = generateReceiptCode();
      expect(normaliseReceiptCode(inScript(code, 0x06f0))).toBe(ascii(code));
    });

    it('maps each of the ten digits to its value', () => {
      const digits = '9876543210987654321098765432';
      const valid = digits.slice(0, 27) + String(dammDigit(digits.slice(0, 27)));
      expect(normaliseReceiptCode(inScript(valid, 0x06f0))).toBe(valid);
    });
  });

  describe('when scripts are mixed within one code', () => {
    it('accepts it', () => {
      const digits = ascii(generateReceiptCode());
      const mixed = inScript(digits.slice(0, 10), 0x0660) + digits.slice(10, 20) + inScript(digits.slice(20), 0x06f0);
      expect(normaliseReceiptCode(mixed)).toBe(digits);
    });
  });

  describe('when the code has dashes, spaces or no separators', () => {
    it('accepts it', () => {
      const code = generateReceiptCode();
      const digits = ascii(code);
      for (const typed of [
        digits,
        code.replace(/ /g, '-'),
        `  ${code}  `,
        code.replace(/ /g, ' - '),
        code.replace(/ /g, '\u00a0'),
        digits.split('').join(' '),
      ]) {
        expect(normaliseReceiptCode(typed), JSON.stringify(typed)).toBe(digits);
      }
    });
  });

  describe('when the code has the wrong number of digits', () => {
    it('rejects 27 digits with ReceiptCodeError', () => {
      const digits = ascii(generateReceiptCode());
      expect(() => normaliseReceiptCode(digits.slice(0, 27))).toThrow(ReceiptCodeError);
    });

    it('rejects 29 digits even when the check digit still passes', () => {
      // Appending 0 keeps the Damm interim at 0, so only the length check can catch it.
      const digits = ascii(generateReceiptCode()) + '0';
      expect(dammDigit(digits)).toBe(0);
      expect(() => normaliseReceiptCode(digits)).toThrow(ReceiptCodeError);
    });

    it('rejects an empty code', () => {
      expect(() => normaliseReceiptCode('')).toThrow(ReceiptCodeError);
      expect(() => normaliseReceiptCode('   ')).toThrow(ReceiptCodeError);
    });
  });

  describe('when the code contains letters or other characters', () => {
    it.each([
      ['a letter O for a zero', (d: string) => 'O' + d.slice(1)],
      ['a letter l for a one', (d: string) => d.slice(0, 27) + 'l'],
      ['a Devanagari digit', (d: string) => '\u0966' + d.slice(1)],
      ['a fullwidth digit', (d: string) => '\uff10' + d.slice(1)],
      ['a slash', (d: string) => d.slice(0, 14) + '/' + d.slice(14)],
    ])('rejects %s with ReceiptCodeError', (_, corrupt) => {
      const digits = ascii(generateReceiptCode());
      expect(() => normaliseReceiptCode(corrupt(digits))).toThrow(ReceiptCodeError);
    });
  });
});

describe('deriveReceiptKeys', () => {
  it('gives the same keys for the same code, however it was typed', () => {
    const code = generateReceiptCode();
    const a = deriveReceiptKeys(code);
    const b = deriveReceiptKeys(inScript(code.replace(/ /g, '-'), 0x0660));
    expect(b.lookup).toEqual(a.lookup);
    expect(b.replyPublicKey).toEqual(a.replyPublicKey);
    expect(b.replySecretKey).toEqual(a.replySecretKey);
  });

  it('gives a 32-byte lookup and 32-byte reply keys', () => {
    const keys = deriveReceiptKeys(generateReceiptCode());
    expect(keys.lookup.length).toBe(32);
    expect(keys.replyPublicKey.length).toBe(32);
    expect(keys.replySecretKey.length).toBe(32);
    expect(keys.lookup).not.toEqual(keys.replySecretKey);
  });

  it('gives different lookups and reply keys for different codes', () => {
    const a = deriveReceiptKeys(generateReceiptCode());
    const b = deriveReceiptKeys(generateReceiptCode());
    expect(a.lookup).not.toEqual(b.lookup);
    expect(a.replyPublicKey).not.toEqual(b.replyPublicKey);
  });

  it('matches HKDF-SHA-256 computed independently with WebCrypto', async () => {
    const code = generateReceiptCode();
    const keys = deriveReceiptKeys(code);
    const ikm = utf8(ascii(code));
    const salt = utf8('backup receipt v1');
    expect(keys.lookup).toEqual(await hkdfSha256(ikm, salt, utf8('lookup')));
    expect(keys.replySecretKey).toEqual(await hkdfSha256(ikm, salt, utf8('reply x25519')));
  });

  describe('the reply key pair', () => {
    it('is a valid X25519 pair: nacl.box works both ways with another pair', () => {
      const reporter = deriveReceiptKeys(generateReceiptCode());
      const caseworker = nacl.box.keyPair();
      expect(nacl.box.keyPair.fromSecretKey(reporter.replySecretKey).publicKey).toEqual(reporter.replyPublicKey);

      const nonce = randomBytes(nacl.box.nonceLength);
      const reply = utf8('Ми отримали ваше повідомлення. تم استلام رسالتك.');
      const boxed = nacl.box(reply, nonce, reporter.replyPublicKey, caseworker.secretKey);
      expect(nacl.box.open(boxed, nonce, caseworker.publicKey, reporter.replySecretKey)).toEqual(reply);

      const back = nacl.box(utf8('thank you'), nonce, caseworker.publicKey, reporter.replySecretKey);
      expect(nacl.box.open(back, nonce, reporter.replyPublicKey, caseworker.secretKey)).toEqual(utf8('thank you'));
    });

    it('opens a reply sealed to its public key, and no other pair does', () => {
      const reporter = deriveReceiptKeys(generateReceiptCode());
      const sealed = seal(utf8('reply'), reporter.replyPublicKey);
      expect(openSealed(sealed, reporter.replySecretKey)).toEqual(utf8('reply'));
      const otherReporter = deriveReceiptKeys(generateReceiptCode());
      expect(() => openSealed(sealed, otherReporter.replySecretKey)).toThrow(SealedBoxError);
      expect(() => openSealed(sealed, generateBoxKeyPair().secretKey)).toThrow(SealedBoxError);
    });
  });

  describe('when the code has a typing mistake', () => {
    it('throws ReceiptCodeError instead of deriving keys', () => {
      const digits = ascii(generateReceiptCode());
      const wrong = digits.slice(0, 27) + String((Number(digits[27]) + 1) % 10);
      expect(() => deriveReceiptKeys(wrong)).toThrow(ReceiptCodeError);
    });
  });
});

describe('receiptVerifier', () => {
  it('is SHA-256 of the lookup', async () => {
    const { lookup } = deriveReceiptKeys(generateReceiptCode());
    const expected = new Uint8Array(await crypto.subtle.digest('SHA-256', new Uint8Array(lookup)));
    expect(receiptVerifier(lookup)).toEqual(expected);
    expect(receiptVerifier(lookup)).not.toEqual(lookup);
  });
});
