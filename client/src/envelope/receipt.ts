// Receipt codes: the reporter's only key back to their report. Made on the reporter's
// device; the node only ever sees values derived from it (see docs/decisions/0004).
// 27 random decimal digits (89.7 bits) and a Damm check digit, read aloud in groups of
// four. Digits are the one script every reporter's phone keypad shares.
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import nacl from 'tweetnacl';
import { utf8 } from './bytes.ts';
import type { BoxPublicKey, BoxSecretKey } from './sealed-box.ts';
import { asciiDigits } from './digits.ts';

export const RECEIPT_DIGITS = 28;
const RANDOM_DIGITS = RECEIPT_DIGITS - 1;
const GROUP = 4;

export class ReceiptCodeError extends Error {
  override name = 'ReceiptCodeError';
}

// Damm's totally anti-symmetric quasigroup of order 10 (H. M. Damm, 2004): catches every
// single-digit error and every swap of adjacent digits.
const DAMM = [
  [0, 3, 1, 7, 5, 9, 8, 6, 4, 2],
  [7, 0, 9, 2, 1, 5, 4, 8, 6, 3],
  [4, 2, 0, 6, 8, 7, 1, 3, 5, 9],
  [1, 7, 5, 0, 9, 8, 3, 4, 2, 6],
  [6, 1, 2, 3, 0, 4, 5, 9, 7, 8],
  [3, 6, 7, 4, 2, 0, 9, 5, 8, 1],
  [5, 8, 6, 9, 7, 2, 0, 1, 3, 4],
  [8, 9, 4, 5, 3, 6, 2, 0, 1, 7],
  [9, 4, 3, 8, 6, 1, 7, 2, 0, 5],
  [2, 5, 8, 1, 4, 3, 6, 7, 9, 0],
] as const;

export function dammDigit(digits: string): number {
  let interim = 0;
  for (const d of digits) interim = DAMM[interim]![Number(d)]!;
  return interim;
}

function randomDigits(count: number): string {
  let out = '';
  const buf = new Uint8Array(64);
  while (out.length < count) {
    crypto.getRandomValues(buf);
    // Rejection sampling keeps every digit uniform: 250 = 25 × 10.
    for (const b of buf) if (b < 250 && out.length < count) out += String(b % 10);
  }
  return out;
}

/** A new receipt code, grouped for reading aloud: "1234 5678 …". */
export function generateReceiptCode(): string {
  const body = randomDigits(RANDOM_DIGITS);
  return formatReceiptCode(body + String(dammDigit(body)));
}

export function formatReceiptCode(digits: string): string {
  return digits.match(new RegExp(`.{1,${GROUP}}`, 'g'))!.join(' ');
}

/**
 * Accepts what a person types: spaces, dashes, and Arabic-Indic or Eastern Arabic-Indic
 * digits. Returns the 28 ASCII digits, or throws saying what is wrong.
 */
export function normaliseReceiptCode(input: string): string {
  const digits = asciiDigits(input).replace(/[\s\-.]/g, '');
  if (!/^[0-9]*$/.test(digits)) throw new ReceiptCodeError('a receipt code has only digits');
  if (digits.length !== RECEIPT_DIGITS) throw new ReceiptCodeError(`a receipt code has ${RECEIPT_DIGITS} digits`);
  if (dammDigit(digits) !== 0) throw new ReceiptCodeError('this receipt code has a typing mistake');
  return digits;
}

export interface ReceiptKeys {
  /** Proves knowledge of the code to the node; the node stores only SHA-256(lookup). */
  readonly lookup: Uint8Array;
  /** Replies from caseworkers are sealed to this key. */
  readonly replyPublicKey: BoxPublicKey;
  readonly replySecretKey: BoxSecretKey;
}

export function deriveReceiptKeys(code: string): ReceiptKeys {
  const ikm = utf8(normaliseReceiptCode(code));
  const salt = utf8('backup receipt v1');
  const lookup = hkdf(sha256, ikm, salt, utf8('lookup'), 32);
  const seed = hkdf(sha256, ikm, salt, utf8('reply x25519'), 32);
  const pair = nacl.box.keyPair.fromSecretKey(seed);
  return {
    lookup,
    replyPublicKey: pair.publicKey as BoxPublicKey,
    replySecretKey: pair.secretKey as BoxSecretKey,
  };
}

/** What the node stores in place of the code. */
export function receiptVerifier(lookup: Uint8Array): Uint8Array {
  return sha256(lookup);
}
