// Coming back with the receipt code: the report's status and the sealed thread with the
// caseworkers. The code never leaves the device; the node gets only the lookup value, and
// messages are opened here with the reply key derived from the code.
import {
  type BoxPublicKey,
  type BoxSecretKey,
  type MessageAuthor,
  type SealedMessage,
  deriveReceiptKeys,
  openMessage,
  sealMessage,
  toBase64Url,
  wipe,
} from '../envelope/index.ts';
import { call } from './http.ts';
import type {
  EvidenceStatus,
  FollowUpRequest,
  FollowUpStatus,
  MessageAccepted,
  MessageSubmission,
  ThreadEntry,
} from './types.ts';

/** Failures that mean "this message does not open", as opposed to a bug or a network error. */
const UNREADABLE = new Set([
  'DecryptionError',
  'SealedBoxError',
  'EncodingError',
  'KeyLengthError',
  'MessageFormatError',
]);

interface ThreadMessageBase {
  readonly id: string;
  readonly author: MessageAuthor;
  readonly receivedHour: string;
}

/** A message of the thread, opened on the device; an unreadable one is shown as such. */
export type ThreadMessage =
  | (ThreadMessageBase & { readonly readable: true; readonly text: string })
  | (ThreadMessageBase & { readonly readable: false });

export interface FollowUp {
  readonly status: string;
  readonly receivedHour: string;
  readonly evidence: readonly EvidenceStatus[];
  /** Oldest first. */
  readonly messages: readonly ThreadMessage[];
}

function postJson<T>(nodeUrl: string, path: string, body: unknown, signal: AbortSignal | undefined): Promise<T> {
  return call<T>(new URL(path, nodeUrl).href, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal,
  });
}

/** The envelope's outline, checked before opening: the node's answer is not trusted blindly. */
function looksSealed(message: unknown): message is SealedMessage {
  if (typeof message !== 'object' || message === null) return false;
  const m = message as { iv?: unknown; ct?: unknown; keys?: { reporter?: unknown } | null };
  return typeof m.iv === 'string' && typeof m.ct === 'string' && typeof m.keys?.reporter === 'string';
}

async function openEntry(entry: ThreadEntry, replySecretKey: BoxSecretKey): Promise<ThreadMessage> {
  const base = { id: entry.id, author: entry.author, receivedHour: entry.receivedHour };
  if (!looksSealed(entry.message)) return { ...base, readable: false };
  try {
    const document = await openMessage(entry.message, replySecretKey, 'reporter');
    // The node records which way a message came; a document claiming another author is not believed.
    if (document.author !== entry.author) return { ...base, readable: false };
    return { ...base, readable: true, text: document.text };
  } catch (error) {
    if (UNREADABLE.has((error as Error)?.name)) return { ...base, readable: false };
    throw error;
  }
}

/** The report's status, its evidence and the message thread, opened with the receipt code. */
export async function fetchFollowUp(nodeUrl: string, receiptCode: string, signal?: AbortSignal): Promise<FollowUp> {
  const keys = deriveReceiptKeys(receiptCode);
  try {
    const request: FollowUpRequest = { lookup: toBase64Url(keys.lookup) };
    const answer = await postJson<FollowUpStatus>(nodeUrl, '/api/v1/followup', request, signal);
    const messages: ThreadMessage[] = [];
    // A node older than messages answers without a thread.
    for (const entry of answer.messages ?? []) messages.push(await openEntry(entry, keys.replySecretKey));
    return { status: answer.status, receivedHour: answer.receivedHour, evidence: answer.evidence, messages };
  } finally {
    wipe(keys.lookup, keys.replySecretKey);
  }
}

/**
 * Seals `text` to the node's case key and to the reporter's own reply key (so the reporter
 * can read their side of the thread later), and sends it. Throws MessageTooLongError
 * before sending when it does not fit in a message.
 */
export async function sendMessage(
  nodeUrl: string,
  receiptCode: string,
  casePublicKey: BoxPublicKey,
  text: string,
  signal?: AbortSignal,
): Promise<MessageAccepted> {
  const keys = deriveReceiptKeys(receiptCode);
  try {
    const message = await sealMessage(
      { v: 1, author: 'reporter', text },
      { casePublicKey, reporterPublicKey: keys.replyPublicKey },
    );
    const submission: MessageSubmission = { lookup: toBase64Url(keys.lookup), message };
    return await postJson<MessageAccepted>(nodeUrl, '/api/v1/messages', submission, signal);
  } finally {
    wipe(keys.lookup, keys.replySecretKey);
  }
}
