// The node's integrity layer, composed from federation/: its evidence log (tiles under
// /log/), checkpoints cosigned by the members' witnesses over libp2p, its own witness for
// the members' logs (over libp2p and HTTP), and split-view detection.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { nodeEd25519Verify } from '../../../federation/src/crypto/node.ts';
import { type LogStore, TileNotFoundError, openLogStore } from '../../../federation/src/log/index.ts';
import type { Ed25519Verify } from '../../../federation/src/crypto/index.ts';
import { type Member, MemberList } from '../../../federation/src/membership/index.ts';
import { isSignedBy, parseVerifierKey } from '../../../federation/src/note/index.ts';
import type { TileAddress } from '../../../federation/src/merkle/index.ts';
import { type FederationPeer, createFederationPeer } from '../../../federation/src/network/index.ts';
import { Federation, SplitViewRecords } from '../../../federation/src/service/index.ts';
import {
  type Witness,
  type WitnessStore,
  createWitness,
  openWitnessStore,
} from '../../../federation/src/witness/index.ts';
import { type Route, TokenBucket } from '../http/index.ts';
import type { Logger } from '../log/index.ts';
import { FEDERATION_DIR, type FederationIdentity, loadFederationIdentity } from './identity.ts';
import { logRoutes } from './routes.ts';

/**
 * Requests to the HTTP witness, node-wide: members use libp2p, so this is for outside tools.
 * Each one is a synchronous durable write; this leaves the node time for reporters.
 */
const HTTP_WITNESS_BURST = 50;
const HTTP_WITNESS_PER_SECOND = 20;
/** How often the member list is re-read, so `backup federation add` takes effect live. */
export const MEMBERS_RELOAD_MS = 5_000;

export interface IntegrityInit {
  readonly dataDir: string;
  readonly nodeName: string;
  readonly federationListen: readonly string[];
  readonly checkpointIntervalMs: number;
}

/** What /api/v1/node says about the log, for auditors and other federations. */
export interface IntegrityInfo {
  readonly logOrigin: string;
  readonly logVerifierKey: string;
  readonly witnessVerifierKey: string;
  readonly peerId: string;
  readonly checkpoint: '/log/checkpoint';
  readonly witness: '/witness/add-checkpoint';
}

export interface Integrity {
  readonly identity: FederationIdentity;
  readonly log: LogStore;
  readonly members: MemberList;
  readonly peer: FederationPeer;
  readonly witness: Witness;
  readonly federation: Federation;
  readonly splitViews: SplitViewRecords;
  readonly info: IntegrityInfo;
  readonly routes: Route[];
  stop(): Promise<void>;
}

/** The members whose witness cosigned this checkpoint note (their signature verifies). */
export function memberCosigners(note: string, members: readonly Member[], verify: Ed25519Verify): Member[] {
  return members.filter((m) => isSignedBy(note, parseVerifierKey(m.witnessKey, verify)));
}

export function federationPaths(dataDir: string) {
  const dir = join(dataDir, FEDERATION_DIR);
  return {
    dir,
    log: join(dir, 'log'),
    members: join(dir, 'members.json'),
    witness: join(dir, 'witness.sqlite'),
    checkpoint: join(dir, 'checkpoint'),
    splitViews: join(dir, 'split-views.json'),
  };
}

export async function startIntegrity(init: IntegrityInit, logger: Logger): Promise<Integrity> {
  const verify = nodeEd25519Verify();
  const paths = federationPaths(init.dataDir);
  const identity = await loadFederationIdentity(init.dataDir, { nodeName: init.nodeName });
  const members = await MemberList.open(paths.members, verify);
  const splitViews = new SplitViewRecords(paths.splitViews);
  const log = await openLogStore(paths.log);
  let witnessStore: WitnessStore | undefined;
  let peer: FederationPeer | undefined;
  try {
    witnessStore = openWitnessStore(paths.witness);
    const witness = createWitness({
      name: identity.witnessSigner.name,
      signer: identity.witnessSigner,
      store: witnessStore,
      // A log caught in a split view gets no cosignature from this node again.
      logs: () =>
        members
          .list()
          .filter((m) => !splitViews.isFlagged(m.origin))
          .map((m) => ({ origin: m.origin, verifierKey: m.logKey })),
      verify,
    });
    peer = await createFederationPeer({
      privateKey: identity.peerKey,
      listen: init.federationListen,
      members: () => members.list(),
      log: (level, message, fields) => logger[level](message, fields),
    });
    const federation = new Federation(
      {
        peer,
        log,
        signer: identity.logSigner,
        witness: { addCheckpoint: (body) => witness.addCheckpoint(body), latestNote: (o) => witness.latest(o)?.note },
        splitViews,
        members: () => members.list(),
        verify,
        warn: (message, fields) => logger.warn(message, fields),
      },
      { path: paths.checkpoint, intervalMs: init.checkpointIntervalMs },
    );
    await peer.start();
    await federation.start();
    const reload = watchMembers(paths.members, members, peer, logger);
    logger.info('federation started', {
      origin: identity.origin,
      peerId: identity.peerId,
      members: members.list().length,
    });
    const started = peer;
    const store = witnessStore;
    return {
      identity,
      log,
      members,
      peer,
      witness,
      federation,
      splitViews,
      info: {
        logOrigin: identity.origin,
        logVerifierKey: identity.logVerifierKey,
        witnessVerifierKey: identity.witnessVerifierKey,
        peerId: identity.peerId,
        checkpoint: '/log/checkpoint',
        witness: '/witness/add-checkpoint',
      },
      routes: logRoutes({
        checkpoint: () => federation.publisher.latest(),
        tile: (address) => readTile(log, address),
        witness: (body) => federation.witnessRequest(body),
        witnessBucket: new TokenBucket(HTTP_WITNESS_BURST, HTTP_WITNESS_PER_SECOND),
      }),
      async stop() {
        clearInterval(reload);
        await federation.stop();
        await started.stop();
        await splitViews.flushed();
        store.close();
        await log.close();
      },
    };
  } catch (error) {
    await peer?.stop().catch(() => undefined);
    witnessStore?.close();
    await log.close();
    throw error;
  }
}

function readTile(log: LogStore, a: TileAddress): Uint8Array | undefined {
  try {
    return a.level === 'entries' ? log.readEntryBundle(a.index, a.width) : log.readTile(a.level, a.index, a.width);
  } catch (error) {
    if (error instanceof TileNotFoundError) return undefined;
    throw error;
  }
}

/** Re-reads members.json when an admin command changed it, and drops removed members. */
function watchMembers(path: string, members: MemberList, peer: FederationPeer, logger: Logger) {
  let seen = 0;
  const timer = setInterval(() => {
    void (async () => {
      const mtime = await stat(path).then(
        (s) => s.mtimeMs,
        () => 0,
      );
      if (mtime === seen) return;
      seen = mtime;
      await members.reload();
      await peer.disconnectNonMembers();
      await peer.connectToMembers();
    })().catch((e: Error) => logger.warn('could not reload the member list', { error: e.message }));
  }, MEMBERS_RELOAD_MS);
  timer.unref();
  return timer;
}

export { type FederationIdentity, IdentityError, loadFederationIdentity, ownInvitation } from './identity.ts';
export { logRoutes, MAX_ADD_CHECKPOINT_BYTES, WITNESS_PATH } from './routes.ts';
