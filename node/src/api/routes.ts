// Public, read-only information about the node.
import type { Route } from '../http/index.ts';
import { openApiDocument } from './openapi.ts';

export interface NodeInfo {
  readonly name: string;
  readonly software: { readonly name: 'backup'; readonly version: string };
  readonly publicKeys: { readonly case: { readonly alg: 'x25519'; readonly key: string } };
  readonly limits: {
    readonly maxReportBytes: number;
    readonly maxEvidenceBytes: number;
    readonly maxEvidenceFiles: number;
  };
  readonly api: string;
  /** The evidence log's origin line and C2SP verifier keys (log: type 0x01, witness: 0x04). */
  readonly logOrigin: string;
  readonly logVerifierKey: string;
  readonly witnessVerifierKey: string;
  /** The federation (libp2p) peer id. */
  readonly peerId: string;
  /** Where the C2SP tlog-tiles checkpoint and the tlog-witness endpoint are. */
  readonly checkpoint: string;
  readonly witness: string;
}

export function infoRoutes(info: NodeInfo, healthy: () => boolean): Route[] {
  const document = openApiDocument(info.software.version);
  return [
    {
      method: 'GET',
      template: '/api/v1/node',
      handle(ctx) {
        ctx.body = info;
      },
    },
    {
      method: 'GET',
      template: '/api/v1/health',
      handle(ctx) {
        const ok = healthy();
        ctx.status = ok ? 200 : 503;
        ctx.body = { status: ok ? 'ok' : 'unavailable' };
      },
    },
    {
      method: 'GET',
      template: '/api/openapi.json',
      handle(ctx) {
        ctx.body = document;
      },
    },
  ];
}
