// Localisation with ICU MessageFormat syntax — `{name}`, `{n, plural, one {…} other {…}}`
// and `{x, select, a {…} other {…}}` — which is what translators' tools already speak.
// A language is one JSON file of messages; dropping a new file into the node's content
// folder adds the language (see docs/operating.md).

export interface LanguageMeta {
  readonly code: string;
  readonly name: string;
  readonly dir: 'ltr' | 'rtl';
}

export type Messages = Readonly<Record<string, unknown>>;
export type Values = Readonly<Record<string, string | number>>;

export interface Translator {
  readonly lang: string;
  readonly dir: 'ltr' | 'rtl';
  /** The message for `key`, formatted; the English text if this language lacks it. */
  t(key: string, values?: Values): string;
  /** Whether `key` has a message in this language or in English. */
  has(key: string): boolean;
  /** The audio prompt file for `key` in this language, if the translation ships one. */
  audio(key: string): string | undefined;
}

export function createTranslator(lang: string, messages: Messages, fallback: Messages = {}): Translator {
  const meta = (messages['@meta'] ?? {}) as { dir?: string; audio?: Record<string, string> };
  const plural = new Intl.PluralRules(lang);
  const find = (key: string) => {
    const found = messages[key] ?? fallback[key];
    return typeof found === 'string' ? found : undefined;
  };
  return {
    lang,
    dir: meta.dir === 'rtl' ? 'rtl' : 'ltr',
    t: (key, values = {}) => {
      const message = find(key);
      return message === undefined ? key : format(message, values, plural);
    },
    has: (key) => find(key) !== undefined,
    audio: (key) => {
      const file = meta.audio?.[key];
      return typeof file === 'string' && /^[A-Za-z0-9_-]+\.(ogg|mp3|m4a|webm|wav)$/.test(file)
        ? `/content/audio/${lang}/${file}`
        : undefined;
    },
  };
}

/** Formats one ICU message. Malformed messages come out as literal text, never as an error. */
export function format(message: string, values: Values, plural: Intl.PluralRules): string {
  let out = '';
  let i = 0;
  while (i < message.length) {
    const open = message.indexOf('{', i);
    if (open < 0) break;
    out += message.slice(i, open);
    const close = matchingBrace(message, open);
    if (close < 0) return out + message.slice(open);
    out += argument(message.slice(open + 1, close), values, plural);
    i = close + 1;
  }
  return out + message.slice(i);
}

function argument(body: string, values: Values, plural: Intl.PluralRules): string {
  const [name = '', kind, ...rest] = body.split(',');
  const value = values[name.trim()];
  if (kind === undefined) return value === undefined ? `{${body}}` : String(value);
  const cases = parseCases(rest.join(','));
  const type = kind.trim();
  if (type === 'plural' && typeof value === 'number') {
    const chosen = cases.get(`=${value}`) ?? cases.get(plural.select(value)) ?? cases.get('other') ?? '';
    return format(chosen.replaceAll('#', String(value)), values, plural);
  }
  if (type === 'select') return format(cases.get(String(value)) ?? cases.get('other') ?? '', values, plural);
  return `{${body}}`;
}

/** `one {…} other {…}` → Map of selector → sub-message. */
function parseCases(text: string): Map<string, string> {
  const cases = new Map<string, string>();
  let i = 0;
  while (i < text.length) {
    const open = text.indexOf('{', i);
    if (open < 0) break;
    const close = matchingBrace(text, open);
    if (close < 0) break;
    cases.set(text.slice(i, open).trim(), text.slice(open + 1, close));
    i = close + 1;
  }
  return cases;
}

function matchingBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return i;
  }
  return -1;
}
