// Placeholder until the outbox lands.
import type { FollowUpView, OutboxView, SendReportInit } from './services.ts';

export function startOutbox(_listener: (view: OutboxView) => void): void {}
export async function sendReport(_init: SendReportInit): Promise<{ receiptCode: string }> {
  throw new Error('not yet');
}
export async function followUp(_code: string): Promise<FollowUpView> {
  throw new Error('not yet');
}
export async function sendFollowUpMessage(_code: string, _text: string): Promise<void> {}
export async function addEvidence(_code: string, _files: readonly File[]): Promise<void> {}
