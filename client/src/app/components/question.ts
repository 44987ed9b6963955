// One question of the questionnaire, as native form controls: a fieldset with a legend for
// choices, a label for text. Every question offers "I don't know" or can be left empty.
import { type TemplateResult, html, nothing } from 'lit';
import { type Area, localised } from '../content.ts';
import type { Translator } from '../i18n.ts';
import { type Answer, DONT_KNOW, type Question } from '../questionnaire.ts';

export interface QuestionContext {
  readonly tr: Translator;
  readonly areas: readonly Area[];
  readonly value: Answer | undefined;
  readonly set: (value: Answer | undefined) => void;
}

export function renderQuestion(q: Question, ctx: QuestionContext): TemplateResult {
  const { tr } = ctx;
  const id = `q-${q.id}`;
  const help = tr.has(`q.${q.id}.help`)
    ? html`<p class="help" id=${`${id}-help`}>${tr.t(`q.${q.id}.help`)}</p>`
    : nothing;
  const described = tr.has(`q.${q.id}.help`) ? `${id}-help` : undefined;
  const label = html`${tr.t(`q.${q.id}.label`)}${listen(tr, `q.${q.id}.label`)}`;
  switch (q.type) {
    case 'single':
    case 'multiple':
      return html`<fieldset class="question" aria-describedby=${described ?? nothing}>
        <legend>${label}</legend>
        ${help} ${choices(q, ctx, id)}
      </fieldset>`;
    case 'area':
      return html`<div class="question">
        <label for=${id}>${label}</label>${help}
        <select
          id=${id}
          aria-describedby=${described ?? nothing}
          @change=${(e: Event) => ctx.set(value(e) || undefined)}
        >
          <option value="" ?selected=${!ctx.value}>${tr.t('question.choose')}</option>
          ${ctx.areas.map(
            (a) =>
              html`<option value=${a.code} ?selected=${ctx.value === a.code}>${localised(a.name, tr.lang)}</option>`,
          )}
          <option value=${DONT_KNOW} ?selected=${ctx.value === DONT_KNOW}>${tr.t('question.dontKnow')}</option>
        </select>
      </div>`;
    case 'location':
      return location(q, ctx, id, label, help);
    default: {
      const input =
        q.type === 'longtext'
          ? html`<textarea
              id=${id}
              rows="8"
              dir="auto"
              aria-describedby=${described ?? nothing}
              .value=${text(ctx.value)}
              @input=${(e: Event) => ctx.set(value(e) || undefined)}
            ></textarea>`
          : html`<input
              id=${id}
              type=${q.type === 'date' ? 'date' : 'text'}
              autocomplete="off"
              dir=${q.type === 'date' ? nothing : 'auto'}
              max=${q.type === 'date' ? new Date().toISOString().slice(0, 10) : nothing}
              aria-describedby=${described ?? nothing}
              .value=${text(ctx.value)}
              @input=${(e: Event) => ctx.set(value(e) || undefined)}
            />`;
      return html`<div class="question"><label for=${id}>${label}</label>${help}${input}</div>`;
    }
  }
}

function choices(q: Question, ctx: QuestionContext, id: string) {
  const multiple = q.type === 'multiple';
  const chosen = typeof ctx.value === 'string' ? [ctx.value] : (ctx.value ?? []);
  const toggle = (option: string, on: boolean) => {
    if (!multiple) return ctx.set(option);
    if (option === DONT_KNOW) return ctx.set(on ? [DONT_KNOW] : undefined);
    const next = chosen.filter((c) => c !== option && c !== DONT_KNOW).concat(on ? [option] : []);
    ctx.set(next.length ? q.options.filter((o) => next.includes(o)) : undefined);
  };
  return [...q.options, DONT_KNOW].map(
    (option) =>
      html`<div class="option">
        <input
          id=${`${id}-${option}`}
          name=${id}
          type=${multiple ? 'checkbox' : 'radio'}
          value=${option}
          .checked=${chosen.includes(option)}
          @change=${(e: Event) => toggle(option, (e.target as HTMLInputElement).checked)}
        />
        <label for=${`${id}-${option}`}
          >${ctx.tr.t(option === DONT_KNOW ? 'question.dontKnow' : `q.${q.id}.opt.${option}`)}</label
        >
      </div>`,
  );
}

/** A precise point only if the reporter asks for it; it stays inside the encrypted report. */
function location(q: Question, ctx: QuestionContext, id: string, label: unknown, help: unknown) {
  const { tr } = ctx;
  const ask = () =>
    navigator.geolocation?.getCurrentPosition(
      (p) => ctx.set(`${p.coords.latitude.toFixed(5)},${p.coords.longitude.toFixed(5)}`),
      () => ctx.set(undefined),
      { enableHighAccuracy: true, timeout: 30_000 },
    );
  return html`<div class="question" id=${id}>
    <p class="label">${label}</p>
    ${help}
    ${
      ctx.value
        ? html`<p dir="ltr">${text(ctx.value)}</p>
            <button type="button" @click=${() => ctx.set(undefined)}>${tr.t('question.location.remove')}</button>`
        : html`<button type="button" @click=${ask}>${tr.t('question.location.add')}</button>`
    }
  </div>`;
}

/** A play button when the translation ships a spoken version of the text. */
export function listen(tr: Translator, key: string) {
  const src = tr.audio(key);
  if (!src) return nothing;
  return html` <button
    type="button"
    class="listen"
    aria-label=${tr.t('question.listen')}
    @click=${() => void new Audio(src).play()}
  >
    ▶
  </button>`;
}

const value = (e: Event) => (e.target as HTMLInputElement).value;
const text = (answer: Answer | undefined) => (typeof answer === 'string' ? answer : '');
