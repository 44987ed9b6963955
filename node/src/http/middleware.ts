import type { Context, Next } from 'koa';
import type { Logger } from '../log/index.ts';
import { RateLimitedError, STATUS_BY_ERROR, isRequestError } from './errors.ts';

// A strict policy for every response: the pages and the API load nothing from anywhere
// but this node, and nothing may frame them.
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' blob: data:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "worker-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export async function securityHeaders(ctx: Context, next: Next): Promise<void> {
  ctx.set({
    'Content-Security-Policy': CSP,
    'Referrer-Policy': 'no-referrer',
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Permissions-Policy': 'camera=(self), microphone=(self), geolocation=(self), interest-cohort=()',
    'Cache-Control': 'no-store',
  });
  await next();
}

/**
 * Maps errors to `{ error: { code, message } }`. Messages are shown for 4xx only; a 5xx
 * says nothing about the internals, and its log line carries the error's name and stack
 * but nothing from the request beyond its method and route.
 */
export function errorHandler(log: Logger) {
  return async (ctx: Context, next: Next): Promise<void> => {
    const started = performance.now();
    try {
      await next();
    } catch (error) {
      if (isRequestError(error)) {
        ctx.status = STATUS_BY_ERROR[error.name] ?? 400;
        ctx.body = {
          error: { code: error.code, message: error.message, ...(error.details && { details: error.details }) },
        };
        if (error instanceof RateLimitedError) ctx.set('Retry-After', String(error.retryAfterSeconds));
      } else if (isClientHttpError(error)) {
        ctx.status = error.status;
        ctx.body = { error: { code: 'bad-request', message: error.expose ? error.message : 'bad request' } };
      } else {
        ctx.status = 500;
        ctx.body = { error: { code: 'internal', message: 'internal error' } };
        log.error('request failed', {
          method: ctx.method,
          route: routeOf(ctx),
          error: (error as Error)?.name,
          stack: (error as Error)?.stack,
        });
      }
      if (ctx.status === 413 || !ctx.req.complete) ctx.set('Connection', 'close');
    } finally {
      if (log.enabled('debug')) {
        log.debug('request', {
          method: ctx.method,
          route: routeOf(ctx),
          status: ctx.status,
          ms: Math.round(performance.now() - started),
        });
      }
    }
  };
}

function isClientHttpError(error: unknown): error is { status: number; expose: boolean; message: string } {
  const status = (error as { status?: unknown })?.status;
  return typeof status === 'number' && status >= 400 && status < 500;
}

/** The matched route's template (never the raw path, which may carry ids). */
export function routeOf(ctx: Context): string {
  return (ctx.state as { route?: string }).route ?? 'unmatched';
}
