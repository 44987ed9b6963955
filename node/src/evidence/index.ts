export { CustodyEventError, custodyEvent, openCustodyEvent, receivedEvent, sealCustodyEvent } from './custody.ts';
export {
  type EvidenceLog,
  EvidenceLogError,
  type PendingEvidenceLogger,
  logPendingEvidence,
  pendingEvidenceLogger,
} from './evidence-log.ts';
export { DEFAULT_SWEEP_INTERVAL_MS, type UploadExpiry, type UploadExpiryInit, createUploadExpiry } from './expiry.ts';
export {
  EVIDENCE_DIR,
  type EvidenceComponents,
  type EvidenceInit,
  TUS_VERSION,
  evidenceRoutes,
  prepareEvidenceDirectory,
} from './tus.ts';
export { COMMITMENT_KEY, commitmentFromMetadata } from './upload-metadata.ts';
