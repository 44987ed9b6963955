// FederationPeerInit is checked once, when the peer is created, into a frozen object.
import { multiaddr } from '@multiformats/multiaddr';
import { DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_REQUEST_TIMEOUT_MS, MAX_MESSAGE_BYTES_LIMIT } from './constants.ts';
import { InvalidNetworkInitError } from './errors.ts';
import type { FederationPeerInit, NetworkLog } from './index.ts';

/** Longest request timeout accepted: a request is one round trip, not a transfer. */
const MAX_REQUEST_TIMEOUT_MS = 10 * 60_000;

export interface PeerOptions extends Readonly<Required<Omit<FederationPeerInit, 'log'>>> {
  readonly log: NetworkLog;
}

const silent: NetworkLog = () => {};

export function parseInit(init: FederationPeerInit): PeerOptions {
  if (init.privateKey?.type !== 'Ed25519') throw new InvalidNetworkInitError('privateKey must be an Ed25519 key');
  if (typeof init.members !== 'function') throw new InvalidNetworkInitError('members must be a function');
  for (const address of init.listen) {
    try {
      multiaddr(address);
    } catch (cause) {
      throw new InvalidNetworkInitError(`listen address ${address} is not a multiaddr`, { cause });
    }
  }
  const maxMessageBytes = init.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  if (!Number.isInteger(maxMessageBytes) || maxMessageBytes < 1 || maxMessageBytes > MAX_MESSAGE_BYTES_LIMIT)
    throw new InvalidNetworkInitError(`maxMessageBytes must be a whole number from 1 to ${MAX_MESSAGE_BYTES_LIMIT}`);
  const requestTimeoutMs = init.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  if (!Number.isInteger(requestTimeoutMs) || requestTimeoutMs < 1 || requestTimeoutMs > MAX_REQUEST_TIMEOUT_MS)
    throw new InvalidNetworkInitError(`requestTimeoutMs must be a whole number from 1 to ${MAX_REQUEST_TIMEOUT_MS}`);
  return Object.freeze({
    privateKey: init.privateKey,
    listen: Object.freeze([...init.listen]),
    members: init.members,
    maxMessageBytes,
    requestTimeoutMs,
    log: init.log ?? silent,
  });
}
