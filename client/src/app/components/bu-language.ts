// The first screen: every language offered, each written in itself.
import { html } from 'lit';
import type { LanguageMeta } from '../i18n.ts';
import { Screen, define } from './base.ts';

export class BuLanguage extends Screen {
  static override properties = { ...Screen.properties, languages: { attribute: false } };
  declare languages: readonly LanguageMeta[];

  protected override render() {
    return html`
      <h1 tabindex="-1">${this.tr?.t('language.title') ?? 'Language · Langue · اللغة · Мова'}</h1>
      <ul class="choices" role="list">
        ${this.languages.map(
          (l) =>
            html`<li>
              <button
                type="button"
                class="choice"
                lang=${l.code}
                dir=${l.dir}
                @click=${() => this.emit('bu-language', l.code)}
              >
                ${l.name}
              </button>
            </li>`,
        )}
      </ul>
    `;
  }
}

define('bu-language', BuLanguage);
