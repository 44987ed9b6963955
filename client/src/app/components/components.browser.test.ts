// The app's components in a real Chromium, one at a time, with the shipped English texts.
import { render } from 'lit';
import { equal, ok } from '../../../test-support/assert.ts';
import { before, describe, it } from '../../../test-support/mocha.ts';
import { type Translator, createTranslator } from '../i18n.ts';
import type { Answer, Question } from '../questionnaire.ts';
import type { BuEvidence } from './bu-evidence.ts';
import './bu-evidence.ts';
import type { BuReceipt } from './bu-receipt.ts';
import './bu-receipt.ts';
import type { BuUrgent } from './bu-urgent.ts';
import './bu-urgent.ts';
import { renderQuestion } from './question.ts';

let tr: Translator;

before(async () => {
  const response = await fetch('/client/content/i18n/en.json');
  tr = createTranslator('en', (await response.json()) as Record<string, unknown>);
});

async function mount<T extends HTMLElement & { updateComplete: Promise<boolean> }>(
  tag: string,
  props: Record<string, unknown>,
): Promise<T> {
  const element = Object.assign(document.createElement(tag), { tr, ...props }) as unknown as T;
  document.body.replaceChildren(element);
  await element.updateComplete;
  return element;
}

/** Every form control has a label, a legend or an aria-label: a name a screen reader reads. */
function unnamedControls(root: ParentNode): string[] {
  return [...root.querySelectorAll<HTMLElement>('input, select, textarea, button')]
    .filter((el) => {
      const labelled = (el as HTMLInputElement).labels?.length || el.getAttribute('aria-label');
      const text = el.tagName === 'BUTTON' && el.textContent?.trim();
      return !labelled && !text;
    })
    .map((el) => el.outerHTML.slice(0, 80));
}

describe('the receipt', () => {
  const code = '1234 5678 9012 3456 7890 1234 5670';

  it('shows the code left to right even in a right-to-left page, and spells it out for screen readers', async () => {
    const receipt = await mount<BuReceipt>('bu-receipt', { code });
    const shown = receipt.querySelector('[data-receipt]')!;
    equal(shown.textContent?.trim(), code);
    equal(shown.getAttribute('dir'), 'ltr');
    equal(shown.getAttribute('aria-hidden'), 'true', 'screen readers get the spelled-out copy instead');
    equal(
      receipt.querySelector('.visually-hidden')?.textContent,
      '1 2 3 4, 5 6 7 8, 9 0 1 2, 3 4 5 6, 7 8 9 0, 1 2 3 4, 5 6 7 0',
    );
    equal(unnamedControls(receipt).join(), '');
  });

  it('refuses to go on until the last eight digits are typed back', async () => {
    const receipt = await mount<BuReceipt>('bu-receipt', { code });
    const input = receipt.querySelector<HTMLInputElement>('#receipt-confirm')!;
    input.value = '1234 5678';
    receipt.querySelector('form')!.requestSubmit();
    await receipt.updateComplete;
    ok(receipt.querySelector('[role="alert"]'), 'a mismatch is said');
    equal(receipt.querySelector('h1')?.textContent, tr.t('receipt.title'));

    receipt.querySelector<HTMLInputElement>('#receipt-confirm')!.value = '١٢٣٤ ٥٦٧٠';
    receipt.querySelector('form')!.requestSubmit();
    await receipt.updateComplete;
    equal(receipt.querySelector('h1')?.textContent, tr.t('receipt.doneTitle'), 'Arabic-Indic digits count');
  });
});

describe('a question', () => {
  function host(question: Question, initial?: Answer) {
    const state: { value: Answer | undefined } = { value: initial };
    const container = document.createElement('form');
    document.body.replaceChildren(container);
    const draw = () =>
      render(
        renderQuestion(question, {
          tr,
          areas: [],
          value: state.value,
          set: (value) => {
            state.value = value;
            draw();
          },
        }),
        container,
      );
    draw();
    return { container, state };
  }

  it('offers every option and "I don\'t know", each with its own label, in a fieldset with a legend', () => {
    const { container } = host({ id: 'needs', type: 'multiple', options: ['medical', 'legal'], urgent: [] });
    equal(container.querySelector('legend')?.textContent?.trim(), tr.t('q.needs.label'));
    const labels = [...container.querySelectorAll('label')].map((l) => l.textContent?.trim());
    equal(
      labels.join('|'),
      [tr.t('q.needs.opt.medical'), tr.t('q.needs.opt.legal'), tr.t('question.dontKnow')].join('|'),
    );
    equal(unnamedControls(container).join(), '');
  });

  it('makes "I don\'t know" exclusive of the other answers', () => {
    const { container, state } = host({ id: 'needs', type: 'multiple', options: ['medical', 'legal'], urgent: [] });
    container.querySelector<HTMLInputElement>('input[value="medical"]')!.click();
    container.querySelector<HTMLInputElement>('input[value="legal"]')!.click();
    equal(JSON.stringify(state.value), '["medical","legal"]');
    container.querySelector<HTMLInputElement>('input[value="unknown"]')!.click();
    equal(JSON.stringify(state.value), '["unknown"]');
    equal(container.querySelector<HTMLInputElement>('input[value="medical"]')!.checked, false);
    container.querySelector<HTMLInputElement>('input[value="unknown"]')!.click();
    equal(state.value, undefined, 'unticking leaves the question unanswered');
  });

  it('labels free text and keeps what is typed', () => {
    const { container, state } = host({ id: 'place', type: 'text', options: [], urgent: [] });
    const input = container.querySelector<HTMLInputElement>('input')!;
    equal(input.labels?.[0]?.textContent, tr.t('q.place.label'));
    input.value = 'near the river';
    input.dispatchEvent(new Event('input'));
    equal(state.value, 'near the river');
  });
});

describe('the evidence list', () => {
  it('adds chosen files and removes them, each removal button naming its file', async () => {
    const evidence = await mount<BuEvidence>('bu-evidence', { files: [] });
    const picked = new DataTransfer();
    picked.items.add(new File([new Uint8Array(2048)], 'photo.jpg', { type: 'image/jpeg' }));
    picked.items.add(new File([new Uint8Array(10)], 'note.ogg', { type: 'audio/ogg' }));
    const input = evidence.querySelector<HTMLInputElement>('[data-role="files"]')!;
    input.files = picked.files;
    input.dispatchEvent(new Event('change'));
    await evidence.updateComplete;
    equal(evidence.querySelectorAll('.files li').length, 2);
    const remove = evidence.querySelector<HTMLButtonElement>(
      `[aria-label="${tr.t('evidence.remove', { name: 'photo.jpg' })}"]`,
    );
    ok(remove, 'the removal button names the file');
    remove.click();
    await evidence.updateComplete;
    equal(evidence.files.map((f) => f.name).join(), 'note.ogg');
    equal(unnamedControls(evidence).join(), '');
  });
});

describe('urgent help', () => {
  const contacts = [
    { kind: 'medical', name: { en: 'Far clinic' }, phone: '+1 555 0100', areas: ['UA63'] },
    { kind: 'hotline', name: { en: 'Near hotline', fr: 'Ligne proche' }, phone: '+1 555 0199', areas: ['UA80'] },
  ];

  it('says why time matters and lists the services of the reporter’s area first', async () => {
    const urgent = await mount<BuUrgent>('bu-urgent', {
      help: { exitUrl: 'https://example.org/', contacts },
      back: 'home',
      area: 'UA80',
    });
    ok(urgent.textContent?.includes(tr.t('urgent.pep.title')), 'the 72-hour window is named');
    ok(urgent.textContent?.includes(tr.t('urgent.ec.title')), 'the 120-hour window is named');
    const listed = [...urgent.querySelectorAll('.contacts li strong')].map((el) => el.textContent);
    equal(listed.join(), 'Near hotline,Far clinic');
    equal(urgent.querySelector('.contacts li .near')?.textContent, tr.t('urgent.near'));
    equal(urgent.querySelector('.contacts a')?.getAttribute('href'), 'tel:+15550199');
  });
});

describe('audio prompts', () => {
  it('puts a named play button beside a question whose translation ships a recording', () => {
    const spoken = createTranslator('ha', { '@meta': { audio: { 'q.place.label': 'place.ogg' } } }, {});
    const container = document.createElement('div');
    document.body.replaceChildren(container);
    render(
      renderQuestion(
        { id: 'place', type: 'text', options: [], urgent: [] },
        { tr: spoken, areas: [], value: undefined, set: () => {} },
      ),
      container,
    );
    const play = container.querySelector<HTMLButtonElement>('button.listen');
    ok(play, 'a play button is there');
    equal(play.getAttribute('aria-label'), 'question.listen');
  });
});
