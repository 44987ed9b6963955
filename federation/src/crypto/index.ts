export {
  ED25519_PUBLIC_KEY_BYTES,
  ED25519_SEED_BYTES,
  ED25519_SIGNATURE_BYTES,
  type Ed25519Signer,
  type Ed25519Verify,
} from './ed25519.ts';
export { portableEd25519Verify } from './portable-ed25519.ts';
