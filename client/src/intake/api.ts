// Talking to a node: node information, proof of work, report submission.
//
// A report is prepared (sealed, with a receipt made on the device) apart from being sent,
// so the reporting app can keep the prepared bytes in its encrypted outbox until the
// network returns. Errors are http.ts's: a NodeApiError when the node answered, what
// fetch throws when it could not be reached, so callers tell "refused" from "later".
import {
  type BoxPublicKey,
  POW_HEADER,
  asBoxPublicKey,
  deriveReceiptKeys,
  fromBase64Url,
  generateReceiptCode,
  receiptVerifier,
  sealReport,
  solveProofOfWork,
  toBase64Url,
  utf8,
} from '../envelope/index.ts';
import { NodeApiError, call } from './http.ts';
import type { NodeInfo, ReportAccepted, ReportSubmission, SharedFields } from './types.ts';

export async function fetchNodeInfo(
  nodeUrl: string,
  signal?: AbortSignal,
): Promise<NodeInfo & { casePublicKey: BoxPublicKey }> {
  const info = await call<NodeInfo>(new URL('/api/v1/node', nodeUrl).href, { signal });
  return { ...info, casePublicKey: asBoxPublicKey(fromBase64Url(info.publicKeys.case.key)) };
}

export interface PrepareReportInit {
  readonly casePublicKey: BoxPublicKey;
  /** Everything the reporter wrote or answered: encrypted here, before it is kept or sent. */
  readonly document: unknown;
  readonly shared: SharedFields;
}

export interface PreparedReport {
  /** Shown to the reporter once; the node never sees it, and it is never stored. */
  readonly receiptCode: string;
  /** Derived from the receipt code: authorises evidence uploads and follow-up. */
  readonly lookup: Uint8Array;
  /** The JSON submission as sent: the sealed report, the shared fields and the receipt's verifier. */
  readonly body: Uint8Array;
}

/** Makes a receipt code on the device and seals the report to the node's case key. */
export async function prepareReport(init: PrepareReportInit): Promise<PreparedReport> {
  const receiptCode = generateReceiptCode();
  const keys = deriveReceiptKeys(receiptCode);
  const submission: ReportSubmission = {
    v: 1,
    report: await sealReport(init.document, init.casePublicKey),
    shared: init.shared,
    receipt: { verifier: toBase64Url(receiptVerifier(keys.lookup)), replyKey: toBase64Url(keys.replyPublicKey) },
  };
  return { receiptCode, lookup: keys.lookup, body: utf8(JSON.stringify(submission)) };
}

/** Sends a prepared report; retries once if the proof-of-work seed rotated meanwhile. */
export async function sendPreparedReport(
  nodeUrl: string,
  body: Uint8Array,
  signal?: AbortSignal,
): Promise<ReportAccepted> {
  const bytes = new Uint8Array(body) as Uint8Array<ArrayBuffer>;
  for (let attempt = 0; ; attempt++) {
    const challenge = await call<{ seed: string; difficulty: number }>(new URL('/api/v1/pow', nodeUrl).href, {
      signal,
    });
    const pow = await solveProofOfWork(challenge, fromBase64Url(challenge.seed), bytes, signal);
    try {
      return await call<ReportAccepted>(new URL('/api/v1/reports', nodeUrl).href, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [POW_HEADER]: pow },
        body: bytes,
        signal,
      });
    } catch (error) {
      if (attempt === 0 && error instanceof NodeApiError && error.code === 'pow-stale') continue;
      throw error;
    }
  }
}

export interface SubmitReportInit extends PrepareReportInit {
  readonly nodeUrl: string;
  readonly signal?: AbortSignal;
}

export interface SubmittedReport {
  /** Shown to the reporter once; the node never sees it. */
  readonly receiptCode: string;
  readonly lookup: Uint8Array;
  readonly accepted: ReportAccepted;
}

/** Prepares and sends a report at once (`backup report`; the app queues it in its outbox). */
export async function submitReport(init: SubmitReportInit): Promise<SubmittedReport> {
  const prepared = await prepareReport(init);
  const accepted = await sendPreparedReport(init.nodeUrl, prepared.body, init.signal);
  return { receiptCode: prepared.receiptCode, lookup: prepared.lookup, accepted };
}
