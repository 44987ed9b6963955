// Acceptance: thousands of malformed and hostile requests each get a 4xx with a clear
// error code, never a 5xx, and the node keeps serving.
import { createHash, randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  POW_HEADER,
  deriveReceiptKeys,
  fromBase64Url,
  receiptVerifier,
  generateReceiptCode,
  leadingZeroBits,
  powPreimage,
  sealReport,
  solveProofOfWork,
  toBase64Url,
  utf8,
  type BoxPublicKey,
} from '../client/src/envelope/index.ts';
import { fetchNodeInfo, submitReport } from '../client/src/intake/index.ts';
import { type NodeProcess, type Workspace, makeWorkspace, startNodeProcess } from './helpers/node-process.ts';

interface Probe {
  readonly label: string;
  readonly method: string;
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body?: Buffer | string;
}

interface Answer {
  readonly label: string;
  readonly status: number;
  readonly code: string | undefined;
}

const agent = new Agent({ keepAlive: true, maxSockets: 16 });

function send(base: URL, probe: Probe): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      { agent, host: base.hostname, port: base.port, method: probe.method, path: probe.path, headers: probe.headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          let code: string | undefined;
          try {
            code = (JSON.parse(Buffer.concat(chunks).toString()) as { error?: { code?: string } }).error?.code;
          } catch {
            code = undefined;
          }
          resolve({ label: probe.label, status: res.statusCode ?? 0, code });
        });
      },
    );
    req.on('error', reject);
    req.end(probe.body);
  });
}

/** Raw bytes over TCP; resolves with the status line's code, or 0 if the node hung up. */
function sendRaw(
  base: URL,
  bytes: string | Buffer,
  hangUpAfterWrite = false,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    const socket = connect(Number(base.port), base.hostname);
    let received = '';
    socket.on('data', (d) => (received += d.toString('latin1')));
    socket.on('error', () => {});
    socket.on('close', () => {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(received)?.[1] ?? 0);
      resolve({ status, body: received.split('\r\n\r\n')[1] ?? '' });
    });
    // A sender that vanishes mid-body: the node has begun reading it when the line drops.
    socket.write(bytes, () => (hangUpAfterWrite ? setTimeout(() => socket.destroy(), 100) : socket.end()));
  });
}

function mutations(valid: Record<string, unknown>): unknown[] {
  const weird: unknown[] = [
    null,
    0,
    -1,
    Number.POSITIVE_INFINITY,
    '',
    '~'.repeat(5000),
    'A'.repeat(5000),
    [],
    {},
    true,
    '../../etc/passwd',
    '<script>alert(1)</script>',
    { __proto__: { polluted: true } },
  ];
  const out: unknown[] = [];
  const paths = [
    ['v'],
    ['report'],
    ['report', 'v'],
    ['report', 'key'],
    ['report', 'iv'],
    ['report', 'ct'],
    ['shared'],
    ['shared', 'triage'],
    ['shared', 'area'],
    ['shared', 'incidentType'],
    ['shared', 'consent'],
    ['shared', 'consent', 'storage'],
    ['receipt'],
    ['receipt', 'verifier'],
    ['receipt', 'replyKey'],
  ];
  for (const path of paths) {
    const optional = ['triage', 'area', 'incidentType'].includes(path.at(-1)!);
    for (const value of optional ? weird : [...weird, undefined]) {
      const copy = structuredClone(valid);
      let at: Record<string, unknown> = copy;
      for (const key of path.slice(0, -1)) at = at[key] as Record<string, unknown>;
      if (at[path.at(-1)!] === value) continue;
      if (value === undefined) delete at[path.at(-1)!];
      else at[path.at(-1)!] = value;
      out.push(copy);
    }
  }
  out.push({ ...valid, extra: 1 }, [valid], 'a string', 42, null);
  return out;
}

/** tus Upload-Metadata as a reporter's device sends it: base64 of the commitment's base64url. */
const tusMetadata = (key: string, text: string) => `${key} ${Buffer.from(text).toString('base64')}`;
const COMMITMENT = tusMetadata('commitment', randomBytes(32).toString('base64url'));

describe('a node under hostile input', () => {
  let ws: Workspace;
  let node: NodeProcess;
  let base: URL;
  let casePublicKey: BoxPublicKey;
  let lookup: string;
  let uploadPath: string;

  beforeAll(async () => {
    ws = await makeWorkspace();
    node = await startNodeProcess(ws, { flags: { 'max-evidence-bytes': 1_000_000, 'max-report-bytes': 65_536 } });
    base = new URL(node.url);
    casePublicKey = (await fetchNodeInfo(node.url)).casePublicKey;
    const report = await submitReport({
      nodeUrl: node.url,
      casePublicKey,
      document: { v: 1 },
      shared: { consent: { storage: true, referral: false, statistics: false, justice: false } },
    });
    lookup = toBase64Url(report.lookup);
    const created = await send(base, {
      label: 'create',
      method: 'POST',
      path: '/api/v1/evidence',
      headers: {
        'Tus-Resumable': '1.0.0',
        Authorization: `Receipt ${lookup}`,
        'Upload-Length': '1000',
        'Upload-Metadata': COMMITMENT,
      },
    });
    expect(created.status).toBe(201);
    uploadPath = await new Promise<string>((resolve) => {
      request(
        {
          host: base.hostname,
          port: base.port,
          method: 'POST',
          path: '/api/v1/evidence',
          headers: {
            'Tus-Resumable': '1.0.0',
            Authorization: `Receipt ${lookup}`,
            'Upload-Length': '1000',
            'Upload-Metadata': COMMITMENT,
          },
        },
        (res) => {
          res.resume();
          resolve(res.headers.location!);
        },
      ).end();
    });
  });

  afterAll(async () => {
    agent.destroy();
    await node?.kill();
    await ws?.cleanup();
  });

  it('answers ≥ 5,000 of them with 4xx and an error code, never 5xx, and keeps serving', async () => {
    const pow = (await (await fetch(`${node.url}/api/v1/pow`)).json()) as { seed: string; difficulty: number };
    const seed = fromBase64Url(pow.seed);
    const keys = deriveReceiptKeys(generateReceiptCode());
    const valid = {
      v: 1,
      report: await sealReport({ v: 1, narrative: 'x' }, casePublicKey),
      shared: { triage: 'later', consent: { storage: true, referral: false, statistics: false, justice: false } },
      receipt: { verifier: toBase64Url(receiptVerifier(keys.lookup)), replyKey: toBase64Url(keys.replyPublicKey) },
    };
    const probes: Probe[] = [];
    const withPow = async (label: string, body: string): Promise<Probe> => ({
      label,
      method: 'POST',
      path: '/api/v1/reports',
      headers: { 'content-type': 'application/json', [POW_HEADER]: await solveProofOfWork(pow, seed, utf8(body)) },
      body,
    });
    /** A proof solved for another body, chosen so that it does not happen to fit this one too. */
    const powForAnotherBody = async (body: string): Promise<Probe> => {
      for (let pad = 1; ; pad++) {
        const probe = await withPow('replayed-pow', `${body}${' '.repeat(pad)}`);
        const nonce = Buffer.from(String(probe.headers![POW_HEADER]).split('.')[1]!, 'hex');
        const digest = createHash('sha256')
          .update(powPreimage(seed, createHash('sha256').update(body).digest(), nonce))
          .digest();
        if (leadingZeroBits(digest) < pow.difficulty) return probe;
      }
    };
    const json = { 'content-type': 'application/json' };
    const tus = { 'Tus-Resumable': '1.0.0', Authorization: `Receipt ${lookup}` };

    for (let round = 0; round < 12; round++) {
      // Schema violations, each with a valid proof of work so validation itself is reached.
      for (const m of mutations(valid)) probes.push(await withPow('schema', JSON.stringify(m)));
      // Not JSON, truncated JSON, binary noise.
      const text = JSON.stringify(valid);
      for (let i = 0; i < 40; i++)
        probes.push(await withPow('bad-json', text.slice(0, Math.floor(Math.random() * text.length))));
      for (let i = 0; i < 20; i++)
        probes.push({
          label: 'noise',
          method: 'POST',
          path: '/api/v1/reports',
          headers: json,
          body: randomBytes(200 + i),
        });
      // Proof of work missing, malformed, forged, or for another body.
      probes.push({ label: 'no-pow', method: 'POST', path: '/api/v1/reports', headers: json, body: text });
      probes.push({
        label: 'bad-pow',
        method: 'POST',
        path: '/api/v1/reports',
        headers: { ...json, [POW_HEADER]: 'nonsense' },
        body: text,
      });
      probes.push({
        label: 'stale-pow',
        method: 'POST',
        path: '/api/v1/reports',
        headers: { ...json, [POW_HEADER]: `${toBase64Url(randomBytes(16))}.0000000000000000` },
        body: text,
      });
      probes.push({ ...(await powForAnotherBody(text)), body: text });
      // Wrong media types and huge bodies.
      probes.push({
        label: 'text',
        method: 'POST',
        path: '/api/v1/reports',
        headers: { 'content-type': 'text/plain' },
        body: text,
      });
      probes.push({
        label: 'form',
        method: 'POST',
        path: '/api/v1/followup',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'lookup=1',
      });
      probes.push({
        label: 'huge',
        method: 'POST',
        path: '/api/v1/reports',
        headers: json,
        body: Buffer.alloc(200_000, 0x20),
      });
      probes.push({
        label: 'huge-followup',
        method: 'POST',
        path: '/api/v1/followup',
        headers: json,
        body: `{"lookup":"${'A'.repeat(5000)}"}`,
      });
      // Follow-up with bad or unknown receipts.
      for (const l of ['', 'short', 'A'.repeat(43), '+'.repeat(43), toBase64Url(randomBytes(32)), 42]) {
        probes.push({
          label: 'followup',
          method: 'POST',
          path: '/api/v1/followup',
          headers: json,
          body: JSON.stringify({ lookup: l }),
        });
      }
      // Paths: traversal, encodings, unknown routes, wrong methods.
      for (const path of [
        '/../../etc/passwd',
        '/api/v1/evidence/../../keys.json',
        '/api/v1/evidence/%2e%2e%2fkeys.json',
        '/api/v1/evidence/..%2F..%2Fcases.sqlite',
        '/keys.json',
        '/data/cases.sqlite',
        '//etc/passwd',
        `/api/v1/evidence/${'a'.repeat(3000)}`,
        '/api/v1/evidence/%00',
        '/api/v1/evidence/%',
        '/api/v2/reports',
        '/api/v1/reports/../node',
        '/api/v1/evidence/a%2Fb',
      ]) {
        probes.push({ label: 'path', method: 'GET', path });
        probes.push({
          label: 'path-patch',
          method: 'PATCH',
          path,
          headers: { ...tus, 'Upload-Offset': '0', 'content-type': 'application/offset+octet-stream' },
          body: 'x',
        });
      }
      for (const method of ['PUT', 'DELETE', 'GET', 'PATCH'])
        probes.push({ label: 'method', method, path: '/api/v1/reports' });
      probes.push({ label: 'method', method: 'POST', path: '/api/v1/node' });
      // tus: every header wrong in turn.
      probes.push({
        label: 'tus-version',
        method: 'POST',
        path: '/api/v1/evidence',
        headers: { Authorization: tus.Authorization, 'Upload-Length': '10' },
      });
      probes.push({
        label: 'tus-no-auth',
        method: 'POST',
        path: '/api/v1/evidence',
        headers: { 'Tus-Resumable': '1.0.0', 'Upload-Length': '10' },
      });
      probes.push({
        label: 'tus-bad-auth',
        method: 'POST',
        path: '/api/v1/evidence',
        headers: { 'Tus-Resumable': '1.0.0', Authorization: 'Receipt ../../etc/passwd', 'Upload-Length': '10' },
      });
      probes.push({
        label: 'tus-unknown-receipt',
        method: 'POST',
        path: '/api/v1/evidence',
        headers: {
          'Tus-Resumable': '1.0.0',
          Authorization: `Receipt ${toBase64Url(randomBytes(32))}`,
          'Upload-Length': '10',
        },
      });
      for (const length of ['', '-1', 'abc', '1e9', '99999999999999999999', '1000001', '0x10', '1 0']) {
        probes.push({
          label: 'tus-length',
          method: 'POST',
          path: '/api/v1/evidence',
          headers: { ...tus, 'Upload-Length': length, 'Upload-Metadata': COMMITMENT },
        });
      }
      // Upload-Metadata: the commitment only, well formed; never a name or a type.
      const metadataProbes: [string, string | undefined][] = [
        ['commitment-required', undefined],
        ['commitment-required', ' '],
        ['metadata-not-accepted', tusMetadata('filename', '../../../etc/passwd')],
        ['metadata-not-accepted', `${COMMITMENT},${tusMetadata('filetype', 'video/mp4')}`],
        ['metadata-not-accepted', `${'k'.repeat(4000)} x`],
        ['commitment-invalid', `${COMMITMENT},${COMMITMENT}`],
        ['commitment-invalid', 'commitment'],
        ['commitment-invalid', tusMetadata('commitment', randomBytes(31).toString('base64url'))],
        ['commitment-invalid', tusMetadata('commitment', randomBytes(32).toString('hex'))],
        ['commitment-invalid', `commitment ${randomBytes(200).toString('base64')}`],
        ['commitment-invalid', `commitment ${'%'.repeat(60)}`],
      ];
      for (const [code, metadata] of metadataProbes) {
        probes.push({
          label: `tus-metadata ${code}`,
          method: 'POST',
          path: '/api/v1/evidence',
          headers: { ...tus, 'Upload-Length': '10', ...(metadata !== undefined && { 'Upload-Metadata': metadata }) },
        });
      }
      probes.push({
        label: 'tus-defer',
        method: 'POST',
        path: '/api/v1/evidence',
        headers: { ...tus, 'Upload-Defer-Length': '1' },
      });
      for (const offset of ['1', '999', '-1', 'x', '', '100000000']) {
        probes.push({
          label: 'tus-offset',
          method: 'PATCH',
          path: uploadPath,
          headers: { ...tus, 'Upload-Offset': offset, 'content-type': 'application/offset+octet-stream' },
          body: 'abc',
        });
      }
      probes.push({
        label: 'tus-type',
        method: 'PATCH',
        path: uploadPath,
        headers: { ...tus, 'Upload-Offset': '0', 'content-type': 'application/json' },
        body: '{}',
      });
      probes.push({
        label: 'tus-too-long',
        method: 'PATCH',
        path: uploadPath,
        headers: { ...tus, 'Upload-Offset': '0', 'content-type': 'application/offset+octet-stream' },
        body: Buffer.alloc(1001),
      });
      probes.push({
        label: 'tus-other-case',
        method: 'HEAD',
        path: uploadPath,
        headers: { 'Tus-Resumable': '1.0.0', Authorization: `Receipt ${toBase64Url(randomBytes(32))}` },
      });
      probes.push({
        label: 'tus-unknown-upload',
        method: 'HEAD',
        path: `/api/v1/evidence/${toBase64Url(randomBytes(16))}`,
        headers: tus,
      });
    }
    while (probes.length < 5000)
      probes.push({ label: 'filler', method: 'GET', path: `/api/v1/${toBase64Url(randomBytes(8))}` });

    const answers: Answer[] = [];
    for (let i = 0; i < probes.length; i += 32)
      answers.push(...(await Promise.all(probes.slice(i, i + 32).map((p) => send(base, p)))));
    expect(answers.length).toBeGreaterThanOrEqual(5000);
    const tally = (list: Answer[]) => [...new Set(list.map((a) => `${a.label} ${a.status} ${a.code}`))];
    expect(tally(answers.filter((a) => a.status < 400 || a.status >= 500))).toEqual([]);
    const withoutCode = answers.filter(
      (a) => !a.code && a.label !== 'tus-other-case' && a.label !== 'tus-unknown-upload',
    );
    expect(tally(withoutCode)).toEqual([]);
    const metadataAnswers = answers.filter((a) => a.label.startsWith('tus-metadata '));
    expect(metadataAnswers.length).toBeGreaterThan(0);
    expect(tally(metadataAnswers.filter((a) => a.status !== 400 || a.label !== `tus-metadata ${a.code}`))).toEqual([]);

    // Raw protocol abuse: malformed HTTP, oversized headers, truncated uploads.
    const raw = [
      await sendRaw(base, 'GARBAGE\r\n\r\n'),
      await sendRaw(base, `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`),
      await sendRaw(base, 'POST /api/v1/reports HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n'),
      await sendRaw(
        base,
        'POST /api/v1/reports HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n',
      ),
    ];
    for (const r of raw) {
      expect(r.status).toBeGreaterThanOrEqual(400);
      expect(r.status).toBeLessThan(500);
      expect((JSON.parse(r.body) as { error: { code: string } }).error.code).toMatch(/^[a-z-]+$/);
    }
    // Truncated PATCHes: each keeps the 10 bytes that did arrive, and nothing else.
    const offsetNow = async () =>
      (await fetch(new URL(uploadPath, node.url), { method: 'HEAD', headers: tus })).headers.get('upload-offset');
    for (let i = 0; i < 10; i++) {
      const head = `PATCH ${uploadPath} HTTP/1.1\r\nHost: x\r\nTus-Resumable: 1.0.0\r\nAuthorization: ${tus.Authorization}\r\nContent-Type: application/offset+octet-stream\r\nUpload-Offset: ${i * 10}\r\nContent-Length: 500\r\n\r\n`;
      // 423: the node is still closing the previous, vanished request; a tus client retries.
      for (let attempt = 0; attempt < 20; attempt++) {
        const answer = await sendRaw(base, Buffer.concat([Buffer.from(head), Buffer.alloc(10, 0x61)]), true);
        if (answer.status !== 423) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      let offset = await offsetNow();
      for (let poll = 0; poll < 100 && offset !== String((i + 1) * 10); poll++) {
        await new Promise((r) => setTimeout(r, 20));
        offset = await offsetNow();
      }
      expect(offset).toBe(String((i + 1) * 10));
    }

    // Still serving: health, and a real report is taken.
    expect((await fetch(`${node.url}/api/v1/health`)).status).toBe(200);
    const after = await submitReport({
      nodeUrl: node.url,
      casePublicKey,
      document: { v: 1 },
      shared: { consent: { storage: true, referral: false, statistics: false, justice: false } },
    });
    expect(after.accepted.accepted).toBe(true);
    expect(node.child.exitCode).toBeNull();
    expect(await node.log()).not.toMatch(/"level":"error"/);
  });
});
