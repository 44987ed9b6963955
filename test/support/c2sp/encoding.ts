// Byte helpers for the independent C2SP implementation: strict base64 (RFC 4648 §4),
// SHA-256 and decimal parsing. Kept apart from federation/ on purpose: this code exists to
// cross-check the production implementation, so it shares nothing with it.
import { createHash } from 'node:crypto';

export const HASH_SIZE = 32;
const UINT64_MAX = (1n << 64n) - 1n;

export function sha256(...parts: readonly Uint8Array[]): Uint8Array {
  const h = createHash('sha256');
  for (const part of parts) h.update(part);
  return new Uint8Array(h.digest());
}

export function utf8(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'utf8'));
}

export function concat(...parts: readonly Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.from(a).equals(Buffer.from(b));
}

export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64');
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

export function fromHex(hex: string): Uint8Array {
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(hex)) throw new C2spFormatError(`not hex: ${JSON.stringify(hex)}`);
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

/** Standard, padded base64. Node's decoder is lenient, so the text must round-trip exactly. */
export function fromBase64(text: string): Uint8Array {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) {
    throw new C2spFormatError(`not standard base64: ${JSON.stringify(text.slice(0, 40))}`);
  }
  const bytes = Buffer.from(text, 'base64');
  if (bytes.toString('base64') !== text) throw new C2spFormatError('non-canonical base64');
  return new Uint8Array(bytes);
}

/** ASCII decimal with no leading zeroes ("0" only for zero), at most uint64. */
export function parseDecimal(text: string, what: string): bigint {
  if (!/^(?:0|[1-9][0-9]*)$/.test(text)) throw new C2spFormatError(`${what} is not a canonical decimal`);
  const value = BigInt(text);
  if (value > UINT64_MAX) throw new C2spFormatError(`${what} exceeds uint64`);
  return value;
}

/** Rejected input. Test-support code, so a plain named class is enough. */
export class C2spFormatError extends Error {
  override readonly name = 'C2spFormatError';
}
