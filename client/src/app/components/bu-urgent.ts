// Urgent help: what care exists and why time matters, and the local contacts the node's
// admin configured (later, its directory of professionals).
import { html, nothing } from 'lit';
import { type Contact, type Help, localised } from '../content.ts';
import { type ScreenName, Screen, define } from './base.ts';

export class BuUrgent extends Screen {
  static override properties = {
    ...Screen.properties,
    help: { attribute: false },
    back: { attribute: false },
    area: { attribute: false },
  };
  declare help: Help;
  declare back: ScreenName;
  /** The area the reporter chose in the questionnaire, if any: its services come first. */
  declare area: string | undefined;

  protected override render() {
    const { t, lang } = this.tr;
    const near = (c: Contact) => this.area !== undefined && (c.areas ?? []).includes(this.area);
    const contacts = [...this.help.contacts].sort((a, b) => Number(near(b)) - Number(near(a)));
    return html`
      <h1 tabindex="-1">${t('urgent.title')}</h1>
      <p>${t('urgent.intro')}</p>
      <section aria-labelledby="urgent-72">
        <h2 id="urgent-72">${t('urgent.pep.title')}</h2>
        <p>${t('urgent.pep.detail')}</p>
      </section>
      <section aria-labelledby="urgent-120">
        <h2 id="urgent-120">${t('urgent.ec.title')}</h2>
        <p>${t('urgent.ec.detail')}</p>
      </section>
      <section aria-labelledby="urgent-later">
        <h2 id="urgent-later">${t('urgent.later.title')}</h2>
        <p>${t('urgent.later.detail')}</p>
      </section>
      <section aria-labelledby="urgent-contacts">
        <h2 id="urgent-contacts">${t('urgent.contacts')}</h2>
        ${
          contacts.length
            ? html`<ul class="contacts">
                ${contacts.map(
                  (c) =>
                    html`<li>
                      <strong>${localised(c.name, lang)}</strong>
                      ${near(c) ? html`<span class="near">${t('urgent.near')}</span>` : nothing}
                      <span>${t(`urgent.kind.${c.kind}`)}</span>
                      ${c.phone ? html`<a href=${`tel:${c.phone.replace(/[^0-9+]/g, '')}`} dir="ltr">${c.phone}</a>` : nothing}
                      ${c.where ? html`<span>${localised(c.where, lang)}</span>` : nothing}
                      ${c.hours ? html`<span>${localised(c.hours, lang)}</span>` : nothing}
                    </li>`,
                )}
              </ul>`
            : html`<p>${t('urgent.noContacts')}</p>`
        }
      </section>
      <button type="button" @click=${() => this.emit('bu-navigate', this.back === 'urgent' ? 'home' : this.back)}>
        ${t('common.back')}
      </button>
    `;
  }
}

define('bu-urgent', BuUrgent);
