import { describe, expect, it } from 'vitest';
import { fromBase64Url, solveProofOfWork, utf8 } from '../../../client/src/envelope/index.ts';
import { ForbiddenError, InvalidRequestError } from '../http/index.ts';
import { POW_EPOCH_SECONDS, ProofOfWorkGate } from './index.ts';

const EPOCH_MS = POW_EPOCH_SECONDS * 1000;
// A fixed instant at the very start of an epoch, so "two epochs on" is exact.
const T0 = 2_000_000 * EPOCH_MS;

async function solve(gate: ProofOfWorkGate, body: Uint8Array): Promise<string> {
  const challenge = gate.announce();
  return solveProofOfWork(challenge, fromBase64Url(challenge.seed), body);
}

function thrown(run: () => void): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}

function expectCode(error: unknown, type: typeof ForbiddenError | typeof InvalidRequestError, code: string) {
  expect(error).toBeInstanceOf(type);
  expect((error as ForbiddenError).code).toBe(code);
}

describe('ProofOfWorkGate', () => {
  const body = utf8('{"v":1,"report":"sealed"}');

  describe('announce', () => {
    it('gives a 16-byte seed, the difficulty and the seconds until the seed expires', () => {
      let now = T0;
      const gate = new ProofOfWorkGate(12, () => now);
      const first = gate.announce();
      expect(fromBase64Url(first.seed)).toHaveLength(16);
      expect(first.difficulty).toBe(12);
      expect(first.expiresInSeconds).toBe(2 * POW_EPOCH_SECONDS);
      now = T0 + 100_000;
      expect(gate.announce()).toEqual({ ...first, expiresInSeconds: 2 * POW_EPOCH_SECONDS - 100 });
    });

    it('rotates the seed each epoch', () => {
      let now = T0;
      const gate = new ProofOfWorkGate(8, () => now);
      const first = gate.announce().seed;
      now = T0 + EPOCH_MS - 1;
      expect(gate.announce().seed).toBe(first);
      now = T0 + EPOCH_MS;
      expect(gate.announce().seed).not.toBe(first);
    });

    it('gives different seeds on different gates (each has its own secret)', () => {
      expect(new ProofOfWorkGate(8, () => T0).announce().seed).not.toBe(
        new ProofOfWorkGate(8, () => T0).announce().seed,
      );
    });
  });

  describe('when the header solves the announced seed for this body', () => {
    it('accepts it', async () => {
      const gate = new ProofOfWorkGate(8);
      const header = await solve(gate, body);
      expect(() => gate.verify(header, body)).not.toThrow();
    });
  });

  describe('when the solution was made for another body', () => {
    it('throws ForbiddenError pow-invalid', async () => {
      // At difficulty 16 a nonce passes for an unrelated body with probability 2^-16.
      const gate = new ProofOfWorkGate(16);
      const header = await solve(gate, body);
      expect(() => gate.verify(header, body)).not.toThrow();
      expectCode(
        thrown(() => gate.verify(header, utf8('{"v":1,"report":"another"}'))),
        ForbiddenError,
        'pow-invalid',
      );
    });
  });

  describe('when the nonce does not reach the difficulty', () => {
    it('throws ForbiddenError pow-invalid', () => {
      const gate = new ProofOfWorkGate(32);
      const { seed } = gate.announce();
      // Each of these passes difficulty 32 with probability 2^-32.
      for (const nonce of ['0000000000000000', '0123456789abcdef', 'ffffffffffffffff']) {
        expectCode(
          thrown(() => gate.verify(`${seed}.${nonce}`, body)),
          ForbiddenError,
          'pow-invalid',
        );
      }
    });
  });

  describe('when the header is missing or malformed', () => {
    const gate = new ProofOfWorkGate(8);
    const { seed } = gate.announce();

    it.each([
      ['missing', undefined],
      ['empty', ''],
      ['without a nonce', seed],
      ['with a short nonce', `${seed}.0123`],
      ['with an upper-case hex nonce', `${seed}.0123456789ABCDEF`],
      ['with a short seed', `${seed.slice(1)}.0123456789abcdef`],
      ['with a seed in standard base64', `${seed.slice(0, 20)}+/.0123456789abcdef`],
      ['with trailing text', `${seed}.0123456789abcdef.x`],
    ])('throws InvalidRequestError pow-missing when %s', (_what, header) => {
      expectCode(
        thrown(() => gate.verify(header, body)),
        InvalidRequestError,
        'pow-missing',
      );
    });
  });

  describe('when the seed is not one this node announced', () => {
    it('throws ForbiddenError pow-stale', async () => {
      const other = new ProofOfWorkGate(8, () => T0);
      const header = await solve(other, body);
      const gate = new ProofOfWorkGate(8, () => T0);
      expectCode(
        thrown(() => gate.verify(header, body)),
        ForbiddenError,
        'pow-stale',
      );
    });
  });

  describe('with a clock that moves on', () => {
    it('accepts a seed from the previous epoch', async () => {
      let now = T0 + 1;
      const gate = new ProofOfWorkGate(8, () => now);
      const header = await solve(gate, body);
      now = T0 + EPOCH_MS + EPOCH_MS - 1;
      expect(() => gate.verify(header, body)).not.toThrow();
    });

    it('throws ForbiddenError pow-stale for a seed from two epochs ago', async () => {
      let now = T0 + EPOCH_MS - 1;
      const gate = new ProofOfWorkGate(8, () => now);
      const header = await solve(gate, body);
      now = T0 + 2 * EPOCH_MS;
      expectCode(
        thrown(() => gate.verify(header, body)),
        ForbiddenError,
        'pow-stale',
      );
    });

    it('throws ForbiddenError pow-stale for a seed from a later epoch', async () => {
      let now = T0 + EPOCH_MS;
      const gate = new ProofOfWorkGate(8, () => now);
      const header = await solve(gate, body);
      now = T0;
      expectCode(
        thrown(() => gate.verify(header, body)),
        ForbiddenError,
        'pow-stale',
      );
    });
  });

  describe('with difficulty 0', () => {
    it('accepts anything, header or not', () => {
      const gate = new ProofOfWorkGate(0);
      expect(() => gate.verify(undefined, body)).not.toThrow();
      expect(() => gate.verify('nonsense', body)).not.toThrow();
      expect(() => gate.verify(`${'A'.repeat(22)}.0000000000000000`, new Uint8Array())).not.toThrow();
    });
  });
});
