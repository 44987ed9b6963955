// One /api/v1/node document for the API's tests.
import type { NodeInfo } from './routes.ts';

export const TEST_NODE_INFO: NodeInfo = {
  name: 'test node',
  software: { name: 'backup', version: '1.2.3' },
  publicKeys: { case: { alg: 'x25519', key: 'A'.repeat(43) } },
  limits: { maxReportBytes: 65536, maxEvidenceBytes: 1024 * 1024, maxEvidenceFiles: 5 },
  api: '/api/openapi.json',
  logOrigin: 'backup/test/00000000',
  logVerifierKey: 'backup/test/00000000+00000000+AQ==',
  witnessVerifierKey: 'backup/test/00000000/witness+00000000+BA==',
  peerId: '12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN',
  checkpoint: '/log/checkpoint',
  witness: '/witness/add-checkpoint',
};
