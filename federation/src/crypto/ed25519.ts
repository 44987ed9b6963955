// Ed25519 behind one small interface, so that note and proof verification stay free of
// I/O and of node:crypto: the node plugs in node:crypto (fast), a browser tweetnacl.

/** Ed25519 verification (RFC 8032); false for any malformed input, never a throw. */
export type Ed25519Verify = (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array) => boolean;

export const ED25519_PUBLIC_KEY_BYTES = 32;
export const ED25519_SEED_BYTES = 32;
export const ED25519_SIGNATURE_BYTES = 64;

/** Signs with a private key the signer holds; the key itself is never exposed. */
export interface Ed25519Signer {
  readonly publicKey: Uint8Array;
  sign(message: Uint8Array): Uint8Array;
}
