// Quick exit and offline reading, in Debian's Chromium against a real node.
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  appFixture,
  emulateLink,
  fillFileOnlyReport,
  serviceWorkerReady,
  storageOf,
  writeContent,
} from './app-support.ts';
import { recordRequests } from './harness.ts';

let neutral: Server;
let neutralUrl: string;

const app = appFixture('backup-safety-', async (ws) => {
  // The "neutral site" quick exit goes to: another origin on loopback.
  neutral = createServer((_, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<title>News</title>'));
  await new Promise<void>((resolve) => neutral.listen(0, '127.0.0.1', resolve));
  neutralUrl = `http://127.0.0.1:${(neutral.address() as AddressInfo).port}/weather`;
  await writeContent(ws, { 'help.json': { exitUrl: neutralUrl, contacts: [] } });
});

afterAll(() => neutral?.close());

async function openInform(page: Page, lang: string): Promise<void> {
  await page.goto(`${app.node.url}/?lang=${lang}`);
  await page.locator('bu-home').waitFor();
  await page.locator('bu-home button.choice').nth(3).click();
  await page.locator('bu-inform button.choice').first().waitFor();
}

describe('quick exit', () => {
  let context: BrowserContext;
  let page: Page;
  let historyLength: number;

  beforeAll(async () => {
    context = await app.browser.newContext();
    page = await context.newPage();
    await openInform(page, 'en');
    historyLength = await page.evaluate(() => history.length);
    await page.locator('bu-inform button.choice').nth(1).click();
    await page.getByRole('heading', { level: 1 }).waitFor();
    await serviceWorkerReady(page);
    // Whatever the app may have put in storage must go too.
    await page.evaluate(async () => {
      sessionStorage.setItem('x', 'y');
      localStorage.setItem('x', 'y');
      await new Promise((resolve) => (indexedDB.open('backup-outbox').onsuccess = resolve));
    });
  });

  afterAll(() => context?.close());

  it('is there before: the app did store its offline copy (so the checks below can fail)', async () => {
    const before = await storageOf(context, page, app.node.url);
    expect(before.byType).toHaveProperty('cache_storage');
    expect(before.byType).toHaveProperty('service_workers');
  });

  it('goes to the neutral site in one tap and leaves no way Back', async () => {
    await page.getByRole('button', { name: 'Quick exit' }).click();
    await page.waitForURL(neutralUrl);
    // The app's entry was replaced and it never added one: Back leads to where the tab
    // was before (here the blank page it opened with), never to the app.
    expect(await page.evaluate(() => history.length)).toBe(historyLength);
    await page.goBack();
    expect(page.url()).toBe('about:blank');
  });

  it('leaves no app data in the browser’s storage', async () => {
    // Chromium updates its usage figures shortly after the deletions.
    await expect
      .poll(async () => (await storageOf(context, page, app.node.url)).byType, { timeout: 10_000 })
      .toEqual({});
    const probe = await context.newPage();
    await probe.goto(`${app.node.url}/api/v1/health`);
    expect(
      await probe.evaluate(async () => ({
        databases: (await indexedDB.databases()).length,
        caches: (await caches.keys()).length,
        workers: (await navigator.serviceWorker.getRegistrations()).length,
        local: localStorage.length,
      })),
    ).toEqual({ databases: 0, caches: 0, workers: 0, local: 0 });
    await probe.close();
  });
});

describe('information articles', () => {
  it('open with the network off after one visit, with no request beyond the node', async () => {
    const context = await app.browser.newContext();
    const requests = recordRequests(context);
    const page = await context.newPage();
    await openInform(page, 'fr');
    await serviceWorkerReady(page);
    // Every article of the language is fetched once the list is open; wait for them.
    await page.waitForLoadState('networkidle');

    await context.setOffline(true);
    await page.reload();
    await page.locator('bu-home button.choice').nth(3).click();
    const titles = page.locator('bu-inform button.choice');
    await expect.poll(() => titles.count()).toBe(7);
    await titles.nth(4).click();
    const article = page.locator('bu-inform article');
    await expect.poll(() => article.locator('h1').textContent()).toMatch(/\S/);
    expect(await article.locator('p').count()).toBeGreaterThan(2);
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('fr');
    requests.assertOnlyOrigin(app.node.url);
    await context.close();
  });
});

describe('drafts', () => {
  it('keeps nothing while the reporter answers, and a draft only under the passcode they chose', async () => {
    const context = await app.browser.newContext();
    const page = await context.newPage();
    const stored = () =>
      page.evaluate(async () => ({
        databases: (await indexedDB.databases()).map((db) => db.name),
        local: localStorage.length,
        session: sessionStorage.length,
      }));
    await page.goto(`${app.node.url}/?lang=en`);
    await page.getByRole('button', { name: /Tell what happened/ }).click();
    await page.getByRole('radio', { name: 'It happened to me' }).check();
    await page.getByRole('button', { name: 'Next', exact: true }).click();
    await page.getByRole('checkbox', { name: 'Forced to marry' }).check();
    expect(await stored()).toEqual({ databases: [], local: 0, session: 0 });

    await page.getByRole('button', { name: 'Save a draft on this phone' }).click();
    await page.getByLabel(/Choose a passcode/).fill('river 2026');
    await page.getByLabel('Type the passcode again').fill('river 2026');
    await page.getByRole('button', { name: 'Lock and save' }).click();
    await page.getByRole('status').filter({ hasText: 'Draft saved' }).waitFor();
    expect((await stored()).databases).toEqual(['backup-draft']);

    await page.reload();
    await page.getByRole('button', { name: /Tell what happened/ }).click();
    await page.getByLabel('Passcode').fill('wrong passcode');
    await page.getByRole('button', { name: 'Continue my draft' }).click();
    await page.getByRole('alert').filter({ hasText: 'does not open' }).waitFor();
    await page.getByLabel('Passcode').fill('river 2026');
    await page.getByRole('button', { name: 'Continue my draft' }).click();
    await expect.poll(() => page.getByRole('checkbox', { name: 'Forced to marry' }).isChecked()).toBe(true);
    await page.getByRole('button', { name: 'Back', exact: true }).click();
    expect(await page.getByRole('radio', { name: 'It happened to me' }).isChecked()).toBe(true);
    await context.close();
  });
});

describe('quick exit during an upload', () => {
  it('still leaves nothing of the outbox behind', async () => {
    const context = await app.browser.newContext();
    const page = await context.newPage();
    const path = join(app.ws.dir, 'upload-then-exit.mp4');
    await writeFile(path, randomBytes(12 * 1024 * 1024));
    await page.goto(`${app.node.url}/?lang=en`);
    await fillFileOnlyReport(page, path);
    await emulateLink(context, page, 1024 * 1024);
    await page.getByRole('button', { name: 'Send my report' }).click();
    await page.locator('bu-status li[data-state="uploading"]').waitFor({ timeout: 60_000 });
    expect(await page.evaluate(async () => (await indexedDB.databases()).map((db) => db.name))).toEqual([
      'backup-outbox',
    ]);

    await page.getByRole('button', { name: 'Quick exit' }).click();
    await page.waitForURL(neutralUrl);
    await expect
      .poll(async () => (await storageOf(context, page, app.node.url)).byType, { timeout: 10_000 })
      .toEqual({});
    const probe = await context.newPage();
    await probe.goto(`${app.node.url}/api/v1/health`);
    expect(await probe.evaluate(async () => (await indexedDB.databases()).length)).toBe(0);
    await context.close();
  });
});

describe('in the middle of a report', () => {
  it('changing the language keeps every answer, and the page follows the new direction', async () => {
    const context = await app.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${app.node.url}/?lang=en`);
    await page.getByRole('button', { name: /Tell what happened/ }).click();
    await page.getByRole('radio', { name: 'I saw it happen' }).check();
    await page.getByRole('button', { name: 'Next', exact: true }).click();
    await page.getByRole('checkbox', { name: 'Forced to marry' }).check();

    await page.getByRole('button', { name: 'Language' }).click();
    await page.getByRole('button', { name: 'العربية' }).click();
    const ar = JSON.parse(await readFile(new URL('../../client/content/i18n/ar.json', import.meta.url), 'utf8'));
    await expect
      .poll(() => page.getByRole('checkbox', { name: ar['q.acts.opt.forced-marriage'] }).isChecked())
      .toBe(true);
    expect(await page.evaluate(() => document.documentElement.dir)).toBe('rtl');
    await page.getByRole('button', { name: ar['common.back'], exact: true }).click();
    expect(await page.getByRole('radio', { name: ar['q.reporter.opt.witness'] }).isChecked()).toBe(true);
    await context.close();
  });

  it('a quick exit in one tab closes the app in the others too', async () => {
    const context = await app.browser.newContext();
    const [first, second] = [await context.newPage(), await context.newPage()];
    await first.goto(`${app.node.url}/?lang=en`);
    await second.goto(`${app.node.url}/?lang=fr`);
    await second.locator('bu-home').waitFor();
    await first.getByRole('button', { name: 'Quick exit' }).click();
    await Promise.all([first.waitForURL(neutralUrl), second.waitForURL(neutralUrl)]);
    await context.close();
  });
});
