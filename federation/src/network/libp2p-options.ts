// The whole libp2p configuration, spelled out. Never libp2pDefaults(): it adds bootstrap
// lists, mDNS, UPnP, a DHT, relays and AutoNAT, all of which would announce or look for
// peers beyond the federation. A node dials only the members it is configured with.
import { gossipsub } from '@libp2p/gossipsub';
import { identify } from '@libp2p/identify';
import { noise } from '@libp2p/noise';
import { tcp } from '@libp2p/tcp';
import { yamux } from '@libp2p/yamux';
import type { GossipSub } from '@libp2p/gossipsub';
import type { Identify } from '@libp2p/identify';
import type { Libp2pOptions } from 'libp2p';
import { membersOnlyGater } from './membership.ts';
import type { Membership } from './membership.ts';
import type { PeerPrivateKey } from './keys.ts';

/** Inbound connections a second from one address, and handshakes in progress. */
const INBOUND_CONNECTIONS_PER_SECOND = 32;

export interface FederationServices extends Record<string, unknown> {
  identify: Identify;
  pubsub: GossipSub;
}

export function libp2pOptions(
  privateKey: PeerPrivateKey,
  listen: ReadonlyArray<string>,
  membership: Membership,
  dialTimeoutMs: number,
): Libp2pOptions<FederationServices> {
  return {
    start: false,
    privateKey,
    addresses: { listen: [...listen] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    peerDiscovery: [],
    connectionGater: membersOnlyGater(membership),
    connectionManager: {
      dialTimeout: dialTimeoutMs,
      // libp2p's default (5 a second per address) would refuse members that share one
      // address (a NAT, a hosting provider, loopback); non-members are refused by the
      // gater right after the handshake whatever this allows.
      inboundConnectionThreshold: INBOUND_CONNECTIONS_PER_SECOND,
      maxIncomingPendingConnections: INBOUND_CONNECTIONS_PER_SECOND,
    },
    services: {
      identify: identify(),
      pubsub: gossipsub({
        allowPublishToZeroTopicPeers: true,
        globalSignaturePolicy: 'StrictSign',
        emitSelf: false,
        fallbackToFloodsub: false,
        // Peer exchange would hand out addresses of peers outside our configuration.
        doPX: false,
      }),
    },
  };
}
