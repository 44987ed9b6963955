// A node's libp2p identity is an Ed25519 key pair. The node keeps the private key in a
// file as libp2p's protobuf marshalling (the format other libp2p tools read), so these
// helpers convert between those bytes and a key object.
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import type { Ed25519PrivateKey } from '@libp2p/interface';
import { InvalidPeerKeyError } from './errors.ts';

export type PeerPrivateKey = Ed25519PrivateKey;

export interface GeneratedPeerKey {
  /** The private key, protobuf-marshalled: a secret to store with owner-only permissions. */
  privateKeyBytes: Uint8Array;
  /** The peer id derived from it, as other members list it. */
  peerId: string;
}

export async function generatePeerKey(): Promise<GeneratedPeerKey> {
  const key = await generateKeyPair('Ed25519');
  return { privateKeyBytes: privateKeyToProtobuf(key), peerId: peerIdFromPrivateKey(key).toString() };
}

/** Bytes come from a file on disk: anything but a marshalled Ed25519 key is refused. */
export function peerKeyFromBytes(bytes: Uint8Array): PeerPrivateKey {
  let key;
  try {
    key = privateKeyFromProtobuf(bytes);
  } catch (cause) {
    throw new InvalidPeerKeyError('not a protobuf-marshalled libp2p private key', { cause });
  }
  if (key.type !== 'Ed25519') throw new InvalidPeerKeyError(`expected an Ed25519 key, got ${key.type}`);
  return key;
}

export function peerIdOfKey(key: PeerPrivateKey): string {
  return peerIdFromPrivateKey(key).toString();
}
