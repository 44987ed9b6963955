export {
  type CheckpointExamination,
  type Cosigner,
  MAX_COSIGNATURE_CLOCK_SKEW_SECONDS,
  examineCheckpoint,
} from './checkpoint.ts';
export {
  TRUST_POLICY_VERSION,
  type TrustPolicy,
  TrustPolicyError,
  type TrustedLog,
  type TrustedWitness,
  checkTrustPolicy,
  parseTrustPolicy,
} from './policy.ts';
export type { VerificationCheck, VerificationReport } from './report.ts';
export type { VerifyOptions } from './state.ts';
export { verifyEvidencePackage } from './verify.ts';
