// What the node's admin relies on: private file modes, upload limits that hold under
// parallel requests, and `backup decrypt` getting past a forged report.
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateBoxKeyPair, toBase64Url } from '../client/src/envelope/index.ts';
import { fetchNodeInfo, submitReport } from '../client/src/intake/index.ts';
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
    const info = await fetchNodeInfo(node.url);
    const report = await submitReport({
      nodeUrl: node.url,
      casePublicKey: info.casePublicKey,
      document: {},
      shared: { consent },
    });
    const headers = {
      'Tus-Resumable': '1.0.0',
      Authorization: `Receipt ${toBase64Url(report.lookup)}`,
      'Upload-Length': '100',
    };
    const statuses = await Promise.all(
      Array.from({ length: 20 }, () =>
        fetch(`${node.url}/api/v1/evidence`, { method: 'POST', headers }).then((r) => r.status),
      ),
    );
    expect(statuses.filter((s) => s === 201)).toHaveLength(MAX_FILES);
    expect(statuses.filter((s) => s === 422)).toHaveLength(20 - MAX_FILES);
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
