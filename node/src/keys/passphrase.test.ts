import { describe, expect, it } from 'vitest';
import { generateAdminPassphrase, normalisePassphrase } from './index.ts';

const FORMAT = /^[0-9a-hjkmnp-tv-z]{5}(-[0-9a-hjkmnp-tv-z]{5}){5}$/;

describe('generateAdminPassphrase', () => {
  it('writes six groups of five Crockford base32 symbols', () => {
    for (let i = 0; i < 50; i++) expect(generateAdminPassphrase()).toMatch(FORMAT);
  });

  it('never uses the easily misread letters i, l, o or u', () => {
    const symbols = new Set(Array.from({ length: 200 }, generateAdminPassphrase).join('').replace(/-/g, ''));
    for (const letter of 'ilou') expect(symbols.has(letter)).toBe(false);
  });

  it('differs between calls', () => {
    const made = new Set(Array.from({ length: 100 }, generateAdminPassphrase));
    expect(made.size).toBe(100);
  });
});

describe('normalisePassphrase', () => {
  it('drops surrounding white space', () => {
    expect(normalisePassphrase(' \t abc-def \n')).toBe('abc-def');
  });

  it('keeps inner white space', () => {
    expect(normalisePassphrase('abc def')).toBe('abc def');
  });

  it('maps compatibility characters to their NFKC form', () => {
    expect(normalisePassphrase('ｐａｓｓ１')).toBe('pass1');
    expect(normalisePassphrase('cafe\u0301')).toBe('café');
  });
});
