// Acceptance: a reporter's address is written nowhere: not in logs, not in the data folder.
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { connect } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import {
  POW_HEADER,
  deriveReceiptKeys,
  fromBase64Url,
  generateReceiptCode,
  receiptVerifier,
  sealReport,
  solveProofOfWork,
  toBase64Url,
  utf8,
} from '../client/src/envelope/index.ts';
import { fetchNodeInfo } from '../client/src/intake/index.ts';
import { type Workspace, makeWorkspace, startNodeProcess } from './helpers/node-process.ts';
import { findInFiles } from './helpers/scan.ts';

// A loopback address no other test uses, so finding it anywhere means we wrote it.
const SOURCE = '127.42.13.37';
const FORWARDED = '127.42.13.38';
const forms = (ip: string) => ({
  [ip]: Buffer.from(ip),
  [`::ffff:${ip}`]: Buffer.from(`::ffff:${ip}`),
  [`${ip} (hex)`]: Buffer.from(Buffer.from(ip.split('.').map(Number)).toString('hex')),
  [`${ip} (utf-16le)`]: Buffer.from(ip, 'utf16le'),
});

interface Reply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
}

function from(
  url: URL,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: Uint8Array | string,
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const proxyHeaders = { 'X-Forwarded-For': FORWARDED, 'X-Real-IP': FORWARDED, Forwarded: `for=${FORWARDED}` };
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        localAddress: SOURCE,
        method,
        path,
        headers: { ...proxyHeaders, ...headers },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('a reporter’s network address', () => {
  let ws: Workspace;
  afterAll(() => ws?.cleanup());

  it('appears in no log line and in no file of the data folder', async () => {
    ws = await makeWorkspace();
    const node = await startNodeProcess(ws, { flags: { 'log-level': 'debug' } });
    const url = new URL(node.url);
    try {
      const info = await fetchNodeInfo(node.url);
      const pow = (await (await fetch(`${node.url}/api/v1/pow`)).json()) as { seed: string; difficulty: number };
      for (let i = 0; i < 5; i++) {
        const keys = deriveReceiptKeys(generateReceiptCode());
        const body = utf8(
          JSON.stringify({
            v: 1,
            report: await sealReport({ v: 1, narrative: `report ${i}` }, info.casePublicKey),
            shared: { consent: { storage: true, referral: false, statistics: false, justice: false } },
            receipt: {
              verifier: toBase64Url(receiptVerifier(keys.lookup)),
              replyKey: toBase64Url(keys.replyPublicKey),
            },
          }),
        );
        const headers = {
          'content-type': 'application/json',
          [POW_HEADER]: await solveProofOfWork(pow, fromBase64Url(pow.seed), body),
        };
        expect((await from(url, 'POST', '/api/v1/reports', headers, body)).status).toBe(201);
        const lookup = toBase64Url(keys.lookup);
        expect(
          (
            await from(
              url,
              'POST',
              '/api/v1/followup',
              { 'content-type': 'application/json' },
              JSON.stringify({ lookup }),
            )
          ).status,
        ).toBe(200);
        const tus = { 'Tus-Resumable': '1.0.0', Authorization: `Receipt ${lookup}` };
        const commitment = Buffer.from(randomBytes(32).toString('base64url')).toString('base64');
        const created = await from(url, 'POST', '/api/v1/evidence', {
          ...tus,
          'Upload-Length': '4096',
          'Upload-Metadata': `commitment ${commitment}`,
        });
        expect(created.status).toBe(201);
        const patch = { ...tus, 'Upload-Offset': '0', 'Content-Type': 'application/offset+octet-stream' };
        expect((await from(url, 'PATCH', String(created.headers.location), patch, randomBytes(4096))).status).toBe(204);
        // Failures are logged too: make some.
        expect(
          (await from(url, 'POST', '/api/v1/reports', { 'content-type': 'application/json' }, '{bad')).status,
        ).toBe(400);
        expect((await from(url, 'GET', '/nowhere', {})).status).toBe(404);
      }
      await new Promise<void>((resolve) => {
        const socket = connect({ host: url.hostname, port: Number(url.port), localAddress: SOURCE }, () =>
          socket.end('NOT HTTP\r\n\r\n'),
        );
        socket.on('close', () => resolve());
        socket.resume();
      });
    } finally {
      await node.kill('SIGTERM');
    }
    const log = await node.log();
    expect(log).toMatch(/"route":"\/api\/v1\/reports","status":201/);
    const needles = { ...forms(SOURCE), ...forms(FORWARDED) };
    expect(await findInFiles(ws.dir, needles)).toEqual([]);
  });
});
