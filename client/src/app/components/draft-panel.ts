// The draft controls of the report: offer to continue a saved draft, or save one. Nothing
// is kept unless the reporter asks, and then only under their passcode (draft.ts).
import { type TemplateResult, html, nothing } from 'lit';
import { MIN_PASSCODE_LENGTH } from '../draft.ts';
import type { Translator } from '../i18n.ts';

export type DraftState =
  | { readonly kind: 'none' }
  | { readonly kind: 'saved-earlier'; readonly wrong?: boolean }
  | { readonly kind: 'saving'; readonly problem?: 'short' | 'different' }
  | { readonly kind: 'saved' };

export interface DraftActions {
  open(passcode: string): void;
  discard(): void;
  startSaving(): void;
  save(passcode: string, again: string): void;
}

const field = (form: HTMLFormElement, name: string) => String(new FormData(form).get(name) ?? '');

/** Shown above the questions when a draft waits on this phone. */
export function draftOffer(tr: Translator, state: DraftState, actions: DraftActions): TemplateResult | typeof nothing {
  if (state.kind !== 'saved-earlier') return nothing;
  const submit = (event: Event) => {
    event.preventDefault();
    actions.open(field(event.target as HTMLFormElement, 'passcode'));
  };
  return html`<form class="urgent" @submit=${submit}>
    <p>${tr.t('draft.found')}</p>
    <label for="draft-open">${tr.t('draft.passcode')}</label>
    <input id="draft-open" name="passcode" type="password" autocomplete="off" />
    ${state.wrong ? html`<p role="alert" class="warning">${tr.t('draft.wrong')}</p>` : nothing}
    <div class="actions">
      <button type="submit" class="primary">${tr.t('draft.continue')}</button>
      <button type="button" @click=${actions.discard}>${tr.t('draft.delete')}</button>
    </div>
  </form>`;
}

/** The "save a draft" control under the questions. */
export function draftSaver(tr: Translator, state: DraftState, actions: DraftActions): TemplateResult {
  if (state.kind !== 'saving')
    return html`${state.kind === 'saved' ? html`<p role="status" class="note">${tr.t('draft.saved')}</p>` : nothing}
      <button type="button" @click=${actions.startSaving}>${tr.t('draft.save')}</button>`;
  const submit = (event: Event) => {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    actions.save(field(form, 'passcode'), field(form, 'again'));
  };
  const problem = state.problem && tr.t(`draft.${state.problem}`, { count: MIN_PASSCODE_LENGTH });
  return html`<form @submit=${submit}>
    <p class="help">${tr.t('draft.explain')}</p>
    <label for="draft-passcode">${tr.t('draft.choose', { count: MIN_PASSCODE_LENGTH })}</label>
    <input id="draft-passcode" name="passcode" type="password" autocomplete="new-password" />
    <label for="draft-again">${tr.t('draft.again')}</label>
    <input id="draft-again" name="again" type="password" autocomplete="new-password" />
    ${problem ? html`<p role="alert" class="warning">${problem}</p>` : nothing}
    <button type="submit">${tr.t('draft.saveButton')}</button>
  </form>`;
}
