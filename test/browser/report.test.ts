// Acceptance, end to end in Debian's Chromium against a real node: a report in Arabic
// (right to left, mouse) and one in French (keyboard only), each with a 20 MB video and an
// audio file (recorded in the page from the fake microphone, or attached); the receipt;
// coming back with it to read a caseworker's reply and answer it. Every step passes axe's
// serious and critical checks; nothing leaves the node's origin; the node's data folder
// holds no plaintext of any of it.
import { createHash, randomBytes } from 'node:crypto';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { decryptInto, runCli } from '../helpers/node-process.ts';
import { encodingsOf, findInFiles } from '../helpers/scan.ts';
import { appFixture } from './app-support.ts';
import { type AxeViolation, recordRequests, runAxe } from './harness.ts';

const VIDEO_BYTES = 20 * 1024 * 1024 + 12345;
const messagesOf = async (lang: string) =>
  JSON.parse(await readFile(new URL(`../../client/content/i18n/${lang}.json`, import.meta.url), 'utf8')) as Record<
    string,
    string
  >;

const app = appFixture('backup-report-');

interface Reported {
  readonly receipt: string;
  readonly markers: Record<string, string>;
  readonly files: Record<string, Buffer>;
}

/** Collects axe's serious and critical findings, step by step. */
class AccessibilityLog {
  readonly found: { step: string; violations: AxeViolation[] }[] = [];
  async check(page: Page, step: string): Promise<void> {
    const violations = await runAxe(page);
    if (violations.length) this.found.push({ step, violations });
  }
}

async function makeFiles(dir: string, label: string) {
  const video = randomBytes(VIDEO_BYTES);
  const audio = randomBytes(300_000);
  const videoPath = join(dir, `${label}-video.mp4`);
  const audioPath = join(dir, `${label}-testimony.ogg`);
  await writeFile(videoPath, video);
  await writeFile(audioPath, audio);
  return { video, audio, videoPath, audioPath };
}

async function waitForOutboxDone(page: Page, items: number): Promise<void> {
  const states = page.locator('bu-status li');
  await expect.poll(() => states.count(), { timeout: 120_000 }).toBe(items);
  await expect
    .poll(async () => (await states.evaluateAll((lis) => lis.map((li) => li.getAttribute('data-state')))).join(), {
      timeout: 180_000,
      interval: 500,
    })
    .toBe(Array(items).fill('done').join());
}

describe('a report in Arabic, with the mouse', () => {
  const a11y = new AccessibilityLog();
  let reported: Reported;
  let page: Page;
  let requests: ReturnType<typeof recordRequests>;
  let t: Record<string, string>;

  beforeAll(async () => {
    t = await messagesOf('ar');
    const context = await app.browser.newContext({ permissions: ['microphone'] });
    requests = recordRequests(context);
    page = await context.newPage();
  });

  it('is laid out right to left once Arabic is chosen', async () => {
    await page.goto(app.node.url);
    await a11y.check(page, 'language');
    await page.getByRole('button', { name: 'العربية' }).click();
    await page.getByRole('heading', { name: t['home.title'] }).waitFor();
    expect(await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir])).toEqual([
      'ar',
      'rtl',
    ]);
    await a11y.check(page, 'home');
  });

  it('goes through the questionnaire, says at once that care is urgent, and sends with evidence', async () => {
    const files = await makeFiles(app.ws.dir, 'ar');
    const markers = {
      narrative: `NARRATIVE-AR-${randomBytes(8).toString('hex')}`,
      place: `PLACE-AR-${randomBytes(8).toString('hex')}`,
    };
    const next = () => page.getByRole('button', { name: t['common.next'], exact: true }).click();
    await page.getByRole('button', { name: new RegExp(t['home.report.title']!) }).click();

    await page.getByRole('radio', { name: t['q.reporter.opt.survivor'] }).check();
    await a11y.check(page, 'reporter');
    await next();
    await page.getByRole('checkbox', { name: t['q.acts.opt.rape'] }).check();
    await a11y.check(page, 'what');
    await next();
    await page.getByRole('radio', { name: t['q.when.opt.within-72h'] }).check();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain(t['urgent.banner.within-72h']);
    await a11y.check(page, 'when');
    await next();
    await page.getByLabel(t['q.area.label']!).selectOption('UA80');
    await page.getByLabel(t['q.place.label']!).fill(markers.place);
    await a11y.check(page, 'where');
    await next();
    await page.getByRole('button', { name: t['common.skip'], exact: true }).click();
    await page.getByLabel(t['q.narrative.label']!).fill(`حدث ذلك في الليل. ${markers.narrative}`);
    await a11y.check(page, 'story');
    await next();
    await page.getByRole('checkbox', { name: t['q.needs.opt.medical'] }).check();
    await next();

    await page.locator('bu-report [data-role="files"]').setInputFiles(files.videoPath);
    await page.getByRole('button', { name: t['evidence.record'] }).click();
    await page.getByRole('status').filter({ hasText: t['evidence.recording']! }).waitFor();
    await page.waitForTimeout(1500);
    await page.getByRole('button', { name: t['evidence.stop'] }).click();
    await expect.poll(() => page.locator('.files li').count()).toBe(2);
    await a11y.check(page, 'evidence');
    await next();

    const send = page.getByRole('button', { name: t['report.send'] });
    expect(await send.isDisabled()).toBe(true);
    await page.getByRole('checkbox', { name: t['consent.storage'] }).check();
    await page.getByRole('checkbox', { name: t['consent.statistics'] }).check();
    await a11y.check(page, 'consent');
    await send.click();

    const code = page.locator('[data-receipt]');
    await code.waitFor({ timeout: 60_000 });
    const receipt = (await code.getAttribute('data-receipt'))!;
    expect(receipt.replace(/\s/g, '')).toMatch(/^[0-9]{28}$/);
    await a11y.check(page, 'receipt');
    await page.getByLabel(t['receipt.confirm']!.replace(/\{count\}/, '8')).fill('00000000');
    await page.getByRole('button', { name: t['receipt.confirmButton'] }).click();
    await page.getByRole('alert').filter({ hasText: t['receipt.mismatch']! }).waitFor();
    await page.getByLabel(t['receipt.confirm']!.replace(/\{count\}/, '8')).fill(receipt.slice(-9));
    await page.getByRole('button', { name: t['receipt.confirmButton'] }).click();
    await page.getByRole('heading', { name: t['receipt.doneTitle'] }).waitFor();

    await waitForOutboxDone(page, 3);
    await a11y.check(page, 'sent');
    reported = { receipt, markers, files: { video: files.video } };
  });

  it('comes back with the receipt, reads the caseworker’s reply, answers it and adds evidence', async () => {
    const reply = `REPLY-AR-${randomBytes(8).toString('hex')}`;
    const answer = `ANSWER-AR-${randomBytes(8).toString('hex')}`;
    const caseId = await caseWith(reported.markers.narrative!);
    const sent = await runCli(
      ['reply', '--data', app.ws.dataDir, '--case', caseId, '--message-file', '-'],
      `مرحبا. ${reply}`,
    );
    expect(sent.code, sent.stderr).toBe(0);

    await page.getByRole('navigation').getByRole('button', { name: t['nav.home'] }).click();
    await page.getByRole('button', { name: new RegExp(t['home.followup.title']!) }).click();
    await page.getByLabel(t['followup.codeLabel']!).fill(reported.receipt);
    await page.getByRole('button', { name: t['followup.open'] }).click();
    await page.locator('[data-author="caseworker"]').filter({ hasText: reply }).waitFor();
    await a11y.check(page, 'follow-up');
    await page.getByLabel(t['followup.answerLabel']!).fill(`شكرا. ${answer}`);
    await page.getByRole('button', { name: t['followup.send'], exact: true }).click();
    await page.locator('[data-author="reporter"]').filter({ hasText: answer }).waitFor();

    // More evidence, added with the receipt.
    const extra = randomBytes(400_000);
    const extraPath = join(app.ws.dir, 'ar-extra.jpg');
    await writeFile(extraPath, extra);
    await page.locator('bu-followup [data-role="files"]').setInputFiles(extraPath);
    await page.getByRole('button', { name: t['followup.attach'] }).click();
    await waitForOutboxDone(page, 4);
    await a11y.check(page, 'follow-up evidence');
    Object.assign(reported.files, { extra });

    const thread = JSON.parse(await readFile(join(await decryptAll('ar'), caseId, 'messages.json'), 'utf8')) as {
      author: string;
      text: string;
    }[];
    expect(thread.map((m) => m.author)).toEqual(['caseworker', 'reporter']);
    expect(thread[1]!.text).toContain(answer);
    Object.assign(reported.markers, { reply, answer });
  });

  it('delivered the report and every file intact, and the voice recording is audio', async () => {
    const caseId = await caseWith(reported.markers.narrative!);
    const out = await decryptAll('ar-files');
    const report = JSON.parse(await readFile(join(out, caseId, 'report.json'), 'utf8'));
    expect(report.shared).toMatchObject({ triage: 'within-72h', incidentType: 'rape', area: 'UA80' });
    expect(report.shared.consent).toEqual({ storage: true, referral: false, statistics: true, justice: false });
    expect(report.report.answers.place).toBe(reported.markers.place);
    expect(report.report.lang).toBe('ar');
    const evidence = await evidenceOf(out, caseId);
    expect(evidence.map((e) => e.name).sort()).toEqual(['ar-extra.jpg', 'ar-video.mp4', 'voice-1.webm']);
    expect(evidence.find((e) => e.name === 'ar-video.mp4')!.sha256).toBe(sha256(reported.files.video!));
    expect(evidence.find((e) => e.name === 'ar-extra.jpg')!.sha256).toBe(sha256(reported.files.extra!));
    const voice = evidence.find((e) => e.name === 'voice-1.webm')!;
    expect(voice.type).toMatch(/^audio\//);
    expect(voice.bytes.subarray(0, 4)).toEqual(Buffer.from([0x1a, 0x45, 0xdf, 0xa3]));
  });

  it('passed the accessibility checks on every step, and asked nothing of another origin', () => {
    expect(a11y.found).toEqual([]);
    requests.assertOnlyOrigin(app.node.url);
  });

  it('left no plaintext of the report, the messages or the files in the node’s data folder', async () => {
    await expectNoPlaintext(reported);
  });
});

describe('a report in French, with the keyboard only', () => {
  const a11y = new AccessibilityLog();
  let reported: Reported;
  let page: Page;
  let requests: ReturnType<typeof recordRequests>;
  let t: Record<string, string>;

  beforeAll(async () => {
    t = await messagesOf('fr');
    const context = await app.browser.newContext();
    requests = recordRequests(context);
    page = await context.newPage();
  });

  it('reports, attaching a video and an audio file, without a mouse', async () => {
    const files = await makeFiles(app.ws.dir, 'fr');
    const markers = { narrative: `RECIT-FR-${randomBytes(8).toString('hex')}` };
    await page.goto(app.node.url);
    await activate(page, page.getByRole('button', { name: 'Français' }));
    await page.getByRole('heading', { name: t['home.title'] }).waitFor();
    expect(await page.evaluate(() => document.documentElement.dir)).toBe('ltr');
    await activate(page, page.getByRole('button', { name: new RegExp(t['home.report.title']!) }));
    const next = () => activate(page, page.getByRole('button', { name: t['common.next'], exact: true }));

    await chooseRadio(page, 'q-reporter', 'witness');
    await a11y.check(page, 'reporter');
    await next();
    await activate(page, page.getByRole('checkbox', { name: t['q.acts.opt.forced-marriage'] }));
    await next();
    await chooseRadio(page, 'q-when', 'later');
    await next();
    await focus(page, page.getByLabel(t['q.area.label']!));
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    expect(await page.getByLabel(t['q.area.label']!).inputValue()).toBe('UA63');
    await next();
    await next();
    await focus(page, page.getByLabel(t['q.narrative.label']!));
    await page.keyboard.type(`C'était au marché. ${markers.narrative}`);
    await next();
    await next();

    for (const path of [files.videoPath, files.audioPath]) {
      await focus(page, page.locator('bu-report [data-role="files"]'));
      const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.keyboard.press('Space')]);
      await chooser.setFiles(path);
    }
    await expect.poll(() => page.locator('.files li').count()).toBe(2);
    await a11y.check(page, 'evidence');
    await next();

    await activate(page, page.getByRole('checkbox', { name: t['consent.storage'] }));
    await activate(page, page.getByRole('checkbox', { name: t['consent.justice'] }));
    await a11y.check(page, 'consent');
    await activate(page, page.getByRole('button', { name: t['report.send'] }));

    const code = page.locator('[data-receipt]');
    await code.waitFor({ timeout: 60_000 });
    const receipt = (await code.getAttribute('data-receipt'))!;
    await focus(page, page.getByLabel(new RegExp(t['receipt.confirm']!.slice(0, 10))));
    await page.keyboard.type(receipt.replace(/\s/g, '').slice(-8));
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: t['receipt.doneTitle'] }).waitFor();
    await a11y.check(page, 'receipt done');
    await waitForOutboxDone(page, 3);
    reported = { receipt, markers, files: { video: files.video, audio: files.audio } };
  });

  it('delivered both files with the SHA-256 of the originals', async () => {
    const caseId = await caseWith(reported.markers.narrative!);
    const out = await decryptAll('fr-files');
    const evidence = await evidenceOf(out, caseId);
    expect(Object.fromEntries(evidence.map((e) => [e.name, e.sha256]))).toEqual({
      'fr-video.mp4': sha256(reported.files.video!),
      'fr-testimony.ogg': sha256(reported.files.audio!),
    });
    const report = JSON.parse(await readFile(join(out, caseId, 'report.json'), 'utf8'));
    // No consent to statistics: the category and the area stay inside the encryption.
    expect(report.shared).toEqual({
      triage: 'later',
      consent: { storage: true, referral: false, statistics: false, justice: true },
    });
    expect(report.report.answers).toMatchObject({ acts: ['forced-marriage'], area: 'UA63' });
    expect(report.report.answers.reporter).toBe('witness');
  });

  it('passed the accessibility checks, asked nothing of another origin, and left no plaintext', async () => {
    expect(a11y.found).toEqual([]);
    requests.assertOnlyOrigin(app.node.url);
    await expectNoPlaintext(reported);
  });
});

// Keyboard: Tab moves focus forward until it reaches the element (bounded).
async function focus(page: Page, target: Locator): Promise<void> {
  for (let i = 0; i < 80; i++) {
    if (await target.evaluate((el) => el === document.activeElement).catch(() => false)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${target}`);
}

async function activate(page: Page, target: Locator): Promise<void> {
  await focus(page, target);
  const tag = await target.evaluate((el) => el.tagName);
  await page.keyboard.press(tag === 'INPUT' ? 'Space' : 'Enter');
}

/** Tab into a radio group, then arrow keys, as keyboard users choose among radios. */
async function chooseRadio(page: Page, group: string, value: string): Promise<void> {
  await focus(page, page.locator(`input[name="${group}"]`).first());
  await page.keyboard.press('Space');
  for (let i = 0; i < 10; i++) {
    if (await page.locator(`input[name="${group}"][value="${value}"]`).isChecked()) return;
    await page.keyboard.press('ArrowDown');
  }
  throw new Error(`could not choose ${value}`);
}

let decryptions = 0;
async function decryptAll(label: string): Promise<string> {
  const out = join(app.ws.dir, `decrypted-${label}-${decryptions++}`);
  const result = await decryptInto(app.ws, out);
  expect(result.code, result.stderr).toBe(0);
  return out;
}

async function caseWith(marker: string): Promise<string> {
  const out = await decryptAll('find');
  for (const id of await readdir(out)) {
    if ((await readFile(join(out, id, 'report.json'), 'utf8')).includes(marker)) return id;
  }
  throw new Error(`no case holds ${marker}`);
}

async function evidenceOf(out: string, caseId: string) {
  const folder = join(out, caseId, 'evidence');
  const found = [];
  for (const file of (await readdir(folder)).filter((f) => f.endsWith('.json'))) {
    const meta = JSON.parse(await readFile(join(folder, file), 'utf8'));
    const bytes = await readFile(join(folder, file.slice(0, -'.json'.length)));
    expect(meta.verifiedSha256).toBe(true);
    found.push({ name: meta.name as string, type: meta.type as string, sha256: sha256(bytes), bytes });
  }
  return found;
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

async function expectNoPlaintext(reported: Reported): Promise<void> {
  const needles: Record<string, Uint8Array> = {};
  for (const [label, marker] of Object.entries(reported.markers))
    Object.assign(needles, encodingsOf(label, Buffer.from(marker)));
  // A stretch from the middle of each file: the plaintext would contain it, ciphertext cannot.
  for (const [label, bytes] of Object.entries(reported.files))
    needles[`${label} bytes`] = bytes.subarray(bytes.length >> 1, (bytes.length >> 1) + 48);
  expect(await findInFiles(app.ws.dataDir, needles)).toEqual([]);
}
