// What is waiting to be sent from this phone, and how far each upload has got. After a
// reload what waits is locked with its receipt code: a short form asks for it here.
import { html, nothing } from 'lit';
import { type OutboxItemView, type OutboxView, discardOutboxItem, unlockOutbox } from '../services.ts';
import { Screen, define } from './base.ts';

export class BuStatus extends Screen {
  static override properties = {
    ...Screen.properties,
    view: { attribute: false },
    wrong: { state: true },
    busy: { state: true },
  };
  declare view: OutboxView;
  /** The message key of the last failed unlock, shown as an alert. */
  declare wrong: string | undefined;
  declare busy: boolean;

  constructor() {
    super();
    this.wrong = undefined;
    this.busy = false;
  }

  async #unlock(event: Event): Promise<void> {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const code = String(new FormData(form).get('code') ?? '');
    this.busy = true;
    this.wrong = undefined;
    try {
      if (await unlockOutbox(code)) {
        form.reset();
        this.querySelector<HTMLElement>('#outbox-title')?.focus();
      } else {
        this.wrong = 'outbox.unlock.wrong';
      }
    } catch (error) {
      this.wrong = (error as Error).name === 'ReceiptCodeError' ? 'outbox.unlock.wrong' : 'followup.error.other';
    } finally {
      this.busy = false;
    }
  }

  #item(item: OutboxItemView) {
    const { t } = this.tr;
    const kind = t(`outbox.kind.${item.kind}`);
    const label = `outbox-item-${item.id}`;
    return html`<li data-state=${item.state}>
      <span id=${label}>${kind}: ${t(`outbox.state.${item.state}`)}</span>
      ${
        item.state === 'locked'
          ? nothing
          : html`<progress
              max=${item.total || 1}
              value=${item.sent}
              aria-label=${t('outbox.progress', { kind })}
            ></progress>`
      }
      ${
        item.state === 'refused' || item.state === 'locked'
          ? html`<button type="button" aria-describedby=${label} @click=${() => void discardOutboxItem(item.id)}>
              ${t('outbox.discard')}
            </button>`
          : nothing
      }
    </li>`;
  }

  #unlockForm() {
    const { t } = this.tr;
    return html`<form class="unlock" @submit=${(e: Event) => void this.#unlock(e)}>
      <p id="outbox-unlock-explain" class="note">${t('outbox.unlock.explain')}</p>
      <label for="outbox-unlock-code">${t('outbox.unlock.label')}</label>
      <input
        id="outbox-unlock-code"
        name="code"
        inputmode="numeric"
        autocomplete="off"
        autocapitalize="off"
        spellcheck="false"
        dir="ltr"
        required
        aria-describedby="outbox-unlock-explain"
        aria-invalid=${this.wrong ? 'true' : 'false'}
        @input=${() => (this.wrong = undefined)}
      />
      <p role="alert" class="warning">${this.wrong ? t(this.wrong) : nothing}</p>
      <button type="submit" ?disabled=${this.busy}>${t('outbox.unlock.button')}</button>
    </form>`;
  }

  protected override render() {
    const { t } = this.tr;
    const items = this.view.items;
    return html`<section class="status" aria-labelledby="outbox-title">
      <h2 id="outbox-title" tabindex="-1">${t('outbox.title')}</h2>
      <p role="status">
        ${t('outbox.summary', { done: items.filter((item) => item.state === 'done').length, total: items.length })}
      </p>
      <ul>
        ${items.map((item) => this.#item(item))}
      </ul>
      ${items.some((item) => item.state === 'locked') ? this.#unlockForm() : nothing}
      <p class="note">${this.view.persistent ? t('outbox.persistent') : t('outbox.volatile')}</p>
    </section>`;
  }
}

define('bu-status', BuStatus);
