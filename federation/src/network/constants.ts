/** Every BackUp wire protocol id starts with this, then a name and a version. */
export const PROTOCOL_PREFIX = '/backup/';

/** Largest request, response or gossip payload a peer accepts unless told otherwise. */
export const DEFAULT_MAX_MESSAGE_BYTES = 256 * 1024;

/** A request (dial, send, handler, reply) must finish within this many milliseconds. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

/** How many members connectToMembers() dials at once. */
export const CONNECT_CONCURRENCY = 4;

/**
 * Slack over the message limit that a stream may buffer unread: one muxer frame (64 KiB)
 * plus a length prefix. Enough that a frame just over the limit is read far enough to be
 * refused with an error reply, while a peer that floods a stream has it reset.
 */
export const STREAM_BUFFER_SLACK = 64 * 1024 + 16;

/** Hard ceiling on maxMessageBytes: larger payloads belong in bitswap, not in one frame. */
export const MAX_MESSAGE_BYTES_LIMIT = 16 * 1024 * 1024;
