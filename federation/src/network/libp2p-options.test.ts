import { describe, expect, it } from 'vitest';
import { generatePeerKey, peerKeyFromBytes } from './keys.ts';
import { libp2pOptions } from './libp2p-options.ts';
import { Membership } from './membership.ts';

describe('the libp2p composition', () => {
  it('has TCP, Noise and yamux, identify and gossipsub, and nothing that discovers or relays', async () => {
    const key = await generatePeerKey();
    const options = libp2pOptions(
      peerKeyFromBytes(key.privateKeyBytes),
      ['/ip4/127.0.0.1/tcp/0'],
      new Membership(() => [], key.peerId),
      1000,
    );
    expect(options.transports).toHaveLength(1);
    expect(options.connectionEncrypters).toHaveLength(1);
    expect(options.streamMuxers).toHaveLength(1);
    // No bootstrap list, mDNS, DHT, relay, UPnP or AutoNAT (libp2pDefaults() would add them).
    expect(options.peerDiscovery).toEqual([]);
    expect(Object.keys(options.services ?? {}).sort()).toEqual(['identify', 'pubsub']);
    expect(options.connectionGater).toBeDefined();
  });
});
