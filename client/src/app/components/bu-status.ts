// What is waiting to be sent from this phone, and how far each upload has got.
import { html } from 'lit';
import type { OutboxView } from '../services.ts';
import { Screen, define } from './base.ts';

export class BuStatus extends Screen {
  static override properties = { ...Screen.properties, view: { attribute: false } };
  declare view: OutboxView;

  protected override render() {
    const { t } = this.tr;
    return html`<section class="status" aria-labelledby="outbox-title">
      <h2 id="outbox-title">${t('outbox.title')}</h2>
      <ul>
        ${this.view.items.map(
          (item) =>
            html`<li data-state=${item.state}>
              <span>${t(`outbox.kind.${item.kind}`)}: ${t(`outbox.state.${item.state}`)}</span>
              <progress
                max=${item.total || 1}
                value=${item.sent}
                aria-label=${t('outbox.progress', { kind: t(`outbox.kind.${item.kind}`) })}
              ></progress>
            </li>`,
        )}
      </ul>
      <p class="note">${this.view.persistent ? t('outbox.persistent') : t('outbox.volatile')}</p>
    </section>`;
  }
}

define('bu-status', BuStatus);
