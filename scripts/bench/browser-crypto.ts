// Browser evidence benchmark: Chromium hashes (SHA-256, client/src/envelope/sha256.ts) and
// encrypts (AES-256-GCM, WebCrypto) a 200 MiB Blob the way the reporting app does before
// upload, producing every ciphertext slice in order and discarding it. Prints throughput,
// the page's peak memory, and the parts measured apart. Loopback only; stops by itself.
import { readFile, readdir } from 'node:fs/promises';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { build } from 'esbuild';
import { DEFAULT_CHUNK_BYTES } from '../../client/src/envelope/index.ts';
import { DEFAULT_UPLOAD_CHUNK_BYTES } from '../../client/src/intake/index.ts';
import type { CDPSession } from 'playwright-core';
import { type LaunchedBrowser, launchBrowser } from '../../test/browser/harness.ts';
import { REPO, mb, rssOf } from './harness.ts';

const MiB = 1024 * 1024;
const FILE_BYTES = Number(process.env['BENCH_BROWSER_BYTES'] ?? 200 * MiB);
/** What each upload request asks of the encryptor. */
const SLICE_BYTES = Number(process.env['BENCH_BROWSER_SLICE'] ?? DEFAULT_UPLOAD_CHUNK_BYTES);
const CHUNK_BYTES = Number(process.env['BENCH_BROWSER_CHUNK'] ?? DEFAULT_CHUNK_BYTES);
/** The parts (Blob reads, hash, cipher) are timed apart over this much. */
const PART_BYTES = Math.min(FILE_BYTES, 64 * MiB);
const SAMPLE_MS = 50;
/** `noble` runs the whole pass with @noble/hashes, for comparison. */
const HASH = process.env['BENCH_BROWSER_HASH'] === 'noble' ? 'noble' : 'default';
const CSP = "default-src 'self'; script-src 'self'";

// Runs in the page. Kept as source text: a function handed to page.evaluate would carry
// the TypeScript loader's helpers with it.
const PAGE = `
import { sha256 } from '@noble/hashes/sha2.js';
import {
  blobSource,
  createEvidenceEncryptor,
  generateBoxKeyPair,
  generateReceiptCode,
  randomBytes,
} from './client/src/envelope/index.ts';
// The encryptor's default hash, measured apart below.
import { createSha256 } from './client/src/envelope/sha256.ts';
import { openOutbox, wipeOutbox } from './client/src/outbox/index.ts';

const MiB = 1024 * 1024;
let blob;

async function seconds(action) {
  const started = performance.now();
  await action();
  return (performance.now() - started) / 1000;
}

/**
 * 16 MiB of random parts, then that Blob repeated by reference: the bytes live once in the
 * browser's blob store, and neither JS nor the renderer holds the file.
 */
globalThis.prepareBench = ({ bytes }) => {
  const base = new Blob(Array.from({ length: 16 }, () => randomBytes(MiB)));
  blob = new Blob(Array.from({ length: Math.ceil(bytes / base.size) }, () => base)).slice(0, bytes, 'video/mp4');
};

globalThis.runBench = async ({ sliceBytes, chunkSize, hash }) => {
  const { publicKey } = generateBoxKeyPair();
  const init = { name: 'video.mp4', type: blob.type, chunkSize, ...(hash === 'noble' ? { hash: sha256.create } : {}) };
  let ciphertext = 0;
  const total = await seconds(async () => {
    const encryptor = await createEvidenceEncryptor(blobSource(blob), publicKey, init);
    for (let at = 0; at < encryptor.size; at += sliceBytes) ciphertext += (await encryptor.slice(at, at + sliceBytes)).length;
    await encryptor.metadata();
  });
  return { total, ciphertext };
};

/** What the app really does when a report is sent: encrypt into the IndexedDB outbox. */
globalThis.runStaging = async () => {
  const { publicKey } = generateBoxKeyPair();
  const outbox = await openOutbox();
  const code = generateReceiptCode();
  await outbox.unlock(code);
  const total = await seconds(() => outbox.stageEvidence(code, blob, publicKey));
  outbox.close();
  await wipeOutbox();
  return { total };
};

/** The same work taken apart, over the first partBytes, read as the encryptor reads. */
globalThis.runParts = async ({ sliceBytes, chunkSize, partBytes }) => {
  const source = blobSource(blob);
  const reads = [];
  const read = await seconds(async () => {
    for (let at = 0; at < partBytes; at += sliceBytes) reads.push(await source.read(at, Math.min(sliceBytes, partBytes - at)));
  });
  const hashWith = (create) => seconds(() => {
    const hash = create();
    for (const bytes of reads) hash.update(bytes);
    hash.digest();
  });
  const ourHash = await hashWith(createSha256);
  const nobleHash = await hashWith(sha256.create);
  const webHash = await seconds(async () => {
    for (const bytes of reads) await crypto.subtle.digest('SHA-256', bytes);
  });
  const key = await crypto.subtle.importKey('raw', randomBytes(32), 'AES-GCM', false, ['encrypt']);
  const iv = new Uint8Array(12);
  const encrypt = await seconds(async () => {
    for (const bytes of reads) {
      const chunks = [];
      for (let at = 0; at < bytes.length; at += chunkSize) {
        chunks.push(crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, bytes.subarray(at, at + chunkSize)));
      }
      await Promise.all(chunks);
    }
  });
  return { read, ourHash, nobleHash, webHash, encrypt };
};
`;

async function bundlePage(): Promise<string> {
  const result = await build({
    stdin: { contents: PAGE, resolveDir: REPO, sourcefile: 'browser-crypto-page.js', loader: 'js' },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

async function serve(script: string): Promise<Server> {
  const html = '<!doctype html><html lang="en"><title>bench</title><script type="module" src="/bench.js"></script>';
  const server = createServer((req, res) => {
    const [type, body] = req.url === '/bench.js' ? ['text/javascript', script] : ['text/html', html];
    res.writeHead(200, { 'content-type': `${type}; charset=utf-8`, 'content-security-policy': CSP }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

/** Chromium renderer processes started by this process (Linux /proc). */
async function ourRenderers(): Promise<number[]> {
  const parentOf = new Map<number, number>();
  const renderers: number[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const status = await readFile(`/proc/${name}/status`, 'utf8');
      parentOf.set(Number(name), Number(/PPid:\s+(\d+)/.exec(status)?.[1]));
      if ((await readFile(`/proc/${name}/cmdline`, 'utf8')).includes('--type=renderer')) renderers.push(Number(name));
    } catch {
      // The process ended while we looked: not one we need.
    }
  }
  const ours = (pid: number): boolean => {
    for (let p: number | undefined = pid; p && p > 1; p = parentOf.get(p)) if (p === process.pid) return true;
    return false;
  };
  return renderers.filter(ours);
}

interface Peaks {
  /** V8's heap in use. */
  heap: number;
  /** The heap plus ArrayBuffer backing stores (bytes read and made), garbage included. */
  withBuffers: number;
  /** The renderers' resident memory: also counts buffers inside Blink (WebCrypto's copies). */
  rss: number;
}

/** Samples the page's memory while `work` runs; a CDP call waits while the page computes. */
async function sampled<T>(cdp: CDPSession, renderers: number[], work: () => Promise<T>): Promise<[T, Peaks]> {
  const peaks: Peaks = { heap: 0, withBuffers: 0, rss: 0 };
  const sample = async () => {
    const [{ usedSize, backingStorageSize }, rss] = await Promise.all([
      cdp.send('Runtime.getHeapUsage'),
      Promise.all(renderers.map((pid) => rssOf(pid).catch(() => 0))),
    ]);
    peaks.heap = Math.max(peaks.heap, usedSize);
    peaks.withBuffers = Math.max(peaks.withBuffers, usedSize + backingStorageSize);
    peaks.rss = Math.max(
      peaks.rss,
      rss.reduce((sum, bytes) => sum + bytes, 0),
    );
  };
  let running = true;
  const sampler = (async () => {
    while (running) {
      await sample();
      await new Promise((resolve) => setTimeout(resolve, SAMPLE_MS));
    }
  })();
  try {
    return [await work(), peaks];
  } finally {
    running = false;
    await sampler;
  }
}

interface RunResult {
  readonly total: number;
  readonly ciphertext: number;
}

interface Parts {
  readonly read: number;
  readonly ourHash: number;
  readonly nobleHash: number;
  readonly webHash: number;
  readonly encrypt: number;
}

const rate = (bytes: number, seconds: number) => `${(bytes / 1e6 / seconds).toFixed(0)} MB/s`;
const out = (line: string) => process.stdout.write(`${line}\n`);

async function measure(launched: LaunchedBrowser, url: string): Promise<void> {
  const context = await launched.newContext();
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForFunction(() => 'runBench' in globalThis);
  const cdp = await context.newCDPSession(page);
  const args = JSON.stringify({
    bytes: FILE_BYTES,
    sliceBytes: SLICE_BYTES,
    chunkSize: CHUNK_BYTES,
    partBytes: PART_BYTES,
    hash: HASH,
  });
  await page.evaluate(`prepareBench(${args})`);
  await cdp.send('HeapProfiler.collectGarbage');
  const renderers = await ourRenderers();
  const [, before] = await sampled(cdp, renderers, () => new Promise((resolve) => setTimeout(resolve, 200)));
  const [run, peak] = await sampled(cdp, renderers, () => page.evaluate(`runBench(${args})`) as Promise<RunResult>);
  const parts = (await page.evaluate(`runParts(${args})`)) as Parts;
  await cdp.send('HeapProfiler.collectGarbage');
  const [staging, stagingPeak] = await sampled(
    cdp,
    renderers,
    () => page.evaluate('runStaging()') as Promise<{ total: number }>,
  );

  const kib = (bytes: number) => `${bytes / 1024} KiB`;
  out(
    `file: ${mb(FILE_BYTES)} Blob; ${kib(CHUNK_BYTES)} chunks, ${mb(SLICE_BYTES)} slices, ` +
      `SHA-256 ${HASH === 'noble' ? '@noble/hashes' : 'envelope default'}; ciphertext ${mb(run.ciphertext)}`,
  );
  out(`hash + encrypt in Chromium, one pass: ${run.total.toFixed(2)} s = ${rate(FILE_BYTES, run.total)}`);
  out(`JS heap: before ${mb(before.heap)}, peak ${mb(peak.heap)}`);
  out(`JS heap + ArrayBuffers, garbage included: before ${mb(before.withBuffers)}, peak ${mb(peak.withBuffers)}`);
  out(`renderer RSS: before ${mb(before.rss)}, peak ${mb(peak.rss)}`);
  out(
    `the app's path, staged into the IndexedDB outbox (hash + encrypt + store): ${staging.total.toFixed(2)} s = ` +
      `${rate(FILE_BYTES, staging.total)}; JS heap peak ${mb(stagingPeak.heap)}, with ArrayBuffers ${mb(stagingPeak.withBuffers)}`,
  );
  out(
    `parts over ${mb(PART_BYTES)}: Blob reads ${rate(PART_BYTES, parts.read)}; ` +
      `SHA-256 envelope ${rate(PART_BYTES, parts.ourHash)}, @noble/hashes ${rate(PART_BYTES, parts.nobleHash)}, ` +
      `WebCrypto one-shot ${rate(PART_BYTES, parts.webHash)}; AES-GCM ${rate(PART_BYTES, parts.encrypt)}`,
  );
  await context.close();
}

const server = await serve(await bundlePage());
try {
  const launched = await launchBrowser();
  try {
    await measure(launched, `http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  } finally {
    await launched.close();
  }
} finally {
  server.close();
}
