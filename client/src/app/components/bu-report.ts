// The guided report: the questionnaire's steps one at a time, with a progress indicator,
// Back, Skip and "I don't know" everywhere; then evidence, consent per use, sending and
// the receipt.
import { html, nothing } from 'lit';
import { type Area, type Help, fetchJson, loadAreas } from '../content.ts';
import type { Consent } from '../../intake/types.ts';
import {
  type Answer,
  type Answers,
  CONSENT_USES,
  type ConsentUse,
  type Questionnaire,
  parseQuestionnaire,
  reportDocument,
  sharedFields,
  urgentWindow,
  visibleSteps,
} from '../questionnaire.ts';
import { MIN_PASSCODE_LENGTH, deleteDraft, hasDraft, openDraft, saveDraft } from '../draft.ts';
import { prepareSending, sendReport } from '../services.ts';
import { Screen, define } from './base.ts';
import './bu-evidence.ts';
import './bu-receipt.ts';
import { type DraftActions, type DraftState, draftOffer, draftSaver } from './draft-panel.ts';
import { renderQuestion } from './question.ts';

type Phase =
  | { kind: 'loading' }
  | { kind: 'broken' }
  | { kind: 'steps' }
  | { kind: 'sending'; done: number; total: number }
  | { kind: 'receipt'; code: string }
  | { kind: 'failed'; reason: string };

export class BuReport extends Screen {
  static override properties = {
    ...Screen.properties,
    help: { attribute: false },
    phase: { state: true },
    step: { state: true },
    answers: { state: true },
    consent: { state: true },
    draft: { state: true },
  };
  declare help: Help;
  declare phase: Phase;
  declare step: number;
  declare answers: Answers;
  declare consent: Readonly<Record<ConsentUse, boolean>>;
  declare draft: DraftState;
  #questionnaire: Questionnaire | undefined;
  #areas: readonly Area[] = [];
  #files: File[] = [];

  constructor() {
    super();
    this.phase = { kind: 'loading' };
    this.step = 0;
    this.answers = {};
    this.consent = { storage: false, referral: false, statistics: false, justice: false };
    this.draft = { kind: 'none' };
  }

  readonly #draftActions: DraftActions = {
    open: (passcode) => void this.#openDraft(passcode),
    discard: () => void deleteDraft().then(() => (this.draft = { kind: 'none' })),
    startSaving: () => (this.draft = { kind: 'saving' }),
    save: (passcode, again) => void this.#saveDraft(passcode, again),
  };

  async #saveDraft(passcode: string, again: string): Promise<void> {
    if (passcode.length < MIN_PASSCODE_LENGTH) this.draft = { kind: 'saving', problem: 'short' };
    else if (passcode !== again) this.draft = { kind: 'saving', problem: 'different' };
    else {
      await saveDraft({ v: 1, answers: this.answers, step: this.step, consent: this.consent }, passcode);
      this.draft = { kind: 'saved' };
    }
  }

  async #openDraft(passcode: string): Promise<void> {
    try {
      const draft = parseDraft(await openDraft(passcode));
      this.answers = draft.answers;
      this.step = draft.step;
      this.consent = draft.consent;
      this.draft = { kind: 'none' };
      void this.updateComplete.then(() => this.focusHeading());
    } catch {
      this.draft = { kind: 'saved-earlier', wrong: true };
    }
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.#load();
  }

  async #load(): Promise<void> {
    try {
      const [questionnaire, areas] = await Promise.all([fetchJson('/content/questionnaire.json'), loadAreas()]);
      this.#questionnaire = parseQuestionnaire(questionnaire);
      this.#areas = Array.isArray(areas) ? areas : [];
      this.phase = { kind: 'steps' };
      if (await hasDraft()) this.draft = { kind: 'saved-earlier' };
      // Once the first question shows, fetch the sending code while the reporter answers,
      // so sending works even if the connection is gone by then.
      void this.updateComplete.then(() => prepareSending().catch(() => undefined));
    } catch {
      this.phase = { kind: 'broken' };
    }
  }

  #move(delta: number): void {
    this.step += delta;
    window.scrollTo(0, 0);
    void this.updateComplete.then(() => this.focusHeading());
  }

  #set(id: string, value: Answer | undefined): void {
    const next = { ...this.answers };
    if (value === undefined) delete next[id];
    else next[id] = value;
    this.answers = next;
  }

  async #send(): Promise<void> {
    const questionnaire = this.#questionnaire!;
    const consent: Consent = { ...this.consent, storage: true };
    this.phase = { kind: 'sending', done: 0, total: this.#files.reduce((n, f) => n + f.size, 0) };
    // The Send button is gone: focus goes to what is happening now.
    void this.updateComplete.then(() => this.focusHeading());
    try {
      const { receiptCode } = await sendReport({
        document: reportDocument(questionnaire, this.answers, consent, this.tr.lang),
        shared: sharedFields(questionnaire, this.answers, consent),
        files: this.#files,
        onProgress: (done, total) => (this.phase = { kind: 'sending', done, total }),
      });
      this.phase = { kind: 'receipt', code: receiptCode };
      // Nothing of the report stays in this page, or in a draft, once it is sealed.
      this.answers = {};
      this.#files = [];
      await deleteDraft();
    } catch (error) {
      this.phase = { kind: 'failed', reason: (error as Error).name };
    }
    void this.updateComplete.then(() => this.focusHeading());
  }

  protected override render() {
    const { t } = this.tr;
    const phase = this.phase;
    switch (phase.kind) {
      case 'loading':
        return html`<p role="status">${t('common.loading')}</p>`;
      case 'broken':
        return html`<h1 tabindex="-1">${t('report.title')}</h1>
          <p role="alert">${t('report.broken')}</p>`;
      case 'sending':
        return html`<h1 tabindex="-1">${t('report.securing')}</h1>
          <progress max=${phase.total || 1} value=${phase.done} aria-label=${t('report.securing')}></progress>
          <p>${t('report.securingDetail')}</p>`;
      case 'receipt':
        return html`<bu-receipt .tr=${this.tr} .code=${phase.code}></bu-receipt>`;
      case 'failed':
        return html`<h1 tabindex="-1">${t('report.failed')}</h1>
          <p role="alert">${t('report.failedDetail')}</p>
          <button type="button" @click=${() => (this.phase = { kind: 'steps' })}>${t('common.back')}</button>`;
      case 'steps':
        return this.#renderStep();
    }
  }

  #renderStep() {
    const { t } = this.tr;
    const questionnaire = this.#questionnaire!;
    const steps = visibleSteps(questionnaire, this.answers);
    const index = Math.min(this.step, steps.length - 1);
    const step = steps[index]!;
    const last = index === steps.length - 1;
    const urgent = urgentWindow(questionnaire, this.answers);
    return html`
      ${draftOffer(this.tr, this.draft, this.#draftActions)}
      <p class="progress-text" id="progress-text">${t('report.progress', { step: index + 1, total: steps.length })}</p>
      <progress max=${steps.length} value=${index + 1} aria-labelledby="progress-text"></progress>
      ${
        urgent
          ? html`<div class="urgent" role="alert">
              <p>${t(`urgent.banner.${urgent}`)}</p>
              <button type="button" @click=${() => this.emit('bu-navigate', 'urgent')}>${t('urgent.open')}</button>
            </div>`
          : nothing
      }
      <h1 tabindex="-1">${t(`step.${step.id}`)}</h1>
      ${
        step.kind === 'questions'
          ? step.questions.map((q) =>
              renderQuestion(q, {
                tr: this.tr,
                areas: this.#areas,
                value: this.answers[q.id],
                set: (value) => this.#set(q.id, value),
              }),
            )
          : step.kind === 'evidence'
            ? html`<bu-evidence
                .tr=${this.tr}
                .files=${this.#files}
                .onFiles=${(files: File[]) => (this.#files = files)}
              ></bu-evidence>`
            : this.#renderConsent()
      }
      <div class="step-nav">
        ${index > 0 ? html`<button type="button" @click=${() => this.#move(-1)}>${t('common.back')}</button>` : nothing}
        ${
          last
            ? html`<button
                type="button"
                class="primary"
                ?disabled=${!this.consent.storage}
                @click=${() => void this.#send()}
              >
                ${t('report.send')}
              </button>`
            : html`${
                  step.kind === 'questions'
                    ? html`<button type="button" @click=${() => this.#skip(step.questions.map((q) => q.id))}>
                        ${t('common.skip')}
                      </button>`
                    : nothing
                } <button type="button" class="primary" @click=${() => this.#move(1)}>${t('common.next')}</button>`
        }
      </div>
      ${draftSaver(this.tr, this.draft, this.#draftActions)}
    `;
  }

  #skip(ids: readonly string[]): void {
    for (const id of ids) this.#set(id, undefined);
    this.#move(1);
  }

  #renderConsent() {
    const { t } = this.tr;
    return html`
      <p class="help">${t('consent.intro')}</p>
      <fieldset class="question">
        <legend>${t('consent.legend')}</legend>
        ${CONSENT_USES.map(
          (use) =>
            html`<div class="option">
              <input
                id=${`consent-${use}`}
                type="checkbox"
                .checked=${this.consent[use]}
                aria-describedby=${`consent-${use}-help`}
                @change=${(e: Event) => (this.consent = { ...this.consent, [use]: (e.target as HTMLInputElement).checked })}
              />
              <label for=${`consent-${use}`}>${t(`consent.${use}`)}</label>
              <p class="help" id=${`consent-${use}-help`}>${t(`consent.${use}.help`)}</p>
            </div>`,
        )}
      </fieldset>
      ${this.consent.storage ? nothing : html`<p class="note" role="status">${t('consent.storageRequired')}</p>`}
    `;
  }
}

/** A draft is read back defensively: it comes from storage, not from this page. */
function parseDraft(value: unknown): { answers: Answers; step: number; consent: Record<ConsentUse, boolean> } {
  const draft = (value ?? {}) as { answers?: unknown; step?: unknown; consent?: unknown };
  const answers: Record<string, Answer> = {};
  for (const [id, answer] of Object.entries((draft.answers ?? {}) as Record<string, unknown>)) {
    if (typeof answer === 'string') answers[id] = answer;
    else if (Array.isArray(answer)) answers[id] = answer.filter((a): a is string => typeof a === 'string');
  }
  const consent = (draft.consent ?? {}) as Partial<Record<ConsentUse, unknown>>;
  return {
    answers,
    step: Number.isInteger(draft.step) ? Math.max(0, draft.step as number) : 0,
    consent: Object.fromEntries(CONSENT_USES.map((use) => [use, consent[use] === true])) as Record<ConsentUse, boolean>,
  };
}

define('bu-report', BuReport);
