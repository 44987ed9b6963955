// The composition root: builds every service of a node from its configuration and starts
// the HTTP server. Nothing else wires services together.
import { type Server, createServer } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import Koa from 'koa';
import packageJson from '../../package.json' with { type: 'json' };
import { toBase64Url } from '../../client/src/envelope/index.ts';
import { infoRoutes } from './api/index.ts';
import type { NodeConfig } from './config/index.ts';
import {
  type EvidenceLog,
  createUploadExpiry,
  evidenceRoutes,
  pendingEvidenceLogger,
  prepareEvidenceDirectory,
} from './evidence/index.ts';
import { SourceRateLimiter, TokenBucket, errorHandler, notFound, router, securityHeaders } from './http/index.ts';
import { EVIDENCE_ENDPOINT, ProofOfWorkGate, intakeRoutes } from './intake/index.ts';
import { type Integrity, startIntegrity } from './integrity/index.ts';
import { KeyFileError, readKeyFile } from './keys/index.ts';
import type { Logger } from './log/index.ts';
import { CaseStore } from './store/index.ts';
import { ContentLibrary, buildAppAssets, webRoutes } from './web/index.ts';

export const SOFTWARE_VERSION: string = packageJson.version;
/** The reporting app's sources and the content shipped with it. */
const CLIENT_DIR = fileURLToPath(new URL('../../client', import.meta.url));
/** Idle sockets are closed after this long; large uploads keep theirs busy. */
const SOCKET_IDLE_MS = 120_000;
const HEADERS_TIMEOUT_MS = 30_000;

export interface RunningNode {
  readonly url: string;
  readonly port: number;
  readonly integrity: Integrity;
  stop(): Promise<void>;
}

export async function startNode(config: NodeConfig, log: Logger): Promise<RunningNode> {
  const keys = await readKeyFile(config.dataDir);
  if (!keys)
    throw new KeyFileError('this node has no keys yet: create them first (backup node does so on first start)');
  await prepareEvidenceDirectory(config.dataDir);
  const store = new CaseStore(config.dataDir);
  const integrity = await startIntegrity(
    {
      dataDir: config.dataDir,
      nodeName: config.name,
      federationListen: config.federationListen,
      checkpointIntervalMs: config.checkpointIntervalMs,
    },
    log,
  );
  const evidenceLog: EvidenceLog = {
    origin: integrity.identity.origin,
    append: (entry) => integrity.log.append(entry),
  };
  // One runner for every pass, so passes never overlap: at start (uploads completed but not
  // logged when the node stopped), after each completed upload, and on a timer (custody
  // events recorded by admin tools, such as "exported", and appends that failed).
  const pending = pendingEvidenceLogger({ store, evidenceLog, casePublicKey: keys.casePublicKey, log });
  await pending.logPending();
  const pendingTimer = setInterval(() => void pending.logPending(), config.checkpointIntervalMs);
  pendingTimer.unref();
  const sourceLimiter = new SourceRateLimiter(config);
  const limits = {
    maxReportBytes: config.maxReportBytes,
    maxEvidenceBytes: config.maxEvidenceBytes,
    maxEvidenceFiles: config.maxEvidenceFiles,
  };

  const routes = [
    ...infoRoutes(
      {
        name: config.name,
        software: { name: 'backup', version: SOFTWARE_VERSION },
        publicKeys: { case: { alg: 'x25519', key: toBase64Url(keys.casePublicKey) } },
        limits,
        api: '/api/openapi.json',
        ...integrity.info,
      },
      () => store.ping(),
    ),
    ...intakeRoutes(
      {
        store,
        pow: new ProofOfWorkGate(config.powDifficulty),
        sourceLimiter,
        reportBucket: new TokenBucket(config.reportsPerSecond, config.reportsPerSecond),
      },
      limits,
    ),
    ...integrity.routes,
    ...webRoutes({
      assets: await buildAppAssets(CLIENT_DIR),
      content: new ContentLibrary([join(config.dataDir, 'content'), join(CLIENT_DIR, 'content')], log),
    }),
    ...evidenceRoutes(
      { store, sourceLimiter, pending },
      { dataDir: config.dataDir, endpoint: EVIDENCE_ENDPOINT, minFreeBytes: config.minFreeBytes, ...limits },
    ),
  ];

  const app = new Koa({ proxy: false });
  app.silent = true;
  app.use(errorHandler(log));
  app.use(securityHeaders);
  app.use(router(routes));
  app.use(notFound);

  const server: Server = createServer(app.callback());
  server.requestTimeout = 0;
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  server.timeout = SOCKET_IDLE_MS;
  server.on('clientError', answerMalformedHttp);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, resolve);
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  log.info('node listening', { url, dataDir: config.dataDir });
  const expiry = createUploadExpiry(
    { store, log },
    { dataDir: config.dataDir, maxIdleMs: config.uploadExpiryDays * 24 * 60 * 60 * 1000 },
  );
  expiry.start();

  return {
    url,
    port,
    integrity,
    async stop() {
      expiry.stop();
      clearInterval(pendingTimer);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await pending.settled();
      await integrity.stop();
      store.close();
    },
  };
}

/** Requests Node's HTTP parser refuses still get a JSON error with a code, never a trace. */
function answerMalformedHttp(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (!socket.writable || error.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  const [status, reason, code] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'Request Header Fields Too Large', 'headers-too-large']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'Request Timeout', 'request-timeout']
        : [400, 'Bad Request', 'malformed-http'];
  const body = JSON.stringify({ error: { code, message: 'the request is not valid HTTP/1.1' } });
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
  );
}
