import type { Context } from 'koa';
import { InvalidRequestError, PayloadTooLargeError, UnsupportedMediaTypeError } from './errors.ts';

/** Reads a JSON body of at most `limit` bytes. The sender is anonymous: assume hostility. */
export async function readJsonBody(ctx: Context, limit: number): Promise<{ raw: Buffer; json: unknown }> {
  if (!ctx.is('application/json')) {
    throw new UnsupportedMediaTypeError('unsupported-media-type', 'send the body as application/json');
  }
  const raw = await readBody(ctx, limit);
  try {
    return { raw, json: JSON.parse(raw.toString('utf8')) as unknown };
  } catch (cause) {
    throw new InvalidRequestError('invalid-json', 'the body is not valid JSON', { cause });
  }
}

/** Reads a body of at most `limit` bytes, whatever its type. */
export async function readBody(ctx: Context, limit: number): Promise<Buffer> {
  const declared = Number(ctx.get('content-length') || 0);
  if (declared > limit) throw new PayloadTooLargeError('payload-too-large', `the body may be at most ${limit} bytes`);
  const chunks: Buffer[] = [];
  let length = 0;
  try {
    for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
      length += chunk.length;
      if (length > limit) throw new PayloadTooLargeError('payload-too-large', `the body may be at most ${limit} bytes`);
      chunks.push(chunk);
    }
  } catch (error) {
    if (error instanceof PayloadTooLargeError) throw error;
    throw new InvalidRequestError('body-incomplete', 'the request body did not arrive whole', { cause: error });
  }
  return Buffer.concat(chunks, length);
}
