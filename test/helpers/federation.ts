// Five (or any number of) real nodes in this process: each with its HTTP server, libp2p
// endpoint on loopback, log, witness and data folder, federated through the same
// invitations the admins exchange (`backup federation invite` / `add`).
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { PassThrough } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../node/src/config/index.ts';
import { parseCheckpoint, parseNote } from '../../federation/src/note/index.ts';
import { ownInvitation } from '../../node/src/integrity/index.ts';
import { createKeyFile } from '../../node/src/keys/index.ts';
import { type LogFields, type Logger, createLogger } from '../../node/src/log/index.ts';
import { type RunningNode, startNode } from '../../node/src/main.ts';
import { blobSource, createEvidenceEncryptor } from '../../client/src/envelope/index.ts';
import { evidenceCommitmentOf, fetchNodeInfo, submitReport, uploadEvidence } from '../../client/src/intake/index.ts';

export interface TestNode {
  readonly node: RunningNode;
  readonly dataDir: string;
  readonly passphrase: string;
  /** Warnings the node logged (split views, refused cosignatures…). */
  readonly warnings: { msg: string; fields?: LogFields }[];
}

const quietLogger = (warnings: TestNode['warnings']): Logger => {
  const base = createLogger('error', () => undefined);
  return { ...base, warn: (msg, fields) => warnings.push({ msg, fields }) };
};

export async function startFederation(count: number, flags: Record<string, string> = {}) {
  const root = await mkdtemp(join(tmpdir(), 'backup-federation-'));
  const nodes: TestNode[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const dataDir = join(root, `node-${i}`);
      const passphrase = `federation test passphrase ${i}`;
      await mkdir(dataDir, { mode: 0o700 });
      await createKeyFile(dataDir, passphrase);
      const config = parseConfig(
        {
          data: dataDir,
          port: '0',
          name: `Test node ${i}`,
          'pow-difficulty': '4',
          'min-free-bytes': '0',
          'source-burst': '1000000',
          'source-per-minute': '1000000',
          'reports-per-second': '1000000',
          'federation-listen': '/ip4/127.0.0.1/tcp/0',
          'checkpoint-interval-ms': '250',
          ...flags,
        },
        {},
      );
      const warnings: TestNode['warnings'] = [];
      nodes.push({ node: await startNode(config, quietLogger(warnings)), dataDir, passphrase, warnings });
    }
    const invitations = nodes.map(({ node }, i) =>
      ownInvitation(node.integrity.identity, {
        organisation: `Organisation ${i}`,
        country: 'CD',
        addresses: node.integrity.peer.addresses(),
      }),
    );
    for (const [i, { node }] of nodes.entries())
      for (const [j, invitation] of invitations.entries())
        if (i !== j) await node.integrity.members.add(invitation, node.integrity.identity);
    await Promise.all(nodes.map(({ node }) => node.integrity.peer.connectToMembers()));
  } catch (error) {
    await Promise.all(nodes.map(({ node }) => node.stop()));
    await rm(root, { recursive: true, force: true });
    throw error;
  }
  return {
    nodes,
    async stop() {
      await Promise.all(nodes.map(({ node }) => node.stop()));
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** Polls `check` every 50 ms until it returns a value, for at most `ms`. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined> | T | undefined, ms = 30_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A report to attach files to, as the app sends one. */
export async function sendReport(url: string) {
  const info = await fetchNodeInfo(url);
  const report = await submitReport({
    nodeUrl: url,
    casePublicKey: info.casePublicKey,
    document: { v: 1, narrative: 'federation test', answers: {} },
    shared: { consent: { storage: true, referral: false, statistics: false, justice: true } },
  });
  return { url, casePublicKey: info.casePublicKey, lookup: report.lookup };
}

/** One file encrypted, its commitment computed and uploaded with tus, as the app does. */
export async function uploadFile(
  report: Awaited<ReturnType<typeof sendReport>>,
  bytes: Uint8Array<ArrayBuffer>,
  name: string,
  type: string,
): Promise<{ id: string; commitment: Uint8Array }> {
  const encryptor = await createEvidenceEncryptor(blobSource(new Blob([bytes])), report.casePublicKey, { name, type });
  const commitment = evidenceCommitmentOf(await encryptor.metadata());
  const url = await uploadEvidence({
    nodeUrl: report.url,
    lookup: report.lookup,
    encryptor,
    commitment,
    retryDelays: [],
  });
  return { id: url.split('/').pop()!, commitment };
}

/**
 * Sends `files` small evidence files to a node the way the app does: reports, then each
 * file encrypted, its commitment computed and uploaded with tus. Resolves with the
 * commitments, in the order sent.
 */
export async function uploadEvidenceFiles(url: string, files: number, perReport = 50): Promise<Uint8Array[]> {
  const commitments: Uint8Array[] = [];
  for (let sent = 0; sent < files;) {
    const report = await sendReport(url);
    const batch = Math.min(perReport, files - sent);
    // Five at a time, as several phones would.
    for (let k = 0; k < batch; k += 5) {
      const uploads = Array.from({ length: Math.min(5, batch - k) }, async (_, j) => {
        const bytes = new TextEncoder().encode(`evidence ${sent + k + j} for ${url} ${Math.random()}`);
        return (await uploadFile(report, bytes, `photo-${sent + k + j}.jpg`, 'image/jpeg')).commitment;
      });
      commitments.push(...(await Promise.all(uploads)));
    }
    sent += batch;
  }
  return commitments;
}

/** Waits for the node's latest checkpoint to cover `size` entries with `cosignatures` lines. */
export function cosignedCheckpoint(n: TestNode, size: number, cosignatures: number): Promise<string> {
  return eventually(`a checkpoint of ${size} entries with ${cosignatures} cosignatures`, () => {
    const note = n.node.integrity.federation.publisher.latest();
    if (!note) return undefined;
    const { text, signatures } = parseNote(note);
    return parseCheckpoint(text).size >= size && signatures.length - 1 >= cosignatures ? note : undefined;
  });
}

/** A writable stream for a CLI command's output, and what was written to it. */
export function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}
