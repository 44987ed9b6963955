// "Inform": short articles the node's admin edits as files. Opening the list fetches every
// article of the language, so the service worker keeps them all for reading offline.
import { html, nothing } from 'lit';
import { type ArticleEntry, loadArticle, loadArticles } from '../content.ts';
import { type Block, type Inline, parseArticle } from '../markdown.ts';
import { keepForOffline } from '../offline.ts';
import { Screen, define } from './base.ts';

export class BuInform extends Screen {
  static override properties = {
    ...Screen.properties,
    list: { state: true },
    article: { state: true },
    failed: { state: true },
  };
  declare list: readonly ArticleEntry[] | undefined;
  declare article: Block[] | undefined;
  declare failed: boolean;
  #lang = '';

  constructor() {
    super();
    this.list = undefined;
    this.article = undefined;
    this.failed = false;
  }

  protected override willUpdate(): void {
    if (this.tr && this.tr.lang !== this.#lang) {
      this.#lang = this.tr.lang;
      void this.#loadList();
    }
  }

  async #loadList(): Promise<void> {
    const lang = this.#lang;
    try {
      this.list = await loadArticles(lang);
      this.failed = false;
      // Fetch every article once, so all of them can be read offline later.
      await Promise.allSettled(this.list.map((entry) => loadArticle(lang, entry.slug)));
      void keepForOffline();
    } catch {
      this.failed = true;
    }
  }

  async #open(slug: string): Promise<void> {
    try {
      this.article = parseArticle(await loadArticle(this.#lang, slug));
      this.failed = false;
    } catch {
      this.failed = true;
    }
    window.scrollTo(0, 0);
    void this.updateComplete.then(() => this.focusHeading());
  }

  #close(): void {
    this.article = undefined;
    void this.updateComplete.then(() => this.focusHeading());
  }

  protected override render() {
    const { t } = this.tr;
    if (this.article)
      return html`<article>${this.article.map(block)}</article>
        <button type="button" @click=${() => this.#close()}>${t('inform.back')}</button>`;
    return html`
      <h1 tabindex="-1">${t('inform.title')}</h1>
      ${this.failed ? html`<p role="alert">${t('inform.offline')}</p>` : nothing}
      ${
        this.list
          ? html`<ul class="choices" role="list">
              ${this.list.map(
                (a) =>
                  html`<li>
                    <button type="button" class="choice" @click=${() => void this.#open(a.slug)}>
                      <strong>${a.title}</strong><span>${a.summary}</span>
                    </button>
                  </li>`,
              )}
            </ul>`
          : this.failed
            ? nothing
            : html`<p role="status">${t('common.loading')}</p>`
      }
    `;
  }
}

function block(b: Block) {
  switch (b.kind) {
    case 'title':
      return html`<h1 tabindex="-1">${b.inline.map(span)}</h1>`;
    case 'heading':
      return html`<h2>${b.inline.map(span)}</h2>`;
    case 'paragraph':
      return html`<p>${b.inline.map(span)}</p>`;
    case 'list':
      return html`<ul>
        ${b.items.map((item) => html`<li>${item.map(span)}</li>`)}
      </ul>`;
  }
}

const span = (part: Inline) => (part.strong ? html`<strong>${part.text}</strong>` : part.text);

define('bu-inform', BuInform);
