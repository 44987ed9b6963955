// The log's side of cross-signing: at a steady cadence, when the log has grown, sign a
// C2SP checkpoint with the log key, ask every member's witness to cosign it (tlog-witness
// add-checkpoint with a consistency proof from the size that witness last cosigned),
// keep the cosignatures, persist the cosigned checkpoint and gossip it.
import { readFile } from 'node:fs/promises';
import { writeFileDurably } from '../fs/durable.ts';
import {
  type NoteSigner,
  type NoteVerifier,
  formatCheckpoint,
  isSignedBy,
  parseCheckpoint,
  parseNote,
  signNote,
  withSignatures,
} from '../note/index.ts';
import { requestCosignature } from '../witness/index.ts';

export const DEFAULT_CHECKPOINT_INTERVAL_MS = 60_000;

export interface PublishedLog {
  readonly size: number;
  root(size?: number): Uint8Array;
  consistencyProof(size1: number, size2?: number): Uint8Array[];
}

export interface RemoteWitness {
  /** Stable identity (the member's peer id). */
  readonly id: string;
  readonly verifier: NoteVerifier;
  send(body: Uint8Array, signal: AbortSignal): Promise<{ status: number; body: Uint8Array }>;
}

export interface PublisherComponents {
  readonly log: PublishedLog;
  readonly signer: NoteSigner;
  readonly witnesses: () => readonly RemoteWitness[];
  /** Gossips the cosigned checkpoint; failures are the caller's to log. */
  readonly announce: (note: string) => Promise<void>;
  readonly warn: (message: string, fields?: Record<string, string | number>) => void;
}

export interface PublisherInit {
  /** Where the latest cosigned checkpoint is kept (served at /log/checkpoint). */
  readonly path: string;
  readonly intervalMs?: number;
}

export class CheckpointPublisher {
  private note: string | undefined;
  /** The witnesses whose cosignature the current note carries. */
  private cosignedBy = new Set<string>();
  /** The size each witness last cosigned for us; unknown after a restart (409 tells us). */
  private readonly witnessSizes = new Map<string, number>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private running: Promise<string> | undefined;
  private readonly stopping = new AbortController();
  private readonly components: PublisherComponents;
  private readonly init: PublisherInit;

  constructor(components: PublisherComponents, init: PublisherInit) {
    this.components = components;
    this.init = init;
  }

  async start(): Promise<void> {
    try {
      const note = await readFile(this.init.path, 'utf8');
      parseCheckpoint(parseNote(note).text);
      this.note = note;
      // The witnesses whose cosignature it already carries are not asked again.
      for (const w of this.components.witnesses()) if (isSignedBy(note, w.verifier)) this.cosignedBy.add(w.id);
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code !== 'ENOENT') throw cause;
    }
    const every = this.init.intervalMs ?? DEFAULT_CHECKPOINT_INTERVAL_MS;
    this.timer = setInterval(() => {
      this.publish().catch((e: Error) => this.components.warn('checkpoint publication failed', { error: e.message }));
    }, every);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.stopping.abort();
    await this.running?.catch(() => undefined);
  }

  /** The latest checkpoint with the cosignatures gathered so far. */
  latest(): string | undefined {
    return this.note;
  }

  /** Signs a new checkpoint if the log grew, then gathers missing cosignatures. */
  publish(): Promise<string> {
    this.running ??= this.publishOnce().finally(() => (this.running = undefined));
    return this.running;
  }

  private async publishOnce(): Promise<string> {
    const { log, signer } = this.components;
    const size = log.size;
    const current = this.note ? parseCheckpoint(parseNote(this.note).text) : undefined;
    if (!current || current.size < size) {
      const text = formatCheckpoint({ origin: signer.name, size, root: log.root(size), extensions: [] });
      this.note = signNote(text, [signer]);
      this.cosignedBy = new Set();
      await this.save();
    }
    await this.gatherCosignatures();
    return this.note!;
  }

  private async gatherCosignatures(): Promise<void> {
    const note = this.note!;
    const { size } = parseCheckpoint(parseNote(note).text);
    const missing = this.components.witnesses().filter((w) => !this.cosignedBy.has(w.id));
    if (missing.length === 0) return;
    const results = await Promise.allSettled(
      missing.map(async (w) => {
        const lines = await requestCosignature((body) => w.send(body, this.stopping.signal), {
          note,
          oldSize: Math.min(this.witnessSizes.get(w.id) ?? 0, size),
          proofFor: (old) => (old === 0 || old === size ? [] : this.components.log.consistencyProof(old, size)),
          witnessVerifier: w.verifier,
        });
        this.witnessSizes.set(w.id, size);
        return { id: w.id, lines };
      }),
    );
    const gathered: string[] = [];
    for (const [i, r] of results.entries()) {
      if (r.status === 'fulfilled') {
        gathered.push(...r.value.lines);
        this.cosignedBy.add(r.value.id);
      } else {
        this.components.warn('a witness did not cosign', { witness: missing[i]!.id, error: String(r.reason?.message) });
      }
    }
    if (gathered.length === 0 || this.note !== note) return;
    this.note = withSignatures(note, gathered);
    await this.save();
    await this.components
      .announce(this.note)
      .catch((e: Error) => this.components.warn('checkpoint gossip failed', { error: e.message }));
  }

  private async save(): Promise<void> {
    await writeFileDurably(this.init.path, this.note!, 0o644);
  }
}
