// How a reporting device talks to a node. Shared by the browser app and `backup report`.
export { NodeApiError } from './http.ts';
export { type FollowUp, type ThreadMessage, fetchFollowUp, sendMessage } from './followup.ts';
export {
  type PrepareReportInit,
  type PreparedReport,
  type SubmitReportInit,
  type SubmittedReport,
  fetchNodeInfo,
  prepareReport,
  sendPreparedReport,
  submitReport,
} from './api.ts';
export { COMMITMENT_METADATA_KEY, evidenceCommitmentOf } from './commitment.ts';
export {
  DEFAULT_UPLOAD_CHUNK_BYTES,
  UploadAbortedError,
  type UploadEvidenceInit,
  type UploadSource,
  uploadEvidence,
} from './upload.ts';
export type {
  ApiErrorBody,
  Consent,
  EvidenceStatus,
  FollowUpRequest,
  FollowUpStatus,
  IncidentType,
  MessageAccepted,
  MessageSubmission,
  NodeInfo,
  ReportAccepted,
  ReportSubmission,
  SharedFields,
  ThreadEntry,
  TriageWindow,
} from './types.ts';
