// Split-view detection (DESIGN §4): a log that shows one history to some and another to
// others is caught when two checkpoints it signed cannot both be true. Members gossip the
// checkpoints they see; each one is compared with the checkpoint this node's witness last
// cosigned for that log: the same size with another root is proof on its face; other
// sizes are settled with a consistency proof asked of the log itself (none can exist
// between two forks).
import type { Ed25519Verify } from '../crypto/index.ts';
import { ProofError, equalHashes, verifyConsistency } from '../merkle/index.ts';
import { type NoteVerifier, openNote, parseCheckpoint, parseNote, parseVerifierKey } from '../note/index.ts';

export type Verdict = 'consistent' | 'undecided' | 'misbehaviour';

export interface Misbehaviour {
  readonly origin: string;
  /** The checkpoint this node held, and the one that contradicts it (signed notes). */
  readonly held: string;
  readonly conflicting: string;
  readonly reason: string;
}

export interface SplitViewComponents {
  readonly verify: Ed25519Verify;
  /** The log key of each known log (members' and this node's own), by origin. */
  readonly logKey: (origin: string) => string | undefined;
  /** The reference checkpoint for an origin: the last one cosigned, or this node's own. */
  readonly reference: (origin: string) => string | undefined;
  /** Asks the log's node for a consistency proof; undefined when it cannot be reached. */
  readonly askProof: (origin: string, size1: number, size2: number) => Promise<Uint8Array[] | undefined>;
  readonly record: (m: Misbehaviour) => void;
  /** Told when the log gave no proof either way (unreachable, or refusing). */
  readonly unsettled?: (origin: string, size1: number, size2: number) => void;
}

export class SplitViewMonitor {
  private readonly c: SplitViewComponents;

  constructor(components: SplitViewComponents) {
    this.c = components;
  }

  /** The verifier of a note's log, or undefined when the note is not a known log's. */
  logVerifier(note: string): NoteVerifier | undefined {
    const origin = parseNote(note).text.split('\n', 1)[0]!;
    const key = this.c.logKey(origin);
    return key ? parseVerifierKey(key, this.c.verify) : undefined;
  }

  /** True when the note is a checkpoint validly signed by a known log (gossip validation). */
  isSignedCheckpoint(note: string): boolean {
    try {
      const verifier = this.logVerifier(note);
      if (!verifier) return false;
      parseCheckpoint(openNote(note, [verifier]).text);
      return true;
    } catch {
      return false; // hostile gossip: refused, and the sender is penalised by gossipsub
    }
  }

  async examine(note: string): Promise<Verdict> {
    if (!this.isSignedCheckpoint(note)) return 'undecided';
    const seen = parseCheckpoint(parseNote(note).text);
    const held = this.c.reference(seen.origin);
    if (!held) return 'undecided';
    const mine = parseCheckpoint(parseNote(held).text);
    if (mine.size === seen.size) {
      if (equalHashes(mine.root, seen.root)) return 'consistent';
      return this.found(seen.origin, held, note, `two checkpoints of ${seen.size} entries with different roots`);
    }
    if (mine.size === 0 || seen.size === 0) return 'consistent';
    const [small, large] = mine.size < seen.size ? [mine, seen] : [seen, mine];
    const proof = await this.c.askProof(seen.origin, small.size, large.size);
    if (!proof) {
      this.c.unsettled?.(seen.origin, small.size, large.size);
      return 'undecided';
    }
    try {
      verifyConsistency(small.size, large.size, proof, small.root, large.root);
      return 'consistent';
    } catch (cause) {
      if (!(cause instanceof ProofError)) throw cause;
      return this.found(seen.origin, held, note, `the log cannot prove ${large.size} entries extend ${small.size}`);
    }
  }

  private found(origin: string, held: string, conflicting: string, reason: string): Verdict {
    this.c.record({ origin, held, conflicting, reason });
    return 'misbehaviour';
  }
}
