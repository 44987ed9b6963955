// A custody event: what the node did with a piece of evidence, logged as a salted
// commitment to these exact bytes (commitment/index.ts, custodyCommitment). The bytes are
// the canonical JSON below, so that one event has one encoding: a reader refuses any other
// (duplicate keys, spacing, escapes), which leaves no room for two readers to disagree.
//
//   {"v":1,"event":"received","evidence":"<base64 commitment>","at":"2026-05-01T14:00Z","log":"<origin>"}
import { COMMITMENT_BYTES } from '../commitment/index.ts';
import { fromBase64 } from '../note/index.ts';
import { PackageFormatError } from './errors.ts';
import { decodeUtf8, encoder, hasUnsafeCharacters } from './text.ts';

export const CUSTODY_EVENT_VERSION = 1;
export const CUSTODY_EVENT_KINDS = ['received', 'exported'] as const;
export type CustodyEventKind = (typeof CUSTODY_EVENT_KINDS)[number];
export const MAX_CUSTODY_EVENT_BYTES = 4096;
/** Longer than any log origin we make; bounds what a reader must hold and show. */
export const MAX_ORIGIN_LENGTH = 1024;

export interface CustodyEvent {
  readonly v: typeof CUSTODY_EVENT_VERSION;
  readonly event: CustodyEventKind;
  /** The evidence commitment (the log entry), standard base64. */
  readonly evidence: string;
  /** ISO 8601 UTC; nodes write the hour only (decision 0007), e.g. "2026-05-01T14:00Z". */
  readonly at: string;
  /** The origin of the log that holds both the evidence and this event. */
  readonly log: string;
}

const FIELDS = ['v', 'event', 'evidence', 'at', 'log'] as const;
const ISO_UTC = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?Z$/;

/** An ISO 8601 UTC time to the minute, second or millisecond, that names a real instant. */
export function isIsoUtc(text: string): boolean {
  const m = ISO_UTC.exec(text);
  if (!m) return false;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, Number.isNaN(s) ? 0 : s));
  return (
    date.getUTCFullYear() === y &&
    date.getUTCMonth() === mo - 1 &&
    date.getUTCDate() === d &&
    date.getUTCHours() === h &&
    date.getUTCMinutes() === mi &&
    (Number.isNaN(s) || date.getUTCSeconds() === s)
  );
}

export function checkOrigin(what: string, origin: unknown): string {
  if (typeof origin !== 'string' || origin.length === 0 || origin.length > MAX_ORIGIN_LENGTH)
    throw new PackageFormatError(`${what} is not a log origin`);
  if (hasUnsafeCharacters(origin)) throw new PackageFormatError(`${what} holds control characters`);
  return origin;
}

function checkEvent(value: unknown): CustodyEvent {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new PackageFormatError('the custody event is not a JSON object');
  const record = value as Record<string, unknown>;
  const unknown = Object.keys(record).filter((k) => !(FIELDS as readonly string[]).includes(k));
  if (unknown.length > 0) throw new PackageFormatError(`the custody event has unknown fields: ${unknown.join(', ')}`);
  if (record['v'] !== CUSTODY_EVENT_VERSION)
    throw new PackageFormatError(`the custody event is not version ${CUSTODY_EVENT_VERSION}`);
  const event = record['event'];
  if (!(CUSTODY_EVENT_KINDS as readonly unknown[]).includes(event))
    throw new PackageFormatError(`the custody event's "event" is not one of ${CUSTODY_EVENT_KINDS.join(', ')}`);
  const evidence = record['evidence'];
  let commitment: Uint8Array | undefined;
  try {
    commitment = typeof evidence === 'string' ? fromBase64(evidence) : undefined;
  } catch {
    commitment = undefined;
  }
  if (commitment?.length !== COMMITMENT_BYTES)
    throw new PackageFormatError('the custody event\'s "evidence" is not a 32-byte commitment in base64');
  const at = record['at'];
  if (typeof at !== 'string' || !isIsoUtc(at))
    throw new PackageFormatError('the custody event\'s "at" is not an ISO 8601 UTC time');
  const log = checkOrigin('the custody event\'s "log"', record['log']);
  return { v: CUSTODY_EVENT_VERSION, event: event as CustodyEventKind, evidence: evidence as string, at, log };
}

/** The canonical bytes of an event: these, and only these, are committed and logged. */
export function formatCustodyEvent(event: CustodyEvent): Uint8Array {
  const e = checkEvent(event);
  return encoder.encode(JSON.stringify({ v: e.v, event: e.event, evidence: e.evidence, at: e.at, log: e.log }));
}

/** Parses the bytes of a custody event from a package (hostile input), canonical form only. */
export function parseCustodyEvent(bytes: Uint8Array): CustodyEvent {
  if (bytes.length > MAX_CUSTODY_EVENT_BYTES) throw new PackageFormatError('the custody event is too large');
  const text = decodeUtf8('the custody event', bytes);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new PackageFormatError('the custody event is not JSON', { cause });
  }
  const event = checkEvent(value);
  const canonical = formatCustodyEvent(event);
  if (canonical.length !== bytes.length || canonical.some((b, i) => b !== bytes[i]))
    throw new PackageFormatError('the custody event is not in its canonical form (one line, fields in order)');
  return event;
}
