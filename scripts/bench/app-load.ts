// First visit of the reporting path on an emulated slow link (400 kbit/s, 400 ms RTT, as
// on a poor 2G/3G connection): bytes transferred and time until each screen is usable.
//   node bin/run-ts.js scripts/bench/app-load.ts
// BENCH_LINK_KBPS and BENCH_LINK_RTT_MS change the link; BENCH_CPU_SLOWDOWN (default 1)
// throttles the CPU as on a cheap phone.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startBenchNode } from './harness.ts';

const KBPS = Number(process.env['BENCH_LINK_KBPS'] ?? 400);
const RTT_MS = Number(process.env['BENCH_LINK_RTT_MS'] ?? 400);
const CPU_SLOWDOWN = Number(process.env['BENCH_CPU_SLOWDOWN'] ?? 1);
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

const dir = await mkdtemp(join(tmpdir(), 'backup-bench-load-'));
const { node, url } = await startBenchNode(dir, {});
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
try {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
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
  const urls = new Map<string, string>();
  cdp.on('Network.responseReceived', (e) => urls.set(e.requestId, new URL(e.response.url).pathname));
  cdp.on('Network.loadingFinished', (e) => {
    bytes += e.encodedDataLength;
    const path = urls.get(e.requestId) ?? '?';
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
  await page.waitForTimeout(RTT_MS * 4);

  console.log(`first visit on ${KBPS} kbit/s, ${RTT_MS} ms RTT, CPU slowdown ×${CPU_SLOWDOWN}`);
  console.log(
    `  language screen usable:     ${(languageAt / 1000).toFixed(2)} s, ${(languageBytes / 1024).toFixed(1)} KiB`,
  );
  console.log(
    `  first question usable:      ${(questionAt / 1000).toFixed(2)} s, ${(questionBytes / 1024).toFixed(1)} KiB`,
  );
  console.log(`  whole reporting path, with the sending code fetched ahead and the offline shell:`);
  console.log(`                              ${(bytes / 1024).toFixed(1)} KiB (compressed, headers included)`);
  for (const [path, size] of [...files].sort((a, b) => b[1] - a[1]))
    console.log(`    ${(size / 1024).toFixed(1).padStart(6)} KiB  ${path}`);
} finally {
  await browser.close();
  await node.stop();
  await rm(dir, { recursive: true, force: true });
}
