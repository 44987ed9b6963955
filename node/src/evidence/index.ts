export {
  EVIDENCE_DIR,
  type EvidenceComponents,
  type EvidenceInit,
  TUS_VERSION,
  evidenceRoutes,
  prepareEvidenceDirectory,
} from './tus.ts';
