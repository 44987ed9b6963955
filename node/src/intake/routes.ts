// Anonymous intake: new reports, follow-up by receipt, the reporter's messages, and the
// proof-of-work seed.
import { createHash, randomBytes } from 'node:crypto';
import type { Context } from 'koa';
import type { z } from 'zod';
import { MESSAGE_MAX_PLAINTEXT_BYTES, fromBase64Url } from '../../../client/src/envelope/index.ts';
import {
  ConflictError,
  InvalidRequestError,
  NotFoundError,
  PayloadTooLargeError,
  RateLimitedError,
  type Route,
  UnprocessableError,
  type SourceRateLimiter,
  type TokenBucket,
  readJsonBody,
} from '../http/index.ts';
import { type CaseRecord, type CaseStore, DuplicateReceiptError, MessageLimitError } from '../store/index.ts';
import type { ProofOfWorkGate } from './proof-of-work.ts';
import { FollowUpRequest, MessageSubmission, ReportSubmission } from './schema.ts';

export const EVIDENCE_ENDPOINT = '/api/v1/evidence';
/** Messages one reporter may leave in a case's thread, so a receipt cannot fill the disk. */
export const MAX_REPORTER_MESSAGES = 500;
// A lookup, two sealed keys, a nonce and the largest padded message in base64url, plus JSON.
const MESSAGE_BODY_LIMIT = Math.ceil(((MESSAGE_MAX_PLAINTEXT_BYTES + 16) * 4) / 3) + 1024;

export interface IntakeComponents {
  readonly store: CaseStore;
  readonly pow: ProofOfWorkGate;
  readonly sourceLimiter: SourceRateLimiter;
  readonly reportBucket: TokenBucket;
}

export interface IntakeInit {
  readonly maxReportBytes: number;
  readonly maxEvidenceBytes: number;
  readonly maxEvidenceFiles: number;
}

export function parseOrThrow<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new InvalidRequestError('invalid-request', 'the request does not match the API', {
    details: parsed.error.issues.slice(0, 20).map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`),
  });
}

/** SHA-256 of a receipt lookup value, as the case store indexes it. */
export function verifierOf(lookup: Uint8Array): Buffer {
  return createHash('sha256').update(lookup).digest();
}

/** The case a receipt's lookup value belongs to, or 404 receipt-unknown. */
function caseOfLookup(store: CaseStore, lookup: string): CaseRecord {
  const found = store.caseByVerifier(verifierOf(fromBase64Url(lookup)));
  if (!found) throw new NotFoundError('receipt-unknown', 'no report has this receipt code on this node');
  return found;
}

export function intakeRoutes(components: IntakeComponents, init: IntakeInit): Route[] {
  const { store, pow, sourceLimiter, reportBucket } = components;
  // JSON + base64 overhead on top of the sealed report's own limit.
  const bodyLimit = Math.ceil(init.maxReportBytes * 1.4) + 4096;

  return [
    {
      method: 'GET',
      template: '/api/v1/pow',
      handle(ctx) {
        ctx.body = pow.announce();
      },
    },
    {
      method: 'POST',
      template: '/api/v1/reports',
      async handle(ctx: Context) {
        sourceLimiter.check(ctx);
        const { raw, json } = await readJsonBody(ctx, bodyLimit);
        pow.verify(ctx.get('backup-pow') || undefined, raw);
        const submission = parseOrThrow(ReportSubmission, json);
        if ((submission.report.ct.length * 3) / 4 > init.maxReportBytes) {
          throw new PayloadTooLargeError(
            'report-too-large',
            `the sealed report may be at most ${init.maxReportBytes} bytes`,
          );
        }
        const wait = reportBucket.take();
        if (wait > 0) throw new RateLimitedError(wait, 'this node is receiving many reports; try again shortly');
        try {
          await store.insertCase({
            id: randomBytes(16).toString('base64url'),
            verifier: fromBase64Url(submission.receipt.verifier),
            replyKey: fromBase64Url(submission.receipt.replyKey),
            envelope: JSON.stringify(submission.report),
            shared: JSON.stringify(submission.shared),
          });
        } catch (error) {
          if (error instanceof DuplicateReceiptError)
            throw new ConflictError('receipt-taken', 'make a new receipt code and submit again');
          throw error;
        }
        ctx.status = 201;
        ctx.body = {
          accepted: true,
          evidence: { endpoint: EVIDENCE_ENDPOINT, maxBytes: init.maxEvidenceBytes, maxFiles: init.maxEvidenceFiles },
        };
      },
    },
    {
      method: 'POST',
      template: '/api/v1/followup',
      async handle(ctx: Context) {
        sourceLimiter.check(ctx);
        const { json } = await readJsonBody(ctx, 1024);
        const { lookup } = parseOrThrow(FollowUpRequest, json);
        const found = caseOfLookup(store, lookup);
        ctx.body = {
          status: found.status,
          receivedHour: found.receivedHour,
          evidence: store.evidenceOfCase(found.id).map((e) => ({ id: e.id, size: e.length, complete: e.complete })),
          messages: store.messagesOfCase(found.id).map((m) => ({
            id: m.id,
            author: m.author,
            receivedHour: m.receivedHour,
            message: JSON.parse(m.envelope) as unknown,
          })),
        };
      },
    },
    {
      method: 'POST',
      template: '/api/v1/messages',
      async handle(ctx: Context) {
        sourceLimiter.check(ctx);
        const { json } = await readJsonBody(ctx, MESSAGE_BODY_LIMIT);
        const { lookup, message } = parseOrThrow(MessageSubmission, json);
        const found = caseOfLookup(store, lookup);
        const id = randomBytes(16).toString('base64url');
        try {
          // This route speaks only for the holder of the receipt: the author is never taken from the body.
          await store.insertMessage(
            { id, caseId: found.id, author: 'reporter', envelope: JSON.stringify(message) },
            MAX_REPORTER_MESSAGES,
          );
        } catch (error) {
          if (error instanceof MessageLimitError)
            throw new UnprocessableError('too-many-messages', `a report may hold ${MAX_REPORTER_MESSAGES} messages`);
          throw error;
        }
        ctx.status = 201;
        ctx.body = { id };
      },
    },
  ];
}
