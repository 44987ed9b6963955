// For the sender's browser tests: a node's intake API in the page (a fetch for reports, a
// tus HttpStack for uploads), with switches for what real networks and nodes do: go
// offline, cut a PATCH short after committing part of it, lose an answer, refuse. The
// real path (real node, real browser, a reload) is proven end to end elsewhere.
import type { HttpRequest, HttpResponse, HttpStack } from 'tus-js-client';
import { randomBytes, toBase64Url } from '../envelope/index.ts';

interface StoredUpload {
  readonly length: number;
  readonly authorization: string;
  /** The evidence commitment sent at creation (base64url), as the node keeps it. */
  readonly commitment: string;
  bytes: Uint8Array;
  expired: boolean;
}

export interface Refusal {
  readonly status: number;
  readonly code: string;
}

export class FakeNode {
  readonly url = 'https://node.invalid';
  online = true;
  /** Report bodies the node accepted. */
  readonly reports: Uint8Array[] = [];
  readonly uploads = new Map<string, StoredUpload>();
  /** "METHOD path" of every request that reached the node, e.g. "PATCH /api/v1/evidence/x @1024". */
  readonly log: string[] = [];
  refuseReports: Refusal | undefined;
  refuseUploads: Refusal | undefined;
  /** The next report is stored, but its answer never arrives. */
  loseNextReportAnswer = false;
  /** The next PATCH keeps this many bytes, then the connection drops. */
  cutNextPatchAfter: number | undefined;

  readonly fetch = async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (!this.online) throw new TypeError('Failed to fetch');
    const method = init.method ?? 'GET';
    this.log.push(`${method} ${url.pathname}`);
    if (method === 'GET' && url.pathname === '/api/v1/pow') {
      return json(200, { seed: toBase64Url(randomBytes(16)), difficulty: 0, expiresInSeconds: 600 });
    }
    if (method === 'POST' && url.pathname === '/api/v1/reports') {
      const body = new Uint8Array(await new Response(init.body).arrayBuffer());
      if (this.refuseReports) return error(this.refuseReports);
      const verifier = (JSON.parse(new TextDecoder().decode(body)) as { receipt: { verifier: string } }).receipt
        .verifier;
      if (this.reports.some((r) => new TextDecoder().decode(r).includes(verifier))) {
        return error({ status: 409, code: 'receipt-taken' });
      }
      this.reports.push(body);
      if (this.loseNextReportAnswer) {
        this.loseNextReportAnswer = false;
        throw new TypeError('Failed to fetch');
      }
      return json(201, { accepted: true, evidence: { endpoint: '/api/v1/evidence', maxBytes: 2 ** 31, maxFiles: 50 } });
    }
    return error({ status: 404, code: 'not-found' });
  };

  readonly httpStack: HttpStack = {
    getName: () => 'fake-node',
    createRequest: (method, url) => new FakeRequest(this, method, url),
  };

  /** Answers one tus request as the node's tus server would (node/src/evidence/tus.ts). */
  answer(method: string, url: string, headers: ReadonlyMap<string, string>, body?: Uint8Array): FakeResponse {
    const path = new URL(url).pathname;
    const id = path.split('/').pop()!;
    const upload = this.uploads.get(id);
    this.log.push(`${method} ${path}${method === 'PATCH' ? ` @${headers.get('upload-offset')}` : ''}`);
    if (this.refuseUploads) return tusError(this.refuseUploads);
    const authorization = headers.get('authorization') ?? '';
    if (!/^Receipt [A-Za-z0-9_-]{43}$/.test(authorization)) return tusError({ status: 403, code: 'receipt-required' });
    if (method === 'POST' && path === '/api/v1/evidence') {
      // As the node: one Upload-Metadata key, `commitment`, whose value is base64url of 32 bytes.
      const metadata = headers.get('upload-metadata');
      if (!metadata) return tusError({ status: 400, code: 'commitment-required' });
      const [key, value = ''] = metadata.split(' ');
      if (key !== 'commitment') return tusError({ status: 400, code: 'metadata-not-accepted' });
      let commitment = '';
      try {
        commitment = atob(value);
      } catch {
        // Not base64 at all: refused just below, as the node does.
      }
      if (!/^[A-Za-z0-9_-]{43}$/.test(commitment)) return tusError({ status: 400, code: 'commitment-invalid' });
      const created = toBase64Url(randomBytes(16));
      const length = Number(headers.get('upload-length'));
      this.uploads.set(created, { length, authorization, commitment, bytes: new Uint8Array(0), expired: false });
      return new FakeResponse(201, { Location: `/api/v1/evidence/${created}` });
    }
    if (!upload || upload.authorization !== authorization) return tusError({ status: 404, code: 'upload-unknown' });
    if (upload.expired) return tusError({ status: 410, code: 'upload-expired' });
    const offset = { 'Upload-Offset': String(upload.bytes.length), 'Upload-Length': String(upload.length) };
    if (method === 'HEAD') return new FakeResponse(200, offset);
    if (method !== 'PATCH' || !body) return tusError({ status: 405, code: 'method-not-allowed' });
    if (Number(headers.get('upload-offset')) !== upload.bytes.length) {
      return tusError({ status: 409, code: 'tus-offset-mismatch' });
    }
    const kept = body.subarray(0, Math.min(body.length, this.cutNextPatchAfter ?? body.length));
    const joined = new Uint8Array(upload.bytes.length + kept.length);
    joined.set(upload.bytes);
    joined.set(kept, upload.bytes.length);
    upload.bytes = joined;
    if (this.cutNextPatchAfter !== undefined) {
      this.cutNextPatchAfter = undefined;
      throw new Error('connection reset');
    }
    return new FakeResponse(204, { 'Upload-Offset': String(upload.bytes.length) });
  }
}

class FakeRequest implements HttpRequest {
  private readonly headers = new Map<string, string>();
  private progress: (sent: number) => void = () => {};
  private readonly node: FakeNode;
  private readonly method: string;
  private readonly url: string;

  constructor(node: FakeNode, method: string, url: string) {
    this.node = node;
    this.method = method;
    this.url = url;
  }

  getMethod = () => this.method;
  getURL = () => this.url;
  setHeader = (name: string, value: string) => void this.headers.set(name.toLowerCase(), value);
  getHeader = (name: string) => this.headers.get(name.toLowerCase());
  setProgressHandler = (handler: (sent: number) => void) => void (this.progress = handler);
  abort = async () => {};
  getUnderlyingObject = () => undefined;

  async send(body?: Uint8Array | null): Promise<HttpResponse> {
    // Answers come on a later task, as from a network.
    await new Promise((resolve) => setTimeout(resolve, 0));
    if (!this.node.online) throw new Error('network is down');
    const response = this.node.answer(this.method, this.url, this.headers, body ?? undefined);
    if (body) this.progress(body.length);
    return response;
  }
}

class FakeResponse implements HttpResponse {
  private readonly status: number;
  private readonly headers: Readonly<Record<string, string>>;
  private readonly body: string;

  constructor(status: number, headers: Record<string, string> = {}, body = '') {
    this.status = status;
    this.headers = headers;
    this.body = body;
  }

  getStatus = () => this.status;
  getHeader = (name: string) =>
    Object.entries(this.headers).find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1];
  getBody = () => this.body;
  getUnderlyingObject = () => undefined;
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

function error({ status, code }: Refusal): Response {
  return json(status, { error: { code, message: code } });
}

function tusError({ status, code }: Refusal): FakeResponse {
  return new FakeResponse(status, {}, JSON.stringify({ error: { code, message: code } }));
}
