import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nodeEd25519Signer, nodeEd25519Verify } from '../../../federation/src/crypto/node.ts';
import { COSIGNATURE_V1_KEY_TYPE, noteSigner } from '../../../federation/src/note/index.ts';
import { createWitness, openWitnessStore } from '../../../federation/src/witness/index.ts';
import { evidenceRoutes } from '../evidence/index.ts';
import { type Route, SourceRateLimiter, TokenBucket } from '../http/index.ts';
import { EVIDENCE_ENDPOINT, ProofOfWorkGate, intakeRoutes } from '../intake/index.ts';
import { logRoutes } from '../integrity/routes.ts';
import { CaseStore } from '../store/index.ts';
import { openApiDocument } from './openapi.ts';
import { TEST_NODE_INFO } from './node-info.testing.ts';
import { infoRoutes } from './routes.ts';

interface Operation {
  readonly requestBody?: { content: Record<string, { schema: JsonSchema }> };
  readonly responses: Record<string, { content?: Record<string, { schema: JsonSchema }> }>;
}
interface JsonSchema {
  readonly type?: string;
  readonly required?: readonly string[];
  readonly properties?: Record<string, JsonSchema>;
  readonly additionalProperties?: unknown;
}
interface Document {
  readonly openapi: string;
  readonly info: { readonly version: string };
  readonly paths: Record<string, Record<string, Operation>>;
}

// The routes are built at collection time, with real components, so each one gets its own
// test below and a route added later is checked without touching this file.
const dataDir = mkdtempSync(join(tmpdir(), 'backup-openapi-'));
const store = new CaseStore(dataDir);
const sourceLimiter = new SourceRateLimiter({ sourceBurst: 10, sourcePerMinute: 10 });
const info = TEST_NODE_INFO;
const limits = info.limits;
const witnessName = 'backup/test/00000000/witness';
const witnessStore = openWitnessStore(join(dataDir, 'witness.sqlite'));
const witness = createWitness({
  name: witnessName,
  signer: noteSigner(witnessName, COSIGNATURE_V1_KEY_TYPE, nodeEd25519Signer(new Uint8Array(32).fill(4))),
  store: witnessStore,
  logs: () => [],
  verify: nodeEd25519Verify(),
});
const routes: Route[] = [
  ...infoRoutes(info, () => store.ping()),
  ...intakeRoutes({ store, pow: new ProofOfWorkGate(8), sourceLimiter, reportBucket: new TokenBucket(10, 10) }, limits),
  ...evidenceRoutes({ store, sourceLimiter }, { dataDir, endpoint: EVIDENCE_ENDPOINT, minFreeBytes: 0, ...limits }),
  // A log that has published nothing yet: no checkpoint, no tile.
  ...logRoutes({
    checkpoint: () => undefined,
    tile: () => undefined,
    witness: (body) => witness.addCheckpoint(body),
    witnessBucket: new TokenBucket(10, 10),
  }),
];

describe('openApiDocument', () => {
  const document = openApiDocument('1.2.3') as Document;

  afterAll(() => {
    store.close();
    witnessStore.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('is OpenAPI 3.1 and carries the software version', () => {
    expect(document.openapi).toMatch(/^3\.1\.\d+$/);
    expect(document.info.version).toBe('1.2.3');
  });

  it('is plain JSON', () => {
    expect(JSON.parse(JSON.stringify(document))).toEqual(document);
  });

  describe('for every route the node serves', () => {
    it('has routes to check', () => {
      expect(routes.length).toBeGreaterThanOrEqual(12);
    });

    for (const route of routes) {
      it(`documents ${route.method} ${route.template}`, () => {
        expect(document.paths[route.template], `no path ${route.template}`).toBeDefined();
        expect(Object.keys(document.paths[route.template]!)).toContain(route.method.toLowerCase());
      });
    }
  });

  describe('for every operation it documents', () => {
    const served = new Set(routes.map((r) => `${r.method.toLowerCase()} ${r.template}`));
    const documented = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method} ${path}`),
    );

    it.each(documented)('has a route serving %s', (operation) => {
      expect(served.has(operation)).toBe(true);
    });
  });

  describe('the answer of GET /api/v1/node', () => {
    const schema = document.paths['/api/v1/node']?.['get']?.responses['200']?.content?.['application/json']?.schema;

    it('has every field the node serves, and no other', () => {
      expect(Object.keys(schema?.properties ?? {}).sort()).toEqual(Object.keys(info).sort());
    });
  });

  describe('the answers of POST /witness/add-checkpoint', () => {
    const responses = document.paths['/witness/add-checkpoint']?.['post']?.responses ?? {};

    it('include every status of C2SP tlog-witness', () => {
      expect(Object.keys(responses)).toEqual(expect.arrayContaining(['200', '400', '403', '404', '409', '422']));
    });

    it('give the witness’s latest size as text/x.tlog.size on a conflict', () => {
      expect(Object.keys(responses['409']?.content ?? {})).toContain('text/x.tlog.size');
    });
  });

  describe('the request body of POST /api/v1/reports', () => {
    const schema = document.paths['/api/v1/reports']?.['post']?.requestBody?.content['application/json']?.schema;

    it('requires v, report, shared and receipt', () => {
      expect(schema?.type).toBe('object');
      expect([...(schema?.required ?? [])].sort()).toEqual(['receipt', 'report', 'shared', 'v']);
    });

    it('admits no other properties', () => {
      expect(schema?.additionalProperties).toBe(false);
    });

    it('does not require the triage window, which has a default', () => {
      expect(schema?.properties?.['shared']?.required).toEqual(['consent']);
    });
  });

  describe('the request body of POST /api/v1/messages', () => {
    const schema = document.paths['/api/v1/messages']?.['post']?.requestBody?.content['application/json']?.schema;

    it('requires the lookup and the sealed message, and admits nothing else', () => {
      expect([...(schema?.required ?? [])].sort()).toEqual(['lookup', 'message']);
      expect(schema?.additionalProperties).toBe(false);
    });

    it('requires every part of the envelope, and admits nothing else in it', () => {
      const message = schema?.properties?.['message'];
      expect([...(message?.required ?? [])].sort()).toEqual(['ct', 'iv', 'keys', 'v']);
      expect(message?.additionalProperties).toBe(false);
      expect([...(message?.properties?.['keys']?.required ?? [])].sort()).toEqual(['case', 'reporter']);
    });
  });

  describe('the answer of POST /api/v1/followup', () => {
    const schema =
      document.paths['/api/v1/followup']?.['post']?.responses['200']?.content?.['application/json']?.schema;

    it('lists the message thread', () => {
      expect(schema?.required).toContain('messages');
      expect(schema?.properties?.['messages']?.type).toBe('array');
    });
  });
});
