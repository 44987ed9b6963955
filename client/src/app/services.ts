// The screens' doorway to everything that needs cryptography or the outbox. That code
// (tweetnacl, SHA-256, AES-GCM streams, tus) loads only when it is first needed, so the
// first visit on a 2G link downloads the questionnaire and nothing more.
import type { Consent, SharedFields } from '../intake/types.ts';
import type * as Sending from './send.ts';

export interface OutboxItemView {
  readonly id: string;
  readonly kind: 'report' | 'evidence';
  /** `locked`: kept from an earlier page, waiting for its receipt code (`unlockOutbox`); `id` is then the code's. */
  readonly state: 'waiting-network' | 'sending' | 'uploading' | 'done' | 'refused' | 'locked';
  readonly sent: number;
  readonly total: number;
  readonly error?: string;
}

export interface OutboxView {
  readonly items: readonly OutboxItemView[];
  /** Whether what waits survives closing the page (no IndexedDB in some private modes). */
  readonly persistent: boolean;
}

export interface SendReportInit {
  readonly document: unknown;
  readonly shared: SharedFields & { consent: Consent };
  readonly files: readonly File[];
  readonly onProgress: (done: number, total: number) => void;
}

export interface FollowUpView {
  readonly status: string;
  readonly evidence: readonly { readonly complete: boolean }[];
  readonly messages: readonly { readonly id: string; readonly author: string; readonly text?: string }[];
}

/**
 * The outbox database's name (client/src/outbox/name.ts; services.test.ts checks they
 * agree). Written out here because a module shared with the sending code would become a
 * chunk of its own: one more request, a round trip on 2G, for one string.
 */
export const OUTBOX_DATABASE_NAME = 'backup-outbox';

let loaded: Promise<typeof Sending> | undefined;
let listener: (view: OutboxView) => void = () => {};

/** Loads the sending code ahead of time (the report screen calls this when it opens); a failed load is tried again. */
export function prepareSending(): Promise<typeof Sending> {
  loaded ??= import('./send.ts').catch((error: unknown) => {
    loaded = undefined;
    throw error;
  });
  return loaded;
}

/** The sending code, with the outbox's sender running. */
async function sending(): Promise<typeof Sending> {
  const send = await prepareSending();
  send.startOutbox(listener);
  return send;
}

/** For quick exit: if the sending code is loaded, it stops and deletes the outbox. */
export async function stopSending(): Promise<void> {
  if (loaded) await (await loaded).stopAndWipe();
}

/** Reports outbox changes; after a reload, shows what waits (locked until its receipt code is typed). */
export async function watchOutbox(onChange: (view: OutboxView) => void): Promise<void> {
  listener = onChange;
  if (!loaded && !(await outboxExists())) return;
  await sending();
}

export async function sendReport(init: SendReportInit): Promise<{ receiptCode: string }> {
  return (await sending()).sendReport(init);
}

export async function addEvidence(code: string, files: readonly File[]): Promise<void> {
  return (await sending()).addEvidence(code, files);
}

/**
 * Opens what waits under this receipt code and sends it. False when the code opens
 * nothing here; rejects with ReceiptCodeError when the code has a typing mistake.
 */
export async function unlockOutbox(code: string): Promise<boolean> {
  return (await sending()).unlockOutbox(code);
}

/** Removes a refused item, or (by a locked item's id) what waits for a lost receipt code. */
export async function discardOutboxItem(id: string): Promise<void> {
  return (await sending()).discardOutboxItem(id);
}

export async function followUp(code: string): Promise<FollowUpView> {
  return (await prepareSending()).followUp(code);
}

export async function sendFollowUpMessage(code: string, text: string): Promise<void> {
  return (await prepareSending()).sendFollowUpMessage(code, text);
}

async function outboxExists(): Promise<boolean> {
  try {
    return (await indexedDB.databases()).some((db) => db.name === OUTBOX_DATABASE_NAME);
  } catch {
    return false;
  }
}
