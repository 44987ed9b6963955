// The node-only half of the façade (node:crypto); browser bundles import ./index.ts only.
export { ed25519PublicKeyObject, generateEd25519Seed, nodeEd25519Signer, nodeEd25519Verify } from './node-ed25519.ts';
