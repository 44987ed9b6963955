// Real libp2p nodes on 127.0.0.1 (TCP port 0). Every wait is bounded and every node is
// stopped after each test.
import { afterEach, describe, expect, it } from 'vitest';
import { byteStream } from '@libp2p/utils';
import { multiaddr } from '@multiformats/multiaddr';
import { createLibp2p } from 'libp2p';
import {
  DialFailedError,
  InvalidNetworkInitError,
  InvalidPeerKeyError,
  MessageTooLargeError,
  NotMemberError,
  PROTOCOL_PREFIX,
  RemoteError,
  RequestAbortedError,
  RequestTimeoutError,
  StreamClosedError,
  createFederationPeer,
  generatePeerKey,
  peerKeyFromBytes,
} from './index.ts';
import type { FederationMember, FederationPeer, FederationPeerInit, GossipVerdict } from './index.ts';
import { readFrame } from './frame.ts';
import { libp2pOptions } from './libp2p-options.ts';
import { Membership } from './membership.ts';
import { decodeResponse } from './response.ts';

const LOOPBACK = ['/ip4/127.0.0.1/tcp/0'];
const ECHO = `${PROTOCOL_PREFIX}test-echo/1.0.0`;
const FAIL = `${PROTOCOL_PREFIX}test-fail/1.0.0`;
const TOPIC = 'backup/test/1';
const bytes = (text: string) => new TextEncoder().encode(text);
const text = (data: Uint8Array) => new TextDecoder().decode(data);

const running: Array<{ stop(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((node) => node.stop()));
});

/** One peer per init, each with a member list (a Map) the test edits; empty at first. */
async function startPeers(...inits: Array<Partial<FederationPeerInit>>) {
  const lists = inits.map(() => new Map<string, FederationMember>());
  const peers = await Promise.all(
    inits.map(async (init, i) => {
      const key = await generatePeerKey();
      const peer = await createFederationPeer({
        privateKey: peerKeyFromBytes(key.privateKeyBytes),
        listen: LOOPBACK,
        members: () => [...lists[i]!.values()],
        ...init,
      });
      expect(peer.peerId).toBe(key.peerId);
      running.push(peer);
      return peer;
    }),
  );
  await Promise.all(peers.map((peer) => peer.start()));
  return { peers, lists };
}

function admit(list: Map<string, FederationMember> | undefined, peer: FederationPeer, withAddresses = true) {
  list?.set(peer.peerId, { peerId: peer.peerId, addresses: withAddresses ? peer.addresses() : [] });
}

/** Peers that all list each other as members. */
async function federation(...inits: Array<Partial<FederationPeerInit>>) {
  const { peers, lists } = await startPeers(...inits);
  peers.forEach((_, i) => peers.forEach((other, j) => i !== j && admit(lists[i], other)));
  return { peers: peers as [FederationPeer, FederationPeer, ...FederationPeer[]], lists };
}

/** Polls `check` (doing `act` between polls, if given) until it holds or `ms` pass. */
async function waitFor(check: () => boolean, what: string, ms = 3_000, act?: () => Promise<unknown>) {
  for (const end = Date.now() + ms; !check(); await new Promise((r) => setTimeout(r, act ? 150 : 20))) {
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await act?.();
  }
}

async function serveEcho(peer: FederationPeer) {
  await peer.handle(ECHO, async (request, from) => bytes(`${text(request)} from ${from}`));
}

describe('peerKeyFromBytes', () => {
  it('reads back a generated key and refuses anything else', async () => {
    const { privateKeyBytes } = await generatePeerKey();
    expect(peerKeyFromBytes(privateKeyBytes).type).toBe('Ed25519');
    expect(() => peerKeyFromBytes(privateKeyBytes.subarray(1))).toThrow(InvalidPeerKeyError);
  });
});

describe('createFederationPeer', () => {
  it('refuses an unusable init', async () => {
    const privateKey = peerKeyFromBytes((await generatePeerKey()).privateKeyBytes);
    const init = { privateKey, listen: LOOPBACK, members: () => [] };
    await expect(createFederationPeer({ ...init, listen: ['not an address'] })).rejects.toThrow(
      InvalidNetworkInitError,
    );
    await expect(createFederationPeer({ ...init, maxMessageBytes: 0 })).rejects.toThrow(InvalidNetworkInitError);
  });

  describe('between two members', () => {
    it('answers a request with the handler response and names the requester', async () => {
      const [a, b] = (await federation({}, {})).peers;
      await serveEcho(a);
      expect(a.addresses()[0]).toMatch(/^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\/\w+$/);
      expect(text(await b.request(a.peerId, ECHO, bytes('ping')))).toBe(`ping from ${b.peerId}`);
      expect(a.connectedPeers()).toEqual([b.peerId]);
    });

    it('serves concurrent requests on one connection without leaking listeners', async () => {
      const [a, b] = (await federation({}, {})).peers;
      await serveEcho(a);
      const warnings: Error[] = [];
      const onWarning = (warning: Error) => warnings.push(warning);
      process.on('warning', onWarning);
      try {
        const replies = await Promise.all(
          Array.from({ length: 24 }, (_, i) => b.request(a.peerId, ECHO, bytes(`${i}`))),
        );
        expect(replies.map(text)).toEqual(Array.from({ length: 24 }, (_, i) => `${i} from ${b.peerId}`));
      } finally {
        process.off('warning', onWarning);
      }
      expect(warnings).toEqual([]);
    });
  });

  describe('gossip among three members', () => {
    it('delivers a message published by one member to the others', async () => {
      const { peers } = await federation({}, {}, {});
      const received = peers.map(() => [] as string[]);
      peers.forEach((peer, i) =>
        peer.subscribe(
          TOPIC,
          () => 'accept',
          (data, from) => received[i]!.push(`${text(data)}@${from}`),
        ),
      );
      const summaries = await Promise.all(peers.map((peer) => peer.connectToMembers()));
      expect(summaries.flatMap((s) => s.failed)).toEqual([]);
      await waitFor(() => peers.every((peer) => peer.topicPeers(TOPIC).length === 2), 'subscriptions to spread');
      expect(await peers[0].publish(TOPIC, bytes('hello'))).toBe(2);
      await waitFor(() => received[1]!.length > 0 && received[2]!.length > 0, 'delivery');
      const expected = `hello@${peers[0].peerId}`;
      expect(received).toEqual([[], [expected], [expected]]);
    });

    it('neither delivers nor forwards a message the validator rejects', { timeout: 12_000 }, async () => {
      // A line a — b — c: a and c list each other (without addresses) but only b dials.
      const { peers, lists } = await startPeers({}, {}, {});
      const [a, b, c] = peers as [FederationPeer, FederationPeer, FederationPeer];
      admit(lists[0], b);
      admit(lists[0], c, false);
      admit(lists[1], a);
      admit(lists[1], c);
      admit(lists[2], b);
      admit(lists[2], a, false);
      const seen = { b: [] as string[], c: [] as string[] };
      const rejectBad = (data: Uint8Array): GossipVerdict => (text(data) === 'bad' ? 'reject' : 'accept');
      a.subscribe(
        TOPIC,
        () => 'accept',
        () => {},
      );
      b.subscribe(TOPIC, rejectBad, (data) => seen.b.push(text(data)));
      c.subscribe(
        TOPIC,
        () => 'accept',
        (data, from) => seen.c.push(`${text(data)}@${from}`),
      );
      expect((await b.connectToMembers()).connected.sort()).toEqual([a.peerId, c.peerId].sort());
      await waitFor(() => a.topicPeers(TOPIC).length === 1 && c.topicPeers(TOPIC).length === 1, 'subscriptions');
      // b forwards only to its gossipsub mesh, which forms on a heartbeat: publish until
      // a message gets through to c, so the rejected one below had a path it was kept off.
      let warmups = 0;
      await waitFor(
        () => seen.c.length > 0,
        'a message to reach c through b',
        8_000,
        () => a.publish(TOPIC, bytes(`warm-up ${warmups++}`)),
      );
      await a.publish(TOPIC, bytes('bad'));
      await a.publish(TOPIC, bytes('good'));
      await waitFor(() => seen.c.includes(`good@${a.peerId}`), 'the accepted message to be forwarded');
      await new Promise((r) => setTimeout(r, 200));
      expect(seen.b.filter((m) => !m.startsWith('warm-up'))).toEqual(['good']);
      expect(seen.c.filter((m) => !m.startsWith('warm-up'))).toEqual([`good@${a.peerId}`]);
    });
  });

  describe('when the peer is not a member', () => {
    it('refuses its connection, so its requests fail', async () => {
      const [a, b] = (await federation({}, {})).peers;
      const { peers, lists } = await startPeers({});
      const outsider = peers[0]!;
      admit(lists[0], a); // the outsider believes a is a member; a does not list it
      await serveEcho(a);
      await expect(outsider.request(a.peerId, ECHO, bytes('let me in'))).rejects.toBeInstanceOf(DialFailedError);
      expect(await outsider.connectToMembers()).toEqual({ connected: [], failed: [a.peerId] });
      expect(a.connectedPeers()).not.toContain(outsider.peerId);
      await expect(a.request(outsider.peerId, ECHO, bytes('x'))).rejects.toBeInstanceOf(NotMemberError);
      expect(text(await b.request(a.peerId, ECHO, bytes('ok')))).toBe(`ok from ${b.peerId}`);
    });

    it('refuses a member removed at run time, on its streams and its next connection', async () => {
      const { peers, lists } = await federation({}, {});
      const [a, b] = peers;
      await serveEcho(a);
      await b.request(a.peerId, ECHO, bytes('first'));
      lists[0]!.delete(b.peerId);
      // The open connection stays up until a drops it, but a's handler refuses the stream.
      await expect(b.request(a.peerId, ECHO, bytes('again'))).rejects.toBeInstanceOf(StreamClosedError);
      await a.disconnectNonMembers();
      await waitFor(() => b.connectedPeers().length === 0, 'the connection to close');
      await expect(b.request(a.peerId, ECHO, bytes('once more'))).rejects.toBeInstanceOf(DialFailedError);
      expect(a.connectedPeers()).toEqual([]);
    });
  });

  describe('when a request goes wrong, the requester gets a named error and the server keeps serving', () => {
    it('refuses frames over maxMessageBytes, in either direction', async () => {
      const [small, big] = (await federation({ maxMessageBytes: 1024 }, {})).peers;
      await serveEcho(small);
      await big.handle(ECHO, async () => new Uint8Array(4096));
      await expect(big.request(small.peerId, ECHO, new Uint8Array(2048))).rejects.toMatchObject({
        name: 'RemoteError',
        code: 'request-too-large',
      });
      await expect(small.request(big.peerId, ECHO, bytes('send me a lot'))).rejects.toBeInstanceOf(
        MessageTooLargeError,
      );
      await expect(small.request(big.peerId, ECHO, new Uint8Array(2048))).rejects.toBeInstanceOf(MessageTooLargeError);
      expect(text(await big.request(small.peerId, ECHO, bytes('next')))).toBe(`next from ${big.peerId}`);
    });

    it('answers a malformed length prefix with an error code', async () => {
      const { peers, lists } = await federation({}, {});
      const [server, member] = peers;
      await serveEcho(server);
      // A member that speaks raw libp2p and writes garbage where the length prefix goes.
      const key = peerKeyFromBytes((await generatePeerKey()).privateKeyBytes);
      const serverEntry = { peerId: server.peerId, addresses: server.addresses() };
      const raw = await createLibp2p(libp2pOptions(key, LOOPBACK, new Membership(() => [serverEntry], ''), 5_000));
      running.push({ stop: async () => raw.stop() });
      await raw.start();
      lists[0]!.set(raw.peerId.toString(), { peerId: raw.peerId.toString(), addresses: [] });
      const stream = await raw.dialProtocol(multiaddr(server.addresses()[0]!), ECHO);
      const reader = byteStream(stream);
      await reader.write(new Uint8Array(16).fill(0xff));
      await stream.close();
      const reply = await readFrame(reader, 64, { signal: AbortSignal.timeout(5_000) });
      expect(() => decodeResponse(reply)).toThrow(expect.objectContaining({ code: 'malformed-request' }));
      expect(text(await member.request(server.peerId, ECHO, bytes('next')))).toBe(`next from ${member.peerId}`);
    });

    it('reports a handler that throws without revealing its message', async () => {
      const [server, client] = (await federation({}, {})).peers;
      await server.handle(FAIL, async () => {
        throw new Error('secret detail');
      });
      const failure: unknown = await client.request(server.peerId, FAIL, bytes('x')).catch((err: unknown) => err);
      expect(failure).toBeInstanceOf(RemoteError);
      expect(failure).toMatchObject({ name: 'RemoteError', code: 'handler-failed' });
      expect((failure as Error).message).not.toMatch(/secret/);
      await serveEcho(server);
      expect(text(await client.request(server.peerId, ECHO, bytes('next')))).toBe(`next from ${client.peerId}`);
    });

    it('times out a slow handler, which sees its signal abort', async () => {
      const [server, client] = (await federation({}, { requestTimeoutMs: 400 })).peers;
      let handlerAborted = false;
      await server.handle(ECHO, async (request, _from, signal) => {
        if (text(request) === 'fast') return bytes('fast');
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 5_000);
          signal.addEventListener('abort', () => resolve(clearTimeout(timer)));
        });
        handlerAborted = signal.aborted;
        return bytes('too late');
      });
      await client.connectToMembers();
      await expect(client.request(server.peerId, ECHO, bytes('slow'))).rejects.toBeInstanceOf(RequestTimeoutError);
      await waitFor(() => handlerAborted, 'the handler signal to abort');
      expect(text(await client.request(server.peerId, ECHO, bytes('fast')))).toBe('fast');
    });

    it('stops when the caller aborts', async () => {
      const [server, client] = (await federation({}, {})).peers;
      await server.handle(
        ECHO,
        (_request, _from, signal) => new Promise((_, reject) => signal.addEventListener('abort', reject)),
      );
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 100);
      await expect(client.request(server.peerId, ECHO, bytes('x'), controller.signal)).rejects.toBeInstanceOf(
        RequestAbortedError,
      );
    });
  });
});
