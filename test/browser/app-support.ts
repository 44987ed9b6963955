// What the end-to-end tests of the reporting app share: a node with its own content, a
// browser, and a look into what the browser keeps for the node's origin.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { type NodeProcess, type StartOptions, type Workspace, startNodeProcess } from '../helpers/node-process.ts';

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
