import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { generateEd25519Seed, nodeEd25519Signer, nodeEd25519Verify } from '../crypto/node.ts';
import { COSIGNATURE_V1_KEY_TYPE, ED25519_KEY_TYPE, formatVerifierKey, noteSigner } from '../note/index.ts';
import { InvitationError, type Member, MemberList, createInvitation, parseInvitation } from './index.ts';

const verify = nodeEd25519Verify();
const PEER = '12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN';

function invitation(origin = 'backup/goma/1a2b3c4d', peerId = PEER) {
  const log = noteSigner(origin, ED25519_KEY_TYPE, nodeEd25519Signer(generateEd25519Seed()));
  const witness = nodeEd25519Signer(generateEd25519Seed());
  const member: Member = {
    organisation: 'Clinique de Goma',
    country: 'CD',
    peerId,
    addresses: ['/ip4/127.0.0.1/tcp/4101'],
    origin,
    logKey: formatVerifierKey(origin, ED25519_KEY_TYPE, log.publicKey),
    witnessKey: formatVerifierKey(`${origin}/witness`, COSIGNATURE_V1_KEY_TYPE, witness.publicKey),
  };
  return { member, note: createInvitation(member, log) };
}

describe('invitations', () => {
  it('round-trip: what one admin creates, another parses to the same member', () => {
    const { member, note } = invitation();
    expect(parseInvitation(note, verify)).toEqual(member);
  });
  it.each([
    ['a changed organisation', (n: string) => n.replace('Goma', 'Gomo')],
    ['a changed address', (n: string) => n.replace('4101', '4102')],
    ['a bad country', (n: string) => n.replace('country CD', 'country Congo')],
    ['no signature', (n: string) => n.slice(0, n.indexOf('\n\n') + 1)],
    ['another document', () => 'hello\n\n— x AAAAAAA=\n'],
  ])('refuses %s', (_, change) => {
    expect(() => parseInvitation(change(invitation().note), verify)).toThrow(InvitationError);
  });
  it('refuses an invitation signed by another key than the one it announces', () => {
    const a = invitation();
    const b = invitation();
    const forged = a.note.replace(/\n\n— .*\n$/, b.note.slice(b.note.indexOf('\n\n')));
    expect(() => parseInvitation(forged, verify)).toThrow(InvitationError);
  });
});

describe('MemberList', () => {
  let dir = '';
  afterEach(() => rm(dir, { recursive: true, force: true }));
  it('adds, replaces, removes and keeps members across reopening', async () => {
    dir = await mkdtemp(join(tmpdir(), 'members-'));
    const path = join(dir, 'members.json');
    const list = await MemberList.open(path, verify);
    const a = invitation('backup/a/00000001');
    await list.add(a.note);
    const successor = invitation('backup/a/00000001', '12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTM').note;
    await expect(list.add(successor)).rejects.toThrow(InvitationError);
    await list.add(successor, undefined, true);
    expect(list.list()).toHaveLength(1);
    expect(list.list()[0]!.peerId.endsWith('M')).toBe(true);
    await list.add(invitation('backup/b/00000002', '12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTB').note);
    const reopened = await MemberList.open(path, verify);
    expect(reopened.list().map((m) => m.origin)).toEqual(['backup/a/00000001', 'backup/b/00000002']);
    expect(await reopened.remove('backup/a/00000001')).toBe(true);
    expect(await reopened.remove('backup/a/00000001')).toBe(false);
    expect((await MemberList.open(path, verify)).list()).toHaveLength(1);
  });
  it('keeps every one of many members added at once', async () => {
    dir = await mkdtemp(join(tmpdir(), 'members-'));
    const list = await MemberList.open(join(dir, 'members.json'), verify);
    const peers = Array.from(
      { length: 8 },
      (_, i) => `12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXT${'ABCDEFGH'[i]}`,
    );
    await Promise.all(peers.map((p, i) => list.add(invitation(`backup/n/0000000${i}`, p).note)));
    expect(list.list()).toHaveLength(8);
    expect((await MemberList.open(join(dir, 'members.json'), verify)).list()).toHaveLength(8);
  });
  it('refuses this node’s own invitation', async () => {
    dir = await mkdtemp(join(tmpdir(), 'members-'));
    const list = await MemberList.open(join(dir, 'members.json'), verify);
    const own = invitation();
    await expect(list.add(own.note, { peerId: PEER, origin: 'x' })).rejects.toThrow(InvitationError);
  });
});
