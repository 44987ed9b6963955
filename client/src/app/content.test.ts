import { describe, expect, it } from 'vitest';
import { FALLBACK_EXIT_URL, parseHelp } from './content.ts';

describe('parseHelp', () => {
  const good = { kind: 'medical', name: { en: 'Clinic' }, phone: '+1 555', areas: ['UA80'] };

  it('keeps well-formed contacts and the exit site', () => {
    expect(parseHelp({ exitUrl: 'https://news.example/', contacts: [good] })).toEqual({
      exitUrl: 'https://news.example/',
      contacts: [good],
    });
  });

  it.each([
    ['a phone given as a number', { ...good, phone: 5551234 }],
    ['a name that is not per language', { ...good, name: 'Clinic' }],
    ['no kind', { name: { en: 'Clinic' } }],
    ['areas that are not codes', { ...good, areas: [{ code: 'UA80' }] }],
    ['not an object', 'Clinic, +1 555'],
  ])('leaves out a contact with %s, keeping the rest', (_, bad) => {
    expect(parseHelp({ contacts: [bad, good] }).contacts).toEqual([good]);
  });

  it.each([['javascript:alert(1)'], ['//elsewhere.example'], [42]])(
    'falls back to the default exit site for %s',
    (exitUrl) => {
      expect(parseHelp({ exitUrl }).exitUrl).toBe(FALLBACK_EXIT_URL);
    },
  );

  it('survives a file that is not an object', () => {
    expect(parseHelp(null)).toEqual({ exitUrl: FALLBACK_EXIT_URL, contacts: [] });
  });
});
