import type { Context } from 'koa';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { RateLimitedError } from './errors.ts';
import { SourceRateLimiter, TokenBucket } from './index.ts';

function requestFrom(remoteAddress: string | undefined): Context {
  return { req: { socket: { remoteAddress } } } as unknown as Context;
}

function thrown(run: () => void): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('TokenBucket', () => {
  describe('when full', () => {
    it('gives its capacity in tokens, then refuses with the seconds to wait', () => {
      const bucket = new TokenBucket(3, 1, 0);
      expect([bucket.take(0), bucket.take(0), bucket.take(0)]).toEqual([0, 0, 0]);
      expect(bucket.take(0)).toBe(1);
      expect(bucket.take(0)).toBe(1);
    });

    it('rounds a wait up to whole seconds', () => {
      // Half a token a second: an empty bucket needs two seconds for the next one.
      const bucket = new TokenBucket(1, 0.5, 0);
      expect(bucket.take(0)).toBe(0);
      expect(bucket.take(0)).toBe(2);
      expect(bucket.take(1000)).toBe(1);
    });
  });

  describe('when time passes', () => {
    it('refills at its rate', () => {
      const bucket = new TokenBucket(2, 2, 0);
      bucket.take(0);
      bucket.take(0);
      expect(bucket.take(0)).toBeGreaterThan(0);
      // 2 tokens a second: after 500 ms exactly one token is back.
      expect(bucket.take(500)).toBe(0);
      expect(bucket.take(500)).toBeGreaterThan(0);
      expect(bucket.take(1000)).toBe(0);
    });

    it('never holds more than its capacity', () => {
      const bucket = new TokenBucket(2, 10, 0);
      const later = 3_600_000;
      expect([bucket.take(later), bucket.take(later)]).toEqual([0, 0]);
      expect(bucket.take(later)).toBeGreaterThan(0);
    });

    it('refuses while the wait it announced has not passed, and serves once it has', () => {
      const bucket = new TokenBucket(1, 1 / 60, 0);
      bucket.take(0);
      const wait = bucket.take(0);
      expect(wait).toBe(60);
      expect(bucket.take(59_000)).toBeGreaterThan(0);
      expect(bucket.take(wait * 1000)).toBe(0);
    });
  });
});

describe('SourceRateLimiter', () => {
  const init = { sourceBurst: 4, sourcePerMinute: 1 };

  describe('when one source sends more than its burst', () => {
    it('lets the burst through, then throws RateLimitedError with a wait', () => {
      const limiter = new SourceRateLimiter(init);
      const ctx = requestFrom('127.0.0.9');
      for (let i = 0; i < init.sourceBurst; i++) limiter.check(ctx);
      const error = thrown(() => limiter.check(ctx));
      expect(error).toBeInstanceOf(RateLimitedError);
      expect((error as RateLimitedError).code).toBe('rate-limited');
      expect((error as RateLimitedError).retryAfterSeconds).toBeGreaterThan(0);
    });

    it('keeps another source’s allowance whole', () => {
      const limiter = new SourceRateLimiter(init);
      for (let i = 0; i < init.sourceBurst; i++) limiter.check(requestFrom('127.0.0.9'));
      expect(thrown(() => limiter.check(requestFrom('127.0.0.9')))).toBeInstanceOf(RateLimitedError);
      for (let i = 0; i < init.sourceBurst; i++) limiter.check(requestFrom('10.1.2.3'));
      expect(thrown(() => limiter.check(requestFrom('10.1.2.3')))).toBeInstanceOf(RateLimitedError);
    });
  });

  describe('when the socket has no address', () => {
    it('still limits', () => {
      const limiter = new SourceRateLimiter(init);
      for (let i = 0; i < init.sourceBurst; i++) limiter.check(requestFrom(undefined));
      expect(thrown(() => limiter.check(requestFrom(undefined)))).toBeInstanceOf(RateLimitedError);
    });
  });

  describe('its memory', () => {
    it('holds no string containing a source address', () => {
      const limiter = new SourceRateLimiter(init);
      const addresses = ['127.0.0.9', '2001:db8::7', '198.51.100.23'];
      for (const address of addresses) {
        for (let i = 0; i <= init.sourceBurst; i++) thrown(() => limiter.check(requestFrom(address)));
      }
      const dump = inspect(limiter, { depth: 8, maxArrayLength: Infinity, maxStringLength: Infinity });
      const buckets = (limiter as unknown as { buckets: Map<string, unknown> }).buckets;
      // The dump must show the per-source map, or the check below proves nothing.
      expect(buckets.size).toBe(addresses.length);
      for (const key of buckets.keys()) expect(dump).toContain(key);
      for (const address of addresses) {
        expect(dump).not.toContain(address);
        expect(dump).not.toContain(Buffer.from(address).toString('hex'));
        expect(dump).not.toContain(Buffer.from(address).toString('base64url'));
        for (const key of buckets.keys()) expect(key).not.toContain(address);
      }
    });

    it('keys two limiters’ buckets differently for the same address', () => {
      const keysOf = (limiter: SourceRateLimiter) => [
        ...(limiter as unknown as { buckets: Map<string, unknown> }).buckets.keys(),
      ];
      const a = new SourceRateLimiter(init);
      const b = new SourceRateLimiter(init);
      a.check(requestFrom('127.0.0.9'));
      b.check(requestFrom('127.0.0.9'));
      expect(keysOf(a)).toHaveLength(1);
      expect(keysOf(a)).not.toEqual(keysOf(b));
    });
  });
});
