// One way to call a node's JSON API, for every intake client. A node that answers with an
// error gives a NodeApiError (HTTP status and stable code); a node that cannot be reached
// gives what fetch throws (a TypeError), or the signal's reason when aborted.
import type { ApiErrorBody } from './types.ts';

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

/** Sends no cookies and no referrer: the node must learn nothing it does not need. */
export async function call<T>(url: string, init: RequestInit): Promise<T> {
  const response = await fetch(url, { ...init, credentials: 'omit', referrerPolicy: 'no-referrer' });
  const text = await response.text();
  if (!response.ok) {
    // A proxy or captive portal may answer with HTML: the status still counts.
    let error: ApiErrorBody['error'] | undefined;
    try {
      error = (JSON.parse(text) as ApiErrorBody | undefined)?.error;
    } catch {
      error = undefined;
    }
    throw new NodeApiError(response.status, error?.code ?? 'http-error', error?.message ?? `HTTP ${response.status}`);
  }
  return (text ? JSON.parse(text) : undefined) as T;
}
