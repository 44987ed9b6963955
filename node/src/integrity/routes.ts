// The log's public face over HTTP: C2SP tlog-tiles under /log/ (checkpoint, hash tiles,
// entry bundles) so anyone can mirror and audit it, and the C2SP tlog-witness endpoint
// (POST /witness/add-checkpoint) so witnesses outside the federation can join.
import type { Context } from 'koa';
import { type TileAddress, TilePathError, parseTilePath } from '../../../federation/src/merkle/index.ts';
import { MAX_ADD_CHECKPOINT_BODY_BYTES } from '../../../federation/src/witness/index.ts';
import type { TokenBucket } from '../http/index.ts';
import { NotFoundError, RateLimitedError, type Route, readBody } from '../http/index.ts';

/** The largest valid add-checkpoint body: 63 proof lines and a note of the largest size. */
export const MAX_ADD_CHECKPOINT_BYTES = MAX_ADD_CHECKPOINT_BODY_BYTES;
export const WITNESS_PATH = '/witness/add-checkpoint';

export interface LogRoutesComponents {
  /** The latest checkpoint with its cosignatures; undefined before the first one. */
  readonly checkpoint: () => string | undefined;
  /** Tile bytes, or undefined when the log is not that large yet. */
  readonly tile: (address: TileAddress) => Uint8Array | undefined;
  readonly witness: (body: Uint8Array) => Promise<{ status: number; contentType: string; body: Uint8Array }>;
  /** Node-wide: each request costs a durable write, and anyone may send one. */
  readonly witnessBucket: TokenBucket;
}

function publicLogHeaders(ctx: Context): void {
  // The log is public by design: auditors' pages on other sites may fetch it.
  ctx.set('Access-Control-Allow-Origin', '*');
  ctx.set('X-Content-Type-Options', 'nosniff');
}

export function logRoutes(c: LogRoutesComponents): Route[] {
  return [
    {
      method: 'GET',
      template: '/log/checkpoint',
      handle(ctx) {
        const note = c.checkpoint();
        if (!note) throw new NotFoundError('no-checkpoint', 'this log has not published a checkpoint yet');
        publicLogHeaders(ctx);
        ctx.set('Cache-Control', 'no-cache');
        ctx.type = 'text/plain; charset=utf-8';
        ctx.body = note;
      },
    },
    {
      method: 'GET',
      template: '/log/tile/{level}/{index}',
      // Tile paths have a varying depth (tile/0/x001/x234/067.p/9); parseTilePath is strict.
      pattern: /^\/log\/tile\/[a-z0-9./]{1,64}$/,
      handle(ctx) {
        let address: TileAddress;
        try {
          address = parseTilePath(ctx.path.slice('/log/'.length));
        } catch (cause) {
          if (!(cause instanceof TilePathError)) throw cause;
          throw new NotFoundError('not-a-tile', 'there is no such tile', { cause });
        }
        const bytes = c.tile(address);
        if (!bytes) throw new NotFoundError('tile-not-found', 'this log does not have that tile yet');
        publicLogHeaders(ctx);
        // Tiles never change once they exist, partial ones included (C2SP tlog-tiles).
        ctx.set('Cache-Control', 'public, max-age=31536000, immutable');
        ctx.type = 'application/octet-stream';
        ctx.body = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      },
    },
    {
      method: 'POST',
      template: WITNESS_PATH,
      async handle(ctx) {
        const wait = c.witnessBucket.take();
        if (wait > 0) throw new RateLimitedError(wait, 'this witness is busy; try again shortly');
        const answer = await c.witness(await readBody(ctx, MAX_ADD_CHECKPOINT_BYTES));
        ctx.status = answer.status;
        ctx.type = answer.contentType;
        ctx.body = Buffer.from(answer.body.buffer, answer.body.byteOffset, answer.body.byteLength);
      },
    },
  ];
}
