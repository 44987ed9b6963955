// A small exact-match router. Paths are matched as raw strings against anchored patterns
// whose parameters admit only [A-Za-z0-9_-], so no percent-decoding, dot segment or
// traversal trick ever reaches a handler.
import type { Context, Next } from 'koa';
import { MethodNotAllowedError, NotFoundError } from './errors.ts';

export interface Route {
  readonly method: string;
  /** Template for logs and the API document, e.g. `/api/v1/evidence/{id}`. */
  readonly template: string;
  /** For paths of varying depth (C2SP tiles): an anchored pattern used instead of the template. */
  readonly pattern?: RegExp;
  handle(ctx: Context, params: Readonly<Record<string, string>>): Promise<void> | void;
}

function compile(template: string): RegExp {
  const pattern = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, '(?<$1>[A-Za-z0-9_-]{1,64})');
  return new RegExp(`^${pattern}$`);
}

export function router(routes: readonly Route[]) {
  const compiled = routes.map((route) => ({ route, pattern: route.pattern ?? compile(route.template) }));
  return async (ctx: Context, next: Next): Promise<void> => {
    const matching = compiled.filter(({ pattern }) => pattern.test(ctx.path));
    if (matching.length === 0) return next();
    const found = matching.find(({ route }) => route.method === ctx.method);
    (ctx.state as { route?: string }).route = matching[0]!.route.template;
    if (!found) {
      ctx.set('Allow', matching.map(({ route }) => route.method).join(', '));
      throw new MethodNotAllowedError('method-not-allowed', `${ctx.method} is not allowed here`);
    }
    await found.route.handle(ctx, { ...found.pattern.exec(ctx.path)!.groups });
  };
}

export function notFound(): never {
  throw new NotFoundError('not-found', 'there is nothing at this address');
}
