// The message envelope: one note in the thread between a reporter and the caseworkers.
// The padded JSON is encrypted once, like a report, and its content key is sealed twice:
// to the node's case key (every caseworker) and to the reporter's reply key (derived from
// the receipt code), so both sides read the whole thread. See docs/formats.md.
import { DecryptionError } from './aead.ts';
import { toBase64Url, utf8 } from './bytes.ts';
import { openContent, padJson, sealContent } from './report.ts';
import type { BoxPublicKey, BoxSecretKey } from './sealed-box.ts';

export const MESSAGE_ENVELOPE_VERSION = 1;
/** The largest padded plaintext of a message: a long note, never a file. */
export const MESSAGE_MAX_PLAINTEXT_BYTES = 16 * 1024;
export const MESSAGE_AUTHORS = ['reporter', 'caseworker'] as const;
const AAD = utf8('backup message envelope v1');
/** Times in a message are kept to the hour, like everything the node records (decision 0007). */
const HOUR = /^\d{4}-\d\d-\d\dT\d\d:00Z$/;
const DOCUMENT_KEYS = new Set(['v', 'author', 'text', 'sentAt']);

export type MessageAuthor = (typeof MESSAGE_AUTHORS)[number];

/** Who opens a message: the caseworkers with the case key, or the reporter with the reply key. */
export type MessageReader = 'case' | 'reporter';

/** What a message says, once opened. */
export interface MessageDocument {
  readonly v: typeof MESSAGE_ENVELOPE_VERSION;
  readonly author: MessageAuthor;
  readonly text: string;
  /** The hour it was written, `YYYY-MM-DDTHH:00Z`; never more precise. */
  readonly sentAt?: string;
}

export interface SealedMessage {
  readonly v: typeof MESSAGE_ENVELOPE_VERSION;
  /** AES-GCM nonce (base64url). */
  readonly iv: string;
  /** AES-GCM ciphertext of the padded JSON document (base64url). */
  readonly ct: string;
  /** The one content key, sealed to each reader (base64url). */
  readonly keys: { readonly case: string; readonly reporter: string };
}

export interface MessageRecipients {
  readonly casePublicKey: BoxPublicKey;
  readonly reporterPublicKey: BoxPublicKey;
}

/** A message document that is not one: wrong shape, or times finer than the hour. */
export class MessageFormatError extends Error {
  override name = 'MessageFormatError';
}

export class MessageTooLongError extends Error {
  override name = 'MessageTooLongError';
}

/** Checks a message document; what an opened envelope holds came from the other side, so assume hostility. */
function checkDocument(value: unknown): MessageDocument {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new MessageFormatError('a message is a JSON object');
  const doc = value as Record<string, unknown>;
  const extra = Object.keys(doc).find((key) => !DOCUMENT_KEYS.has(key));
  // The name is the sender's: quoted as JSON, so no control character reaches a terminal.
  if (extra !== undefined) throw new MessageFormatError(`a message has no field ${JSON.stringify(extra)}`);
  if (doc['v'] !== MESSAGE_ENVELOPE_VERSION) throw new MessageFormatError('a message document has v: 1');
  if (!MESSAGE_AUTHORS.includes(doc['author'] as MessageAuthor))
    throw new MessageFormatError('a message is by the reporter or a caseworker');
  if (typeof doc['text'] !== 'string' || doc['text'].length === 0)
    throw new MessageFormatError('a message has some text');
  if (doc['sentAt'] !== undefined && (typeof doc['sentAt'] !== 'string' || !HOUR.test(doc['sentAt'])))
    throw new MessageFormatError('sentAt is an hour, YYYY-MM-DDTHH:00Z');
  const { v, author, text, sentAt } = doc as unknown as MessageDocument;
  return sentAt === undefined ? { v, author, text } : { v, author, text, sentAt };
}

export async function sealMessage(document: MessageDocument, recipients: MessageRecipients): Promise<SealedMessage> {
  const padded = padJson(checkDocument(document));
  if (padded.length > MESSAGE_MAX_PLAINTEXT_BYTES) {
    padded.fill(0);
    throw new MessageTooLongError(`a message may be at most ${MESSAGE_MAX_PLAINTEXT_BYTES} bytes once padded`);
  }
  const { sealedKeys, iv, ct } = await sealContent(padded, AAD, [
    recipients.casePublicKey,
    recipients.reporterPublicKey,
  ]);
  return {
    v: MESSAGE_ENVELOPE_VERSION,
    iv: toBase64Url(iv),
    ct: toBase64Url(ct),
    keys: { case: toBase64Url(sealedKeys[0]!), reporter: toBase64Url(sealedKeys[1]!) },
  };
}

/** Opens a message with the case secret key (`'case'`) or the reporter's reply secret key (`'reporter'`). */
export async function openMessage(
  envelope: SealedMessage,
  secretKey: BoxSecretKey,
  which: MessageReader,
): Promise<MessageDocument> {
  if (envelope.v !== MESSAGE_ENVELOPE_VERSION)
    throw new DecryptionError(`unknown message envelope version ${String(envelope.v)}`);
  if (which !== 'case' && which !== 'reporter') throw new TypeError('a message is opened as "case" or "reporter"');
  const sealedKey = (envelope.keys as Partial<SealedMessage['keys']> | undefined)?.[which];
  if (typeof sealedKey !== 'string') throw new DecryptionError(`the message has no key for the ${which} reader`);
  return checkDocument(await openContent(sealedKey, envelope.iv, envelope.ct, secretKey, AAD));
}
