// The browser harness against a small static server on loopback: a page under a strict
// CSP with an accessibility fault, a request to another origin and a service worker.
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ForeignRequestError, type LaunchedBrowser, launchBrowser, recordRequests, runAxe } from './harness.ts';

const CSP = "default-src 'self'; script-src 'self'";

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<Server> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

const urlOf = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

function html(body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Harness</title></head><body><main>${body}</main></body></html>`;
}

let foreignServer: Server;
const foreignHits: string[] = [];
let server: Server;
let origin: string;
let launched: LaunchedBrowser;

beforeAll(async () => {
  // Another port is another origin: the stand-in for any third party.
  foreignServer = await listen((req, res) => {
    foreignHits.push(req.url!);
    res.writeHead(204).end();
  });
  const foreign = urlOf(foreignServer);
  const pages: Record<string, { type: string; body: string; csp: boolean }> = {
    '/clean.html': {
      type: 'text/html',
      body: html('<h1>Report</h1><label for="name">Name</label><input id="name">'),
      csp: true,
    },
    '/leaky.html': {
      type: 'text/html',
      body: html(
        `<h1>Report</h1><input id="unlabelled"><img src="${foreign}/pixel.png" alt="">` +
          `<script>document.title = 'inline script ran'</script><script src="/leaky.js"></script>`,
      ),
      csp: true,
    },
    '/leaky.js': {
      type: 'text/javascript',
      body: `navigator.serviceWorker.register('/sw.js');
navigator.serviceWorker.ready.then(async () => {
  if (!navigator.serviceWorker.controller) {
    await new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }));
  }
  await fetch('/data.json');
  document.body.dataset.done = 'yes';
});`,
      csp: true,
    },
    // Served without a CSP on purpose, so that its call to the other origin really leaves.
    '/sw.js': {
      type: 'text/javascript',
      body: `self.addEventListener('install', (event) => event.waitUntil(self.skipWaiting()));
self.addEventListener('activate', (event) =>
  event.waitUntil(Promise.all([self.clients.claim(), fetch('${foreign}/from-sw', { mode: 'no-cors' })])));
self.addEventListener('fetch', (event) => event.respondWith(fetch(event.request)));`,
      csp: false,
    },
    '/data.json': { type: 'application/json', body: '{}', csp: true },
  };
  server = await listen((req, res) => {
    const page = pages[new URL(req.url!, 'http://x').pathname];
    if (!page) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': page.type, ...(page.csp ? { 'content-security-policy': CSP } : {}) });
    res.end(page.body);
  });
  origin = urlOf(server);
  launched = await launchBrowser();
});

afterAll(async () => {
  await launched?.close();
  server?.close();
  foreignServer?.close();
});

async function visit(path: string) {
  const context = await launched.newContext();
  const recorder = recordRequests(context);
  const page = await context.newPage();
  await page.goto(`${origin}${path}`);
  return { context, recorder, page };
}

describe('recordRequests', () => {
  describe('on a page that reaches another origin, itself and through its service worker', () => {
    it('lists every foreign URL, the ones the CSP blocked included, and throws naming them', async () => {
      const { context, recorder, page } = await visit('/leaky.html');
      try {
        await page.waitForSelector('body[data-done="yes"]');
        await expect.poll(() => foreignHits).toContain('/from-sw');
        const foreign = urlOf(foreignServer);
        expect(recorder.foreign(origin)).toEqual(
          expect.arrayContaining([
            expect.objectContaining({ url: `${foreign}/pixel.png`, by: 'page', failure: 'csp' }),
            expect.objectContaining({ url: `${foreign}/from-sw`, by: 'service-worker' }),
          ]),
        );
        expect(() => recorder.assertOnlyOrigin(origin)).toThrow(ForeignRequestError);
        expect(() => recorder.assertOnlyOrigin(origin)).toThrow(`${foreign}/from-sw`);
        // The CSP was in force: the inline script never ran.
        expect(await page.title()).toBe('Harness');
      } finally {
        await context.close();
      }
    });

    it("sees the service worker's own requests beside the page's", async () => {
      const { context, recorder, page } = await visit('/leaky.html');
      try {
        await page.waitForSelector('body[data-done="yes"]');
        const data = recorder.requests.filter((r) => r.url === `${origin}/data.json`).map((r) => r.by);
        expect(data.sort()).toEqual(['page', 'service-worker']);
        expect(recorder.requests).toContainEqual(expect.objectContaining({ url: `${origin}/sw.js` }));
      } finally {
        await context.close();
      }
    });
  });

  describe('on a page that stays on its origin', () => {
    it('passes', async () => {
      const { context, recorder } = await visit('/clean.html');
      try {
        expect(recorder.requests.map((r) => r.url)).toContain(`${origin}/clean.html`);
        expect(() => recorder.assertOnlyOrigin(origin)).not.toThrow();
      } finally {
        await context.close();
      }
    });
  });
});

describe('runAxe', () => {
  it("reports an unlabelled input as critical under script-src 'self'", async () => {
    const { context, page } = await visit('/leaky.html');
    try {
      const violations = await runAxe(page);
      expect(violations).toContainEqual(
        expect.objectContaining({ id: 'label', impact: 'critical', targets: ['#unlabelled'] }),
      );
      expect(violations.every((v) => v.help.length > 0)).toBe(true);
    } finally {
      await context.close();
    }
  });

  it('finds nothing serious on a labelled page', async () => {
    const { context, page } = await visit('/clean.html');
    try {
      expect(await runAxe(page)).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

describe('launchBrowser', () => {
  it('gives pages a fake microphone', async () => {
    const { context, page } = await visit('/clean.html');
    try {
      const tracks = await page.evaluate(async () => {
        const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
        const kinds = stream.getTracks().map((t) => t.kind);
        stream.getTracks().forEach((t) => t.stop());
        return kinds;
      });
      expect(tracks).toEqual(['audio']);
    } finally {
      await context.close();
    }
  });
});
