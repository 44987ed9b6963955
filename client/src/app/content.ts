// Reads the node's content files (see node/src/web/content.ts). Everything here is
// public and the same for every visitor; nothing about the reporter is sent.
import type { LanguageMeta, Messages } from './i18n.ts';

export interface Area {
  readonly code: string;
  readonly name: Readonly<Record<string, string>>;
}

export interface Contact {
  readonly kind: string;
  readonly name: Readonly<Record<string, string>>;
  readonly phone?: string;
  readonly where?: Readonly<Record<string, string>>;
  readonly hours?: Readonly<Record<string, string>>;
  /** Area codes (as in areas.json) this service covers: shown first to reporters there. */
  readonly areas?: readonly string[];
}

export interface Help {
  readonly exitUrl: string;
  readonly contacts: readonly Contact[];
}

export interface ArticleEntry {
  readonly slug: string;
  readonly title: string;
  readonly summary: string;
}

export class ContentError extends Error {
  override name = 'ContentError';
}

export async function fetchJson<T>(path: string): Promise<T> {
  const response = await fetch(path, { credentials: 'omit' });
  if (!response.ok) throw new ContentError(`${path}: HTTP ${response.status}`);
  return (await response.json()) as T;
}

export async function fetchText(path: string): Promise<string> {
  const response = await fetch(path, { credentials: 'omit' });
  if (!response.ok) throw new ContentError(`${path}: HTTP ${response.status}`);
  return response.text();
}

export const loadLanguages = () => fetchJson<LanguageMeta[]>('/content/languages.json');
export const loadMessages = (lang: string) => fetchJson<Messages>(`/content/i18n/${lang}.json`);
export const loadAreas = () => fetchJson<Area[]>('/content/areas.json');
export const loadArticles = (lang: string) => fetchJson<ArticleEntry[]>(`/content/articles/${lang}/index.json`);
export const loadArticle = (lang: string, slug: string) => fetchText(`/content/articles/${lang}/${slug}.md`);

/** Where a quick exit goes when the node's help file cannot be read. */
export const FALLBACK_EXIT_URL = 'https://www.google.com/';

export async function loadHelp(): Promise<Help> {
  return parseHelp(await fetchJson<unknown>('/content/help.json'));
}

/** The admin's help file, read defensively: a contact of the wrong shape is left out. */
export function parseHelp(input: unknown): Help {
  const help = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  const exitUrl =
    typeof help.exitUrl === 'string' && /^https?:\/\//.test(help.exitUrl) ? help.exitUrl : FALLBACK_EXIT_URL;
  const contacts = Array.isArray(help.contacts) ? help.contacts.filter(isContact) : [];
  return { exitUrl, contacts };
}

const isTexts = (value: unknown) =>
  typeof value === 'object' && value !== null && Object.values(value).every((text) => typeof text === 'string');
const isOptional = (value: unknown, check: (value: unknown) => boolean) => value === undefined || check(value);

function isContact(value: unknown): value is Contact {
  const c = (value ?? {}) as Record<string, unknown>;
  return (
    typeof c.kind === 'string' &&
    isTexts(c.name) &&
    isOptional(c.phone, (phone) => typeof phone === 'string') &&
    isOptional(c.where, isTexts) &&
    isOptional(c.hours, isTexts) &&
    isOptional(c.areas, (areas) => Array.isArray(areas) && areas.every((a) => typeof a === 'string'))
  );
}
/** A label in the reporter's language, else English, else any. */
export function localised(labels: Readonly<Record<string, string>> | undefined, lang: string): string {
  if (!labels) return '';
  return labels[lang] ?? labels.en ?? Object.values(labels)[0] ?? '';
}
