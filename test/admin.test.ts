// What the node's admin relies on: private file modes, upload limits that hold under
// parallel requests, `backup decrypt` getting past a forged report, and checking each
// file against the commitment the node logged for it.
import { randomBytes } from 'node:crypto';
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEvidenceEncryptor, generateBoxKeyPair, toBase64Url } from '../client/src/envelope/index.ts';
import { evidenceCommitmentOf, fetchNodeInfo, submitReport, uploadEvidence } from '../client/src/intake/index.ts';
import { openLogStore } from '../federation/src/log/index.ts';
import { federationPaths } from '../node/src/integrity/index.ts';
import { DATABASE_FILE } from '../node/src/store/index.ts';
import {
  type NodeProcess,
  type Workspace,
  decryptInto,
  makeWorkspace,
  startNodeProcess,
} from './helpers/node-process.ts';

const MAX_FILES = 5;
const consent = { storage: true, referral: false, statistics: false, justice: false } as const;

/** Files a report on the node, then gives the headers that create a 100-byte upload for it. */
async function newUploadHeaders(url: string): Promise<Record<string, string>> {
  const { casePublicKey } = await fetchNodeInfo(url);
  const report = await submitReport({ nodeUrl: url, casePublicKey, document: {}, shared: { consent } });
  return {
    'Tus-Resumable': '1.0.0',
    Authorization: `Receipt ${toBase64Url(report.lookup)}`,
    'Upload-Length': '100',
    'Upload-Metadata': `commitment ${Buffer.from(randomBytes(32).toString('base64url')).toString('base64')}`,
  };
}

describe('a node, as its admin sees it', () => {
  let ws: Workspace;
  let node: NodeProcess;

  beforeAll(async () => {
    ws = await makeWorkspace();
    node = await startNodeProcess(ws, { flags: { 'max-evidence-files': MAX_FILES } });
  });

  afterAll(async () => {
    await node?.kill();
    await ws?.cleanup();
  });

  it('keeps its files private to its own user', async () => {
    await submitReport({
      nodeUrl: node.url,
      casePublicKey: (await fetchNodeInfo(node.url)).casePublicKey,
      document: {},
      shared: { consent },
    });
    for (const file of [DATABASE_FILE, 'keys.json']) expect((await stat(join(ws.dataDir, file))).mode & 0o077).toBe(0);
    expect((await stat(ws.dataDir)).mode & 0o077).toBe(0);
  });

  it('holds the files-per-report limit against parallel upload creations', async () => {
    const headers = await newUploadHeaders(node.url);
    const statuses = await Promise.all(
      Array.from({ length: 20 }, () =>
        fetch(`${node.url}/api/v1/evidence`, { method: 'POST', headers }).then((r) => r.status),
      ),
    );
    expect(statuses.filter((s) => s === 201)).toHaveLength(MAX_FILES);
    expect(statuses.filter((s) => s === 422)).toHaveLength(20 - MAX_FILES);
  });

  it('refuses new uploads, but still takes reports, when its disk is short of space', async () => {
    const tight = await makeWorkspace();
    const full = await startNodeProcess(tight, { flags: { 'min-free-bytes': 2 ** 50 } });
    try {
      const headers = await newUploadHeaders(full.url);
      const response = await fetch(`${full.url}/api/v1/evidence`, { method: 'POST', headers });
      expect(response.status).toBe(507);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('storage-full');
    } finally {
      await full.kill();
      await tight.cleanup();
    }
  });

  it('decrypts every other report when one was forged for another key', async () => {
    const stranger = generateBoxKeyPair().publicKey;
    await submitReport({ nodeUrl: node.url, casePublicKey: stranger, document: { forged: true }, shared: { consent } });
    const genuine = await submitReport({
      nodeUrl: node.url,
      casePublicKey: (await fetchNodeInfo(node.url)).casePublicKey,
      document: { narrative: 'after the forged one' },
      shared: { consent },
    });
    expect(genuine.accepted.accepted).toBe(true);
    const out = join(ws.dir, 'out');
    const result = await decryptInto(ws, out);
    expect(result.code).toBe(1);
    expect(result.stderr.match(/cannot be opened/g)).toHaveLength(1);
    expect(result.stderr).toMatch(/with 1 problem/);
    const written = await Promise.all(
      (await readdir(out)).map((id) => readFile(join(out, id, 'report.json'), 'utf8').catch(() => '')),
    );
    expect(written.filter((text) => text.includes('after the forged one'))).toHaveLength(1);
  });
});

describe('backup decrypt and the evidence log', () => {
  let ws: Workspace;
  let node: NodeProcess;

  beforeAll(async () => {
    ws = await makeWorkspace();
    node = await startNodeProcess(ws);
  });

  afterAll(async () => {
    await node?.kill();
    await ws?.cleanup();
  });

  it('says which file matches its logged commitment, warns loudly about one that does not, and writes its custody', async () => {
    const { casePublicKey } = await fetchNodeInfo(node.url);
    const report = await submitReport({ nodeUrl: node.url, casePublicKey, document: {}, shared: { consent } });
    const commitments: Record<string, Uint8Array> = {};
    for (const name of ['honest.jpg', 'lying.jpg']) {
      const plain = new Uint8Array(randomBytes(5000));
      const source = { size: plain.length, read: async (at: number, n: number) => plain.subarray(at, at + n) };
      const encryptor = await createEvidenceEncryptor(source, casePublicKey, { name, type: 'image/jpeg' });
      // A hostile reporter can send any commitment: it harms only their own report.
      const commitment =
        name === 'honest.jpg' ? evidenceCommitmentOf(await encryptor.metadata()) : new Uint8Array(randomBytes(32));
      commitments[name] = commitment;
      await uploadEvidence({ nodeUrl: node.url, lookup: report.lookup, source: encryptor, commitment });
    }

    const out = join(ws.dir, 'out');
    const result = await decryptInto(ws, out);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/: matches its commitment, entry \d+ of the log\n/);
    expect(result.stderr.match(/WARNING: .*does NOT match this file/g)).toHaveLength(1);

    const [caseId] = await readdir(out);
    const dir = join(out, caseId!, 'evidence');
    const log = await openLogStore(federationPaths(ws.dataDir).log, { readOnly: true });
    try {
      for (const [name, matches] of [
        ['honest.jpg', true],
        ['lying.jpg', false],
      ] as const) {
        const file = (await readdir(dir)).find((f) => f.endsWith(`${name}.json`))!;
        const facts = JSON.parse(await readFile(join(dir, file), 'utf8')) as {
          commitment: { logged: string; matches: boolean };
          logIndex: number;
          custody: { event: string; salt: string; logIndex: number; consistent: boolean }[];
        };
        const logged = Buffer.from(commitments[name]!).toString('base64');
        expect(facts.commitment).toMatchObject({ logged, matches });
        // The node logged it as it came, in its own log, right or wrong.
        expect(Buffer.from(log.entry(facts.logIndex)).toString('base64')).toBe(logged);
        expect(facts.custody).toHaveLength(1);
        expect(facts.custody[0]).toMatchObject({
          consistent: true,
          salt: expect.stringMatching(/^[A-Za-z0-9+/]{43}=$/),
        });
        expect(JSON.parse(facts.custody[0]!.event)).toMatchObject({ v: 1, event: 'received', evidence: logged });
        expect(facts.custody[0]!.logIndex).toBeGreaterThan(facts.logIndex);
      }
    } finally {
      await log.close();
    }
  });
});

describe('a node’s public face', () => {
  let ws: Workspace;
  let node: NodeProcess;

  beforeAll(async () => {
    ws = await makeWorkspace();
    node = await startNodeProcess(ws, { flags: { 'source-burst': 3, 'source-per-minute': 1, name: 'Clinic network' } });
  });

  afterAll(async () => {
    await node?.kill();
    await ws?.cleanup();
  });

  it('describes itself, and its API, without credentials', async () => {
    const info = (await (await fetch(`${node.url}/api/v1/node`)).json()) as {
      name: string;
      software: { version: string };
      publicKeys: { case: { key: string } };
    };
    expect(info.name).toBe('Clinic network');
    expect(info.software.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(info.publicKeys.case.key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const api = (await (await fetch(`${node.url}/api/openapi.json`)).json()) as {
      openapi: string;
      paths: Record<string, unknown>;
    };
    expect(api.openapi).toBe('3.1.0');
    expect(Object.keys(api.paths)).toContain('/api/v1/reports');
    expect((await fetch(`${node.url}/api/v1/health`)).status).toBe(200);
  });

  it('sends strict security headers on every answer, errors included', async () => {
    for (const path of ['/api/v1/node', '/nowhere']) {
      const response = await fetch(`${node.url}${path}`);
      expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });

  it('slows down one source that submits too often, saying when to come back', async () => {
    const ask = () =>
      fetch(`${node.url}/api/v1/followup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ lookup: toBase64Url(new Uint8Array(32)) }),
      });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await ask()).status);
    expect(statuses).toEqual([404, 404, 404]);
    const limited = await ask();
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await limited.json()) as { error: { code: string } }).error.code).toBe('rate-limited');
  });
});
