// Every failure the network layer reports is one of these classes, told apart by `.name`
// (the libp2p convention); the underlying library error, if any, is kept as `cause`.

/** Base class, so callers can tell network failures from their own. */
export class NetworkError extends Error {
  override name = 'NetworkError';
}

/** The init passed to createFederationPeer is unusable. */
export class InvalidNetworkInitError extends NetworkError {
  override name = 'InvalidNetworkInitError';
}

/** A stored peer key is not a protobuf-marshalled Ed25519 private key. */
export class InvalidPeerKeyError extends NetworkError {
  override name = 'InvalidPeerKeyError';
}

/** The peer id is not in the current member list. */
export class NotMemberError extends NetworkError {
  override name = 'NotMemberError';
  readonly peerId: string;
  constructor(peerId: string, options?: ErrorOptions) {
    super(`peer ${peerId} is not a federation member`, options);
    this.peerId = peerId;
  }
}

/** No connection to the member could be opened (refused, unreachable, no address). */
export class DialFailedError extends NetworkError {
  override name = 'DialFailedError';
}

/** The member does not serve the requested protocol. */
export class ProtocolNotSupportedError extends NetworkError {
  override name = 'ProtocolNotSupportedError';
}

/** The request did not complete within requestTimeoutMs. */
export class RequestTimeoutError extends NetworkError {
  override name = 'RequestTimeoutError';
}

/** The caller's signal aborted the request, or the peer was stopped. */
export class RequestAbortedError extends NetworkError {
  override name = 'RequestAbortedError';
}

/** A payload is larger than maxMessageBytes (ours to send, or theirs to read). */
export class MessageTooLargeError extends NetworkError {
  override name = 'MessageTooLargeError';
}

/** A frame from the remote is not a well-formed length-prefixed message. */
export class MalformedMessageError extends NetworkError {
  override name = 'MalformedMessageError';
}

/** The stream was closed or reset before a complete frame arrived. */
export class StreamClosedError extends NetworkError {
  override name = 'StreamClosedError';
}

/** Anything else that went wrong with a request; see `cause`. */
export class RequestFailedError extends NetworkError {
  override name = 'RequestFailedError';
}

/** The stable codes a serving peer puts on the wire instead of a response. */
export const REMOTE_ERROR_CODES = [
  'request-too-large',
  'malformed-request',
  'handler-failed',
  'response-too-large',
  'timeout',
] as const;
export type RemoteErrorCode = (typeof REMOTE_ERROR_CODES)[number] | 'unknown';

/** The serving peer answered with an error code instead of a response. */
export class RemoteError extends NetworkError {
  override name = 'RemoteError';
  readonly code: RemoteErrorCode;
  constructor(code: RemoteErrorCode, options?: ErrorOptions) {
    super(`the remote peer answered with error "${code}"`, options);
    this.code = code;
  }
}

/** This topic already has a subscription on this peer. */
export class AlreadySubscribedError extends NetworkError {
  override name = 'AlreadySubscribedError';
}

/** `name: message` of anything thrown, for logs (never a stack, never a payload). */
export function describeError(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

export function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
