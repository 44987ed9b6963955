import { describe, expect, it } from 'vitest';
import { createTranslator, format } from './i18n.ts';

const english = new Intl.PluralRules('en');

describe('format (ICU MessageFormat subset)', () => {
  it('substitutes named arguments', () => {
    expect(format('Step {step} of {total}', { step: 2, total: 9 }, english)).toBe('Step 2 of 9');
  });

  it('chooses exact, then plural-category, then other cases, and replaces #', () => {
    const message = '{count, plural, =0 {none} one {one file} other {# files}}';
    expect(format(message, { count: 0 }, english)).toBe('none');
    expect(format(message, { count: 1 }, english)).toBe('one file');
    expect(format(message, { count: 7 }, english)).toBe('7 files');
  });

  it("uses the language's plural rules (Arabic has six categories)", () => {
    const arabic = new Intl.PluralRules('ar');
    const message = '{n, plural, zero {z} one {o} two {t} few {f} many {m} other {x}}';
    expect([0, 1, 2, 3, 11, 100].map((n) => format(message, { n }, arabic))).toEqual(['z', 'o', 't', 'f', 'm', 'x']);
  });

  it('supports select with nested arguments', () => {
    const message = '{who, select, reporter {You wrote {n}} other {They wrote {n}}}';
    expect(format(message, { who: 'reporter', n: 3 }, english)).toBe('You wrote 3');
    expect(format(message, { who: 'caseworker', n: 3 }, english)).toBe('They wrote 3');
  });

  it('leaves unknown arguments and malformed messages as literal text', () => {
    expect(format('Hello {name}', {}, english)).toBe('Hello {name}');
    expect(format('Broken {brace', {}, english)).toBe('Broken {brace');
  });
});

describe('createTranslator', () => {
  const tr = createTranslator(
    'ar',
    { '@meta': { dir: 'rtl', audio: { 'q.a.label': 'a.ogg', 'q.b.label': '../etc/passwd' } }, hello: 'مرحبا' },
    { hello: 'Hello', only: 'Only in English' },
  );

  it('takes the direction from the file', () => {
    expect(tr.dir).toBe('rtl');
    expect(createTranslator('fr', {}).dir).toBe('ltr');
  });

  it('falls back to English, then to the key itself', () => {
    expect(tr.t('hello')).toBe('مرحبا');
    expect(tr.t('only')).toBe('Only in English');
    expect(tr.t('missing.key')).toBe('missing.key');
    expect(tr.has('only')).toBe(true);
    expect(tr.has('missing.key')).toBe(false);
  });

  it('offers audio prompts only as plain file names inside the language folder', () => {
    expect(tr.audio('q.a.label')).toBe('/content/audio/ar/a.ogg');
    expect(tr.audio('q.b.label')).toBeUndefined();
    expect(tr.audio('q.c.label')).toBeUndefined();
  });
});
