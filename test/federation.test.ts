// Five real nodes on loopback form a federation: their logs grow, every checkpoint is
// cosigned by the other members' witnesses over libp2p, an outside auditor recomputes
// every root from the published tiles, and a node that rewrites its log is caught.
// Checks are made with the independent C2SP implementation (test/support/c2sp).
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatCheckpoint, signNote } from '../federation/src/note/index.ts';
import { type TestNode, eventually, startFederation, uploadEvidenceFiles } from './helpers/federation.ts';
import * as c2sp from './support/c2sp/index.ts';

const NODES = 5;
const COMMITMENTS = 1_000;

interface PublicInfo {
  logOrigin: string;
  logVerifierKey: string;
  witnessVerifierKey: string;
}

async function info(n: TestNode): Promise<PublicInfo> {
  return (await (await fetch(`${n.node.url}/api/v1/node`)).json()) as PublicInfo;
}

async function fetchBytes(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

/** A node's first `size` entries, as an auditor reads them from its entry bundles. */
async function entriesOf(n: TestNode, size: number): Promise<Uint8Array[]> {
  const entries: Uint8Array[] = [];
  for (const tile of c2sp.tilesForTreeSize(size).filter((t) => t.level === 0)) {
    const width = tile.width === 256 ? undefined : tile.width;
    entries.push(
      ...c2sp.readEntryBundle(await fetchBytes(`${n.node.url}/log/${c2sp.entriesUrlPath(tile.index, width)}`)),
    );
  }
  return entries;
}

let federation: Awaited<ReturnType<typeof startFederation>>;
let infos: PublicInfo[];

beforeAll(async () => {
  federation = await startFederation(NODES);
  infos = await Promise.all(federation.nodes.map(info));
}, 120_000);
afterAll(() => federation?.stop());

/** The node's published checkpoint, checked with the independent implementation. */
async function publishedCheckpoint(i: number) {
  const note = new TextDecoder().decode(await fetchBytes(`${federation.nodes[i]!.node.url}/log/checkpoint`));
  const witnesses = infos.filter((_, j) => j !== i).map((x) => x.witnessVerifierKey);
  const checked = c2sp.verifyNote(note, [infos[i]!.logVerifierKey, ...witnesses]);
  return {
    note,
    checkpoint: c2sp.parseCheckpoint(checked.text),
    logSigned: checked.verifiedBy.includes(infos[i]!.logOrigin),
    cosigners: checked.verifiedBy.filter((n) => n !== infos[i]!.logOrigin),
    failed: checked.failedBy,
  };
}

describe('a federation of five nodes on loopback', () => {
  it(`cosigns every node's log after ${COMMITMENTS} commitments, and the tiles give every root`, async () => {
    const { nodes } = federation;
    // Real uploads: each file's commitment, made on the "device", and its custody event.
    const sent = await Promise.all(nodes.map((n) => uploadEvidenceFiles(n.node.url, COMMITMENTS / NODES)));
    expect(sent.flat()).toHaveLength(COMMITMENTS);
    const sizes = nodes.map((n) => n.node.integrity.log.size);
    for (const [i, n] of nodes.entries()) {
      const logged = Array.from({ length: sizes[i]! }, (_, k) => c2sp.toHex(n.node.integrity.log.entry(k)));
      for (const commitment of sent[i]!) expect(logged).toContain(c2sp.toHex(commitment));
      expect(sizes[i]).toBe(2 * (COMMITMENTS / NODES)); // one commitment and one custody event a file
    }

    for (const [i, n] of nodes.entries()) {
      const published = await eventually(
        `node ${i}'s checkpoint with 3 cosignatures ${JSON.stringify(n.warnings.slice(0, 5))}`,
        async () => {
          const p = await publishedCheckpoint(i);
          return p.checkpoint.size === BigInt(sizes[i]!) && p.cosigners.length >= 3 ? p : undefined;
        },
      );
      expect(published.logSigned).toBe(true);
      expect(published.failed).toEqual([]);
      // The auditor: every root from the level-0 tiles alone, over HTTP, and each entry
      // bundle hashes to the leaves of those tiles.
      const size = Number(published.checkpoint.size);
      const root = await c2sp.rootFromTiles(size, (path) => fetchBytes(`${n.node.url}/log/${path}`));
      expect(c2sp.toHex(root)).toBe(c2sp.toHex(published.checkpoint.rootHash));
      for (const tile of c2sp.tilesForTreeSize(size).filter((t) => t.level === 0)) {
        const width = tile.width === 256 ? undefined : tile.width;
        const bundle = await fetchBytes(`${n.node.url}/log/${c2sp.entriesUrlPath(tile.index, width)}`);
        const hashes = await fetchBytes(`${n.node.url}/log/${c2sp.tileUrlPath(0, tile.index, width)}`);
        expect(Buffer.concat(c2sp.leafHashesFromEntryBundle(bundle))).toEqual(Buffer.from(hashes));
      }
    }
  });

  it('catches a log that shows one witness a different history from the others', async () => {
    const { nodes } = federation;
    const liar = nodes[4]!;
    const held = await publishedCheckpoint(4);
    const size = Number(held.checkpoint.size);
    const entries = await entriesOf(liar, size);
    // Two continuations of the same cosigned history, each consistent with it.
    const [honest, other] = [randomBytes(32), randomBytes(32)].map((e) => [...entries, e].map(c2sp.leafHash));
    const note = (leaves: Uint8Array[]) =>
      signNote(
        formatCheckpoint({ origin: infos[4]!.logOrigin, size: size + 1, root: c2sp.treeHash(leaves), extensions: [] }),
        [liar.node.integrity.identity.logSigner],
      );
    const submit = async (n: TestNode, leaves: Uint8Array[]) => {
      const body = c2sp.formatAddCheckpointBody(size, c2sp.consistencyProof(size, leaves), note(leaves));
      return (await fetch(`${n.node.url}/witness/add-checkpoint`, { method: 'POST', body })).status;
    };
    for (const n of nodes.slice(1, 4)) expect(await submit(n, honest!)).toBe(200);
    expect(await submit(nodes[0]!, other!)).toBe(200); // node 0 alone sees the other history…
    // …and gossips what it cosigned: the others hold a checkpoint of the same size.
    for (const i of [1, 2, 3]) {
      const record = await eventually(`node ${i} to catch the split view`, () =>
        nodes[i]!.node.integrity.splitViews.list().find((r) => r.origin === infos[4]!.logOrigin),
      );
      expect(record.reason).toMatch(/different roots/);
    }
  });

  it('gives no cosignature to a rewritten log, and every other node catches its forked checkpoint', async () => {
    const { nodes } = federation;
    const liar = nodes[0]!;
    const held = await publishedCheckpoint(0);
    const size = Number(held.checkpoint.size);
    // The liar rewrites entry 3 and signs checkpoints of the rewritten history with its key.
    const entries = await entriesOf(liar, size);
    entries[3] = randomBytes(32);
    entries.push(randomBytes(32));
    const leaves = entries.map(c2sp.leafHash);
    const sign = (n: number) =>
      signNote(
        formatCheckpoint({
          origin: infos[0]!.logOrigin,
          size: n,
          root: c2sp.treeHash(leaves.slice(0, n)),
          extensions: [],
        }),
        [liar.node.integrity.identity.logSigner],
      );
    const grown = sign(size + 1);
    for (const n of nodes.slice(1)) {
      const body = c2sp.formatAddCheckpointBody(size, c2sp.consistencyProof(size, leaves), grown);
      const answer = await fetch(`${n.node.url}/witness/add-checkpoint`, { method: 'POST', body });
      expect(answer.status).toBe(422);
      expect(await answer.text()).not.toContain('—');
    }

    // A fork of the same size as the one everybody cosigned, shown to node 1 only.
    const forked = sign(size);
    const answer = await fetch(`${nodes[1]!.node.url}/witness/add-checkpoint`, {
      method: 'POST',
      body: c2sp.formatAddCheckpointBody(size, [], forked),
    });
    expect(answer.status).toBe(409);
    for (const [i, n] of nodes.entries()) {
      if (i === 0) continue;
      const record = await eventually(`node ${i} to report the split view`, () =>
        n.node.integrity.splitViews.list().find((r) => r.origin === infos[0]!.logOrigin),
      );
      expect(record.conflicting).toBe(forked);
      expect(
        n.warnings.some((w) => w.msg.startsWith('SPLIT VIEW') && w.fields?.['origin'] === infos[0]!.logOrigin),
      ).toBe(true);
    }

    // From now on the liar's new checkpoints are refused by every member.
    await liar.node.integrity.log.append(randomBytes(32));
    const next = await liar.node.integrity.federation.publisher.publish();
    const checked = c2sp.verifyNote(next, [
      infos[0]!.logVerifierKey,
      ...infos.slice(1).map((x) => x.witnessVerifierKey),
    ]);
    expect(c2sp.parseCheckpoint(checked.text).size).toBe(BigInt(size + 1));
    expect(checked.verifiedBy).toEqual([infos[0]!.logOrigin]);
  });
});
