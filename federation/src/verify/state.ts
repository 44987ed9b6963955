// What the verifier is given, and what the evidence checks hand to the checks after them.
import type { Ed25519Verify } from '../crypto/index.ts';
import type { Checkpoint } from '../note/index.ts';
import type { PackageManifest } from '../package/index.ts';
import type { CheckpointExamination } from './checkpoint.ts';

export interface VerifyOptions {
  /** Ed25519 verification: nodeEd25519Verify() in Node, portableEd25519Verify in a browser. */
  readonly verify: Ed25519Verify;
  /** The time of verification: cosignatures dated more than 10 minutes later do not count. */
  readonly now: Date;
}

export interface EvidenceState {
  readonly manifest: PackageManifest;
  /** The evidence checkpoint, when its proof file parsed. */
  readonly exam?: CheckpointExamination;
  /** Checkpoints proved consistent with the evidence checkpoint. */
  readonly consistent: Checkpoint[];
}
