// The offline verifier of evidence packages (DESIGN §4): pure, no I/O, no node:* import, so
// the CLI and the browser page run this same code. Everything in the package is hostile
// input; only the trust policy, brought by the person verifying, is trusted.
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { evidenceCommitment } from '../commitment/index.ts';
import { ProofError, leafHash, verifyConsistency, verifyInclusion } from '../merkle/index.ts';
import { fromBase64, toBase64 } from '../note/index.ts';
import {
  EVIDENCE_PROOF_PATH,
  MANIFEST_PATH,
  type PackageManifest,
  parseManifest,
  parseTlogProof,
  quoted,
} from '../package/index.ts';
import { type CheckpointExamination, examineCheckpoint, quorumOutcome } from './checkpoint.ts';
import { verifyCustody } from './custody.ts';
import { checkFiles } from './files.ts';
import { type TrustPolicy, checkTrustPolicy } from './policy.ts';
import { Checks, type VerificationReport, count, fail } from './report.ts';
import type { EvidenceState, VerifyOptions } from './state.ts';

const notChecked = (why: string): never => fail(`not checked, because ${why}`);

function verifyEvidence(
  checks: Checks,
  files: ReadonlyMap<string, Uint8Array>,
  m: PackageManifest,
  policy: TrustPolicy,
  options: VerifyOptions,
) {
  const e = m.evidence;
  const file = files.get(e.file);
  const noFile = () => fail(`the package has no file ${quoted(e.file)}`);
  checks.run('evidence-size', "The evidence file's size", () => {
    if (!file) return noFile();
    if (file.length !== e.size) fail(`the file ${quoted(e.file)} is ${file.length} bytes; the package says ${e.size}`);
    return `${quoted(e.file)} is ${e.size} bytes, as the package says.`;
  });
  const fileHash = file && sha256(file);
  checks.run('evidence-sha256', "The evidence file's SHA-256", () => {
    if (!fileHash) return noFile();
    const hex = bytesToHex(fileHash);
    if (hex !== e.sha256) fail(`the file's SHA-256 is ${hex}; the package says ${e.sha256}`);
    return `the file's SHA-256 is ${hex}, as the package says.`;
  });
  checks.run('evidence-commitment', 'The salted commitment to the file', () => {
    if (!file || !fileHash) return noFile();
    const recomputed = toBase64(
      evidenceCommitment(fromBase64(e.salt), { sha256: fileHash, type: e.type, size: file.length }),
    );
    const from = `the salt, the file's SHA-256, its media type ${quoted(e.type)} and its size (${file.length} bytes)`;
    if (recomputed !== e.commitment)
      fail(`recomputed from ${from}, the commitment is ${recomputed}; the package says ${e.commitment}`);
    return `recomputed from ${from}, the commitment is ${recomputed}, as the package says.`;
  });

  let proof: ReturnType<typeof parseTlogProof> | undefined;
  let exam: CheckpointExamination | undefined;
  checks.run('evidence-proof', `The proof file (${EVIDENCE_PROOF_PATH})`, () => {
    const bytes = files.get(EVIDENCE_PROOF_PATH) ?? fail(`the package has no file ${EVIDENCE_PROOF_PATH}`);
    const parsed = parseTlogProof(bytes);
    const examined = examineCheckpoint(parsed.checkpoint, policy, options.verify, options.now);
    const origin = examined.checkpoint.origin;
    if (origin !== m.log.origin)
      fail(`its checkpoint is from the log ${quoted(origin)}; the package says ${quoted(m.log.origin)}`);
    [proof, exam] = [parsed, examined];
    return `a C2SP tlog-proof of entry ${parsed.index}, with ${count(parsed.proof.length, 'proof hash', 'proof hashes')} and a checkpoint of ${examined.checkpoint.size} entries of the log ${quoted(origin)}.`;
  });
  checks.run('log-signature', "The log's signature on the checkpoint", () => {
    if (!exam) return notChecked('the proof file is not usable');
    if (!exam.log.ok) return fail(exam.log.problem);
    const origin = exam.checkpoint.origin;
    if (!policy.logs.some((l) => l.origin === origin && l.key === m.log.verifierKey))
      fail(
        `the checkpoint is signed by a key the policy trusts, but the package names another log key, ${quoted(m.log.verifierKey)}`,
      );
    return `the checkpoint is signed by the log ${quoted(origin)} with the key ${quoted(exam.log.keyName)}, which the policy trusts.`;
  });
  checks.run('witness-quorum', 'Witness cosignatures on the checkpoint', () => {
    if (!exam) return notChecked('the proof file is not usable');
    const outcome = quorumOutcome(exam, policy.quorum);
    return outcome.ok ? outcome.detail : fail(outcome.detail);
  });
  checks.run('evidence-inclusion', 'The commitment is in the log', () => {
    if (!proof || !exam) return notChecked('the proof file is not usable');
    const { size, root } = exam.checkpoint;
    try {
      verifyInclusion(proof.index, size, leafHash(fromBase64(e.commitment)), proof.proof, root);
    } catch (error) {
      if (!(error instanceof ProofError)) throw error;
      fail(
        `the inclusion proof does not lead from the commitment, as entry ${proof.index}, to the checkpoint's root hash ${toBase64(root)} (${error.message})`,
      );
    }
    return `the commitment is entry ${proof.index} of the ${size} entries under the checkpoint's root hash ${toBase64(root)}.`;
  });
  return exam;
}

function verifyConsistencyProofs(checks: Checks, state: EvidenceState, policy: TrustPolicy, options: VerifyOptions) {
  (state.manifest.consistency ?? []).forEach((item, n) => {
    checks.run(`consistency-${n}`, `Consistency proof ${n}`, () => {
      const evidence = state.exam?.checkpoint ?? notChecked('the evidence checkpoint is not usable');
      const other = examineCheckpoint(item.from, policy, options.verify, options.now);
      const cp = other.checkpoint;
      if (cp.origin !== evidence.origin) fail(`its checkpoint is from another log, ${quoted(cp.origin)}`);
      if (!other.log.ok) fail(`its checkpoint of ${cp.size} entries is not signed by the log: ${other.log.problem}`);
      if (other.invalid.length > 0)
        fail(`its checkpoint of ${cp.size} entries was changed: ${other.invalid.join('; ')}`);
      const later = cp.size > evidence.size;
      const [small, large] = later ? [evidence, cp] : [cp, evidence];
      try {
        verifyConsistency(small.size, large.size, item.proof.map(fromBase64), small.root, large.root);
      } catch (error) {
        if (!(error instanceof ProofError)) throw error;
        fail(
          `the proof that the log's tree of ${large.size} entries extends its tree of ${small.size} entries does not verify (${error.message})`,
        );
      }
      state.consistent.push(cp);
      const witnessed = count(other.cosigners.length, 'trusted cosignature');
      return later
        ? `the log's later checkpoint of ${cp.size} entries (signed by the log, ${witnessed}) extends the evidence checkpoint of ${evidence.size} entries: the log has kept every entry since.`
        : `the evidence checkpoint of ${evidence.size} entries extends the log's earlier checkpoint of ${cp.size} entries (signed by the log, ${witnessed}).`;
    });
  });
}

/** Verifies an evidence package (files by path, "/"-separated) against a trust policy. */
export function verifyEvidencePackage(
  files: ReadonlyMap<string, Uint8Array>,
  policy: TrustPolicy,
  options: VerifyOptions,
): VerificationReport {
  const checks = new Checks();
  let trusted: TrustPolicy | undefined;
  checks.run('policy', 'The trust policy', () => {
    trusted = checkTrustPolicy(policy);
    const logs = trusted.logs.map((l) => quoted(l.origin)).join(', ');
    return `it trusts ${count(trusted.logs.length, 'log')} (${logs}) and ${count(trusted.witnesses.length, 'witness', 'witnesses')}, and requires ${count(trusted.quorum, 'cosignature')}.`;
  });
  if (!trusted) return checks.report();
  let manifest: PackageManifest | undefined;
  checks.run('manifest', `The package description (${MANIFEST_PATH})`, () => {
    const bytes =
      files.get(MANIFEST_PATH) ??
      fail(
        `the package has no ${MANIFEST_PATH}: these are not the files of an evidence package, or not its top folder`,
      );
    manifest = parseManifest(bytes);
    return `an evidence package made ${manifest.created} for the log ${quoted(manifest.log.origin)}, with ${count(manifest.custody.length, 'custody event')}.`;
  });
  if (!manifest) return checks.report();
  checks.run('files', 'The files in the package', () => checkFiles(files, manifest!));
  const exam = verifyEvidence(checks, files, manifest, trusted, options);
  const state: EvidenceState = { manifest, consistent: [], ...(exam && { exam }) };
  verifyConsistencyProofs(checks, state, trusted, options);
  manifest.custody.forEach((_, n) => verifyCustody(checks, files, state, n, trusted!, options));
  return checks.report();
}
