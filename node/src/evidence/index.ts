export { DEFAULT_SWEEP_INTERVAL_MS, type UploadExpiry, type UploadExpiryInit, createUploadExpiry } from './expiry.ts';
export {
  EVIDENCE_DIR,
  type EvidenceComponents,
  type EvidenceInit,
  TUS_VERSION,
  evidenceRoutes,
  prepareEvidenceDirectory,
} from './tus.ts';
