// Every screen renders into the light DOM, so one stylesheet (app.css) styles the whole app,
// logical CSS properties follow the page's direction, and assistive technology sees one
// plain document.
import { LitElement } from 'lit';
import type { Translator } from '../i18n.ts';

export class Screen extends LitElement {
  static override properties = { tr: { attribute: false } };
  declare tr: Translator;

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  /** Dispatches a typed request to the app shell (navigation, quick exit…). */
  protected emit<K extends keyof AppEvents>(type: K, detail: AppEvents[K]): void {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }

  /** Moves focus to this screen's heading, so screen readers announce the new step. */
  focusHeading(): void {
    this.querySelector<HTMLElement>('h1, h2')?.focus();
  }
}

export type ScreenName = 'language' | 'home' | 'report' | 'receipt' | 'followup' | 'inform' | 'urgent';

export interface AppEvents {
  'bu-navigate': ScreenName;
  'bu-language': string;
  /** The reporter typed the receipt code back: it may leave the page once they move on. */
  'bu-receipt-kept': undefined;
}

export function define(name: string, element: CustomElementConstructor): void {
  if (!customElements.get(name)) customElements.define(name, element);
}
