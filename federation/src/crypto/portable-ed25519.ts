// tweetnacl's Ed25519 verification, for the offline verifier in a browser: slow (~120/s)
// but small and audited, and a package holds only a few signatures.
import nacl from 'tweetnacl';
import { ED25519_PUBLIC_KEY_BYTES, ED25519_SIGNATURE_BYTES, type Ed25519Verify } from './ed25519.ts';

export const portableEd25519Verify: Ed25519Verify = (publicKey, message, signature) =>
  publicKey.length === ED25519_PUBLIC_KEY_BYTES &&
  signature.length === ED25519_SIGNATURE_BYTES &&
  nacl.sign.detached.verify(message, signature, publicKey);
