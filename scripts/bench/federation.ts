// Federation figures: Ed25519 on node:crypto against tweetnacl, witness requests per
// second (in process, and over HTTP from several logs at once), and how long a new
// checkpoint takes to be cosigned by all four peers of a five-node loopback federation.
// Prints figures; asserts nothing.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nacl from 'tweetnacl';
import { generateEd25519Seed, nodeEd25519Signer, nodeEd25519Verify } from '../../federation/src/crypto/node.ts';
import { leafHash, rootOfLeafHashes } from '../../federation/src/merkle/index.ts';
import {
  COSIGNATURE_V1_KEY_TYPE,
  ED25519_KEY_TYPE,
  formatCheckpoint,
  formatVerifierKey,
  noteSigner,
  signNote,
} from '../../federation/src/note/index.ts';
import { consistencyProof, subtreeRoot } from '../../federation/src/merkle/index.ts';
import { createInvitation } from '../../federation/src/membership/index.ts';
import { createFederationPeer, generatePeerKey, peerKeyFromBytes } from '../../federation/src/network/index.ts';
import { WITNESS_PROTOCOL, decodeWireResponse } from '../../federation/src/service/index.ts';
import { createWitness, formatAddCheckpointRequest, openWitnessStore } from '../../federation/src/witness/index.ts';
import { startFederation } from '../../test/helpers/federation.ts';

const quantile = (xs: number[], q: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;
const perSecond = (n: number, ms: number) => Math.round((n / ms) * 1000).toLocaleString('en');

function ed25519(): void {
  const seed = generateEd25519Seed();
  const signer = nodeEd25519Signer(seed);
  const verify = nodeEd25519Verify();
  const message = randomBytes(120);
  const pair = nacl.sign.keyPair.fromSeed(seed);
  const rate = (label: string, n: number, f: () => unknown) => {
    const t = performance.now();
    for (let i = 0; i < n; i++) f();
    console.log(`  ${label}: ${perSecond(n, performance.now() - t)}/s`);
  };
  const sig = signer.sign(message);
  console.log('Ed25519, 120-byte messages (a checkpoint):');
  rate('node:crypto sign', 20_000, () => signer.sign(message));
  rate('node:crypto verify', 10_000, () => verify(signer.publicKey, message, sig));
  rate('tweetnacl sign', 300, () => nacl.sign.detached(message, pair.secretKey));
  rate('tweetnacl verify', 150, () => nacl.sign.detached.verify(message, sig, pair.publicKey));
}

/** A log in memory that grows by one entry per checkpoint, with the proofs a witness wants. */
function growingLog(origin: string) {
  const signer = noteSigner(origin, ED25519_KEY_TYPE, nodeEd25519Signer(generateEd25519Seed()));
  const leaves: Uint8Array[] = [];
  const reader = { hash: (h: number, i: number) => rootOfLeafHashes(leaves.slice(i * 2 ** h, (i + 1) * 2 ** h)) };
  return {
    signer,
    vkey: formatVerifierKey(origin, ED25519_KEY_TYPE, signer.publicKey),
    next(): Uint8Array {
      const old = leaves.length;
      leaves.push(leafHash(randomBytes(32)));
      const size = leaves.length;
      const note = signNote(formatCheckpoint({ origin, size, root: subtreeRoot(reader, 0, size), extensions: [] }), [
        signer,
      ]);
      return formatAddCheckpointRequest(old, old === 0 ? [] : consistencyProof(reader, old, size), note);
    },
  };
}

async function witnessInProcess(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-witness-'));
  try {
    const log = growingLog('bench/log');
    const seed = generateEd25519Seed();
    const witness = createWitness({
      name: 'bench/witness',
      signer: noteSigner('bench/witness', COSIGNATURE_V1_KEY_TYPE, nodeEd25519Signer(seed)),
      store: openWitnessStore(join(dir, 'witness.sqlite')),
      logs: () => [{ origin: 'bench/log', verifierKey: log.vkey }],
      verify: nodeEd25519Verify(),
    });
    const bodies = Array.from({ length: 2000 }, () => log.next());
    const t = performance.now();
    for (const body of bodies) if ((await witness.addCheckpoint(body)).status !== 200) throw new Error('refused');
    console.log(
      `Witness in process (verify, consistency, cosign, durable write): ${perSecond(bodies.length, performance.now() - t)} requests/s`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function federationFigures(): Promise<void> {
  const federation = await startFederation(5, { 'checkpoint-interval-ms': '3600000' });
  try {
    const [first, ...others] = federation.nodes;
    const self = first!.node.integrity;
    // Warm up: each witness learns this log's size once.
    await self.log.append(randomBytes(32));
    await self.federation.publisher.publish();
    const times: number[] = [];
    for (let i = 0; i < 30; i++) {
      await self.log.append(randomBytes(32));
      const t = performance.now();
      const note = await self.federation.publisher.publish();
      times.push(performance.now() - t);
      const cosignatures = note.trimEnd().split('\n\n')[1]!.split('\n').length - 1;
      if (cosignatures !== others.length) throw new Error(`only ${cosignatures} cosignatures`);
    }
    console.log(
      `New checkpoint cosigned by all ${others.length} peers (libp2p, loopback): median ${quantile(times, 0.5).toFixed(1)} ms, p99 ${quantile(times, 0.99).toFixed(1)} ms, max ${Math.max(...times).toFixed(1)} ms`,
    );

    // Eight members' logs at once, each sending its next checkpoint to one witness over libp2p.
    const target = others[0]!.node.integrity;
    const clients = 8;
    const perClient = 150;
    const senders = await Promise.all(
      Array.from({ length: clients }, async (_, c) => {
        const origin = `bench/member-log-${c}`;
        const log = growingLog(origin);
        const key = await generatePeerKey();
        const peer = await createFederationPeer({
          privateKey: peerKeyFromBytes(key.privateKeyBytes),
          listen: ['/ip4/127.0.0.1/tcp/0'],
          members: () => [{ peerId: target.identity.peerId, addresses: target.peer.addresses() }],
        });
        await peer.start();
        const witnessKey = nodeEd25519Signer(generateEd25519Seed()).publicKey;
        await target.members.add(
          createInvitation(
            {
              organisation: `Bench ${c}`,
              country: 'CD',
              peerId: key.peerId,
              addresses: peer.addresses(),
              origin,
              logKey: log.vkey,
              witnessKey: formatVerifierKey(`${origin}/w`, COSIGNATURE_V1_KEY_TYPE, witnessKey),
            },
            log.signer,
          ),
        );
        return { peer, bodies: Array.from({ length: perClient }, () => log.next()) };
      }),
    );
    try {
      const t = performance.now();
      await Promise.all(
        senders.map(async ({ peer, bodies }) => {
          for (const body of bodies) {
            const answer = decodeWireResponse(await peer.request(target.identity.peerId, WITNESS_PROTOCOL, body));
            if (answer.status !== 200) throw new Error(`witness answered ${answer.status}`);
          }
        }),
      );
      console.log(
        `Witness over libp2p, ${clients} member logs at once: ${perSecond(clients * perClient, performance.now() - t)} requests/s`,
      );
    } finally {
      await Promise.all(senders.map((x) => x.peer.stop()));
    }
  } finally {
    await federation.stop();
  }
}

ed25519();
await witnessInProcess();
await federationFigures();
