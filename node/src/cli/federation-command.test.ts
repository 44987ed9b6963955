import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvitationError } from '../../../federation/src/membership/index.ts';
import { loadFederationIdentity } from '../integrity/index.ts';
import { federationCommand } from './federation-command.ts';
import { UsageError } from './usage.ts';

let root = '';
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'backup-federation-cli-'));
});
afterEach(() => rm(root, { recursive: true, force: true }));

async function run(action: string, args: string[], options: Record<string, unknown>) {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const code = await federationCommand(action, args, options, out);
  return { code, text: Buffer.concat(chunks).toString('utf8') };
}

describe('backup federation', () => {
  it('invite on one node, add on another, list, remove', async () => {
    const a = join(root, 'a');
    const b = join(root, 'b');
    const ida = await loadFederationIdentity(a, { nodeName: 'Clinique de Goma' });
    await loadFederationIdentity(b, { nodeName: 'Bukavu legal aid' });
    const invite = await run('invite', [], {
      data: a,
      organisation: 'Clinique de Goma',
      country: 'CD',
      address: ['/ip4/192.0.2.10/tcp/4101'],
    });
    expect(invite.code).toBe(0);
    expect(invite.text).toMatch(/^backup-invitation\/v1\n/);
    const file = join(root, 'goma.invitation');
    await writeFile(file, invite.text);

    const added = await run('add', [file], { data: b });
    expect(added.text).toContain(ida.logVerifierKey);
    const status = await run('status', [], { data: b });
    expect(status.text).toContain('Clinique de Goma (CD)');
    expect(status.text).toContain(ida.peerId);

    expect((await run('remove', [ida.origin], { data: b })).code).toBe(0);
    expect((await run('status', [], { data: b })).text).toContain('Members (0)');
  });

  it('refuses a changed invitation and a node’s own one', async () => {
    const a = join(root, 'a');
    await loadFederationIdentity(a, { nodeName: 'A' });
    const invite = await run('invite', [], {
      data: a,
      organisation: 'A',
      country: 'CD',
      address: ['/ip4/192.0.2.1/tcp/1'],
    });
    const file = join(root, 'x');
    await writeFile(file, invite.text.replace('organisation A', 'organisation B'));
    await expect(run('add', [file], { data: a })).rejects.toThrow(InvitationError);
    await writeFile(file, invite.text);
    await expect(run('add', [file], { data: a })).rejects.toThrow(InvitationError);
  });

  it('says what is missing', async () => {
    await expect(run('invite', [], {})).rejects.toThrow(UsageError);
    await loadFederationIdentity(join(root, 'a'), { nodeName: 'A' });
    await expect(run('invite', [], { data: join(root, 'a') })).rejects.toThrow(UsageError);
  });
});
