import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createTranslator } from './i18n.ts';

const folder = new URL('../../content/i18n/', import.meta.url);
const read = (file: string) => JSON.parse(readFileSync(new URL(file, folder), 'utf8')) as Record<string, unknown>;
const english = read('en.json');
const placeholders = (message: unknown) => [...String(message).matchAll(/\{(\w+)[,}]/g)].map((m) => m[1]).sort();

describe.each(readdirSync(folder).filter((f) => f !== 'en.json'))('the shipped translation %s', (file) => {
  const messages = read(file);

  it('has every message of the English file, and no other', () => {
    expect(Object.keys(messages).sort()).toEqual(Object.keys(english).sort());
  });

  it('keeps the placeholders of each message', () => {
    const changed = Object.keys(english).filter(
      (key) => key !== '@meta' && placeholders(english[key]).join() !== placeholders(messages[key]).join(),
    );
    expect(changed).toEqual([]);
  });

  it('formats every plural message for counts 0 to 101 without leaving ICU syntax', () => {
    const tr = createTranslator(file.replace('.json', ''), messages);
    const plurals = Object.keys(english).filter((key) => String(english[key]).includes(', plural,'));
    for (const key of plurals)
      for (const count of [0, 1, 2, 3, 5, 11, 21, 101]) expect(tr.t(key, { count })).not.toMatch(/[{}#]/);
  });

  it('names itself and its direction', () => {
    const meta = messages['@meta'] as { name?: string; dir?: string };
    expect(meta.name).toMatch(/\S/);
    expect(meta.dir).toBe(file === 'ar.json' ? 'rtl' : 'ltr');
  });
});
