import { randomInt } from 'node:crypto';

// Crockford's base32 alphabet: no I, L, O or U, so nothing is misread when copied by hand.
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const GROUPS = 6;
const GROUP_LENGTH = 5;

/** 30 symbols of 5 bits: 150 bits, written as six groups of five. */
export function generateAdminPassphrase(): string {
  const groups: string[] = [];
  for (let g = 0; g < GROUPS; g++) {
    let group = '';
    for (let i = 0; i < GROUP_LENGTH; i++) group += ALPHABET[randomInt(ALPHABET.length)];
    groups.push(group);
  }
  return groups.join('-');
}

/** The same passphrase typed on another keyboard or copied with stray spaces still works. */
export function normalisePassphrase(passphrase: string): string {
  return passphrase.normalize('NFKC').trim();
}
