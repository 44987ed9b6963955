// Acceptance: every report that got a 2xx survives a SIGKILL of the node process.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { deriveReceiptKeys, toBase64Url } from '../client/src/envelope/index.ts';
import { fetchNodeInfo, submitReport } from '../client/src/intake/index.ts';
import { DATABASE_FILE } from '../node/src/store/index.ts';
import { type Workspace, makeWorkspace, startNodeProcess } from './helpers/node-process.ts';

const REPORTS = 500;
const KILL_AFTER_ACKS = 60;

async function followUp(url: string, receipt: string): Promise<number> {
  const lookup = toBase64Url(deriveReceiptKeys(receipt).lookup);
  const response = await fetch(`${url}/api/v1/followup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ lookup }),
  });
  return response.status;
}

describe('a node killed while taking 500 concurrent reports', () => {
  let ws: Workspace;
  afterAll(() => ws?.cleanup());

  it('loses none that it acknowledged, and its store stays intact', async () => {
    ws = await makeWorkspace();
    const node = await startNodeProcess(ws, { logName: 'first.log' });
    const info = await fetchNodeInfo(node.url);
    const acknowledged: string[] = [];
    let failed = 0;
    await Promise.all(
      Array.from({ length: REPORTS }, async (_, i) => {
        try {
          const submitted = await submitReport({
            nodeUrl: node.url,
            casePublicKey: info.casePublicKey,
            document: { v: 1, narrative: `report ${i} `.repeat(300), answers: { i } },
            shared: {
              triage: 'unknown',
              consent: { storage: true, referral: false, statistics: true, justice: false },
            },
          });
          acknowledged.push(submitted.receiptCode);
          if (acknowledged.length === KILL_AFTER_ACKS) node.child.kill('SIGKILL');
        } catch {
          failed++;
        }
      }),
    );
    await node.kill('SIGKILL');
    // The kill really happened mid-way: some reports were acknowledged, some never were.
    expect(acknowledged.length).toBeGreaterThanOrEqual(KILL_AFTER_ACKS);
    expect(failed).toBeGreaterThan(0);
    expect(acknowledged.length + failed).toBe(REPORTS);

    const restarted = await startNodeProcess(ws, { logName: 'second.log' });
    try {
      const statuses = await Promise.all(acknowledged.map((receipt) => followUp(restarted.url, receipt)));
      expect(statuses.filter((s) => s !== 200)).toEqual([]);
      // A report after the restart is taken as usual.
      const after = await submitReport({
        nodeUrl: restarted.url,
        casePublicKey: info.casePublicKey,
        document: { v: 1, narrative: 'after the crash', answers: {} },
        shared: { consent: { storage: true, referral: false, statistics: false, justice: false } },
      });
      expect(await followUp(restarted.url, after.receiptCode)).toBe(200);
    } finally {
      await restarted.kill();
    }
    const db = new Database(join(ws.dataDir, DATABASE_FILE), { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const stored = (db.prepare('SELECT count(*) AS n FROM cases').get() as { n: number }).n;
      expect(stored).toBeGreaterThanOrEqual(acknowledged.length + 1);
      expect(stored).toBeLessThanOrEqual(REPORTS + 1);
    } finally {
      db.close();
    }
  });
});
