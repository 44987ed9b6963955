// Coming back with the receipt code: the report's status, the caseworkers' replies (opened
// on this phone with a key derived from the code), an answer, and more evidence.
import { html, nothing } from 'lit';
import { type FollowUpView, addEvidence, followUp, sendFollowUpMessage } from '../services.ts';
import { Screen, define } from './base.ts';
import './bu-evidence.ts';

export class BuFollowup extends Screen {
  static override properties = {
    ...Screen.properties,
    view: { state: true },
    problem: { state: true },
    busy: { state: true },
    files: { state: true },
  };
  declare view: FollowUpView | undefined;
  declare problem: string | undefined;
  declare busy: boolean;
  declare files: File[];
  /** Held only in this page's memory while the reporter uses it. */
  #code = '';

  constructor() {
    super();
    this.view = undefined;
    this.problem = undefined;
    this.busy = false;
    this.files = [];
  }

  async #run(task: () => Promise<void>): Promise<void> {
    this.busy = true;
    this.problem = undefined;
    try {
      await task();
    } catch (error) {
      this.problem = problemKey(error);
    } finally {
      this.busy = false;
    }
  }

  #open(event: Event): Promise<void> {
    event.preventDefault();
    const code = String(new FormData(event.target as HTMLFormElement).get('code') ?? '');
    return this.#run(async () => {
      this.view = await followUp(code);
      this.#code = code;
      void this.updateComplete.then(() => this.focusHeading());
    });
  }

  #answer(event: Event): Promise<void> {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const text = String(new FormData(form).get('answer') ?? '').trim();
    if (!text) return Promise.resolve();
    return this.#run(async () => {
      await sendFollowUpMessage(this.#code, text);
      form.reset();
      this.view = await followUp(this.#code);
    });
  }

  #attach(): Promise<void> {
    return this.#run(async () => {
      await addEvidence(this.#code, this.files);
      this.files = [];
    });
  }

  #close(): void {
    this.#code = '';
    this.view = undefined;
  }

  protected override render() {
    const { t } = this.tr;
    const problem = this.problem ? html`<p role="alert" class="warning">${t(this.problem)}</p>` : nothing;
    if (!this.view)
      return html`<h1 tabindex="-1">${t('followup.title')}</h1>
        <form @submit=${(e: Event) => void this.#open(e)}>
          <label for="followup-code">${t('followup.codeLabel')}</label>
          <input id="followup-code" name="code" inputmode="numeric" autocomplete="off" dir="ltr" required />
          ${problem}
          <button type="submit" class="primary" ?disabled=${this.busy}>${t('followup.open')}</button>
        </form>`;
    const view = this.view;
    return html`
      <h1 tabindex="-1">${t('followup.statusTitle')}</h1>
      <p>${t(`followup.status.${view.status}`)}</p>
      <p class="note">${t('followup.evidenceCount', { count: view.evidence.filter((e) => e.complete).length })}</p>
      <section aria-labelledby="thread-title">
        <h2 id="thread-title">${t('followup.thread')}</h2>
        ${
          view.messages.length
            ? html`<ol class="thread">
                ${view.messages.map(
                  (m) =>
                    html`<li class=${m.author} data-author=${m.author}>
                      <strong>${t(`followup.author.${m.author}`)}</strong>
                      <p dir="auto">${m.text ?? t('followup.unreadable')}</p>
                    </li>`,
                )}
              </ol>`
            : html`<p>${t('followup.noMessages')}</p>`
        }
      </section>
      <form @submit=${(e: Event) => void this.#answer(e)}>
        <label for="followup-answer">${t('followup.answerLabel')}</label>
        <textarea id="followup-answer" name="answer" rows="4" dir="auto"></textarea>
        <button type="submit" class="primary" ?disabled=${this.busy}>${t('followup.send')}</button>
      </form>
      <section aria-labelledby="more-evidence">
        <h2 id="more-evidence">${t('followup.moreEvidence')}</h2>
        <bu-evidence
          .tr=${this.tr}
          .files=${this.files}
          .onFiles=${(files: File[]) => (this.files = files)}
        ></bu-evidence>
        ${
          this.files.length
            ? html`<button type="button" class="primary" ?disabled=${this.busy} @click=${() => void this.#attach()}>
                ${t('followup.attach')}
              </button>`
            : nothing
        }
      </section>
      ${problem}
      <button type="button" @click=${() => this.#close()}>${t('followup.close')}</button>
    `;
  }
}

/** Translation key for what went wrong, by the error's name or the node's code. */
function problemKey(error: unknown): string {
  const { name, code } = error as { name?: string; code?: string };
  if (name === 'ReceiptCodeError') return 'followup.error.code';
  if (code === 'receipt-unknown') return 'followup.error.unknown';
  if (name === 'TypeError') return 'followup.error.network';
  return 'followup.error.other';
}

define('bu-followup', BuFollowup);
