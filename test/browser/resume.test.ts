// Acceptance: during an evidence upload the network goes away and the page is reloaded
// (served offline by the service worker); the reporter types their receipt code again,
// which opens what waits (locked under it when the page closed); when the network returns
// the upload resumes from what the node already holds and completes, and the decrypted
// file has the original's SHA-256.
import { createHash, randomBytes } from 'node:crypto';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { generateReceiptCode } from '../../client/src/envelope/index.ts';
import { decryptInto } from '../helpers/node-process.ts';
import { appFixture, emulateLink, fillFileOnlyReport, serviceWorkerReady } from './app-support.ts';

const FILE_BYTES = 24 * 1024 * 1024;
/** Slow enough that the cut lands mid-upload, fast enough for CI. */
const UPLOAD_BYTES_PER_SECOND = 3 * 1024 * 1024;

const app = appFixture('backup-resume-browser-');

/** Bytes the node holds of the one evidence upload, as the page shows it. */
async function evidenceProgress(page: Page): Promise<{ state: string | null; sent: number }> {
  const item = page.locator('bu-status li').nth(1);
  if ((await item.count()) === 0) return { state: null, sent: 0 };
  return {
    state: await item.getAttribute('data-state'),
    sent: Number(await item.locator('progress').getAttribute('value')),
  };
}

/** The receipt code the page shows, read before it reloads. */
async function shownReceipt(page: Page): Promise<string> {
  const code = await page.locator('[data-receipt]').getAttribute('data-receipt');
  expect(code?.replace(/\s/g, '')).toMatch(/^[0-9]{28}$/);
  return code!;
}

/** After a reload what waits is locked: the reporter types the receipt code in the status bar. */
async function unlockWith(page: Page, code: string): Promise<void> {
  await page.getByLabel('Type your receipt code to continue sending').fill(code);
  await page.getByRole('button', { name: 'Continue sending' }).click();
}

const outboxDatabases = (page: Page) =>
  page.evaluate(async () => (await indexedDB.databases()).filter((db) => db.name === 'backup-outbox').length);

describe('an evidence upload cut by the network and a reload', () => {
  it('resumes where the node stopped and completes with the original SHA-256', async () => {
    const original = randomBytes(FILE_BYTES);
    const path = join(app.ws.dir, 'long-video.mp4');
    await writeFile(path, original);
    const context = await app.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${app.node.url}/?lang=en`);
    await serviceWorkerReady(page);

    await fillFileOnlyReport(page, path);
    const network = await emulateLink(context, page, UPLOAD_BYTES_PER_SECOND);
    await page.getByRole('button', { name: 'Send my report' }).click();
    await page.locator('[data-receipt]').waitFor({ timeout: 60_000 });
    const receipt = await shownReceipt(page);

    await expect.poll(async () => (await evidenceProgress(page)).sent, { timeout: 60_000 }).toBeGreaterThan(4 << 20);
    await network(false);
    const beforeCut = (await evidenceProgress(page)).sent;
    expect(beforeCut).toBeLessThan(FILE_BYTES * 0.8);

    await page.reload();
    // Served by the service worker; what waits is locked until the code is typed, then the
    // outbox picks the upload up and waits for the network.
    await page.locator('bu-status li[data-state="locked"]').waitFor({ timeout: 30_000 });
    expect(await page.locator('[data-receipt]').count()).toBe(0);
    await unlockWith(page, receipt);
    await expect.poll(async () => (await evidenceProgress(page)).state, { timeout: 30_000 }).toBe('waiting-network');

    const offsets: number[] = [];
    page.on('request', (request) => {
      const offset = request.headers()['upload-offset'];
      if (request.method() === 'PATCH' && offset !== undefined) offsets.push(Number(offset));
    });
    await network(true);
    await expect
      .poll(async () => (await evidenceProgress(page)).state, { timeout: 120_000, interval: 200 })
      .toBe('done');
    // It went on from what the node holds (at least what the page had seen), not from 0.
    expect(offsets.length).toBeGreaterThan(0);
    expect(offsets[0]).toBeGreaterThanOrEqual(beforeCut);
    await expect.poll(() => outboxDatabases(page), { timeout: 10_000 }).toBe(0);

    const out = join(app.ws.dir, 'decrypted');
    const result = await decryptInto(app.ws, out);
    expect(result.code, result.stderr).toBe(0);
    const [caseId] = await readdir(out);
    const folder = join(out, caseId!, 'evidence');
    const [file] = (await readdir(folder)).filter((f) => f.endsWith('long-video.mp4'));
    const decrypted = await readFile(join(folder, file!));
    expect(createHash('sha256').update(decrypted).digest('hex')).toBe(
      createHash('sha256').update(original).digest('hex'),
    );
    await context.close();
  });
});

describe('a report finished with no network', () => {
  it('waits in the outbox, through a reload, and is sent when the network returns', async () => {
    const path = join(app.ws.dir, 'photo.jpg');
    const photo = randomBytes(700_000);
    await writeFile(path, photo);
    const context = await app.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${app.node.url}/?lang=en`);
    await serviceWorkerReady(page);
    await page.getByRole('button', { name: /Tell what happened/ }).click();
    await page.getByRole('radio', { name: 'I saw it happen' }).check();
    // The sending code and the node's key arrive while the reporter answers.
    await page.waitForLoadState('networkidle');
    await context.setOffline(true);

    await page.getByRole('button', { name: 'Next', exact: true }).click();
    for (let step = 0; step < 6; step++) await page.getByRole('button', { name: 'Skip', exact: true }).click();
    await page.locator('bu-report [data-role="files"]').setInputFiles(path);
    await page.getByRole('button', { name: 'Next', exact: true }).click();
    await page.getByRole('checkbox', { name: /keeps my report/ }).check();
    await page.getByRole('button', { name: 'Send my report' }).click();
    await page.locator('[data-receipt]').waitFor();
    const receipt = await shownReceipt(page);
    const states = () =>
      page.locator('bu-status li').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-state')));
    await expect.poll(states).toEqual(['waiting-network', 'waiting-network']);
    expect(await page.locator('bu-status').textContent()).toContain('waiting for a connection');

    await page.reload();
    await expect.poll(states, { timeout: 30_000 }).toEqual(['locked']);
    expect(await page.locator('bu-status').textContent()).toContain('waiting for its receipt code');
    // A code with a typing mistake, then another report's code: neither opens anything.
    const alert = page.locator('bu-status [role="alert"]');
    for (const wrong of [receipt.slice(0, -1) + String((Number(receipt.slice(-1)) + 1) % 10), generateReceiptCode()]) {
      await page.getByLabel('Type your receipt code to continue sending').fill(wrong);
      await expect.poll(() => alert.textContent()).toBe('');
      await page.getByRole('button', { name: 'Continue sending' }).click();
      await expect.poll(() => alert.textContent()).toContain('does not open anything');
      expect(await states()).toEqual(['locked']);
    }
    await unlockWith(page, receipt);
    await expect.poll(states, { timeout: 30_000 }).toEqual(['waiting-network', 'waiting-network']);
    await context.setOffline(false);
    await expect.poll(states, { timeout: 60_000 }).toEqual(['done', 'done']);
    // Delivered: nothing of the outbox stays on the phone.
    await expect.poll(() => outboxDatabases(page), { timeout: 10_000 }).toBe(0);

    const out = join(app.ws.dir, 'decrypted-offline');
    expect((await decryptInto(app.ws, out)).code).toBe(0);
    const sent = [];
    for (const id of await readdir(out)) {
      const report = JSON.parse(await readFile(join(out, id, 'report.json'), 'utf8'));
      if (report.report.answers.reporter === 'witness') sent.push(await readdir(join(out, id, 'evidence')));
    }
    expect(sent).toHaveLength(1);
    expect(sent[0]!.some((name) => name.endsWith('photo.jpg'))).toBe(true);
    await context.close();
  });
});
