// Drives Debian's Chromium through playwright-core for end-to-end tests against a real
// node: a fresh profile per context, a fake microphone, every request recorded (nothing may
// leave the node's origin) and axe-core's accessibility checks. Nothing downloads a browser.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { AxeResults, RunOptions } from 'axe-core';
import {
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  type LaunchOptions,
  type Page,
  chromium,
} from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';
/** No sandbox (containers), no GPU, and nothing that calls home; playwright adds --headless. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
/** getUserMedia answers at once with a fake microphone (a beep), for audio recording tests. */
const FAKE_MEDIA_ARGS = ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream'];

export interface LaunchedBrowser {
  readonly browser: Browser;
  /** A fresh profile: no storage, cookies or service workers left by another test. */
  newContext(options?: BrowserContextOptions): Promise<BrowserContext>;
  close(): Promise<void>;
}

export async function launchBrowser(options: LaunchOptions = {}): Promise<LaunchedBrowser> {
  const browser = await chromium.launch({
    headless: true,
    ...options,
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_ARGS, ...FAKE_MEDIA_ARGS, ...(options.args ?? [])],
  });
  return {
    browser,
    newContext: (contextOptions = {}) => browser.newContext({ serviceWorkers: 'allow', ...contextOptions }),
    close: () => browser.close(),
  };
}

export class ForeignRequestError extends Error {
  override name = 'ForeignRequestError';
}

export interface RecordedRequest {
  readonly url: string;
  /** `service-worker` for requests a service worker made itself (its own fetches and script). */
  readonly by: 'page' | 'service-worker';
  readonly resourceType: string;
  /** Why it did not complete; `csp` means the page's policy stopped it before it left. */
  failure?: string;
}

export interface RequestRecorder {
  readonly requests: readonly RecordedRequest[];
  /** Requests to anywhere but `origin`; `data:` and `blob:` URLs never leave the device. */
  foreign(origin: string): RecordedRequest[];
  /** Throws a ForeignRequestError listing every foreign URL. */
  assertOnlyOrigin(origin: string): void;
}

/**
 * Records every request the context's pages, workers and service workers make, and their
 * WebSockets. Seen to miss only what Chromium fetches for itself (the favicon), which
 * goes to the page's own origin.
 */
export function recordRequests(context: BrowserContext): RequestRecorder {
  const requests: RecordedRequest[] = [];
  const byRequest = new WeakMap<object, RecordedRequest>();
  context.on('request', (request) => {
    const entry: RecordedRequest = {
      url: request.url(),
      by: request.serviceWorker() ? 'service-worker' : 'page',
      resourceType: request.resourceType(),
    };
    byRequest.set(request, entry);
    requests.push(entry);
  });
  context.on('requestfailed', (request) => {
    const entry = byRequest.get(request);
    if (entry) entry.failure = request.failure()?.errorText ?? 'failed';
  });
  const watchSockets = (page: Page) =>
    page.on('websocket', (socket) => requests.push({ url: socket.url(), by: 'page', resourceType: 'websocket' }));
  context.pages().forEach(watchSockets);
  context.on('page', watchSockets);

  const foreign = (origin: string) => {
    const own = new URL(origin).origin;
    return requests.filter((r) => !/^(data|blob):/.test(r.url) && new URL(r.url).origin !== own);
  };
  return {
    requests,
    foreign,
    assertOnlyOrigin(origin) {
      const found = foreign(origin);
      if (found.length === 0) return;
      const lines = found.map((r) => `  ${r.url} (${r.by}, ${r.resourceType}${r.failure ? `, ${r.failure}` : ''})`);
      throw new ForeignRequestError(`requests left ${new URL(origin).origin}:\n${lines.join('\n')}`);
    },
  };
}

export interface AxeViolation {
  readonly id: string;
  readonly impact: 'serious' | 'critical';
  readonly help: string;
  readonly helpUrl: string;
  /** One CSS selector per offending element. */
  readonly targets: string[];
}

interface AxeGlobal {
  run(context: Document, options: RunOptions): Promise<AxeResults>;
}

/**
 * Runs axe-core in the page and returns its serious and critical violations. The source
 * goes in through the DevTools protocol, which a strict `script-src 'self'` does not stop
 * (a <script> tag would be refused).
 */
export async function runAxe(page: Page, options: RunOptions = {}): Promise<AxeViolation[]> {
  const source = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  await page.evaluate(source);
  const found = await page.evaluate(
    async (runOptions) => {
      const axe = (globalThis as unknown as { axe: AxeGlobal }).axe;
      const results = await axe.run(document, runOptions);
      return results.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        helpUrl: v.helpUrl,
        targets: v.nodes.map((n) => n.target.map((s) => (Array.isArray(s) ? s.join(' >>> ') : s)).join(' ')),
      }));
    },
    { resultTypes: ['violations'], ...options } satisfies RunOptions,
  );
  return found.filter((v): v is AxeViolation => v.impact === 'serious' || v.impact === 'critical');
}
