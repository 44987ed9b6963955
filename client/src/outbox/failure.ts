// Telling "not now" from "no": what the sender retries, and when.
import { NodeApiError } from '../intake/index.ts';

export interface Failure {
  /** True when trying again cannot help: the node itself refused, or the kept file is gone. */
  readonly final: boolean;
  /** The node's error code; `network` when no answer came; or one of the local codes below. */
  readonly code: string;
}

/** Answers that mean "not now": a timeout, a tus offset to re-read, a busy upload, a rate limit. */
const TRANSIENT_STATUSES = new Set([408, 409, 423, 425, 429]);

/** The code of an HTTP error whose body is not the node's `{ "error": { "code" } }`. */
const NOT_THE_NODE = 'http-error';

const LOCAL_FAILURES: Readonly<Record<string, Failure>> = {
  OutboxClosedError: { final: false, code: 'outbox-closed' },
  StagedEvidenceError: { final: true, code: 'evidence-missing' },
  // The reporter's file changed or vanished before a memory-only outbox sent it.
  NotReadableError: { final: true, code: 'file-unreadable' },
};

export function classifyFailure(error: unknown): Failure {
  for (let e = error, depth = 0; e instanceof Error && depth < 8; e = causeOf(e), depth++) {
    const local = LOCAL_FAILURES[e.name];
    if (local) return local;
    const answer = answerOf(e);
    if (answer) {
      // Only the node says no: a 4xx without its JSON error (a censor's 403 or 451 page, a
      // proxy's 407) is something in the way, which may be gone the next time.
      const refused =
        answer.status >= 400 &&
        answer.status < 500 &&
        !TRANSIENT_STATUSES.has(answer.status) &&
        answer.code !== NOT_THE_NODE;
      return { final: refused, code: answer.code };
    }
  }
  // fetch's TypeError, an XMLHttpRequest that never got an answer, a captive portal's HTML…
  return { final: false, code: 'network' };
}

/** Milliseconds before retry `attempt` (from 1): doubling from 1 s up to 60 s, half of it random. */
export function retryDelay(attempt: number, random: number = Math.random()): number {
  const ceiling = Math.min(60_000, 1000 * 2 ** Math.min(16, Math.max(0, attempt - 1)));
  // Phones that lost the network together should not all come back in the same second.
  return Math.round(ceiling / 2 + (random * ceiling) / 2);
}

/** The node's HTTP answer inside an error: ours (NodeApiError) or tus-js-client's DetailedError. */
function answerOf(error: Error): { status: number; code: string } | undefined {
  if (error instanceof NodeApiError) return { status: error.status, code: error.code };
  const response = (error as { originalResponse?: TusResponse | null }).originalResponse;
  if (!response) return undefined;
  return { status: response.getStatus(), code: errorCodeOf(response.getBody()) };
}

interface TusResponse {
  getStatus(): number;
  getBody(): string;
}

/** The node's `{ "error": { "code" } }` body; anything else (a proxy's page) has no code. */
function errorCodeOf(body: string): string {
  try {
    const code = (JSON.parse(body) as { error?: { code?: unknown } } | null)?.error?.code;
    return typeof code === 'string' ? code : NOT_THE_NODE;
  } catch {
    return NOT_THE_NODE;
  }
}

function causeOf(error: Error): unknown {
  return (error as { causingError?: unknown }).causingError ?? error.cause;
}
