import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { randomBytes, toHex, utf8 } from './bytes.ts';
import { createSha256 } from './sha256.ts';

const hashOf = (...parts: Uint8Array[]) => {
  const hash = createSha256();
  for (const part of parts) hash.update(part);
  return toHex(hash.digest());
};

async function webSha256(bytes: Uint8Array): Promise<string> {
  return toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', new Uint8Array(bytes))));
}

describe('createSha256', () => {
  // FIPS 180-4 examples (NIST "SHA256.pdf", Cryptographic Standards and Guidelines).
  it.each([
    { input: '', hex: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' },
    { input: 'abc', hex: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad' },
    {
      input: 'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq',
      hex: '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    },
  ])('gives the NIST digest of "$input"', ({ input, hex }) => {
    expect(hashOf(utf8(input))).toBe(hex);
  });

  it('gives the NIST digest of a million "a"s fed in odd pieces', () => {
    const a = new Uint8Array(1_000_000).fill(0x61);
    const parts = [a.subarray(0, 1), a.subarray(1, 64), a.subarray(64, 100_003), a.subarray(100_003)];
    expect(hashOf(...parts)).toBe('cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0');
  });

  it('agrees with WebCrypto at every length around the padding boundaries', async () => {
    const bytes = randomBytes(300);
    for (let length = 0; length <= bytes.length; length++) {
      const input = bytes.subarray(0, length);
      expect(hashOf(input), `length ${length}`).toBe(await webSha256(input));
    }
  });

  it('gives the same digest however the input is split, views at odd offsets included', () => {
    const bytes = randomBytes(5_000);
    const whole = toHex(nobleSha256(bytes));
    for (const cuts of [[1], [63, 64, 65], [7, 1000, 1001, 4999], [128, 256, 3333]]) {
      const ends = [...cuts, bytes.length];
      const parts = ends.map((end, i) => bytes.subarray(i === 0 ? 0 : ends[i - 1], end));
      expect(hashOf(...parts), `cut at ${cuts.join(', ')}`).toBe(whole);
    }
  });

  it('refuses more input once finished', () => {
    const hash = createSha256();
    hash.digest();
    expect(() => hash.update(utf8('x'))).toThrow();
    expect(() => hash.digest()).toThrow();
  });
});
