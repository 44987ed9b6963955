// Evidence log benchmark (federation/src/log): durable appends from many concurrent callers
// (group commit), then a 10,000,000-entry log: build time, inclusion proofs produced and
// verified for random entries, consistency proofs and tile reads. Prints figures; bounded;
// removes its temporary directory (about 1 GiB at full size).
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { leafHash, verifyConsistency, verifyInclusion } from '../../federation/src/merkle/index.ts';
import { openLogStore } from '../../federation/src/log/index.ts';
import { mb } from './harness.ts';

const APPENDS = Number(process.env['BENCH_LOG_APPENDS'] ?? 200_000);
/** Concurrent callers: many (throughput) and fewer (latency when the node is less busy). */
const IN_FLIGHT = (process.env['BENCH_LOG_IN_FLIGHT'] ?? '1000,100').split(',').map(Number);
const LOG_SIZE = Number(process.env['BENCH_LOG_SIZE'] ?? 10_000_000);
const BUILD_CHUNK = 1 << 18;
const PROOFS = 10_000;
const CONSISTENCY_PROOFS = 1_000;
const ENTRY_BYTES = 32;

const print = (line: string) => process.stdout.write(`${line}\n`);

function percentile(samples: Float64Array, p: number): number {
  const sorted = Float64Array.from(samples).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const µs = (samples: Float64Array) =>
  `median ${(percentile(samples, 50) * 1000).toFixed(1)} µs, p99 ${(percentile(samples, 99) * 1000).toFixed(1)} µs`;

/** 32-byte entries, standing in for salted commitments. */
function entries(count: number): Uint8Array[] {
  const bytes = randomBytes(count * ENTRY_BYTES);
  return Array.from({ length: count }, (_, i) => bytes.subarray(i * ENTRY_BYTES, (i + 1) * ENTRY_BYTES));
}

async function bytesUnder(path: string): Promise<number> {
  const info = await stat(path);
  if (!info.isDirectory()) return info.size;
  let total = 0;
  for (const name of await readdir(path)) total += await bytesUnder(join(path, name));
  return total;
}

async function durableAppends(dir: string, callers: number): Promise<void> {
  const log = await openLogStore(dir);
  const input = entries(APPENDS);
  const latency = new Float64Array(APPENDS);
  let next = 0;
  const caller = async () => {
    while (next < APPENDS) {
      const i = next++;
      const started = performance.now();
      await log.append(input[i]!);
      latency[i] = performance.now() - started;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: callers }, caller));
  const seconds = (performance.now() - started) / 1000;
  print(`durable appends: ${APPENDS.toLocaleString('en')} × ${ENTRY_BYTES} B from ${callers} concurrent callers`);
  print(`  ${Math.round(APPENDS / seconds).toLocaleString('en')} entries/s (${seconds.toFixed(2)} s)`);
  print(`  ${log.batches} batches, ${Math.round(APPENDS / log.batches)} entries per batch on average`);
  print(`  append latency: p50 ${percentile(latency, 50).toFixed(2)} ms, p99 ${percentile(latency, 99).toFixed(2)} ms`);
  await log.close();
}

async function largeLog(dir: string): Promise<void> {
  const log = await openLogStore(dir);
  let started = performance.now();
  // Two calls in flight, so making the next chunk overlaps the fsyncs of the current one.
  let previous: Promise<number> = Promise.resolve(0);
  for (let done = 0; done < LOG_SIZE; done += BUILD_CHUNK) {
    const appended = log.appendMany(entries(Math.min(BUILD_CHUNK, LOG_SIZE - done)));
    await previous;
    previous = appended;
  }
  await previous;
  const buildSeconds = (performance.now() - started) / 1000;
  const size = log.size;
  print(`log of ${size.toLocaleString('en')} entries (appendMany of ${BUILD_CHUNK.toLocaleString('en')})`);
  print(
    `  built in ${buildSeconds.toFixed(1)} s = ${Math.round(size / buildSeconds).toLocaleString('en')} entries/s, ` +
      `${log.batches} batches, ${mb(await bytesUnder(dir))} on disk`,
  );

  const root = log.root();
  const indices = Array.from({ length: PROOFS }, () => Math.floor(Math.random() * size));
  const proving = new Float64Array(PROOFS);
  const verifying = new Float64Array(PROOFS);
  let hashes = 0;
  for (const [k, index] of indices.entries()) {
    started = performance.now();
    const proof = log.inclusionProof(index);
    proving[k] = performance.now() - started;
    hashes += proof.length;
    const leaf = leafHash(log.entry(index));
    started = performance.now();
    verifyInclusion(index, size, leaf, proof, root);
    verifying[k] = performance.now() - started;
  }
  print(`inclusion proofs for ${PROOFS.toLocaleString('en')} random entries (${(hashes / PROOFS).toFixed(1)} hashes)`);
  print(`  produce: ${µs(proving)}`);
  print(`  verify (merkle verifyInclusion): ${µs(verifying)}`);

  const consistency = new Float64Array(CONSISTENCY_PROOFS);
  for (let k = 0; k < CONSISTENCY_PROOFS; k++) {
    const old = 1 + Math.floor(Math.random() * (size - 1));
    started = performance.now();
    const proof = log.consistencyProof(old);
    consistency[k] = performance.now() - started;
    if (k < 10) verifyConsistency(old, size, proof, log.root(old), root);
  }
  print(`consistency proofs from ${CONSISTENCY_PROOFS.toLocaleString('en')} random sizes: ${µs(consistency)}`);

  const tiles = new Float64Array(PROOFS);
  for (let k = 0; k < PROOFS; k++) {
    const index = Math.floor(Math.random() * Math.floor(size / 256));
    started = performance.now();
    log.readTile(0, index, 256);
    tiles[k] = performance.now() - started;
  }
  print(`full level-0 tile reads: ${µs(tiles)}`);
  await log.close();
}

const dir = await mkdtemp(join(tmpdir(), 'backup-bench-log-'));
try {
  for (const callers of IN_FLIGHT) await durableAppends(join(dir, `appends-${callers}`), callers);
  await largeLog(join(dir, 'large'));
} finally {
  await rm(dir, { recursive: true, force: true });
}
