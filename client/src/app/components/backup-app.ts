// The app shell: language, navigation between screens, quick exit, and the outbox status
// bar. Navigation never adds browser history entries (see quick-exit.ts).
import { LitElement, html, nothing } from 'lit';
import { type Help, FALLBACK_EXIT_URL, loadHelp, loadLanguages, loadMessages } from '../content.ts';
import { type LanguageMeta, type Translator, createTranslator } from '../i18n.ts';
import { followQuickExits, onQuickExit, quickExit } from '../quick-exit.ts';
import { type OutboxView, stopSending, watchOutbox } from '../services.ts';
import { type ScreenName, define } from './base.ts';
import './bu-followup.ts';
import './bu-home.ts';
import './bu-inform.ts';
import './bu-language.ts';
import type { BuReport } from './bu-report.ts';
import './bu-report.ts';
import './bu-status.ts';
import './bu-urgent.ts';

export class BackupApp extends LitElement {
  static override properties = {
    tr: { state: true },
    screen: { state: true },
    languages: { state: true },
    help: { state: true },
    outbox: { state: true },
    failed: { state: true },
  };
  declare tr: Translator | undefined;
  declare screen: ScreenName;
  declare languages: readonly LanguageMeta[];
  declare help: Help;
  declare outbox: OutboxView | undefined;
  declare failed: boolean;
  /**
   * Screens kept alive once opened, so going to "urgent help" never loses a report, and the
   * articles are fetched once per visit, not each time (2G).
   */
  #opened = new Set<ScreenName>();
  #receiptKept = false;

  constructor() {
    super();
    this.screen = 'language';
    this.languages = [];
    this.help = { exitUrl: FALLBACK_EXIT_URL, contacts: [] };
    this.failed = false;
    this.tr = undefined;
    this.outbox = undefined;
  }

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.addEventListener('bu-navigate', (e) => this.#go((e as CustomEvent<ScreenName>).detail));
    this.addEventListener('bu-language', (e) => void this.#setLanguage((e as CustomEvent<string>).detail));
    this.addEventListener('bu-receipt-kept', () => (this.#receiptKept = true));
    followQuickExits(() => void quickExit(this.help.exitUrl));
    onQuickExit(stopSending);
    void this.#start();
  }

  async #start(): Promise<void> {
    try {
      [this.languages, this.help] = await Promise.all([loadLanguages(), loadHelp()]);
    } catch {
      this.failed = true;
      return;
    }
    const wanted = new URLSearchParams(location.search).get('lang');
    if (wanted && this.languages.some((l) => l.code === wanted)) await this.#setLanguage(wanted);
    // Resumes anything a reload interrupted (reports waiting to send, uploads).
    void watchOutbox((view) => (this.outbox = view));
  }

  async #setLanguage(code: string): Promise<void> {
    let messages, english;
    try {
      [messages, english] = await Promise.all([
        loadMessages(code),
        code === 'en' ? Promise.resolve({}) : loadMessages('en').catch(() => ({})),
      ]);
    } catch {
      // Offline, and this language was never loaded: keep the current one; with none yet,
      // the page says the service cannot be reached.
      this.failed = !this.tr;
      return;
    }
    this.tr = createTranslator(code, messages, english);
    document.documentElement.lang = code;
    document.documentElement.dir = this.tr.dir;
    document.title = this.tr.t('app.title');
    // Replaces the current entry, so a reload keeps the language and history gains nothing.
    const url = new URL(location.href);
    url.searchParams.set('lang', code);
    history.replaceState(null, '', url);
    this.#go(this.screen === 'language' && this.#previous !== 'language' ? this.#previous : 'home');
  }

  /** Where "back" leads from the language, urgent help and information screens. */
  #previous: ScreenName = 'language';

  #go(screen: ScreenName): void {
    if (screen !== this.screen) this.#previous = this.screen;
    // Leaving follow-up, or a report whose receipt was kept, forgets it: the code and the
    // thread leave the page, and the next report starts empty. Choosing a language or
    // reading urgent help on the way keeps them.
    if (screen !== 'language' && screen !== 'urgent') {
      if (this.screen === 'followup') this.#opened.delete('followup');
      if (this.screen === 'report' && this.#receiptKept) {
        this.#opened.delete('report');
        this.#receiptKept = false;
      }
    }
    this.screen = screen;
    this.#opened.add(screen);
    window.scrollTo(0, 0);
    void this.updateComplete.then(() => {
      const active = this.querySelector<HTMLElement & { focusHeading?: () => void }>(`[data-screen="${screen}"]`);
      active?.focusHeading?.();
    });
  }

  #reportedArea(): string | undefined {
    const area = this.querySelector<BuReport>('bu-report')?.answers['area'];
    return typeof area === 'string' ? area : undefined;
  }

  protected override render() {
    const tr = this.tr;
    const exit = html`<button class="quick-exit" type="button" @click=${() => void quickExit(this.help.exitUrl)}>
      ${tr?.t('exit.button') ?? UNTRANSLATED.exit}
    </button>`;
    if (this.failed)
      return html`<header class="bar">${exit}</header>
        <main><p role="alert">${UNTRANSLATED.unreachable}</p></main>`;
    const choosing = !tr || this.screen === 'language';
    // Every screen lives in this one template, so choosing a language keeps a report
    // half-written in the screens kept alive (hidden) below.
    const keep = (name: ScreenName) => this.#opened.has(name) || this.screen === name;
    const hidden = (name: ScreenName) => this.screen !== name;
    return html`
      <header class="bar">
        ${exit}
        ${
          tr
            ? html`<nav aria-label=${tr.t('nav.label')}>
                ${
                  this.screen !== 'home'
                    ? html`<button type="button" @click=${() => this.#go('home')}>${tr.t('nav.home')}</button>`
                    : nothing
                }
                ${
                  choosing
                    ? nothing
                    : html`<button type="button" @click=${() => this.#go('language')}>${tr.t('nav.language')}</button>`
                }
              </nav>`
            : nothing
        }
      </header>
      <main>
        ${choosing ? html`<bu-language data-screen="language" .languages=${this.languages} .tr=${tr}></bu-language>` : nothing}
        ${
          tr
            ? html`
                ${this.screen === 'home' ? html`<bu-home data-screen="home" .tr=${tr}></bu-home>` : nothing}
                ${
                  keep('report')
                    ? html`<bu-report
                        data-screen="report"
                        ?hidden=${hidden('report')}
                        .tr=${tr}
                        .help=${this.help}
                      ></bu-report>`
                    : nothing
                }
                ${
                  keep('followup')
                    ? html`<bu-followup data-screen="followup" ?hidden=${hidden('followup')} .tr=${tr}></bu-followup>`
                    : nothing
                }
                ${
                  keep('inform')
                    ? html`<bu-inform data-screen="inform" ?hidden=${hidden('inform')} .tr=${tr}></bu-inform>`
                    : nothing
                }
                ${
                  this.screen === 'urgent'
                    ? html`<bu-urgent
                        data-screen="urgent"
                        .tr=${tr}
                        .help=${this.help}
                        .back=${this.#previous}
                        .area=${this.#reportedArea()}
                      ></bu-urgent>`
                    : nothing
                }
              `
            : nothing
        }
      </main>
      ${this.outbox?.items.length && tr ? html`<bu-status .tr=${tr} .view=${this.outbox}></bu-status>` : nothing}
    `;
  }
}

/** Before any translation has loaded (or when none can be), in the four languages shipped. */
const UNTRANSLATED = {
  exit: 'Exit · Sortie · خروج · Вихід',
  unreachable:
    'Cannot reach this service. Try again later. · Service injoignable, réessayez plus tard. · ' +
    'تعذّر الوصول إلى هذه الخدمة، يُرجى المحاولة لاحقًا. · Сервіс недоступний. Спробуйте пізніше.',
};

define('backup-app', BackupApp);
