// The federation's network layer: libp2p over TCP with Noise and yamux, identify and
// gossipsub, nothing else (no discovery, DHT, relay, UPnP or AutoNAT). Only members talk
// to each other: a connection gater refuses every other peer, and every protocol
// handler checks membership again.
import './polyfill.ts';
import type { PeerPrivateKey } from './keys.ts';

export interface FederationMember {
  /** The member's libp2p peer id (base58btc). */
  readonly peerId: string;
  /** Multiaddrs to dial it at, e.g. /ip4/198.51.100.7/tcp/4001; the only ones dialled. */
  readonly addresses: ReadonlyArray<string>;
}

export type NetworkLogFields = Readonly<Record<string, string | number | boolean | undefined>>;
/** Same shape as the node's logger methods; messages never carry payloads. */
export type NetworkLog = (level: 'warn' | 'info' | 'debug', message: string, fields?: NetworkLogFields) => void;

export interface FederationPeerInit {
  /** This node's identity (see generatePeerKey / peerKeyFromBytes). */
  privateKey: PeerPrivateKey;
  /** Multiaddrs to listen on, e.g. /ip4/0.0.0.0/tcp/4001. */
  listen: ReadonlyArray<string>;
  /** The current member list; read on every check, so it may change at run time. */
  members: () => ReadonlyArray<FederationMember>;
  /** Largest request, response or gossip payload (default DEFAULT_MAX_MESSAGE_BYTES). */
  maxMessageBytes?: number;
  /** Bound on one request, dial included (default DEFAULT_REQUEST_TIMEOUT_MS). */
  requestTimeoutMs?: number;
  log?: NetworkLog;
}

/** Serves one request. Input is from another member but still hostile: validate it. */
export type RequestHandler = (request: Uint8Array, from: string, signal: AbortSignal) => Promise<Uint8Array>;

export type GossipVerdict = 'accept' | 'reject' | 'ignore';
/** 'reject' drops the message and penalises the peer that sent it; 'ignore' only drops it. */
export type GossipValidator = (data: Uint8Array, from: string) => GossipVerdict | Promise<GossipVerdict>;
export type GossipListener = (data: Uint8Array, from: string) => void;

export interface ConnectSummary {
  /** Members connected after the call, including those connected before it. */
  connected: string[];
  /** Members that could not be reached (the reasons go to the log). */
  failed: string[];
}

export interface FederationPeer {
  readonly peerId: string;
  /** Listening multiaddrs, each ending in /p2p/<peerId>. */
  addresses(): string[];
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Answers `protocol` (e.g. /backup/witness/1.0.0) with one response per request. */
  handle(protocol: string, handler: RequestHandler): Promise<void>;
  unhandle(protocol: string): Promise<void>;
  /** One request, one response, on a fresh stream; dials the member if needed. */
  request(peerId: string, protocol: string, body: Uint8Array, signal?: AbortSignal): Promise<Uint8Array>;
  /** Messages reach onMessage only from members and once `validate` accepts them. */
  subscribe(topic: string, validate: GossipValidator, onMessage: GossipListener): () => void;
  /** Resolves with the number of peers the message was sent to. */
  publish(topic: string, data: Uint8Array): Promise<number>;
  /** Dials every member not yet connected; failures are logged, not thrown. */
  connectToMembers(signal?: AbortSignal): Promise<ConnectSummary>;
  /** Closes connections to peers that are no longer members. */
  disconnectNonMembers(): Promise<void>;
  connectedPeers(): string[];
  /** Peers known to be subscribed to `topic`. */
  topicPeers(topic: string): string[];
}

export {
  CONNECT_CONCURRENCY,
  DEFAULT_MAX_MESSAGE_BYTES,
  DEFAULT_REQUEST_TIMEOUT_MS,
  PROTOCOL_PREFIX,
} from './constants.ts';
export {
  AlreadySubscribedError,
  DialFailedError,
  InvalidNetworkInitError,
  InvalidPeerKeyError,
  MalformedMessageError,
  MessageTooLargeError,
  NetworkError,
  NotMemberError,
  ProtocolNotSupportedError,
  RemoteError,
  REMOTE_ERROR_CODES,
  RequestAbortedError,
  RequestFailedError,
  RequestTimeoutError,
  StreamClosedError,
} from './errors.ts';
export type { RemoteErrorCode } from './errors.ts';
export { generatePeerKey, peerIdOfKey, peerKeyFromBytes } from './keys.ts';
export type { GeneratedPeerKey, PeerPrivateKey } from './keys.ts';
export { createFederationPeer } from './peer.ts';
