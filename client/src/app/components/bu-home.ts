import { html } from 'lit';
import { type ScreenName, Screen, define } from './base.ts';

const ENTRIES: readonly { screen: ScreenName; key: string }[] = [
  { screen: 'report', key: 'home.report' },
  { screen: 'followup', key: 'home.followup' },
  { screen: 'urgent', key: 'home.urgent' },
  { screen: 'inform', key: 'home.inform' },
];

export class BuHome extends Screen {
  protected override render() {
    const { t } = this.tr;
    return html`
      <h1 tabindex="-1">${t('home.title')}</h1>
      <p>${t('home.intro')}</p>
      <ul class="choices" role="list">
        ${ENTRIES.map(
          (e) =>
            html`<li>
              <button type="button" class="choice" @click=${() => this.emit('bu-navigate', e.screen)}>
                <strong>${t(`${e.key}.title`)}</strong><span>${t(`${e.key}.detail`)}</span>
              </button>
            </li>`,
        )}
      </ul>
      <p class="note">${t('home.safety')}</p>
    `;
  }
}

define('bu-home', BuHome);
