import { describe, expect, it } from 'vitest';
import { randomBytes, toBase64Url } from './bytes.ts';
import { POW_NONCE_BYTES, ProofOfWorkAbortedError, leadingZeroBits, powPreimage, solveProofOfWork } from './pow.ts';

// Independent of pow.ts: WebCrypto's SHA-256 (client/ code may not import node:*), and
// leading zeros counted from the binary string.
async function webSha256(bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', new Uint8Array(bytes)));
}

function zeroBitsOf(hash: Uint8Array): number {
  const bits = Array.from(hash, (b) => b.toString(2).padStart(8, '0')).join('');
  const first = bits.indexOf('1');
  return first === -1 ? bits.length : first;
}

/** The documented preimage: "backup pow v1" ‖ seed ‖ SHA-256(body) ‖ 8-byte nonce. */
function documentedPreimage(seed: Uint8Array, bodyHash: Uint8Array, nonce: Uint8Array): Uint8Array {
  return new Uint8Array(Buffer.concat([Buffer.from('backup pow v1', 'ascii'), seed, bodyHash, nonce]));
}

function parseHeader(header: string): { seed: string; nonce: Uint8Array } {
  const match = /^([A-Za-z0-9_-]+)\.([0-9a-f]{16})$/.exec(header);
  expect(match, header).not.toBeNull();
  return { seed: match![1]!, nonce: new Uint8Array(Buffer.from(match![2]!, 'hex')) };
}

describe('leadingZeroBits', () => {
  it.each([
    { bytes: [0x00, 0x80], bits: 8 },
    { bytes: [0xff], bits: 0 },
    { bytes: [0x00, 0x00, 0x01], bits: 23 },
    { bytes: [0x01], bits: 7 },
    { bytes: [0x40, 0x00], bits: 1 },
    { bytes: [0x00, 0x00, 0x00, 0x0f], bits: 28 },
    { bytes: [], bits: 0 },
  ])('counts $bits zero bits in $bytes', ({ bytes, bits }) => {
    expect(leadingZeroBits(Uint8Array.from(bytes))).toBe(bits);
  });

  it('counts 256 in 32 zero bytes', () => {
    expect(leadingZeroBits(new Uint8Array(32))).toBe(256);
  });

  it('counts k when only bit k of a 32-byte hash is set, for every k', () => {
    for (let k = 0; k < 256; k++) {
      const hash = new Uint8Array(32);
      hash[k >> 3] = 0x80 >> (k & 7);
      expect(leadingZeroBits(hash), `bit ${k}`).toBe(k);
    }
  });

  it('ignores the bits after the first one', () => {
    for (let i = 0; i < 200; i++) {
      const hash = randomBytes(32);
      expect(leadingZeroBits(hash)).toBe(zeroBitsOf(hash));
    }
  });
});

describe('powPreimage', () => {
  it('is "backup pow v1" ‖ seed ‖ body hash ‖ nonce', () => {
    const seed = randomBytes(16);
    const bodyHash = randomBytes(32);
    const nonce = randomBytes(POW_NONCE_BYTES);
    expect(powPreimage(seed, bodyHash, nonce)).toEqual(documentedPreimage(seed, bodyHash, nonce));
  });
});

describe('solveProofOfWork', () => {
  describe('at a moderate difficulty', () => {
    it.each([1, 8, 12, 14])(
      'returns SEED.NONCE whose hash has at least %i leading zero bits when checked independently',
      async (difficulty) => {
        const seedBytes = randomBytes(16);
        const seed = toBase64Url(seedBytes);
        const body = randomBytes(700);
        const header = await solveProofOfWork({ seed, difficulty }, seedBytes, body);
        const parsed = parseHeader(header);
        expect(parsed.seed).toBe(seed);
        const hash = await webSha256(documentedPreimage(seedBytes, await webSha256(body), parsed.nonce));
        expect(zeroBitsOf(hash)).toBeGreaterThanOrEqual(difficulty);
      },
    );
  });

  it('returns the first nonce that works, counting up from zero', async () => {
    const seedBytes = randomBytes(16);
    const body = randomBytes(10);
    const difficulty = 8;
    const { nonce } = parseHeader(await solveProofOfWork({ seed: 's', difficulty }, seedBytes, body));
    const found = Number(new DataView(nonce.buffer).getBigUint64(0));
    const bodyHash = await webSha256(body);
    for (let counter = 0; counter < found; counter++) {
      const candidate = new Uint8Array(8);
      new DataView(candidate.buffer).setBigUint64(0, BigInt(counter));
      const hash = await webSha256(documentedPreimage(seedBytes, bodyHash, candidate));
      expect(zeroBitsOf(hash), `nonce ${counter}`).toBeLessThan(difficulty);
    }
  });

  describe('at difficulty 0', () => {
    it('accepts the zero nonce', async () => {
      expect(await solveProofOfWork({ seed: 'c2VlZA', difficulty: 0 }, randomBytes(16), randomBytes(5))).toBe(
        'c2VlZA.0000000000000000',
      );
    });
  });

  describe('when the signal is already aborted', () => {
    it('rejects with ProofOfWorkAbortedError carrying the reason', async () => {
      const controller = new AbortController();
      const reason = new Error('reporter left the page');
      controller.abort(reason);
      const error = await solveProofOfWork(
        { seed: 'x', difficulty: 256 },
        randomBytes(16),
        randomBytes(5),
        controller.signal,
      ).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ProofOfWorkAbortedError);
      expect((error as Error).cause).toBe(reason);
    });
  });

  describe('when the signal is aborted while it works', () => {
    it('stops with ProofOfWorkAbortedError', async () => {
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 30);
      const started = performance.now();
      await expect(
        solveProofOfWork({ seed: 'x', difficulty: 200 }, randomBytes(16), randomBytes(5), controller.signal),
      ).rejects.toThrow(ProofOfWorkAbortedError);
      expect(performance.now() - started).toBeLessThan(3000);
    });
  });
});
