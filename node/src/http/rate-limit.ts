// Token buckets for anonymous submissions. Per-source state lives in memory only, keyed
// by an HMAC of the address under a key made at start-up and never written anywhere, so
// not even a memory dump lists the addresses. Behind Tor or a reverse proxy every request
// shares one source; the global bucket and the proof of work carry the load there.
import { createHmac, randomBytes } from 'node:crypto';
import type { Context } from 'koa';
import { RateLimitedError } from './errors.ts';

const MAX_TRACKED_SOURCES = 100_000;

export class TokenBucket {
  private readonly capacity: number;
  private readonly perSecond: number;
  private tokens: number;
  private updated: number;

  constructor(capacity: number, perSecond: number, now = performance.now()) {
    this.capacity = capacity;
    this.perSecond = perSecond;
    this.tokens = capacity;
    this.updated = now;
  }

  /** Takes one token, or returns how many seconds until one is available. */
  take(now = performance.now()): number {
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.updated) / 1000) * this.perSecond);
    this.updated = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.ceil((1 - this.tokens) / this.perSecond);
  }
}

export interface RateLimiterInit {
  readonly sourceBurst: number;
  readonly sourcePerMinute: number;
}

export class SourceRateLimiter {
  private readonly key = randomBytes(32);
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly init: RateLimiterInit;

  constructor(init: RateLimiterInit) {
    this.init = init;
  }

  /** Throws RateLimitedError when this request's source has used its allowance. */
  check(ctx: Context): void {
    // The address is never stored or logged: only its keyed hash, in memory, below.
    const source = createHmac('sha256', this.key)
      .update(ctx.req.socket.remoteAddress ?? '')
      .digest('base64url')
      .slice(0, 16);
    let bucket = this.buckets.get(source);
    if (!bucket) {
      if (this.buckets.size >= MAX_TRACKED_SOURCES) this.buckets.delete(this.buckets.keys().next().value!);
      bucket = new TokenBucket(this.init.sourceBurst, this.init.sourcePerMinute / 60);
      this.buckets.set(source, bucket);
    }
    const wait = bucket.take();
    if (wait > 0) throw new RateLimitedError(wait);
  }
}
