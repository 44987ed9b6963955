// Intake benchmark: 4 KB encrypted reports against a real node (durable per report,
// validation and proof of work on), and against a bare Koa endpoint that only appends to
// a file with fsync, measured in the same run. Loopback only; bounded; stops by itself.
import autocannon from 'autocannon';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  POW_HEADER,
  asBoxPublicKey,
  fromBase64Url,
  leadingZeroBits,
  powPreimage,
  sealReport,
  toBase64Url,
  toHex,
} from '../../client/src/envelope/index.ts';
import { RUN_TS, spawnAndWait, startBenchNode } from './harness.ts';

const CONNECTIONS = 50;
const WARMUP = 2_000;
const MEASURED = Number(process.env['BENCH_REPORTS'] ?? 20_000);
const POW_DIFFICULTY = 8;

interface Body {
  readonly body: Buffer;
  readonly pow: string;
}

function solve(seed: Uint8Array, seedText: string, body: Buffer): string {
  const bodyHash = createHash('sha256').update(body).digest();
  const nonce = Buffer.alloc(8);
  for (let i = 0; ; i++) {
    nonce.writeUInt32BE(i, 4);
    if (
      leadingZeroBits(
        createHash('sha256')
          .update(powPreimage(seed, bodyHash, nonce))
          .digest(),
      ) >= POW_DIFFICULTY
    ) {
      return `${seedText}.${toHex(nonce)}`;
    }
  }
}

async function makeBodies(nodeUrl: string, count: number): Promise<Body[]> {
  const info = (await (await fetch(`${nodeUrl}/api/v1/node`)).json()) as { publicKeys: { case: { key: string } } };
  const caseKey = asBoxPublicKey(fromBase64Url(info.publicKeys.case.key));
  const pow = (await (await fetch(`${nodeUrl}/api/v1/pow`)).json()) as { seed: string };
  const sealed = await Promise.all(
    Array.from({ length: 64 }, (_, i) => sealReport({ v: 1, narrative: `${i} `.repeat(1200), answers: {} }, caseKey)),
  );
  const seed = fromBase64Url(pow.seed);
  return Array.from({ length: count }, (_, i) => {
    const body = Buffer.from(
      JSON.stringify({
        v: 1,
        report: sealed[i % sealed.length],
        shared: { triage: 'later', consent: { storage: true, referral: false, statistics: true, justice: false } },
        receipt: { verifier: toBase64Url(randomBytes(32)), replyKey: toBase64Url(randomBytes(32)) },
      }),
    );
    return { body, pow: solve(seed, pow.seed, body) };
  });
}

interface Measured {
  readonly result: autocannon.Result;
  readonly seconds: number;
}

async function load(url: string, bodies: readonly Body[]): Promise<Measured> {
  let next = 0;
  const started = performance.now();
  const result = await autocannon({
    url: `${url}/api/v1/reports`,
    connections: CONNECTIONS,
    amount: bodies.length,
    requests: [
      {
        method: 'POST',
        setupRequest(request) {
          const { body, pow } = bodies[next++ % bodies.length]!;
          return { ...request, body, headers: { 'content-type': 'application/json', [POW_HEADER]: pow } };
        },
      },
    ],
  });
  return { result, seconds: (performance.now() - started) / 1000 };
}

function rate({ result, seconds }: Measured): number {
  return result['2xx'] / seconds;
}

function summary(label: string, m: Measured): string {
  const r = m.result;
  return `${label}: ${rate(m).toFixed(0)} req/s (2xx ${r['2xx']}, non-2xx ${r.non2xx}, errors ${r.errors}), latency p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, max ${r.latency.max} ms`;
}

const dir = await mkdtemp(join(tmpdir(), 'backup-bench-'));
try {
  const { node, url: nodeUrl } = await startBenchNode(dir, {
    'pow-difficulty': POW_DIFFICULTY,
    'source-burst': 10_000_000,
    'source-per-minute': 10_000_000,
    'reports-per-second': 10_000_000,
  });
  const { child: bare, match: bareMatch } = await spawnAndWait(
    [RUN_TS, 'scripts/bench/bare-koa.ts', join(dir, 'bare.log')],
    /listening (\d+)/,
  );
  try {
    const bareUrl = `http://127.0.0.1:${bareMatch[1]}`;
    process.stdout.write(
      `preparing ${WARMUP + MEASURED} sealed 4 KB reports with proofs of work (difficulty ${POW_DIFFICULTY})…\n`,
    );
    const bodies = await makeBodies(nodeUrl, WARMUP + MEASURED);
    process.stdout.write(`body size: ${bodies[0]!.body.length} bytes; ${CONNECTIONS} connections\n`);
    await load(nodeUrl, bodies.slice(0, WARMUP));
    await load(bareUrl, bodies.slice(0, WARMUP));
    const measured = bodies.slice(WARMUP);
    const nodeResult = await load(nodeUrl, measured);
    const bareResult = await load(bareUrl, measured);
    process.stdout.write(`${summary('BackUp intake     ', nodeResult)}\n`);
    process.stdout.write(`${summary('bare Koa + fsync  ', bareResult)}\n`);
    process.stdout.write(`ratio intake / bare: ${(rate(nodeResult) / rate(bareResult)).toFixed(2)}\n`);
  } finally {
    await node.stop();
    await bare.stop();
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
