// One node's part in the federation: its log's checkpoints cosigned by the members'
// witnesses, its own witness for the members' logs, and the gossip that catches split
// views. Transport (libp2p), storage and keys are given; this wires them together.
import type { Ed25519Verify } from '../crypto/index.ts';
import type { Member } from '../membership/index.ts';
import { parseAddCheckpointRequest } from '../witness/index.ts';
import {
  ED25519_KEY_TYPE,
  type NoteSigner,
  type NoteVerifier,
  formatVerifierKey,
  parseNote,
  parseVerifierKey,
} from '../note/index.ts';
import type { FederationPeer } from '../network/index.ts';
import { CheckpointPublisher, type PublishedLog, type PublisherInit } from './publisher.ts';
import {
  CHECKPOINT_TOPIC,
  LOG_PROTOCOL,
  WITNESS_PROTOCOL,
  type WireResponse,
  decodeConsistencyRequest,
  decodeProof,
  decodeWireResponse,
  encodeConsistencyRequest,
  encodeProof,
  encodeWireResponse,
} from './protocols.ts';
import type { SplitViewRecords } from './records.ts';
import { type Misbehaviour, SplitViewMonitor, type Verdict } from './split-view.ts';

/** How often members that dropped are dialled again. */
export const RECONNECT_INTERVAL_MS = 30_000;
/** Checkpoints remembered as already examined or announced (anyone can resend one). */
const SEEN_CHECKPOINTS = 1024;
/** Examinations at once: each may ask a member's node for a proof. More are dropped. */
const MAX_EXAMINATIONS = 8;

export interface WitnessService {
  addCheckpoint(body: Uint8Array): Promise<WireResponse>;
  /** The checkpoint note this witness last cosigned for a log. */
  latestNote(origin: string): string | undefined;
}

export interface FederationComponents {
  readonly peer: FederationPeer;
  readonly log: PublishedLog;
  /** The log key (Ed25519 note key) that signs this node's checkpoints. */
  readonly signer: NoteSigner;
  readonly witness: WitnessService;
  readonly splitViews: SplitViewRecords;
  readonly members: () => readonly Member[];
  readonly verify: Ed25519Verify;
  readonly warn: (message: string, fields?: Record<string, string | number>) => void;
}

export class Federation {
  readonly monitor: SplitViewMonitor;
  readonly publisher: CheckpointPublisher;
  private readonly c: FederationComponents;
  private unsubscribe: (() => void) | undefined;
  private reconnect: ReturnType<typeof setInterval> | undefined;
  private readonly stopping = new AbortController();
  private readonly seen = new Set<string>();
  private examining = 0;

  constructor(components: FederationComponents, init: PublisherInit) {
    this.c = components;
    // This node's own log: its origin is the log key's name.
    const self = components.signer.name;
    const selfKey = formatVerifierKey(self, ED25519_KEY_TYPE, components.signer.publicKey);
    this.publisher = new CheckpointPublisher(
      {
        log: components.log,
        signer: components.signer,
        witnesses: () => this.remoteWitnesses(),
        announce: (note) => this.announce(note),
        warn: components.warn,
      },
      init,
    );
    this.monitor = new SplitViewMonitor({
      verify: components.verify,
      logKey: (origin) => (origin === self ? selfKey : components.members().find((m) => m.origin === origin)?.logKey),
      reference: (origin) => (origin === self ? this.publisher.latest() : components.witness.latestNote(origin)),
      askProof: (origin, a, b) => this.askProof(origin, a, b),
      unsettled: (origin, a, b) =>
        components.warn('a member log gave no proof that two of its checkpoints agree; asked again at the next one', {
          origin,
          sizes: `${a}→${b}`,
        }),
      record: (m) => this.record(m),
    });
  }

  async start(): Promise<void> {
    const { peer } = this.c;
    await peer.handle(WITNESS_PROTOCOL, (body) => this.witness(body));
    await peer.handle(LOG_PROTOCOL, async (body) => {
      const { size1, size2 } = decodeConsistencyRequest(body);
      return encodeProof(this.c.log.consistencyProof(size1, size2));
    });
    this.unsubscribe = peer.subscribe(
      CHECKPOINT_TOPIC,
      (data) => (this.monitor.isSignedCheckpoint(new TextDecoder().decode(data)) ? 'accept' : 'reject'),
      (data) => {
        const note = new TextDecoder().decode(data);
        if (this.firstTime(`examine ${parseNote(note).text}`)) void this.examine(note);
      },
    );
    await this.publisher.start();
    void peer.connectToMembers(this.stopping.signal);
    this.reconnect = setInterval(() => void peer.connectToMembers(this.stopping.signal), RECONNECT_INTERVAL_MS);
    this.reconnect.unref();
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    clearInterval(this.reconnect);
    this.unsubscribe?.();
    await this.publisher.stop();
  }

  /** The witnesses this node asks to cosign: every member's. */
  remoteWitnesses(): {
    id: string;
    verifier: NoteVerifier;
    send: (b: Uint8Array, s: AbortSignal) => Promise<WireResponse>;
  }[] {
    return this.c.members().map((m) => ({
      id: m.peerId,
      verifier: parseVerifierKey(m.witnessKey, this.c.verify),
      send: async (body: Uint8Array, signal: AbortSignal) =>
        decodeWireResponse(await this.c.peer.request(m.peerId, WITNESS_PROTOCOL, body, signal)),
    }));
  }

  /** Gossips a checkpoint note to the members (the publisher's announcements). */
  async announce(note: string): Promise<void> {
    await this.c.peer.publish(CHECKPOINT_TOPIC, new TextEncoder().encode(note));
  }

  /**
   * The witness answer, over libp2p or HTTP. A cosigned checkpoint is gossiped, so that a
   * log showing this witness one history and the others another is caught by them; a
   * refused one is examined here.
   */
  async witnessRequest(body: Uint8Array): Promise<WireResponse> {
    const response = await this.c.witness.addCheckpoint(body);
    if (response.status === 200 || response.status === 409 || response.status === 422) {
      const { note } = parseAddCheckpointRequest(body); // it parsed: the witness did not answer 400
      if (this.firstTime(`${response.status === 200 ? 'announce' : 'examine'} ${parseNote(note).text}`)) {
        if (response.status === 200) void this.announce(note).catch(() => undefined);
        else void this.examine(note);
      }
    }
    return response;
  }

  /** True the first time a key is seen among the last SEEN_CHECKPOINTS. */
  private firstTime(key: string): boolean {
    if (this.seen.has(key)) return false;
    if (this.seen.size >= SEEN_CHECKPOINTS) this.seen.delete(this.seen.values().next().value!);
    this.seen.add(key);
    return true;
  }

  private async witness(body: Uint8Array): Promise<Uint8Array> {
    return encodeWireResponse(await this.witnessRequest(body));
  }

  private async examine(note: string): Promise<Verdict> {
    if (this.examining >= MAX_EXAMINATIONS) return 'undecided';
    this.examining++;
    try {
      return await this.monitor.examine(note);
    } catch (e) {
      this.c.warn('could not examine a checkpoint', { error: (e as Error).message });
      return 'undecided';
    } finally {
      this.examining--;
    }
  }

  private async askProof(origin: string, size1: number, size2: number): Promise<Uint8Array[] | undefined> {
    if (origin === this.c.signer.name) return this.c.log.consistencyProof(size1, size2);
    const member = this.c.members().find((m) => m.origin === origin);
    if (!member) return undefined;
    try {
      const reply = await this.c.peer.request(member.peerId, LOG_PROTOCOL, encodeConsistencyRequest(size1, size2));
      return decodeProof(reply);
    } catch {
      return undefined; // unreachable or refusing: undecided, asked again at the next gossip
    }
  }

  private record(m: Misbehaviour): void {
    if (!this.c.splitViews.record(m)) return;
    this.c.warn('SPLIT VIEW: a federation log signed two checkpoints that cannot both be true', {
      origin: m.origin,
      reason: m.reason,
    });
    // Others compare it with what they hold; a fork shown only to this node reaches them all.
    void this.announce(m.conflicting).catch(() => undefined);
  }
}
