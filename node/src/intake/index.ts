export {
  EVIDENCE_ENDPOINT,
  type IntakeComponents,
  type IntakeInit,
  intakeRoutes,
  parseOrThrow,
  verifierOf,
} from './routes.ts';
export { POW_EPOCH_SECONDS, type PowAnnouncement, ProofOfWorkGate } from './proof-of-work.ts';
export {
  FollowUpRequest,
  FollowUpStatus,
  INCIDENT_TYPES,
  ReportAccepted,
  ReportSubmission,
  SharedFields,
  TRIAGE_WINDOWS,
} from './schema.ts';
