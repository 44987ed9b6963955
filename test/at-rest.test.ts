// Acceptance: a seized data folder yields nothing readable; the admin passphrase opens it.
import { createHash, randomBytes } from 'node:crypto';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boxPublicKeyFromSecret, deriveReceiptKeys, toBase64Url } from '../client/src/envelope/index.ts';
import { readKeyFile, unlockCaseKey } from '../node/src/keys/index.ts';
import { type NodeProcess, type Workspace, makeWorkspace, runCli, startNodeProcess } from './helpers/node-process.ts';
import { encodingsOf, findInFiles } from './helpers/scan.ts';

const RECEIPT_LINE = /^\d{4}( \d{4}){6}$/;

describe('a node’s data folder', () => {
  let ws: Workspace;
  let node: NodeProcess;
  const marker = `MARKER-${randomBytes(12).toString('hex')}`;
  const needles = (extra: Record<string, Uint8Array> = {}) => ({
    ...encodingsOf('marker', Buffer.from(marker)),
    ...extra,
  });
  const receipts: string[] = [];
  const evidenceHashes: string[] = [];

  beforeAll(async () => {
    ws = await makeWorkspace();
    node = await startNodeProcess(ws);
    const narrative = join(ws.dir, 'narrative.txt');
    await writeFile(narrative, `حدث ذلك في القرية. ${marker} Це сталося вночі.\n`);
    const answers = join(ws.dir, 'answers.json');
    await writeFile(
      answers,
      JSON.stringify({
        perpetrator: `armed group ${marker}`,
        shared: {
          triage: 'within-72h',
          incidentType: 'rape',
          area: 'NG008',
          consent: { storage: true, referral: true, statistics: true, justice: false },
        },
      }),
    );
    const text = join(ws.dir, 'testimony.txt');
    await writeFile(text, `${marker}\n`.repeat(5000));
    const binary = join(ws.dir, 'photo.jpg');
    const bytes = randomBytes(3 * 1024 * 1024);
    for (const at of [0, 65_530, 1_000_000, bytes.length - marker.length]) bytes.write(marker, at);
    await writeFile(binary, bytes);
    for (const file of [text, binary])
      evidenceHashes.push(
        createHash('sha256')
          .update(await readFile(file))
          .digest('hex'),
      );

    for (const args of [
      ['--narrative', narrative, '--answers', answers, '--evidence', text, '--evidence', binary],
      ['--narrative', narrative],
    ]) {
      const result = await runCli(['report', '--node', node.url, ...args]);
      expect(result.code, result.stderr).toBe(0);
      receipts.push(result.stdout.trim().split('\n').pop()!);
    }
  });

  afterAll(async () => {
    await node?.kill();
    await ws?.cleanup();
  });

  it('prints a receipt code as the last line of `backup report`', () => {
    expect(receipts).toHaveLength(2);
    for (const receipt of receipts) expect(receipt).toMatch(RECEIPT_LINE);
  });

  it('lets the reporter follow up with the receipt', async () => {
    const lookup = toBase64Url(deriveReceiptKeys(receipts[0]!).lookup);
    const response = await fetch(`${node.url}/api/v1/followup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ lookup }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { status: string; evidence: { complete: boolean }[] };
    expect(body.status).toBe('received');
    expect(body.evidence.map((e) => e.complete)).toEqual([true, true]);
  });

  it('holds no marker, passphrase or case secret key, while running and after stopping', async () => {
    const secret = await unlockCaseKey(ws.dataDir, ws.passphrase);
    const forbidden = needles({
      ...encodingsOf('case secret key', secret),
      ...encodingsOf('passphrase', Buffer.from(ws.passphrase)),
    });
    expect(await findInFiles(ws.dataDir, forbidden)).toEqual([]);
    await node.kill('SIGTERM');
    expect(await findInFiles(ws.dataDir, forbidden)).toEqual([]);
    // The scan is not vacuous: the same search finds the marker in the reporter's files.
    expect((await findInFiles(ws.dir, needles())).length).toBeGreaterThan(0);
  });

  it('keeps only the wrapped case key: the public half matches the unlocked secret', async () => {
    const file = await readKeyFile(ws.dataDir);
    const secret = await unlockCaseKey(ws.dataDir, ws.passphrase);
    expect(toBase64Url(boxPublicKeyFromSecret(secret))).toBe(toBase64Url(file!.casePublicKey));
  });

  it('cannot be opened without the admin passphrase', async () => {
    const wrong = join(ws.dir, 'wrong.txt');
    await writeFile(wrong, 'not the passphrase at all\n');
    const out = join(ws.dir, 'out-wrong');
    const result = await runCli(['decrypt', '--data', ws.dataDir, '--out', out, '--passphrase-file', wrong]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/passphrase does not unlock/);
    await expect(readdir(out)).rejects.toThrow(/ENOENT/);
  });

  it('opens with the admin passphrase: reports and evidence decrypt to the originals', async () => {
    const out = join(ws.dir, 'out');
    const result = await runCli(['decrypt', '--data', ws.dataDir, '--out', out], `${ws.passphrase}\n`);
    expect(result.code, result.stderr).toBe(0);
    const cases = await readdir(out);
    expect(cases).toHaveLength(2);
    const reports = await Promise.all(
      cases.map(
        async (id) =>
          JSON.parse(await readFile(join(out, id, 'report.json'), 'utf8')) as {
            shared: { triage: string };
            report: { narrative: string; answers: { perpetrator?: string } };
          },
      ),
    );
    for (const r of reports) expect(r.report.narrative).toContain(marker);
    const full = reports.find((r) => r.report.answers.perpetrator)!;
    expect(full.report.answers.perpetrator).toBe(`armed group ${marker}`);
    expect(full.shared.triage).toBe('within-72h');
    const fullId = cases[reports.indexOf(full)]!;
    const files = (await readdir(join(out, fullId, 'evidence'))).filter((f) => !f.endsWith('.json'));
    const hashes = await Promise.all(
      files.map(async (f) =>
        createHash('sha256')
          .update(await readFile(join(out, fullId, 'evidence', f)))
          .digest('hex'),
      ),
    );
    expect(hashes.sort()).toEqual([...evidenceHashes].sort());
  });
});
