// Content the node's admin can edit without touching code: the questionnaire, translations,
// information articles, local help contacts, areas and audio prompts. A file in
// `<data>/content/` replaces the shipped one at the same path; anything new there (a
// Hausa translation, an extra article) is added to what ships.
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../log/index.ts';

export interface LanguageEntry {
  readonly code: string;
  readonly name: string;
  readonly dir: 'ltr' | 'rtl';
}

export interface ArticleEntry {
  readonly slug: string;
  readonly title: string;
  readonly summary: string;
}

const LANGUAGE_CODE = /^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?$/;
const ARTICLE_SLUG = /^[0-9]{2}-[a-z0-9-]{1,60}$/;

export class ContentLibrary {
  readonly #folders: readonly string[];
  readonly #log: Logger;

  /** `folders` in order of precedence: the admin's first, the shipped defaults last. */
  constructor(folders: readonly string[], log: Logger) {
    this.#folders = folders;
    this.#log = log;
  }

  /** The first readable copy of a file; JSON that does not parse is skipped with a warning. */
  async read(path: string): Promise<Buffer | undefined> {
    for (const folder of this.#folders) {
      const body = await readFile(join(folder, path)).catch(() => undefined);
      if (!body) continue;
      if (path.endsWith('.json') && !parses(body)) {
        this.#log.warn('content file is not valid JSON: using the next copy', { folder, path });
        continue;
      }
      return body;
    }
    return undefined;
  }

  async languages(): Promise<LanguageEntry[]> {
    const codes = (await this.#names('i18n', '.json')).filter((code) => LANGUAGE_CODE.test(code));
    const entries: LanguageEntry[] = [];
    for (const code of codes) {
      // A translation that does not parse or is not an object is left out, never fatal.
      const messages = JSON.parse(String((await this.read(`i18n/${code}.json`)) ?? 'null')) as unknown;
      if (typeof messages !== 'object' || messages === null || Array.isArray(messages)) continue;
      const meta = (messages as { '@meta'?: Partial<LanguageEntry> })['@meta'];
      entries.push({ code, name: String(meta?.name ?? code), dir: meta?.dir === 'rtl' ? 'rtl' : 'ltr' });
    }

    return entries;
  }

  async articles(lang: string): Promise<ArticleEntry[]> {
    const slugs = (await this.#names(`articles/${lang}`, '.md')).filter((slug) => ARTICLE_SLUG.test(slug));
    const entries: ArticleEntry[] = [];
    for (const slug of slugs) {
      const lines = String(await this.read(`articles/${lang}/${slug}.md`)).split('\n');
      const title = lines[0]?.replace(/^#\s*/, '').trim() ?? slug;
      const summary = lines.slice(1).find((line) => line.trim() !== '') ?? '';
      entries.push({ slug, title, summary: summary.trim() });
    }
    return entries;
  }

  /** File names (without extension) in a content folder, across every layer, sorted. */
  async #names(folder: string, extension: string): Promise<string[]> {
    const names = new Set<string>();
    for (const root of this.#folders) {
      const found = await readdir(join(root, folder)).catch(() => [] as string[]);
      for (const name of found) if (name.endsWith(extension)) names.add(name.slice(0, -extension.length));
    }
    return [...names].sort();
  }
}

function parses(body: Buffer): boolean {
  try {
    JSON.parse(body.toString('utf8'));
    return true;
  } catch {
    return false;
  }
}
