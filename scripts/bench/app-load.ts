// First visit of the reporting path on an emulated slow link (400 kbit/s, 400 ms RTT, as
// on a poor 2G/3G connection): bytes transferred and time until each screen is usable.
//   node bin/run-ts.js scripts/bench/app-load.ts
// BENCH_LINK_KBPS and BENCH_LINK_RTT_MS change the link; BENCH_CPU_SLOWDOWN (default 1)
// throttles the CPU as on a cheap phone.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../test/browser/harness.ts';
import { startBenchNode } from './harness.ts';

const KBPS = Number(process.env['BENCH_LINK_KBPS'] ?? 400);
const RTT_MS = Number(process.env['BENCH_LINK_RTT_MS'] ?? 400);
const CPU_SLOWDOWN = Number(process.env['BENCH_CPU_SLOWDOWN'] ?? 1);

interface Visit {
  readonly languageAt: number;
  readonly questionAt: number;
  /** Bytes received (compressed bodies and headers) by each moment, and per path. */
  readonly languageBytes: number;
  readonly questionBytes: number;
  readonly files: ReadonlyMap<string, number>;
}

async function firstVisit(browser: Browser, url: string): Promise<Visit> {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, serviceWorkers: 'block' });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: RTT_MS,
    downloadThroughput: (KBPS * 1000) / 8,
    uploadThroughput: (KBPS * 1000) / 8,
  });
  if (CPU_SLOWDOWN > 1) await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN });
  let bytes = 0;
  const files = new Map<string, number>();
  const paths = new Map<string, string>();
  cdp.on('Network.requestWillBeSent', (e) => paths.set(e.requestId, new URL(e.request.url).pathname));
  cdp.on('Network.loadingFinished', (e) => {
    bytes += e.encodedDataLength;
    const path = paths.get(e.requestId) ?? '?';
    files.set(path, (files.get(path) ?? 0) + e.encodedDataLength);
  });

  const started = performance.now();
  await page.goto(url, { waitUntil: 'commit' });
  await page.getByRole('button', { name: 'English' }).waitFor();
  const languageAt = performance.now() - started;
  const languageBytes = bytes;
  await page.getByRole('button', { name: 'English' }).click();
  await page.getByRole('button', { name: /Tell what happened/ }).click();
  await page.getByRole('radio', { name: 'It happened to me' }).waitFor();
  const questionAt = performance.now() - started;
  const questionBytes = bytes;
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(RTT_MS * 10);
  await context.close();
  return { languageAt, questionAt, languageBytes, questionBytes, files };
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
const sum = (files: ReadonlyMap<string, number>, keep: (path: string) => boolean) =>
  [...files].filter(([path]) => keep(path)).reduce((n, [, size]) => n + size, 0);

const dir = await mkdtemp(join(tmpdir(), 'backup-bench-load-'));
const { node, url } = await startBenchNode(dir, {});
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS] });
try {
  // The service worker installs after the page has loaded and then revalidates what the
  // page fetched (304s, headers only); it is left out so that every byte counted here is
  // one the page itself waited for (CDP does not see a worker's own requests).
  const visit = await firstVisit(browser, url);
  const all = sum(visit.files, () => true);
  const content = sum(visit.files, (path) => !(path === '/' || path.startsWith('/app/')));
  console.log(`first visit on ${KBPS} kbit/s, ${RTT_MS} ms RTT, CPU slowdown ×${CPU_SLOWDOWN}`);
  console.log(`  language screen usable: ${(visit.languageAt / 1000).toFixed(2)} s, ${kib(visit.languageBytes)}`);
  console.log(`  first question usable:  ${(visit.questionAt / 1000).toFixed(2)} s, ${kib(visit.questionBytes)}`);
  console.log('  the whole reporting path, with the sending code fetched while the reporter answers:');
  console.log(`    HTML + JS + CSS:            ${kib(all - content)} (compressed, headers included)`);
  console.log(`    content and data (questions, texts, the node's key): ${kib(content)}`);
  for (const [path, size] of [...visit.files].sort((a, b) => b[1] - a[1]))
    console.log(`      ${kib(size).padStart(9)}  ${path}`);
} finally {
  await browser.close();
  await node.stop();
  await rm(dir, { recursive: true, force: true });
}
