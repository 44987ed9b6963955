// The intake API's wire formats, validated at the edge. Everything here arrives from
// anonymous reporters: lengths are checked before any byte is trusted.
import { z } from 'zod';
import { INCIDENT_TYPES, TRIAGE_WINDOWS } from '../../../client/src/intake/types.ts';
import {
  MESSAGE_AUTHORS,
  MESSAGE_MAX_PLAINTEXT_BYTES,
  REPORT_PADDING_BYTES,
} from '../../../client/src/envelope/index.ts';

const GCM_TAG_BYTES = 16;

const base64url = (bytes: number) =>
  z
    .string()
    .length(Math.ceil((bytes * 4) / 3))
    .regex(/^[A-Za-z0-9_-]+$/, 'must be base64url');

/** Bytes that base64url text of this length decodes to, or -1 when no byte string has this length. */
function decodedLength(text: string): number {
  const bytes = Math.floor((text.length * 3) / 4);
  return Math.ceil((bytes * 4) / 3) === text.length ? bytes : -1;
}

/** AES-GCM ciphertext of a plaintext padded to 1 KiB steps, at most `maxPlaintext` bytes. */
const paddedCiphertext = (maxPlaintext: number) =>
  z
    .string()
    .max(Math.ceil(((maxPlaintext + GCM_TAG_BYTES) * 4) / 3))
    .regex(/^[A-Za-z0-9_-]+$/, 'must be base64url')
    .refine(
      (ct) => {
        const bytes = decodedLength(ct) - GCM_TAG_BYTES;
        return bytes > 0 && bytes % REPORT_PADDING_BYTES === 0 && bytes <= maxPlaintext;
      },
      {
        message: `must be a plaintext padded to a multiple of ${REPORT_PADDING_BYTES} bytes (at most ${maxPlaintext}), plus the 16-byte tag`,
      },
    );

export { INCIDENT_TYPES, TRIAGE_WINDOWS };

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

/** A message envelope (client/src/envelope/message.ts): one content key sealed to two readers. */
export const SealedMessageSchema = z
  .object({
    v: z.literal(1),
    iv: base64url(12),
    ct: paddedCiphertext(MESSAGE_MAX_PLAINTEXT_BYTES),
    keys: z.object({ case: base64url(80), reporter: base64url(80) }).strict(),
  })
  .strict();

export const MessageSubmission = z.object({ lookup: base64url(32), message: SealedMessageSchema }).strict();

export const MessageAccepted = z.object({ id: z.string() });

export const ThreadEntry = z.object({
  id: z.string(),
  author: z.enum(MESSAGE_AUTHORS),
  receivedHour: z.string(),
  message: SealedMessageSchema,
});

export const ReportAccepted = z.object({
  accepted: z.literal(true),
  evidence: z.object({ endpoint: z.string(), maxBytes: z.number(), maxFiles: z.number() }),
});

export const FollowUpStatus = z.object({
  status: z.string(),
  receivedHour: z.string(),
  evidence: z.array(z.object({ id: z.string(), size: z.number(), complete: z.boolean() })),
  /** The thread with the caseworkers, oldest first. */
  messages: z.array(ThreadEntry),
});

export type ReportSubmission = z.infer<typeof ReportSubmission>;
