export {
  type ConsistencyInput,
  type CustodyInput,
  type EvidencePackageInput,
  buildEvidencePackage,
  packageFileName,
} from './build.ts';
export {
  CUSTODY_EVENT_KINDS,
  CUSTODY_EVENT_VERSION,
  type CustodyEvent,
  type CustodyEventKind,
  MAX_CUSTODY_EVENT_BYTES,
  formatCustodyEvent,
  isIsoUtc,
  parseCustodyEvent,
} from './custody-event.ts';
export { PackageFormatError, PackageInputError } from './errors.ts';
export {
  EVIDENCE_DIR,
  EVIDENCE_PROOF_PATH,
  INSTRUCTIONS_PATH,
  MANIFEST_PATH,
  type ManifestConsistency,
  type ManifestCustody,
  type ManifestEvidence,
  PACKAGE_KIND,
  PACKAGE_VERSION,
  type PackageManifest,
  custodyEventPath,
  custodyProofPath,
  formatManifest,
  packagePaths,
  parseManifest,
} from './manifest.ts';
export { quoted } from './text.ts';
export {
  MAX_TLOG_PROOF_BYTES,
  TLOG_PROOF_HEADER,
  type TlogProof,
  formatTlogProof,
  parseTlogProof,
} from './tlog-proof.ts';
