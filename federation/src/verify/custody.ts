// Custody events: each one parses, is about this evidence in this log, and its salted
// commitment is in the log under the evidence checkpoint or one proved consistent with it.
import { custodyCommitment } from '../commitment/index.ts';
import { ProofError, leafHash, verifyInclusion } from '../merkle/index.ts';
import { fromBase64, toBase64 } from '../note/index.ts';
import { parseCustodyEvent, parseTlogProof, quoted } from '../package/index.ts';
import { examineCheckpoint, quorumOutcome, sameTree } from './checkpoint.ts';
import type { TrustPolicy } from './policy.ts';
import { type Checks, fail } from './report.ts';
import type { EvidenceState, VerifyOptions } from './state.ts';

export function verifyCustody(
  checks: Checks,
  files: ReadonlyMap<string, Uint8Array>,
  state: EvidenceState,
  n: number,
  policy: TrustPolicy,
  options: VerifyOptions,
): void {
  const { manifest } = state;
  const entry = manifest.custody[n]!;
  const bytes = files.get(entry.event);
  let summary = `custody event ${n}`;
  checks.run(`custody-${n}-event`, `Custody event ${n} (${entry.event})`, () => {
    if (!bytes) return fail(`the package has no file ${quoted(entry.event)}`);
    const event = parseCustodyEvent(bytes);
    if (event.evidence !== manifest.evidence.commitment)
      fail(`it is about the evidence commitment ${event.evidence}, not this package's ${manifest.evidence.commitment}`);
    if (event.log !== manifest.log.origin)
      fail(`it names the log ${quoted(event.log)}, not this package's ${quoted(manifest.log.origin)}`);
    summary = `the "${event.event}" event of ${event.at}`;
    return `${summary}, about this evidence, in the log ${quoted(event.log)}.`;
  });
  checks.run(`custody-${n}-inclusion`, `Custody event ${n} is in the log`, () => {
    if (!bytes) return fail(`the package has no file ${quoted(entry.event)}`);
    const evidence = state.exam?.checkpoint ?? fail('not checked, because the evidence checkpoint is not usable');
    const proof = parseTlogProof(files.get(entry.proof) ?? fail(`the package has no file ${quoted(entry.proof)}`));
    const exam = examineCheckpoint(proof.checkpoint, policy, options.verify, options.now);
    const cp = exam.checkpoint;
    const same = sameTree(cp, evidence);
    if (!same) {
      if (cp.origin !== evidence.origin) fail(`its proof's checkpoint is from another log, ${quoted(cp.origin)}`);
      if (!state.consistent.some((c) => sameTree(c, cp)))
        fail(
          `its proof is against a checkpoint of ${cp.size} entries that is neither the evidence checkpoint (${evidence.size} entries) nor one the package proves consistent with it`,
        );
    }
    // Even a copy of the evidence checkpoint is checked: a changed copy is a changed package.
    if (!exam.log.ok) fail(`its proof's checkpoint of ${cp.size} entries: ${exam.log.problem}`);
    const witnesses = quorumOutcome(exam, policy.quorum);
    if (!witnesses.ok) fail(`its proof's checkpoint of ${cp.size} entries has ${witnesses.detail}`);
    const where = same
      ? `under the evidence checkpoint (${cp.size} entries)`
      : `under the log's checkpoint of ${cp.size} entries, consistent with the evidence checkpoint`;
    const commitment = custodyCommitment(fromBase64(entry.salt), bytes);
    try {
      verifyInclusion(proof.index, cp.size, leafHash(commitment), proof.proof, cp.root);
    } catch (error) {
      if (!(error instanceof ProofError)) throw error;
      fail(
        `the commitment recomputed from ${quoted(entry.event)} and its salt, ${toBase64(commitment)}, is not entry ${proof.index} under the checkpoint's root hash ${toBase64(cp.root)} (${error.message})`,
      );
    }
    return `${summary} is entry ${proof.index} of the log, ${where}.`;
  });
}
