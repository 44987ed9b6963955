import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { type Server, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import Koa from 'koa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorHandler, notFound, router, securityHeaders } from '../http/index.ts';
import { createLogger } from '../log/index.ts';
import { ContentLibrary, buildAppAssets, webRoutes } from './index.ts';

const CLIENT_DIR = fileURLToPath(new URL('../../../client', import.meta.url));
const adminDir = mkdtempSync(join(tmpdir(), 'backup-web-'));
const warnings: string[] = [];
let server: Server;
let base: string;

beforeAll(async () => {
  mkdirSync(join(adminDir, 'i18n'));
  mkdirSync(join(adminDir, 'articles/ha'), { recursive: true });
  writeFileSync(join(adminDir, 'i18n/ha.json'), JSON.stringify({ '@meta': { name: 'Hausa' }, 'app.title': 'BackUp' }));
  writeFileSync(join(adminDir, 'articles/ha/01-test.md'), '# Taken\nSummary line\n\nBody');
  writeFileSync(join(adminDir, 'i18n/xx.json'), '{ broken');
  writeFileSync(join(adminDir, 'i18n/yy.json'), 'null');
  writeFileSync(join(adminDir, 'help.json'), '{ "exitUrl": "https://example.org/", "contacts": [] }');
  writeFileSync(join(adminDir, 'areas.json'), '{ not json');
  const log = createLogger('warn', (line) => warnings.push(line));
  const app = new Koa();
  app.use(errorHandler(log));
  app.use(securityHeaders);
  app.use(
    router(
      webRoutes({
        assets: await buildAppAssets(CLIENT_DIR),
        content: new ContentLibrary([adminDir, join(CLIENT_DIR, 'content')], log),
      }),
    ),
  );
  app.use(notFound);
  server = createServer(app.callback()).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => {
  server?.close();
  rmSync(adminDir, { recursive: true, force: true });
});

/** A raw GET, so paths reach the server exactly as written (fetch would normalise them). */
function get(path: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }>(
    (resolve, reject) => {
      const req = request(`${base}${path}`, { headers, path }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      });
      req.on('error', reject);
      req.end();
    },
  );
}

describe('the reporting app', () => {
  it('serves the shell with the strict security policy', async () => {
    const res = await get('/');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.body.toString()).toContain('/app/main.js');
  });

  it('answers brotli or gzip as the browser asks, and the same bytes once decoded', async () => {
    const plain = await get('/app/main.js');
    const br = await get('/app/main.js', { 'accept-encoding': 'gzip, br' });
    const gzip = await get('/app/main.js', { 'accept-encoding': 'gzip' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(br.headers.vary).toContain('Accept-Encoding');
    expect(brotliDecompressSync(br.body)).toEqual(plain.body);
    expect(gunzipSync(gzip.body)).toEqual(plain.body);
    expect(br.body.length).toBeLessThan(plain.body.length / 2);
  });

  it('answers 304 when the ETag still matches', async () => {
    const first = await get('/app/app.css');
    const again = await get('/app/app.css', { 'if-none-match': String(first.headers.etag) });
    expect(again.status).toBe(304);
  });

  it('builds the service worker with this build’s cache name and shell', async () => {
    const sw = (await get('/sw.js')).body.toString();
    expect(sw).not.toContain('BACKUP_BUILD');
    expect(sw).toContain('/app/main.js');
  });

  it('lets quick exit ask the browser to forget this site', async () => {
    const res = await fetch(`${base}/forget`, { method: 'POST', headers: { 'sec-fetch-site': 'same-origin' } });
    expect(res.status).toBe(204);
    expect(res.headers.get('clear-site-data')).toBe('"cache", "storage"');
  });

  it.each([[{ 'sec-fetch-site': 'cross-site' }], [{ origin: 'https://elsewhere.example' }], [{ origin: 'null' }]])(
    'refuses to let another site make the browser forget (%o)',
    async (headers) => {
      const res = await fetch(`${base}/forget`, { method: 'POST', headers });
      expect(res.status).toBe(403);
      expect(res.headers.get('clear-site-data')).toBeNull();
    },
  );
});

describe('the offline verifier page', () => {
  it('is served with a policy that allows no connection at all', async () => {
    const res = await get('/verify');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("connect-src 'none'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe');
    expect(res.body.toString()).toContain('<script defer src="/verify/verify.js"></script>');
  });

  it('has its script as one classic script holding the verifier, and its style', async () => {
    const script = await get('/verify/verify.js');
    expect(script.headers['content-type']).toMatch(/^text\/javascript/);
    const code = script.body.toString();
    expect(code).toContain('c2sp.org/tlog-proof@v1');
    expect(code).not.toMatch(/^\s*(import|export)\b/m);
    expect(code).not.toMatch(/\bfetch\(|XMLHttpRequest|WebSocket|sendBeacon|localStorage|indexedDB/);
    expect((await get('/verify/verify.css')).headers['content-type']).toMatch(/^text\/css/);
  });

  it('leaves the app’s own pages under the app’s policy', async () => {
    expect(String((await get('/verify/verify.js')).headers['content-security-policy'])).toContain("connect-src 'self'");
    expect(String((await get('/')).headers['content-security-policy'])).toContain("connect-src 'self'");
  });
});

describe('content the admin can edit', () => {
  it('prefers the admin’s copy of a file', async () => {
    expect(JSON.parse((await get('/content/help.json')).body.toString()).exitUrl).toBe('https://example.org/');
  });

  it('falls back to the shipped copy when the admin’s does not parse, with a warning', async () => {
    expect(JSON.parse((await get('/content/areas.json')).body.toString())).toEqual([]);
    expect(warnings.join('\n')).toContain('areas.json');
  });

  it('adds a language when a translation file is dropped in, and leaves out one that is broken', async () => {
    const languages = JSON.parse((await get('/content/languages.json')).body.toString());
    expect(languages).toContainEqual({ code: 'ha', name: 'Hausa', dir: 'ltr' });
    expect(languages).toContainEqual({ code: 'en', name: 'English', dir: 'ltr' });
    expect(languages.map((l: { code: string }) => l.code)).not.toContain('yy');
    expect(languages.map((l: { code: string }) => l.code)).not.toContain('xx');
  });

  it('lists articles with their titles and summaries, in file order', async () => {
    expect(JSON.parse((await get('/content/articles/ha/index.json')).body.toString())).toEqual([
      { slug: '01-test', title: 'Taken', summary: 'Summary line' },
    ]);
    expect((await get('/content/articles/ha/01-test.md')).body.toString()).toContain('Body');
  });

  it.each([
    '/content/articles/en/..%2f..%2fquestionnaire.md',
    '/content/articles/../../../etc/passwd',
    '/content/i18n/%2e%2e.json',
    '/content/i18n/en.json/',
    '/content/audio/en/x.exe',
    '/app/../package.json',
    '/content/articles/xx/01-nothing.md',
  ])('answers 404 with a code for %s', async (path) => {
    const res = await get(path);
    expect(res.status).toBe(404);
    expect(JSON.parse(res.body.toString()).error.code).toBe('not-found');
  });
});
