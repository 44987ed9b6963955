// Who may talk to this node. Membership is read afresh on every check, because the member
// list can change while the node runs; the gater applies it to every connection at the
// first point that knows the remote peer id.
import { multiaddr } from '@multiformats/multiaddr';
import type { ConnectionGater, PeerId } from '@libp2p/interface';
import type { Multiaddr } from '@multiformats/multiaddr';
import type { FederationMember } from './index.ts';

const P2P = '/p2p/';

export class Membership {
  readonly #members: () => ReadonlyArray<FederationMember>;
  readonly #self: string;

  constructor(members: () => ReadonlyArray<FederationMember>, self: string) {
    this.#members = members;
    this.#self = self;
  }

  get(peerId: string): FederationMember | undefined {
    if (peerId === this.#self) return undefined;
    return this.#members().find((m) => m.peerId === peerId);
  }

  isSelf(peerId: string): boolean {
    return peerId === this.#self;
  }

  isMember(peerId: string): boolean {
    return this.get(peerId) !== undefined;
  }

  peerIds(): string[] {
    return this.#members()
      .map((m) => m.peerId)
      .filter((id) => id !== this.#self);
  }

  /**
   * The member's configured addresses, each ending in /p2p/<its id>. Configured addresses
   * that do not parse or that name another peer are skipped and reported through `skip`.
   */
  dialAddresses(peerId: string, skip: (address: string, why: string) => void): Multiaddr[] {
    const out: Multiaddr[] = [];
    for (const address of this.get(peerId)?.addresses ?? []) {
      const at = address.lastIndexOf(P2P);
      const named = at === -1 ? undefined : address.slice(at + P2P.length);
      if (named !== undefined && named !== peerId) {
        skip(address, 'names another peer id');
        continue;
      }
      try {
        out.push(multiaddr(named === undefined ? `${address}${P2P}${peerId}` : address));
      } catch {
        skip(address, 'not a multiaddr');
      }
    }
    return out;
  }

  /** True when `address` (with or without /p2p/) is one the member list configures for it. */
  isConfiguredAddress(peerId: string, address: string): boolean {
    const bare = stripPeerId(address);
    return (this.get(peerId)?.addresses ?? []).some((a) => stripPeerId(a) === bare);
  }
}

function stripPeerId(address: string): string {
  const at = address.lastIndexOf(P2P);
  return at === -1 ? address : address.slice(0, at);
}

/**
 * Denies every connection, in either direction, with a peer that is not a member: dials
 * are stopped before they start, inbound connections right after the Noise handshake
 * reveals the remote's id, and both are checked again once upgraded in case membership
 * changed during the handshake. The peer store keeps only configured addresses, so
 * addresses a peer announces about itself are never dialled.
 */
export function membersOnlyGater(membership: Membership): ConnectionGater {
  const deny = (peer: PeerId) => !membership.isMember(peer.toString());
  return {
    denyDialPeer: deny,
    denyOutboundConnection: deny,
    denyInboundEncryptedConnection: deny,
    denyOutboundEncryptedConnection: deny,
    denyInboundUpgradedConnection: deny,
    denyOutboundUpgradedConnection: deny,
    // No relays in this federation: refuse relayed traffic outright.
    denyInboundRelayReservation: () => true,
    denyOutboundRelayedConnection: () => true,
    denyInboundRelayedConnection: () => true,
    filterMultiaddrForPeer: (peer: PeerId, address: Multiaddr) =>
      membership.isSelf(peer.toString()) || membership.isConfiguredAddress(peer.toString(), address.toString()),
  };
}
