// The FederationPeer: one libp2p node plus the request/response and gossip layers, with
// membership checked at the gater, in every handler and in every gossip validator.
import './polyfill.ts'; // before any libp2p code runs: see polyfill.ts
import { setMaxListeners } from 'node:events';
import { createLibp2p } from 'libp2p';
import type { Libp2p } from '@libp2p/interface';
import { CONNECT_CONCURRENCY } from './constants.ts';
import { RequestAbortedError, RequestTimeoutError, describeError } from './errors.ts';
import { Dialer } from './dialer.ts';
import { Gossip } from './gossip.ts';
import { parseInit } from './init.ts';
import type { PeerOptions } from './init.ts';
import { peerIdOfKey } from './keys.ts';
import { libp2pOptions } from './libp2p-options.ts';
import type { FederationServices } from './libp2p-options.ts';
import { Membership } from './membership.ts';
import { linkSignal } from './signals.ts';
import { requestStreamHandler, sendRequest } from './request-response.ts';
import type { RequestContext } from './request-response.ts';
import type {
  ConnectSummary,
  FederationPeer,
  FederationPeerInit,
  GossipListener,
  GossipValidator,
  RequestHandler,
} from './index.ts';

/** Creates a stopped peer; call start() to listen. */
export async function createFederationPeer(init: FederationPeerInit): Promise<FederationPeer> {
  const options = parseInit(init);
  const membership = new Membership(options.members, peerIdOfKey(options.privateKey));
  const libp2p = await createLibp2p(
    libp2pOptions(options.privateKey, options.listen, membership, options.requestTimeoutMs),
  );
  return new Peer(libp2p, membership, options);
}

class Peer implements FederationPeer {
  readonly peerId: string;
  readonly #libp2p: Libp2p<FederationServices>;
  readonly #membership: Membership;
  readonly #options: PeerOptions;
  readonly #gossip: Gossip;
  readonly #dialer: Dialer;
  readonly #context: RequestContext;
  /** Aborted by stop(); every request in flight listens to it. */
  #lifecycle = lifecycle();

  constructor(libp2p: Libp2p<FederationServices>, membership: Membership, options: PeerOptions) {
    this.peerId = libp2p.peerId.toString();
    this.#libp2p = libp2p;
    this.#membership = membership;
    this.#options = options;
    this.#dialer = new Dialer(libp2p, membership, options.log);
    this.#gossip = new Gossip(libp2p.services.pubsub, membership, options.maxMessageBytes, options.log);
    this.#context = {
      membership,
      maxMessageBytes: options.maxMessageBytes,
      requestTimeoutMs: options.requestTimeoutMs,
      log: options.log,
      lifecycle: () => this.#lifecycle.signal,
      connect: (peerId, signal) => this.#dialer.connect(peerId, signal),
    };
  }

  addresses(): string[] {
    return this.#libp2p.getMultiaddrs().map((address) => address.toString());
  }

  async start(): Promise<void> {
    if (this.#libp2p.status === 'started') return;
    this.#lifecycle = lifecycle();
    await this.#libp2p.start();
    this.#gossip.started();
  }

  async stop(): Promise<void> {
    this.#lifecycle.abort(new RequestAbortedError('the peer is stopping'));
    this.#gossip.stopped();
    await this.#libp2p.stop();
  }

  async handle(protocol: string, handler: RequestHandler): Promise<void> {
    await this.#libp2p.handle(protocol, requestStreamHandler(this.#context, protocol, handler));
  }

  async unhandle(protocol: string): Promise<void> {
    await this.#libp2p.unhandle(protocol);
  }

  request(peerId: string, protocol: string, body: Uint8Array, signal?: AbortSignal): Promise<Uint8Array> {
    return sendRequest(this.#context, peerId, protocol, body, signal);
  }

  subscribe(topic: string, validate: GossipValidator, onMessage: GossipListener): () => void {
    return this.#gossip.subscribe(topic, validate, onMessage);
  }

  publish(topic: string, data: Uint8Array): Promise<number> {
    return this.#gossip.publish(topic, data);
  }

  topicPeers(topic: string): string[] {
    return this.#gossip.topicPeers(topic);
  }

  connectedPeers(): string[] {
    return this.#libp2p.getPeers().map((peer) => peer.toString());
  }

  async connectToMembers(signal?: AbortSignal): Promise<ConnectSummary> {
    const connected = new Set(this.connectedPeers());
    const pending = this.#membership.peerIds().filter((id) => !connected.has(id));
    const failed: string[] = [];
    const worker = async () => {
      for (let peerId = pending.shift(); peerId !== undefined; peerId = pending.shift()) {
        const timeout = () => new RequestTimeoutError(`dial took over ${this.#options.requestTimeoutMs} ms`);
        const linked = linkSignal([signal, this.#lifecycle.signal], this.#options.requestTimeoutMs, timeout);
        try {
          await this.#dialer.connect(peerId, linked.signal);
        } catch (err) {
          failed.push(peerId);
          this.#options.log('warn', 'could not connect to a member', { peer: peerId, error: describeError(err) });
        } finally {
          linked.dispose();
        }
      }
    };
    await Promise.all(Array.from({ length: CONNECT_CONCURRENCY }, worker));
    const members = new Set(this.#membership.peerIds());
    return { connected: this.connectedPeers().filter((id) => members.has(id)), failed };
  }

  async disconnectNonMembers(): Promise<void> {
    const outsiders = this.#libp2p.getPeers().filter((peer) => !this.#membership.isMember(peer.toString()));
    await Promise.all(outsiders.map((peer) => this.#libp2p.hangUp(peer)));
  }
}

function lifecycle(): AbortController {
  const controller = new AbortController();
  setMaxListeners(Infinity, controller.signal);
  return controller;
}
