export {
  EVIDENCE_ENDPOINT,
  MAX_REPORTER_MESSAGES,
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
  MessageAccepted,
  MessageSubmission,
  ReportAccepted,
  ReportSubmission,
  SealedMessageSchema,
  SharedFields,
  TRIAGE_WINDOWS,
  ThreadEntry,
} from './schema.ts';
