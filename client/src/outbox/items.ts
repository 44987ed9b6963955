// What the reporter sees of the outbox: one item per report and per evidence file.
import type { EvidenceEntry, FileKind, GroupEntry } from './records.ts';

/**
 * - `waiting-network`: waiting to be sent, its turn or the network (`error` says why the
 *   last attempt failed: `network`, or a node's passing answer such as `rate-limited`);
 * - `sending`: a report on its way; `uploading`: evidence on its way (`sent` of `total`);
 * - `done`: the node has it; `refused`: the node said no (`error` is its code) and nothing
 *   more will be tried: the app may discard it;
 * - `locked`: kept from an earlier page under a receipt code's key that this page does not
 *   hold. One item per code (a report, with its files and any added later; its id is the
 *   key's id), nothing known of it until the reporter types the code (`Outbox.unlock`).
 */
export type OutboxItemState = 'waiting-network' | 'sending' | 'uploading' | 'done' | 'refused' | 'locked';

export interface OutboxItem {
  readonly id: string;
  readonly kind: 'report' | 'evidence';
  /** The report, or the follow-up attachment, the item belongs to. */
  readonly group: string;
  /** For evidence: what the file is. */
  readonly fileKind?: FileKind;
  readonly state: OutboxItemState;
  /** Bytes the node holds (for evidence, of the ciphertext). */
  readonly sent: number;
  readonly total: number;
  readonly error?: string;
}

type Status = 'waiting' | 'done' | { readonly refused: string };

/**
 * The items as the outbox now holds them: what is locked first, then the rest oldest
 * first. What this page already knew is kept: bytes sent and the last error
 * of waiting items, and items sent since the page loaded (as done, no longer stored);
 * items that were discarded or unlocked go.
 */
export function itemsFrom(
  groups: readonly GroupEntry[],
  evidence: ReadonlyMap<string, EvidenceEntry>,
  previous: ReadonlyMap<string, OutboxItem>,
  locked: readonly string[] = [],
): Map<string, OutboxItem> {
  const fresh = new Map<string, OutboxItem>();
  for (const keyId of locked) {
    fresh.set(keyId, { id: keyId, kind: 'report', group: keyId, state: 'locked', sent: 0, total: 0 });
  }
  for (const group of groups) {
    if (group.reportBytes !== undefined) {
      const status: Status = group.refused ? { refused: group.refused } : group.body === undefined ? 'done' : 'waiting';
      const base = { id: group.id, kind: 'report', group: group.id, total: group.reportBytes } as const;
      fresh.set(group.id, withStatus(base, status, previous.get(group.id)));
    }
    for (const id of group.evidenceIds) {
      const entry = evidence.get(id);
      if (!entry) continue;
      const refused = entry.refused ?? (group.refused && 'report-refused');
      const base = { id, kind: 'evidence', group: group.id, fileKind: entry.kind, total: entry.size } as const;
      fresh.set(id, withStatus(base, refused ? { refused } : 'waiting', previous.get(id)));
    }
  }
  const next = new Map<string, OutboxItem>();
  for (const [id, item] of previous) {
    const now = fresh.get(id);
    if (now) next.set(id, now);
    else if (item.state === 'done') next.set(id, item);
  }
  for (const [id, item] of fresh) if (!next.has(id)) next.set(id, item);
  return next;
}

function withStatus(base: Omit<OutboxItem, 'state' | 'sent'>, status: Status, previous?: OutboxItem): OutboxItem {
  if (status === 'done') return { ...base, state: 'done', sent: base.total };
  if (status !== 'waiting') return { ...base, state: 'refused', sent: previous?.sent ?? 0, error: status.refused };
  return {
    ...base,
    state: 'waiting-network',
    sent: previous?.sent ?? 0,
    ...(previous?.error !== undefined && { error: previous.error }),
  };
}
