import type { Context } from 'koa';
import { describe, expect, it } from 'vitest';
import { infoRoutes, openApiDocument } from './index.ts';
import { TEST_NODE_INFO } from './node-info.testing.ts';

const info = TEST_NODE_INFO;

/** Runs a route's handler on a bare context and returns what it set. */
async function call(healthy: boolean, method: string, template: string) {
  const route = infoRoutes(info, () => healthy).find((r) => r.method === method && r.template === template);
  expect(route, `${method} ${template}`).toBeDefined();
  const ctx = { status: 404, body: undefined } as unknown as Context;
  await route!.handle(ctx, {});
  return { status: ctx.status, body: ctx.body as unknown };
}

describe('infoRoutes', () => {
  describe('GET /api/v1/node', () => {
    it('answers the node’s public information', async () => {
      expect((await call(true, 'GET', '/api/v1/node')).body).toEqual(info);
    });
  });

  describe('GET /api/v1/health', () => {
    describe('when the store answers', () => {
      it('says ok', async () => {
        expect(await call(true, 'GET', '/api/v1/health')).toEqual({ status: 200, body: { status: 'ok' } });
      });
    });

    describe('when the store does not answer', () => {
      it('says unavailable with 503', async () => {
        expect(await call(false, 'GET', '/api/v1/health')).toEqual({ status: 503, body: { status: 'unavailable' } });
      });
    });
  });

  describe('GET /api/openapi.json', () => {
    it('answers the API document for the running version', async () => {
      expect((await call(true, 'GET', '/api/openapi.json')).body).toEqual(openApiDocument('1.2.3'));
    });
  });
});
