// The receipt code, shown once. Losing it is the most common failure of anonymous
// reporting systems, so the reporter confirms it by typing part of it back before going on.
import { html, nothing } from 'lit';
import { asciiDigits } from '../../envelope/digits.ts';
import { Screen, define } from './base.ts';

/** How many digits, from the end, the reporter types back. */
const CONFIRM_DIGITS = 8;

export class BuReceipt extends Screen {
  static override properties = {
    ...Screen.properties,
    code: { attribute: false },
    confirmed: { state: true },
    mismatch: { state: true },
    copied: { state: true },
  };
  declare code: string;
  declare confirmed: boolean;
  declare mismatch: boolean;
  declare copied: boolean;

  constructor() {
    super();
    this.confirmed = false;
    this.mismatch = false;
    this.copied = false;
  }

  #check(event: Event): void {
    event.preventDefault();
    const typed = new FormData(event.target as HTMLFormElement).get('confirm');
    this.confirmed = digitsOf(String(typed ?? '')) === digitsOf(this.code).slice(-CONFIRM_DIGITS);
    this.mismatch = !this.confirmed;
    if (this.confirmed) this.emit('bu-receipt-kept', undefined);
    // On a mismatch focus stays in the field, which now points at the explanation.
    void this.updateComplete.then(() =>
      this.confirmed ? this.focusHeading() : this.querySelector<HTMLInputElement>('#receipt-confirm')?.focus(),
    );
  }

  async #copy(): Promise<void> {
    try {
      await navigator.clipboard.writeText(this.code);
      this.copied = true;
    } catch {
      // No clipboard here (or it was refused): writing it down is the way, as the page says.
      this.copied = false;
    }
  }

  protected override render() {
    const { t } = this.tr;
    if (this.confirmed)
      return html`<h1 tabindex="-1">${t('receipt.doneTitle')}</h1>
        <p>${t('receipt.doneDetail')}</p>
        <button type="button" class="primary" @click=${() => this.emit('bu-navigate', 'home')}>
          ${t('nav.home')}
        </button>`;
    return html`
      <h1 tabindex="-1">${t('receipt.title')}</h1>
      <p>${t('receipt.intro')}</p>
      <p class="label">${t('receipt.codeLabel')}</p>
      <p class="receipt" dir="ltr" translate="no" aria-hidden="true" data-receipt=${this.code}>${this.code}</p>
      <p class="visually-hidden">${spoken(this.code)}</p>
      <p class="warning"><strong>${t('receipt.noRecovery')}</strong></p>
      <ul>
        <li>${t('receipt.tipWrite')}</li>
        <li>${t('receipt.tipHide')}</li>
      </ul>
      <button type="button" @click=${() => void this.#copy()}>${t('receipt.copy')}</button>
      ${this.copied ? html`<p role="status" class="note">${t('receipt.copied')}</p>` : nothing}
      <form @submit=${(e: Event) => this.#check(e)}>
        <label for="receipt-confirm">${t('receipt.confirm', { count: CONFIRM_DIGITS })}</label>
        <input
          id="receipt-confirm"
          name="confirm"
          inputmode="numeric"
          autocomplete="off"
          dir="ltr"
          aria-invalid=${this.mismatch ? 'true' : 'false'}
          aria-describedby=${this.mismatch ? 'receipt-mismatch' : nothing}
        />
        ${this.mismatch ? html`<p role="alert" class="warning" id="receipt-mismatch">${t('receipt.mismatch')}</p>` : nothing}
        <button type="submit" class="primary">${t('receipt.confirmButton')}</button>
      </form>
    `;
  }
}

/** Digit by digit, groups apart, so a screen reader does not read "1234" as a number. */
function spoken(code: string): string {
  return code
    .split(' ')
    .map((group) => [...group].join(' '))
    .join(', ');
}

/** Only the digits, whatever script, spaces or dashes they were typed with. */
const digitsOf = (text: string) => asciiDigits(text).replace(/[^0-9]/g, '');

define('bu-receipt', BuReceipt);
