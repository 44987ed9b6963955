// The sender: sends queued reports, then uploads their evidence with tus, for as long as
// it runs. Network failures are retried for ever (backing off to a minute, and at once
// when the browser says it is online again); a refusal by the node is final. It works on
// what the held receipt code keys open; what is locked waits, untried, until `unlock`.
import type { HttpStack } from 'tus-js-client';
import { fromBase64Url } from '../envelope/index.ts';
import { NodeApiError, sendPreparedReport, uploadEvidence } from '../intake/index.ts';
import { classifyFailure, retryDelay } from './failure.ts';
import { type OutboxItem, itemsFrom } from './items.ts';
import { type Outbox, recordsOf } from './outbox.ts';
import type { EvidenceEntry, GroupEntry, OutboxRecords } from './records.ts';

/** Each PATCH is fsynced by the node and kept even if cut short; a 2G link sends 1 MiB in about a minute. */
export const DEFAULT_OUTBOX_CHUNK_BYTES = 1024 * 1024;

export interface OutboxRunnerInit {
  readonly nodeUrl: string;
  readonly outbox: Outbox;
  /** Bytes per tus PATCH; default DEFAULT_OUTBOX_CHUNK_BYTES. */
  readonly chunkSize?: number;
  readonly onChange?: (items: readonly OutboxItem[]) => void;
  /** Milliseconds to wait before retry `attempt` (from 1); default `retryDelay` in failure.ts. */
  readonly retryDelay?: (attempt: number) => number;
  /** tus-js-client's HTTP layer; default XMLHttpRequest. */
  readonly httpStack?: HttpStack;
}

export interface OutboxRunner {
  /** Sends everything waiting (after a reload too), and whatever is queued later. */
  start(): void;
  /** Aborts what is in flight; everything kept stays for the next start. */
  stop(): Promise<void>;
  /** What waits, and what was sent since this page loaded. */
  items(): readonly OutboxItem[];
}

export function createOutboxRunner(init: OutboxRunnerInit): OutboxRunner {
  return new Runner(init);
}

class Runner implements OutboxRunner {
  private readonly init: OutboxRunnerInit;
  private readonly records: OutboxRecords;
  private states = new Map<string, OutboxItem>();
  private controller: AbortController | undefined;
  private loop: Promise<void> = Promise.resolve();
  private wake: (() => void) | undefined;
  private nudged = false;
  private failures = 0;

  constructor(init: OutboxRunnerInit) {
    this.init = init;
    this.records = recordsOf(init.outbox);
  }

  start(): void {
    if (this.controller) return;
    const controller = (this.controller = new AbortController());
    const online = () => {
      this.failures = 0;
      this.nudge();
    };
    globalThis.addEventListener?.('online', online);
    const unwatch = this.records.watch(() => this.nudge());
    this.loop = this.run(controller.signal).finally(() => {
      globalThis.removeEventListener?.('online', online);
      unwatch();
      if (this.controller === controller) this.controller = undefined;
    });
  }

  async stop(): Promise<void> {
    this.controller?.abort();
    await this.loop;
  }

  items(): readonly OutboxItem[] {
    return [...this.states.values()];
  }

  private async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      this.nudged = false;
      let delay = Infinity;
      try {
        await this.pass(signal);
        this.failures = 0;
      } catch (error) {
        // Stopped, or the outbox was closed or wiped (quick exit): nothing left to do.
        if (signal.aborted || classifyFailure(error).code === 'outbox-closed') return;
        delay = (this.init.retryDelay ?? retryDelay)(++this.failures);
      }
      if (!this.nudged) await this.sleep(delay, signal);
    }
  }

  /** One pass over what the held keys open, oldest first; throws on the first failure worth retrying. */
  private async pass(signal: AbortSignal): Promise<void> {
    // What waits for its receipt code is shown, and left alone until the code is typed.
    const { entries, locked } = await this.records.all();
    const evidence = new Map<string, EvidenceEntry>();
    for (const entry of entries) if (entry.type === 'evidence') evidence.set(entry.id, entry);
    const groups = entries.filter((entry) => entry.type === 'group');
    this.states = itemsFrom(groups, evidence, this.states, locked);
    this.emit();
    for (const group of groups) {
      if (!group.refused && (group.body === undefined || (await this.sendReport(group, signal)))) {
        for (const id of group.evidenceIds) {
          const entry = evidence.get(id);
          if (!entry || entry.refused || group.lookup === undefined) continue;
          // Discarded since this pass began: start no upload for it.
          if (await this.records.get(id)) await this.upload(group.lookup, entry, signal);
        }
      }
      await this.settle(group.id);
    }
    // Everything delivered or discarded, nothing locked: nothing of the app stays stored.
    await this.records.store.release();
  }

  /**
   * Once the node has all of a group, the group goes (and its lookup with it); once nothing
   * more of it can be sent (the report refused, or only refused files left), it is kept for
   * the reporter to see and discard, but without its lookup or report.
   */
  private async settle(id: string): Promise<void> {
    const group = await this.records.get(id);
    if (group?.type !== 'group') return;
    const files: EvidenceEntry[] = [];
    for (const fileId of group.evidenceIds) {
      const file = await this.records.get(fileId);
      if (file?.type === 'evidence') files.push(file);
    }
    const sent = group.refused === undefined && group.body === undefined;
    if (sent && files.length === 0) return this.records.delete(id);
    const over = group.refused !== undefined || (sent && files.every((file) => file.refused !== undefined));
    if (over && (group.lookup !== undefined || group.body !== undefined)) {
      await this.records.update<GroupEntry>(id, ({ lookup: _lookup, body: _body, ...kept }) => kept);
    }
  }

  private async sendReport(group: GroupEntry, signal: AbortSignal): Promise<boolean> {
    this.update(group.id, { state: 'sending', sent: 0, error: undefined });
    try {
      await sendPreparedReport(this.init.nodeUrl, fromBase64Url(group.body!), signal);
    } catch (error) {
      // A random 90-bit receipt already taken is this very report, sent by an attempt whose
      // answer was lost on the way back.
      if (!(error instanceof NodeApiError && error.code === 'receipt-taken')) {
        return this.failed(group.id, error, signal, async (code) => {
          for (const id of group.evidenceIds) if (this.states.has(id)) this.update(id, refusedBy('report-refused'));
          return this.records.update<GroupEntry>(group.id, (g) => ({ ...g, refused: code }));
        });
      }
    }
    await this.records.update<GroupEntry>(group.id, ({ body: _body, ...accepted }) => accepted);
    this.update(group.id, { state: 'done', sent: group.reportBytes ?? 0 });
    return true;
  }

  private async upload(lookup: string, entry: EvidenceEntry, signal: AbortSignal): Promise<boolean> {
    this.update(entry.id, { state: 'uploading', error: undefined });
    try {
      await uploadEvidence({
        nodeUrl: this.init.nodeUrl,
        lookup: fromBase64Url(lookup),
        source: this.records.store.ciphertext(entry.id, entry.size),
        // An entry staged before commitments existed has none: the node refuses its creation.
        ...(entry.commitment && { commitment: fromBase64Url(entry.commitment) }),
        ...(entry.uploadUrl && { uploadUrl: entry.uploadUrl }),
        chunkSize: this.init.chunkSize ?? DEFAULT_OUTBOX_CHUNK_BYTES,
        retryDelays: [],
        ...(this.init.httpStack && { httpStack: this.init.httpStack }),
        // Stored before the first byte is sent, so a reload resumes this upload.
        onUploadUrl: (url) => this.records.update<EvidenceEntry>(entry.id, (e) => ({ ...e, uploadUrl: url })),
        onProgress: (sent) => this.update(entry.id, { sent }),
        signal,
      });
    } catch (error) {
      return this.failed(entry.id, error, signal, (code) =>
        this.records.update<EvidenceEntry>(entry.id, (e) => ({ ...e, refused: code })),
      );
    }
    // The node has every byte on disk: the ciphertext is not kept here a moment longer.
    await this.records.delete(entry.id);
    this.update(entry.id, { state: 'done', sent: entry.size });
    return true;
  }

  /** A final failure marks the item refused (unless it was discarded meanwhile); others rethrow. */
  private async failed(
    id: string,
    error: unknown,
    signal: AbortSignal,
    refuse: (code: string) => Promise<boolean>,
  ): Promise<false> {
    const failure = classifyFailure(error);
    if (signal.aborted || !failure.final) {
      this.update(id, { state: 'waiting-network', ...(!signal.aborted && { error: failure.code }) });
      throw error;
    }
    if (await refuse(failure.code)) this.update(id, refusedBy(failure.code));
    else if (this.states.delete(id)) this.emit();
    return false;
  }

  private update(id: string, change: Partial<OutboxItem>): void {
    const item = this.states.get(id);
    if (!item) return;
    this.states.set(id, { ...item, ...change });
    this.emit();
  }

  private emit(): void {
    this.init.onChange?.(this.items());
  }

  private sleep(ms: number, signal: AbortSignal): Promise<void> {
    // Stopped during the pass that just ended: an aborted signal fires no more events.
    if (signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.wake = undefined;
        resolve();
      };
      const timer = Number.isFinite(ms) ? setTimeout(done, ms) : undefined;
      signal.addEventListener('abort', done, { once: true });
      this.wake = done;
    });
  }

  private nudge(): void {
    this.nudged = true;
    this.wake?.();
  }
}

function refusedBy(code: string): Partial<OutboxItem> {
  return { state: 'refused', error: code };
}
