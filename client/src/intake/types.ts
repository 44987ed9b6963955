// The intake API's wire types as the reporting side sees them. The node validates the
// same shapes with zod (node/src/intake/schema.ts); a type test keeps the two in step.
import type { MessageAuthor, SealedMessage, SealedReport } from '../envelope/index.ts';

/** Time since the incident, against the medical windows: HIV PEP 72 h, emergency contraception 120 h. */
export const TRIAGE_WINDOWS = ['within-72h', 'within-120h', 'later', 'unknown'] as const;
export type TriageWindow = (typeof TRIAGE_WINDOWS)[number];

/** UN CRSV act categories, in the GBVIMS order (see docs/formats.md for the mapping). */
export const INCIDENT_TYPES = [
  'rape',
  'sexual-slavery',
  'forced-prostitution',
  'forced-pregnancy',
  'forced-abortion',
  'enforced-sterilisation',
  'forced-marriage',
  'other-sexual-violence',
  'unknown',
] as const;
export type IncidentType = (typeof INCIDENT_TYPES)[number];

/** Consent per use, following the Murad Code: each use is asked for separately. */
export interface Consent {
  readonly storage: true;
  readonly referral: boolean;
  readonly statistics: boolean;
  readonly justice: boolean;
}

/** The only fields a node can read without the case key, shared with the reporter's consent. */
export interface SharedFields {
  readonly triage?: TriageWindow;
  readonly incidentType?: IncidentType;
  /** An OCHA P-code or a coarse grid-cell id; never coordinates. */
  readonly area?: string;
  readonly consent: Consent;
}

export interface ReportSubmission {
  readonly v: 1;
  readonly report: SealedReport;
  readonly shared: SharedFields;
  readonly receipt: { readonly verifier: string; readonly replyKey: string };
}

export interface NodeInfo {
  readonly name: string;
  readonly software: { readonly name: string; readonly version: string };
  readonly publicKeys: { readonly case: { readonly alg: 'x25519'; readonly key: string } };
  readonly limits: {
    readonly maxReportBytes: number;
    readonly maxEvidenceBytes: number;
    readonly maxEvidenceFiles: number;
  };
}

export interface ReportAccepted {
  readonly accepted: true;
  readonly evidence: { readonly endpoint: string; readonly maxBytes: number; readonly maxFiles: number };
}

export interface FollowUpRequest {
  /** base64url of the receipt's lookup value. */
  readonly lookup: string;
}

export interface EvidenceStatus {
  readonly id: string;
  /** Encrypted length in bytes. */
  readonly size: number;
  readonly complete: boolean;
}

/** One message of the thread as the node holds it: sealed, with what the node recorded. */
export interface ThreadEntry {
  readonly id: string;
  /** Which way it reached the node: the reporter's route, or a caseworker's tool. */
  readonly author: MessageAuthor;
  readonly receivedHour: string;
  readonly message: SealedMessage;
}

export interface FollowUpStatus {
  readonly status: string;
  readonly receivedHour: string;
  readonly evidence: readonly EvidenceStatus[];
  /** Oldest first. */
  readonly messages: readonly ThreadEntry[];
}

export interface MessageSubmission {
  readonly lookup: string;
  readonly message: SealedMessage;
}

export interface MessageAccepted {
  readonly id: string;
}

export interface ApiErrorBody {
  readonly error: { readonly code: string; readonly message: string; readonly details?: readonly string[] };
}
