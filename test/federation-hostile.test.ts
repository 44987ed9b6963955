// Hostile peers against a real node's libp2p endpoint: an outsider cannot open a stream;
// a member's malformed, oversized, replayed and wrongly signed messages are refused with
// a clear answer, and the node goes on serving.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateEd25519Seed, nodeEd25519Signer } from '../federation/src/crypto/node.ts';
import { createInvitation } from '../federation/src/membership/index.ts';
import { leafHash, rootOfLeafHashes } from '../federation/src/merkle/index.ts';
import {
  type FederationPeer,
  createFederationPeer,
  generatePeerKey,
  peerKeyFromBytes,
} from '../federation/src/network/index.ts';
import {
  COSIGNATURE_V1_KEY_TYPE,
  ED25519_KEY_TYPE,
  formatCheckpoint,
  formatVerifierKey,
  noteSigner,
  signNote,
} from '../federation/src/note/index.ts';
import {
  CHECKPOINT_TOPIC,
  LOG_PROTOCOL,
  WITNESS_PROTOCOL,
  decodeWireResponse,
} from '../federation/src/service/index.ts';
import { formatAddCheckpointRequest } from '../federation/src/witness/index.ts';
import { type TestNode, eventually, startFederation } from './helpers/federation.ts';

let federation: Awaited<ReturnType<typeof startFederation>>;
let target: TestNode;
const peers: FederationPeer[] = [];

/** A peer of our own making: `member` decides whether the target's admin accepted it. */
async function hostilePeer(member: boolean) {
  const key = await generatePeerKey();
  const origin = `backup/hostile/${randomBytes(4).toString('hex')}`;
  const log = noteSigner(origin, ED25519_KEY_TYPE, nodeEd25519Signer(generateEd25519Seed()));
  const witness = nodeEd25519Signer(generateEd25519Seed());
  const peer = await createFederationPeer({
    privateKey: peerKeyFromBytes(key.privateKeyBytes),
    listen: ['/ip4/127.0.0.1/tcp/0'],
    members: () => [
      { peerId: target.node.integrity.identity.peerId, addresses: target.node.integrity.peer.addresses() },
    ],
  });
  await peer.start();
  peers.push(peer);
  if (member)
    await target.node.integrity.members.add(
      createInvitation(
        {
          organisation: 'Hostile but invited',
          country: 'CD',
          peerId: key.peerId,
          addresses: peer.addresses(),
          origin,
          logKey: formatVerifierKey(origin, ED25519_KEY_TYPE, log.publicKey),
          witnessKey: formatVerifierKey(`${origin}/w`, COSIGNATURE_V1_KEY_TYPE, witness.publicKey),
        },
        log,
      ),
    );
  const checkpoint = (size: number, signer = log) => {
    const leaves = Array.from({ length: size }, (_, i) => leafHash(Uint8Array.of(i)));
    return signNote(formatCheckpoint({ origin, size, root: rootOfLeafHashes(leaves), extensions: [] }), [signer]);
  };
  const ask = async (body: Uint8Array) =>
    decodeWireResponse(await peer.request(target.node.integrity.identity.peerId, WITNESS_PROTOCOL, body));
  return { peer, origin, checkpoint, ask };
}

beforeAll(async () => {
  federation = await startFederation(1);
  target = federation.nodes[0]!;
}, 60_000);
afterAll(async () => {
  await Promise.all(peers.map((p) => p.stop()));
  await federation?.stop();
});

/** The node still answers a well-formed request and its HTTP side is healthy. */
async function stillServing(ask: (b: Uint8Array) => Promise<{ status: number }>, body: Uint8Array) {
  expect((await ask(body)).status).not.toBe(500);
  expect((await fetch(`${target.node.url}/api/v1/health`)).status).toBe(200);
}

describe('a peer that is not a member', () => {
  it('cannot open a stream to the node', async () => {
    const outsider = await hostilePeer(false);
    await expect(outsider.ask(formatAddCheckpointRequest(0, [], outsider.checkpoint(1)))).rejects.toMatchObject({
      name: expect.stringMatching(/DialFailedError|NotMemberError|StreamClosedError/),
    });
  });
});

describe('a member sending hostile witness requests', () => {
  it('gets 400 for malformed bodies, 403 for a wrong signature, 409 for a replay, and the node goes on', async () => {
    const m = await hostilePeer(true);
    const enc = new TextEncoder();
    for (const garbage of [
      new Uint8Array(0),
      randomBytes(1000),
      enc.encode('old 0\n'),
      enc.encode(`old -1\n\n${m.checkpoint(1)}`),
      enc.encode(`old 0\nnot base64!\n\n${m.checkpoint(1)}`),
    ])
      expect((await m.ask(garbage)).status).toBe(400);

    const stranger = noteSigner(m.origin, ED25519_KEY_TYPE, nodeEd25519Signer(generateEd25519Seed()));
    expect((await m.ask(formatAddCheckpointRequest(0, [], m.checkpoint(3, stranger)))).status).toBe(403);

    const first = formatAddCheckpointRequest(0, [], m.checkpoint(3));
    const accepted = await m.ask(first);
    expect(accepted.status).toBe(200);
    expect(new TextDecoder().decode(accepted.body)).toMatch(/^— /);
    const replayed = await m.ask(first);
    expect(replayed.status).toBe(409);
    expect(replayed.contentType).toBe('text/x.tlog.size');
    expect(new TextDecoder().decode(replayed.body)).toBe('3\n');
    await stillServing(m.ask, formatAddCheckpointRequest(3, [], m.checkpoint(3)));
  });

  it('has an oversized message refused without harm', async () => {
    const m = await hostilePeer(true);
    await expect(m.ask(new Uint8Array(2 * 1024 * 1024))).rejects.toMatchObject({
      name: expect.stringMatching(/MessageTooLargeError|RemoteError|StreamClosedError/),
    });
    await expect(
      m.peer.request(
        target.node.integrity.identity.peerId,
        LOG_PROTOCOL,
        new TextEncoder().encode('consistency x y\n'),
      ),
    ).rejects.toMatchObject({ name: 'RemoteError' });
    await stillServing(m.ask, formatAddCheckpointRequest(0, [], m.checkpoint(1)));
  });

  it('has malformed and wrongly signed gossip dropped, and the node goes on', async () => {
    const m = await hostilePeer(true);
    await eventually('the gossip mesh', () => (m.peer.topicPeers(CHECKPOINT_TOPIC).length > 0 ? true : undefined));
    const stranger = noteSigner(m.origin, ED25519_KEY_TYPE, nodeEd25519Signer(generateEd25519Seed()));
    for (const data of [randomBytes(300), new TextEncoder().encode(m.checkpoint(2, stranger))])
      await m.peer.publish(CHECKPOINT_TOPIC, data).catch(() => 0);
    await new Promise((r) => setTimeout(r, 300));
    expect(target.node.integrity.splitViews.list()).toEqual([]);
    await stillServing(m.ask, formatAddCheckpointRequest(0, [], m.checkpoint(1)));
  });
});
