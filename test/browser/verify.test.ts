// The offline verifier page (/verify) in Debian's Chromium, served by a real node of a
// three-node federation: the package is one the node exported with `backup export` from a
// real upload, the trust policy one another member made with `backup federation policy`.
// The auditor chooses the package's folder and the policy and presses Verify; the page
// checks everything itself, sends nothing, and passes axe's serious and critical checks.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportCommand } from '../../node/src/cli/export-command.ts';
import { federationCommand } from '../../node/src/cli/federation-command.ts';
import { capture, cosignedCheckpoint, sendReport, startFederation, uploadFile } from '../helpers/federation.ts';
import { type LaunchedBrowser, type RequestRecorder, launchBrowser, recordRequests, runAxe } from './harness.ts';

let federation: Awaited<ReturnType<typeof startFederation>>;
let browser: LaunchedBrowser;
let work = '';
let nodeUrl = '';
let packageDir = '';
let tamperedDir = '';
let policyFile = '';

/** A reporter's file on the first node, in a checkpoint two other members cosigned. */
async function uploadOneFile(): Promise<string> {
  const source = federation.nodes[0]!;
  const video = new TextEncoder().encode(`a video of what happened ${'x'.repeat(5000)}`);
  const { id } = await uploadFile(await sendReport(nodeUrl), video, 'témoignage.mp4', 'video/mp4');
  await cosignedCheckpoint(source, source.node.integrity.log.size, 2);
  return id;
}

beforeAll(async () => {
  [federation, browser, work] = await Promise.all([
    startFederation(3),
    launchBrowser(),
    mkdtemp(join(tmpdir(), 'backup-verify-page-')),
  ]);
  const source = federation.nodes[0]!;
  nodeUrl = source.node.url;
  const evidence = await uploadOneFile();

  packageDir = join(work, 'package');
  const passphraseFile = join(work, 'passphrase');
  await writeFile(passphraseFile, `${source.passphrase}\n`);
  const exported = capture();
  const code = await exportCommand(
    { data: source.dataDir, evidence, out: packageDir, 'passphrase-file': passphraseFile },
    exported.stream,
  );
  if (code !== 0) throw new Error(`backup export failed: ${exported.text()}`);

  const policy = capture();
  await federationCommand('policy', [], { data: federation.nodes[1]!.dataDir, quorum: '2' }, policy.stream);
  policyFile = join(work, 'policy.json');
  await writeFile(policyFile, policy.text());

  // The same package with one byte of the evidence file changed.
  tamperedDir = join(work, 'tampered');
  await cp(packageDir, tamperedDir, { recursive: true });
  const manifest = JSON.parse(await readFile(join(packageDir, 'package.json'), 'utf8')) as {
    evidence: { file: string };
  };
  const file = join(tamperedDir, manifest.evidence.file);
  const bytes = await readFile(file);
  bytes[10] = bytes[10]! ^ 1;
  await writeFile(file, bytes);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await federation?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

interface Checked {
  readonly verdict: string;
  readonly passed: string[];
  readonly failed: string[];
}

/** Chooses the folder and the policy, presses Verify and reads the verdict and the checks. */
async function verifyFolder(page: Page, folder: string): Promise<Checked> {
  await page.locator('input[name="folder"]').setInputFiles(folder);
  await page.getByLabel('Trust policy').setInputFiles(policyFile);
  await page.getByRole('button', { name: 'Verify' }).click();
  const status = page.getByRole('status');
  await expect.poll(() => status.textContent(), { timeout: 10_000 }).toMatch(/^(Not verified|Verified):/);
  const titles = (state: string) => page.locator(`ol.checks li.${state} strong`).allTextContents();
  return { verdict: (await status.textContent())!, passed: await titles('pass'), failed: await titles('fail') };
}

describe('the verifier page', () => {
  let context: BrowserContext;
  let page: Page;
  let requests: RequestRecorder;
  let loaded = 0;

  beforeAll(async () => {
    context = await browser.newContext();
    requests = recordRequests(context);
    // A request the page's policy stops never reaches the network, nor the recorder: the
    // attempt is seen by the violation report the browser makes instead.
    await context.addInitScript(() => {
      const refused: string[] = [];
      Object.assign(globalThis, { refusedByPolicy: refused });
      document.addEventListener(
        'securitypolicyviolation',
        (e) => refused.push(`${e.effectiveDirective} ${e.blockedURI}`),
        true,
      );
    });
    page = await context.newPage();
    await page.goto(`${nodeUrl}/verify`);
    await page.getByRole('button', { name: 'Verify' }).waitFor();
    await page.waitForLoadState('networkidle');
    loaded = requests.requests.length;
  });

  afterAll(() => context?.close());

  it('loads from the node alone (so the checks of requests below can fail)', () => {
    expect(loaded).toBeGreaterThan(0);
    expect(requests.requests.map((r) => new URL(r.url).pathname)).toContain('/verify/verify.js');
    requests.assertOnlyOrigin(nodeUrl);
  });

  describe('when given the exported package’s folder and the federation’s policy', () => {
    it('says it is verified, every check passed', async () => {
      const checked = await verifyFolder(page, packageDir);
      expect(checked.failed).toEqual([]);
      expect(checked.passed.length).toBeGreaterThan(5);
      expect(checked.verdict).toBe(`Verified: all ${checked.passed.length} checks passed.`);
      expect(checked.passed).toContain("The evidence file's SHA-256");
    });

    it('has no serious or critical accessibility problem', async () => {
      expect(await runAxe(page)).toEqual([]);
    });
  });

  describe('when one byte of the evidence file was changed', () => {
    it('says it is not verified, and that the SHA-256 check failed', async () => {
      const checked = await verifyFolder(page, tamperedDir);
      expect(checked.verdict).toMatch(/^Not verified: \d+ of \d+ checks failed/);
      expect(checked.failed).toContain("The evidence file's SHA-256");
      expect(checked.passed).not.toContain("The evidence file's SHA-256");
    });

    it('has no serious or critical accessibility problem', async () => {
      expect(await runAxe(page)).toEqual([]);
    });
  });

  it('used no network at all once loaded, tried none, and nothing but the node’s origin before', async () => {
    expect(requests.requests.slice(loaded)).toEqual([]);
    expect(await page.evaluate(() => (globalThis as unknown as { refusedByPolicy: string[] }).refusedByPolicy)).toEqual(
      [],
    );
    requests.assertOnlyOrigin(nodeUrl);
  });
});
