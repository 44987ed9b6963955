// Talking to a node: node information, proof of work, report submission.
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
import type { ApiErrorBody, NodeInfo, ReportAccepted, ReportSubmission, SharedFields } from './types.ts';

export class NodeApiError extends Error {
  override name = 'NodeApiError';
  readonly status: number;
  readonly code: string;

  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

async function call<T>(url: string, init: RequestInit): Promise<T> {
  const response = await fetch(url, { ...init, credentials: 'omit', referrerPolicy: 'no-referrer' });
  const text = await response.text();
  const body = text ? (JSON.parse(text) as unknown) : undefined;
  if (!response.ok) {
    const error = (body as ApiErrorBody | undefined)?.error;
    throw new NodeApiError(response.status, error?.code ?? 'http-error', error?.message ?? `HTTP ${response.status}`);
  }
  return body as T;
}

export async function fetchNodeInfo(
  nodeUrl: string,
  signal?: AbortSignal,
): Promise<NodeInfo & { casePublicKey: BoxPublicKey }> {
  const info = await call<NodeInfo>(new URL('/api/v1/node', nodeUrl).href, { signal });
  return { ...info, casePublicKey: asBoxPublicKey(fromBase64Url(info.publicKeys.case.key)) };
}

export interface SubmitReportInit {
  readonly nodeUrl: string;
  readonly casePublicKey: BoxPublicKey;
  /** Everything the reporter wrote or answered: encrypted before it leaves. */
  readonly document: unknown;
  readonly shared: SharedFields;
  readonly signal?: AbortSignal;
}

export interface SubmittedReport {
  /** Shown to the reporter once; the node never sees it. */
  readonly receiptCode: string;
  readonly lookup: Uint8Array;
  readonly accepted: ReportAccepted;
}

/** Seals and submits a report; retries once if the proof-of-work seed rotated meanwhile. */
export async function submitReport(init: SubmitReportInit): Promise<SubmittedReport> {
  const receiptCode = generateReceiptCode();
  const keys = deriveReceiptKeys(receiptCode);
  const submission: ReportSubmission = {
    v: 1,
    report: await sealReport(init.document, init.casePublicKey),
    shared: init.shared,
    receipt: { verifier: toBase64Url(receiptVerifier(keys.lookup)), replyKey: toBase64Url(keys.replyPublicKey) },
  };
  const body = utf8(JSON.stringify(submission)) as Uint8Array<ArrayBuffer>;
  for (let attempt = 0; ; attempt++) {
    const challenge = await call<{ seed: string; difficulty: number }>(new URL('/api/v1/pow', init.nodeUrl).href, {
      signal: init.signal,
    });
    const pow = await solveProofOfWork(challenge, fromBase64Url(challenge.seed), body, init.signal);
    try {
      const accepted = await call<ReportAccepted>(new URL('/api/v1/reports', init.nodeUrl).href, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [POW_HEADER]: pow },
        body,
        signal: init.signal,
      });
      return { receiptCode, lookup: keys.lookup, accepted };
    } catch (error) {
      if (attempt === 0 && error instanceof NodeApiError && error.code === 'pow-stale') continue;
      throw error;
    }
  }
}
