// The intake API's wire formats, validated at the edge. Everything here arrives from
// anonymous reporters: lengths are checked before any byte is trusted.
import { z } from 'zod';
import { REPORT_PADDING_BYTES } from '../../../client/src/envelope/index.ts';

const base64url = (bytes: number) =>
  z
    .string()
    .length(Math.ceil((bytes * 4) / 3))
    .regex(/^[A-Za-z0-9_-]+$/, 'must be base64url');

/** UN CRSV act categories (see docs/formats.md for their GBVIMS mapping). */
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

/** Time since the incident, against the medical windows: HIV PEP 72 h, emergency contraception 120 h. */
export const TRIAGE_WINDOWS = ['within-72h', 'within-120h', 'later', 'unknown'] as const;

export const SharedFields = z
  .object({
    triage: z.enum(TRIAGE_WINDOWS).default('unknown'),
    incidentType: z.enum(INCIDENT_TYPES).optional(),
    area: z
      .string()
      .regex(/^[A-Za-z0-9]{2,20}$/, 'a P-code or grid-cell id')
      .optional()
      .describe('coarse area: an OCHA P-code or a coarse grid-cell id, never coordinates'),
    consent: z
      .object({
        storage: z.literal(true, { message: 'a report can only be kept with consent to store it' }),
        referral: z.boolean(),
        statistics: z.boolean(),
        justice: z.boolean(),
      })
      .strict(),
  })
  .strict();

export const SealedReportSchema = z
  .object({
    v: z.literal(1),
    key: base64url(80),
    iv: base64url(12),
    ct: z
      .string()
      .regex(/^[A-Za-z0-9_-]+$/, 'must be base64url')
      .refine((ct) => Math.floor((ct.length * 3) / 4) % REPORT_PADDING_BYTES === 16, {
        message: `must be a plaintext padded to a multiple of ${REPORT_PADDING_BYTES} bytes, plus the 16-byte tag`,
      }),
  })
  .strict();

export const ReportSubmission = z
  .object({
    v: z.literal(1),
    report: SealedReportSchema,
    shared: SharedFields,
    receipt: z.object({ verifier: base64url(32), replyKey: base64url(32) }).strict(),
  })
  .strict();

export const FollowUpRequest = z.object({ lookup: base64url(32) }).strict();

export const ReportAccepted = z.object({
  accepted: z.literal(true),
  evidence: z.object({ endpoint: z.string(), maxBytes: z.number(), maxFiles: z.number() }),
});

export const FollowUpStatus = z.object({
  status: z.string(),
  receivedHour: z.string(),
  evidence: z.array(z.object({ id: z.string(), size: z.number(), complete: z.boolean() })),
});

export type ReportSubmission = z.infer<typeof ReportSubmission>;
