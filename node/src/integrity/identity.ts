// The node's federation identity: its log key (signs checkpoints), its witness key (cosigns
// the members' checkpoints) and its libp2p key. They sign unattended, every minute, so
// they cannot wait for the admin passphrase: they live in <data>/federation/identity.json,
// readable by the node's user only. Whoever reads that file can sign as this node's log
// and witness (which the members' witnesses and split-view detection would expose), but
// cannot open a single case: the case key stays wrapped under the passphrase.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { generateEd25519Seed, nodeEd25519Signer } from '../../../federation/src/crypto/node.ts';
import {
  COSIGNATURE_V1_KEY_TYPE,
  ED25519_KEY_TYPE,
  type NoteSigner,
  formatSignerKey,
  formatVerifierKey,
  noteSigner,
  parseSignerKey,
} from '../../../federation/src/note/index.ts';
import {
  type PeerPrivateKey,
  generatePeerKey,
  peerIdOfKey,
  peerKeyFromBytes,
} from '../../../federation/src/network/index.ts';
import { createInvitation } from '../../../federation/src/membership/index.ts';
import { writeFileDurably } from '../store/files.ts';

export const FEDERATION_DIR = 'federation';
const IDENTITY_FILE = 'identity.json';

export class IdentityError extends Error {
  override name = 'IdentityError';
}

const IdentitySchema = z.object({
  v: z.literal(1),
  origin: z.string().min(1).max(200),
  log: z.string().startsWith('PRIVATE+KEY+'),
  witness: z.string().startsWith('PRIVATE+KEY+'),
  peer: z.string().regex(/^[A-Za-z0-9+/=]+$/),
});

export interface FederationIdentity {
  readonly origin: string;
  readonly logSigner: NoteSigner;
  readonly witnessSigner: NoteSigner;
  readonly logVerifierKey: string;
  readonly witnessVerifierKey: string;
  readonly peerKey: PeerPrivateKey;
  readonly peerId: string;
}

/** "BackUp node — Goma" → "backup-node-goma": the readable part of the log's origin. */
function slug(name: string): string {
  const s = name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  return s || 'node';
}

async function createIdentity(path: string, nodeName: string): Promise<void> {
  // The random part keeps two nodes with the same name apart; the origin never changes.
  const origin = `backup/${slug(nodeName)}/${randomBytes(4).toString('hex')}`;
  const key = (name: string, type: typeof ED25519_KEY_TYPE | typeof COSIGNATURE_V1_KEY_TYPE) => {
    const seed = generateEd25519Seed();
    return formatSignerKey(name, type, nodeEd25519Signer(seed).publicKey, seed);
  };
  const peer = await generatePeerKey();
  const file = {
    v: 1,
    origin,
    log: key(origin, ED25519_KEY_TYPE),
    witness: key(`${origin}/witness`, COSIGNATURE_V1_KEY_TYPE),
    peer: Buffer.from(peer.privateKeyBytes).toString('base64'),
  };
  await writeFileDurably(path, `${JSON.stringify(file, null, 2)}\n`);
}

function signerOf(skey: string): NoteSigner {
  const k = parseSignerKey(skey);
  return noteSigner(k.name, k.type, nodeEd25519Signer(k.key));
}

/** Reads the identity, creating it on the first start when `create` names the node. */
export async function loadFederationIdentity(
  dataDir: string,
  create?: { nodeName: string },
): Promise<FederationIdentity> {
  const dir = join(dataDir, FEDERATION_DIR);
  const path = join(dir, IDENTITY_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code !== 'ENOENT' || !create)
      throw new IdentityError(`cannot read ${path}: has this node ever started?`, { cause });
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await createIdentity(path, create.nodeName);
    text = await readFile(path, 'utf8');
  }
  let parsed;
  try {
    parsed = IdentitySchema.parse(JSON.parse(text));
  } catch (cause) {
    throw new IdentityError(`${path} is damaged or of an unknown version`, { cause });
  }
  const logSigner = signerOf(parsed.log);
  const witnessSigner = signerOf(parsed.witness);
  if (
    logSigner.name !== parsed.origin ||
    logSigner.type !== ED25519_KEY_TYPE ||
    witnessSigner.type !== COSIGNATURE_V1_KEY_TYPE
  )
    throw new IdentityError(`${path} does not hold a log key for its origin and a cosignature key`);
  const peerKey = peerKeyFromBytes(new Uint8Array(Buffer.from(parsed.peer, 'base64')));
  return {
    origin: parsed.origin,
    logSigner,
    witnessSigner,
    logVerifierKey: formatVerifierKey(logSigner.name, ED25519_KEY_TYPE, logSigner.publicKey),
    witnessVerifierKey: formatVerifierKey(witnessSigner.name, COSIGNATURE_V1_KEY_TYPE, witnessSigner.publicKey),
    peerKey,
    peerId: peerIdOfKey(peerKey),
  };
}

/** This node's invitation, for the admins of the organisations it federates with. */
export function ownInvitation(
  identity: FederationIdentity,
  details: { readonly organisation: string; readonly country: string; readonly addresses: readonly string[] },
): string {
  return createInvitation(
    {
      ...details,
      peerId: identity.peerId,
      origin: identity.origin,
      logKey: identity.logVerifierKey,
      witnessKey: identity.witnessVerifierKey,
    },
    identity.logSigner,
  );
}
