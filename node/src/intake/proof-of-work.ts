// The node's side of the anti-flood proof of work (client/src/envelope/pow.ts). Seeds are
// HMAC(secret, epoch) for ten-minute epochs; the current and the previous one are
// accepted. Replaying a solution replays its body, which the receipt's uniqueness rejects.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { leadingZeroBits, powPreimage } from '../../../client/src/envelope/index.ts';
import { ForbiddenError, InvalidRequestError } from '../http/index.ts';

export const POW_EPOCH_SECONDS = 600;
const HEADER = /^([A-Za-z0-9_-]{22})\.([0-9a-f]{16})$/;

export interface PowAnnouncement {
  readonly seed: string;
  readonly difficulty: number;
  readonly expiresInSeconds: number;
}

export class ProofOfWorkGate {
  private readonly secret = randomBytes(32);
  readonly difficulty: number;
  private readonly now: () => number;

  constructor(difficulty: number, now: () => number = Date.now) {
    this.difficulty = difficulty;
    this.now = now;
  }

  /** Seeds of the epochs in use, so a busy node does not recompute them per request. */
  private readonly seeds = new Map<number, Buffer>();

  private seedFor(epoch: number): Buffer {
    let seed = this.seeds.get(epoch);
    if (!seed) {
      seed = createHmac('sha256', this.secret).update(`epoch ${epoch}`).digest().subarray(0, 16);
      this.seeds.set(epoch, seed);
      for (const old of this.seeds.keys()) if (old < epoch - 1) this.seeds.delete(old);
    }
    return seed;
  }

  private epoch(): number {
    return Math.floor(this.now() / 1000 / POW_EPOCH_SECONDS);
  }

  announce(): PowAnnouncement {
    const epoch = this.epoch();
    const expiresInSeconds = (epoch + 2) * POW_EPOCH_SECONDS - Math.floor(this.now() / 1000);
    return { seed: this.seedFor(epoch).toString('base64url'), difficulty: this.difficulty, expiresInSeconds };
  }

  /** Checks the `backup-pow` header against the raw body. */
  verify(header: string | undefined, body: Uint8Array): void {
    if (this.difficulty === 0) return;
    const match = header ? HEADER.exec(header) : null;
    if (!match)
      throw new InvalidRequestError(
        'pow-missing',
        'send a proof of work in the backup-pow header (see GET /api/v1/pow)',
      );
    const seed = Buffer.from(match[1]!, 'base64url');
    const epoch = this.epoch();
    if (!timingSafeEqual(seed, this.seedFor(epoch)) && !timingSafeEqual(seed, this.seedFor(epoch - 1))) {
      throw new ForbiddenError(
        'pow-stale',
        'the proof-of-work seed has expired; fetch GET /api/v1/pow and solve again',
      );
    }
    const bodyHash = createHash('sha256').update(body).digest();
    const digest = createHash('sha256')
      .update(powPreimage(seed, bodyHash, Buffer.from(match[2]!, 'hex')))
      .digest();
    if (leadingZeroBits(digest) < this.difficulty)
      throw new ForbiddenError('pow-invalid', 'the proof of work does not solve the challenge');
  }
}
