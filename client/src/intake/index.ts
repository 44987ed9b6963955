// How a reporting device talks to a node. Shared by the browser app and `backup report`.
export { NodeApiError, type SubmitReportInit, type SubmittedReport, fetchNodeInfo, submitReport } from './api.ts';
export { DEFAULT_UPLOAD_CHUNK_BYTES, UploadAbortedError, type UploadEvidenceInit, uploadEvidence } from './upload.ts';
export type {
  ApiErrorBody,
  Consent,
  IncidentType,
  NodeInfo,
  ReportAccepted,
  ReportSubmission,
  SharedFields,
  TriageWindow,
} from './types.ts';
