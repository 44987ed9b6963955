// The screens' doorway to everything that needs cryptography or the outbox. That code
// (tweetnacl, SHA-256, AES-GCM streams, tus) loads only when it is first needed, so the
// first visit on a 2G link downloads the questionnaire and nothing more.
import type { Consent, SharedFields } from '../intake/types.ts';
import type * as Sending from './send.ts';

export interface OutboxItemView {
  readonly id: string;
  readonly kind: 'report' | 'evidence';
  readonly state: 'waiting-network' | 'sending' | 'uploading' | 'done' | 'refused';
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

/** Where the outbox keeps what waits; quick exit deletes it. */
export const OUTBOX_DATABASE = 'backup-outbox';

let loaded: Promise<typeof Sending> | undefined;
let listener: (view: OutboxView) => void = () => {};

/** Loads the sending code ahead of time (the report screen calls this when it opens). */
export const prepareSending = () => (loaded ??= import('./send.ts'));

/** Reports outbox changes; after a reload, resumes whatever was waiting. */
export async function watchOutbox(onChange: (view: OutboxView) => void): Promise<void> {
  listener = onChange;
  if (!loaded && !(await outboxExists())) return;
  (await prepareSending()).startOutbox(listener);
}

export async function sendReport(init: SendReportInit): Promise<{ receiptCode: string }> {
  const send = await prepareSending();
  send.startOutbox(listener);
  return send.sendReport(init);
}

export async function followUp(code: string): Promise<FollowUpView> {
  return (await prepareSending()).followUp(code);
}

export async function sendFollowUpMessage(code: string, text: string): Promise<void> {
  return (await prepareSending()).sendFollowUpMessage(code, text);
}

export async function addEvidence(code: string, files: readonly File[]): Promise<void> {
  const send = await prepareSending();
  send.startOutbox(listener);
  return send.addEvidence(code, files);
}

async function outboxExists(): Promise<boolean> {
  try {
    return (await indexedDB.databases()).some((db) => db.name === OUTBOX_DATABASE);
  } catch {
    return false;
  }
}
