// What the end-to-end tests of the reporting app share: a node with its own content, a
// browser, and a look into what the browser keeps for the node's origin.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import {
  type NodeProcess,
  type StartOptions,
  type Workspace,
  makeWorkspace,
  startNodeProcess,
} from '../helpers/node-process.ts';
import { type LaunchedBrowser, launchBrowser } from './harness.ts';

export const TEST_AREAS = [
  { code: 'UA80', name: { en: 'Kyiv city', fr: 'Ville de Kyiv', ar: 'مدينة كييف', uk: 'м. Київ' } },
  { code: 'UA63', name: { en: 'Kharkiv region', fr: 'Région de Kharkiv', ar: 'منطقة خاركيف', uk: 'Харківська обл.' } },
];

/** Writes admin content files into the node's data folder before it starts. */
export async function writeContent(ws: Workspace, files: Readonly<Record<string, unknown>>): Promise<void> {
  for (const [path, value] of Object.entries(files)) {
    const target = join(ws.dataDir, 'content', path);
    await mkdir(join(target, '..'), { recursive: true });
    await writeFile(target, typeof value === 'string' ? value : JSON.stringify(value));
  }
}

export async function startAppNode(ws: Workspace, options: StartOptions = {}): Promise<NodeProcess> {
  await writeContent(ws, { 'areas.json': TEST_AREAS });
  return startNodeProcess(ws, options);
}

export interface OriginStorage {
  readonly usage: number;
  readonly byType: Readonly<Record<string, number>>;
}

/** What Chromium stores for an origin (IndexedDB, Cache Storage, service workers, …). */
export async function storageOf(context: BrowserContext, page: Page, origin: string): Promise<OriginStorage> {
  const cdp = await context.newCDPSession(page);
  try {
    const { usage, usageBreakdown } = await cdp.send('Storage.getUsageAndQuota', { origin });
    const byType = Object.fromEntries(usageBreakdown.filter((b) => b.usage > 0).map((b) => [b.storageType, b.usage]));
    return { usage, byType };
  } finally {
    await cdp.detach();
  }
}

/** Resolves once a service worker controls the page (the offline copy is in place). */
export async function serviceWorkerReady(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (navigator.serviceWorker.controller) return;
    await new Promise((resolve) =>
      navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }),
    );
  });
}

export interface AppFixture {
  readonly ws: Workspace;
  readonly node: NodeProcess;
  readonly browser: LaunchedBrowser;
}

/**
 * A node with test areas, and a browser, for the whole test file: started before its tests
 * (after `prepare` writes anything the node must find at start), stopped after them.
 */
export function appFixture(prefix: string, prepare: (ws: Workspace) => Promise<void> = async () => {}): AppFixture {
  const fixture: { ws?: Workspace; node?: NodeProcess; browser?: LaunchedBrowser } = {};
  beforeAll(async () => {
    fixture.ws = await makeWorkspace(prefix);
    await prepare(fixture.ws);
    fixture.node = await startAppNode(fixture.ws);
    fixture.browser = await launchBrowser();
  });
  afterAll(async () => {
    await fixture.browser?.close();
    await fixture.node?.kill();
    await fixture.ws?.cleanup();
  });
  return {
    get ws() {
      return fixture.ws!;
    },
    get node() {
      return fixture.node!;
    },
    get browser() {
      return fixture.browser!;
    },
  };
}

/** A report of one file and nothing else: every question skipped, consent to keep it given. */
export async function fillFileOnlyReport(page: Page, file: string): Promise<void> {
  await page.getByRole('button', { name: /Tell what happened/ }).click();
  for (let step = 0; step < 7; step++) await page.getByRole('button', { name: 'Skip', exact: true }).click();
  await page.locator('bu-report [data-role="files"]').setInputFiles(file);
  await page.getByRole('button', { name: 'Next', exact: true }).click();
  await page.getByRole('checkbox', { name: /keeps my report/ }).check();
}

/**
 * The page's link, uploads slowed to `uploadBytesPerSecond`; `link(false)` cuts it for the
 * page (this DevTools session) and for its service worker (playwright's offline switch).
 */
export async function emulateLink(
  context: BrowserContext,
  page: Page,
  uploadBytesPerSecond: number,
): Promise<(online: boolean) => Promise<void>> {
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  const link = async (online: boolean) => {
    await cdp.send('Network.emulateNetworkConditions', {
      offline: !online,
      latency: 20,
      downloadThroughput: -1,
      uploadThroughput: uploadBytesPerSecond,
    });
    await context.setOffline(!online);
  };
  await link(true);
  return link;
}
