// From a reporter's upload to a court's check: a node of a three-node federation exports
// the evidence package of one file with `backup export`, and `backup verify` checks it
// offline against the federation's trust policy; the export is itself logged.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportCommand } from '../node/src/cli/export-command.ts';
import { federationCommand } from '../node/src/cli/federation-command.ts';
import { verifyCommand } from '../node/src/cli/verify-command.ts';
import {
  capture,
  cosignedCheckpoint,
  eventually,
  sendReport,
  startFederation,
  uploadFile,
} from './helpers/federation.ts';

let federation: Awaited<ReturnType<typeof startFederation>>;
let work = '';

beforeAll(async () => {
  federation = await startFederation(3);
  work = await mkdtemp(join(tmpdir(), 'backup-export-'));
}, 60_000);
afterAll(async () => {
  await federation?.stop();
  await rm(work, { recursive: true, force: true });
});

describe('backup export, then backup verify', () => {
  it('packages an uploaded file that verifies offline, and logs the export', async () => {
    const source = federation.nodes[0]!;
    const url = source.node.url;
    const video = new TextEncoder().encode(`a video of what happened ${'x'.repeat(5000)}`);
    const { id } = await uploadFile(await sendReport(url), video, 'témoignage.mp4', 'video/mp4');
    const logged = source.node.integrity.log.size;
    // Wait until a checkpoint that covers the upload and its "received" event has 2 cosignatures.
    await cosignedCheckpoint(source, logged, 2);

    const out = join(work, 'package');
    const passphraseFile = join(work, 'passphrase');
    await writeFile(passphraseFile, `${source.passphrase}\n`);
    const exported = capture();
    expect(
      await exportCommand(
        { data: source.dataDir, evidence: id, out, 'passphrase-file': passphraseFile },
        exported.stream,
      ),
    ).toBe(0);
    expect(exported.text()).toContain('backup verify');
    const manifest = JSON.parse(await readFile(join(out, 'package.json'), 'utf8')) as {
      evidence: { file: string };
      custody: unknown[];
    };
    expect(new Uint8Array(await readFile(join(out, manifest.evidence.file)))).toEqual(video);
    expect(manifest.custody).toHaveLength(1);
    expect(await readFile(join(out, 'VERIFY.txt'), 'utf8')).toContain(source.node.integrity.identity.origin);

    // The policy comes from the federation (here another member's admin), not from the package.
    const policy = capture();
    await federationCommand('policy', [], { data: federation.nodes[1]!.dataDir, quorum: '2' }, policy.stream);
    const policyFile = join(work, 'policy.json');
    await writeFile(policyFile, policy.text());
    const verified = capture();
    expect(await verifyCommand({ package: out, policy: policyFile }, verified.stream)).toBe(0);
    expect(verified.text()).toMatch(/VERIFIED: all \d+ checks passed/);

    // One byte of the file changed: refused, and the reason says which check.
    const file = join(out, manifest.evidence.file);
    const bytes = await readFile(file);
    bytes[10] = bytes[10]! ^ 1;
    await writeFile(file, bytes);
    const refused = capture();
    expect(await verifyCommand({ package: out, policy: policyFile }, refused.stream)).toBe(1);
    expect(refused.text()).toContain('NOT VERIFIED');
    expect(refused.text()).toMatch(/✗.*SHA-256/);

    // The export is recorded and reaches the log while the node runs.
    await eventually('the exported event in the log', () =>
      source.node.integrity.log.size === logged + 1 ? true : undefined,
    );

    // Later, a new package proves the log still extends the one the court already holds,
    // and now carries both custody events.
    await cosignedCheckpoint(source, logged + 1, 2);
    const later = join(work, 'later');
    const since = join(work, 'package', 'evidence.tlog-proof');
    await writeFile(
      file,
      bytes.map((b, i) => (i === 10 ? b ^ 1 : b)),
    ); // the original bytes again
    expect(
      await exportCommand(
        { data: source.dataDir, evidence: id, out: later, 'passphrase-file': passphraseFile, since },
        capture().stream,
      ),
    ).toBe(0);
    const laterManifest = JSON.parse(await readFile(join(later, 'package.json'), 'utf8')) as {
      custody: unknown[];
      consistency: unknown[];
    };
    expect(laterManifest.custody).toHaveLength(2);
    expect(laterManifest.consistency).toHaveLength(1);
    const reverified = capture();
    expect(await verifyCommand({ package: later, policy: policyFile }, reverified.stream)).toBe(0);
    expect(reverified.text()).toMatch(/✓.*consistent|✓.*extends|✓.*[Cc]onsistency/);
  });

  it('refuses to export into a folder that is not empty, and an unknown id', async () => {
    const source = federation.nodes[0]!;
    const err = capture();
    await expect(exportCommand({ data: source.dataDir, evidence: 'x', out: work }, err.stream)).rejects.toThrow(
      /evidence id/,
    );
    await expect(
      exportCommand({ data: source.dataDir, evidence: 'A'.repeat(22), out: work }, err.stream),
    ).rejects.toThrow(/not empty/);
  });
});
