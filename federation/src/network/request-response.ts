// Request/response over a fresh stream: the requester writes one frame and closes its
// side, the server answers with one response frame (see response.ts) and closes its side.
import { byteStream } from '@libp2p/utils';
import type { Connection, Stream, StreamHandler } from '@libp2p/interface';
import { STREAM_BUFFER_SLACK } from './constants.ts';
import { encodeFrame, readFrame } from './frame.ts';
import { decodeResponse, encodeErrorResponse, encodeResponse } from './response.ts';
import { linkSignal, raceAbort } from './signals.ts';
import {
  MalformedMessageError,
  MessageTooLargeError,
  NetworkError,
  NotMemberError,
  ProtocolNotSupportedError,
  RequestAbortedError,
  RequestFailedError,
  RequestTimeoutError,
  StreamClosedError,
  asError,
  describeError,
} from './errors.ts';
import type { Membership } from './membership.ts';
import type { NetworkLog, RequestHandler } from './index.ts';

export interface RequestContext {
  readonly membership: Membership;
  readonly maxMessageBytes: number;
  readonly requestTimeoutMs: number;
  readonly log: NetworkLog;
  /** Aborts when the peer stops. */
  lifecycle(): AbortSignal;
  /** An open connection to the member, dialled at its configured addresses if needed. */
  connect(peerId: string, signal: AbortSignal): Promise<Connection>;
}

/** libp2p errors that mean the stream or its connection ended under us. */
const STREAM_ENDED = new Set([
  'StreamResetError',
  'StreamAbortedError',
  'StreamStateError',
  'StreamBufferError',
  'ConnectionClosedError',
  'ConnectionClosingError',
  'MuxerClosedError',
]);

export async function sendRequest(
  ctx: RequestContext,
  peerId: string,
  protocol: string,
  body: Uint8Array,
  signal?: AbortSignal,
): Promise<Uint8Array> {
  if (!ctx.membership.isMember(peerId)) throw new NotMemberError(peerId);
  if (body.byteLength > ctx.maxMessageBytes)
    throw new MessageTooLargeError(`request of ${body.byteLength} bytes is over the limit of ${ctx.maxMessageBytes}`);
  const timeout = () =>
    new RequestTimeoutError(`${protocol} request to ${peerId} took over ${ctx.requestTimeoutMs} ms`);
  const linked = linkSignal([signal, ctx.lifecycle()], ctx.requestTimeoutMs, timeout);
  const options = { signal: linked.signal };
  let stream: Stream | undefined;
  try {
    const connection = await ctx.connect(peerId, linked.signal);
    stream = await connection.newStream(protocol, options);
    const bytes = byteStream(stream, { maxBufferSize: ctx.maxMessageBytes + STREAM_BUFFER_SLACK });
    await bytes.write(encodeFrame(body), options);
    await stream.close(options);
    // +1: the status byte in front of the response body.
    return decodeResponse(await readFrame(bytes, ctx.maxMessageBytes + 1, options));
  } catch (err) {
    stream?.abort(asError(err));
    throw requestError(err, linked.signal, protocol);
  } finally {
    linked.dispose();
  }
}

function requestError(err: unknown, signal: AbortSignal, protocol: string): NetworkError {
  if (err instanceof NetworkError) return err;
  if (signal.aborted) {
    const reason: unknown = signal.reason;
    if (reason instanceof NetworkError) return reason;
    return new RequestAbortedError('the request was aborted', { cause: reason });
  }
  const name = err instanceof Error ? err.name : '';
  if (name === 'UnsupportedProtocolError')
    return new ProtocolNotSupportedError(`the member does not serve ${protocol}`, { cause: err });
  if (STREAM_ENDED.has(name)) return new StreamClosedError('the stream closed before a response', { cause: err });
  return new RequestFailedError(`${protocol} request failed`, { cause: err });
}

export function requestStreamHandler(ctx: RequestContext, protocol: string, handler: RequestHandler): StreamHandler {
  return (stream, connection) => {
    // serve() settles on every path; the catch only guards against a bug in it.
    serve(ctx, protocol, handler, stream, connection.remotePeer.toString()).catch((err: unknown) => {
      stream.abort(asError(err));
      ctx.log('warn', 'request stream failed', {
        protocol,
        peer: connection.remotePeer.toString(),
        error: describeError(err),
      });
    });
  };
}

async function serve(ctx: RequestContext, protocol: string, handler: RequestHandler, stream: Stream, from: string) {
  const fields = { protocol, peer: from };
  // Defence in depth: the gater refused non-members when the connection opened, but the
  // member list may have changed since.
  if (!ctx.membership.isMember(from)) {
    ctx.log('warn', 'refused a stream from a peer that is not a member', fields);
    stream.abort(new NotMemberError(from));
    return;
  }
  const remoteGone = new AbortController();
  const onClose = () => remoteGone.abort(new StreamClosedError('the requester closed the stream'));
  stream.addEventListener('close', onClose);
  const timeout = () => new RequestTimeoutError(`${protocol} handler took over ${ctx.requestTimeoutMs} ms`);
  const working = linkSignal([ctx.lifecycle(), remoteGone.signal], ctx.requestTimeoutMs, timeout);
  // The reply gets its own bound: after a timeout there is still an error code to send.
  let replying: ReturnType<typeof linkSignal> | undefined;
  try {
    const bytes = byteStream(stream, { maxBufferSize: ctx.maxMessageBytes + STREAM_BUFFER_SLACK });
    const reply = await answer(ctx, handler, bytes, from, working.signal, fields);
    replying = linkSignal([ctx.lifecycle(), remoteGone.signal], ctx.requestTimeoutMs, timeout);
    await bytes.write(encodeFrame(reply), { signal: replying.signal });
    await stream.close({ signal: replying.signal });
  } catch (err) {
    ctx.log('debug', 'request stream ended without a reply', { ...fields, error: describeError(err) });
    stream.abort(asError(err));
  } finally {
    working.dispose();
    replying?.dispose();
    stream.removeEventListener('close', onClose);
  }
}

async function answer(
  ctx: RequestContext,
  handler: RequestHandler,
  bytes: Parameters<typeof readFrame>[0],
  from: string,
  signal: AbortSignal,
  fields: Record<string, string>,
): Promise<Uint8Array> {
  let request: Uint8Array;
  try {
    request = await readFrame(bytes, ctx.maxMessageBytes, { signal });
  } catch (err) {
    if (err instanceof MessageTooLargeError || err instanceof MalformedMessageError) {
      ctx.log('warn', 'refused a request frame', { ...fields, error: describeError(err) });
      return encodeErrorResponse(err instanceof MessageTooLargeError ? 'request-too-large' : 'malformed-request');
    }
    throw err; // closed, reset or stopping: there is nobody to answer
  }
  let response: Uint8Array;
  try {
    response = await raceAbort(
      Promise.resolve().then(() => handler(request, from, signal)),
      signal,
    );
  } catch (err) {
    if (signal.aborted && !(signal.reason instanceof RequestTimeoutError)) throw signal.reason;
    const code = signal.aborted ? 'timeout' : 'handler-failed';
    ctx.log('warn', 'request handler failed', { ...fields, error: describeError(err) });
    return encodeErrorResponse(code);
  }
  if (!(response instanceof Uint8Array) || response.byteLength > ctx.maxMessageBytes) {
    ctx.log('warn', 'request handler returned no bytes or too many', fields);
    return encodeErrorResponse(response instanceof Uint8Array ? 'response-too-large' : 'handler-failed');
  }
  return encodeResponse(response);
}
