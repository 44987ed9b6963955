import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  CONSENT_USES,
  QuestionnaireError,
  parseQuestionnaire,
  reportDocument,
  sharedFields,
  urgentWindow,
  visibleSteps,
} from './questionnaire.ts';

const shipped = JSON.parse(readFileSync(new URL('../../content/questionnaire.json', import.meta.url), 'utf8'));
const english = JSON.parse(readFileSync(new URL('../../content/i18n/en.json', import.meta.url), 'utf8'));
const consent = { storage: true, referral: false, statistics: true, justice: false } as const;

describe('the shipped questionnaire', () => {
  const questionnaire = parseQuestionnaire(shipped);

  it('parses, and ends by asking for consent', () => {
    expect(questionnaire.steps.at(-1)?.kind).toBe('consent');
  });

  it('has an English label for every step, question, help and option it uses', () => {
    const keys = questionnaire.steps.flatMap((step) => [
      `step.${step.id}`,
      ...(step.kind === 'questions'
        ? step.questions.flatMap((q) => [`q.${q.id}.label`, ...q.options.map((o) => `q.${q.id}.opt.${o}`)])
        : []),
    ]);
    keys.push(...CONSENT_USES.flatMap((use) => [`consent.${use}`, `consent.${use}.help`]));
    expect(keys.filter((key) => typeof english[key] !== 'string')).toEqual([]);
  });
});

describe('parseQuestionnaire', () => {
  const minimal = (steps: unknown[]) => ({ format: 'backup-questionnaire', version: 1, id: 'x', steps });
  const consentStep = { id: 'consent', kind: 'consent' };

  it.each([
    ['a wrong format', { ...minimal([consentStep]), format: 'xlsform' }],
    ['no consent step', minimal([{ id: 'a', questions: [{ id: 'a', type: 'text' }] }])],
    ['an unknown question type', minimal([{ id: 'a', questions: [{ id: 'a', type: 'script' }] }, consentStep])],
    ['a choice without options', minimal([{ id: 'a', questions: [{ id: 'a', type: 'single' }] }, consentStep])],
    [
      'duplicate ids',
      minimal([
        {
          id: 'a',
          questions: [
            { id: 'b', type: 'text' },
            { id: 'b', type: 'text' },
          ],
        },
        consentStep,
      ]),
    ],
    ['an id with markup', minimal([{ id: 'a', questions: [{ id: '<img>', type: 'text' }] }, consentStep])],
    [
      'an unknown shared field',
      minimal([{ id: 'a', questions: [{ id: 'a', type: 'text', shared: 'name' }] }, consentStep]),
    ],
    ['not an object', 'steps'],
  ])('refuses %s with a reason', (_, input) => {
    expect(() => parseQuestionnaire(input)).toThrow(QuestionnaireError);
  });
});

describe('answers', () => {
  const questionnaire = parseQuestionnaire({
    format: 'backup-questionnaire',
    version: 1,
    id: 'test',
    steps: [
      { id: 'who', questions: [{ id: 'who', type: 'single', options: ['survivor', 'witness'] }] },
      {
        id: 'acts',
        questions: [{ id: 'acts', type: 'multiple', shared: 'incidentType', options: ['rape', 'forced-marriage'] }],
      },
      {
        id: 'when',
        questions: [
          { id: 'when', type: 'single', shared: 'triage', options: ['within-72h', 'later'], urgent: ['within-72h'] },
        ],
      },
      { id: 'area', questions: [{ id: 'area', type: 'area', shared: 'area' }] },
      {
        id: 'witness',
        questions: [{ id: 'seen', type: 'text', showIf: { question: 'who', anyOf: ['witness'] } }],
      },
      { id: 'consent', kind: 'consent' },
    ],
  });

  it('shows a step only when its condition holds', () => {
    expect(visibleSteps(questionnaire, { who: 'survivor' }).map((s) => s.id)).not.toContain('witness');
    expect(visibleSteps(questionnaire, { who: 'witness' }).map((s) => s.id)).toContain('witness');
  });

  it('shares only coarse fields: the first category in the questionnaire order, the window, the area code', () => {
    const answers = { acts: ['forced-marriage', 'rape'], when: 'within-72h', area: 'UA80', seen: 'secret' };
    expect(sharedFields(questionnaire, answers, consent)).toEqual({
      consent,
      incidentType: 'rape',
      triage: 'within-72h',
      area: 'UA80',
    });
  });

  it('shares the category and the area only with consent to statistics; the window always, for triage', () => {
    const answers = { acts: ['rape'], when: 'within-72h', area: 'UA80' };
    const noStatistics = { ...consent, statistics: false };
    expect(sharedFields(questionnaire, answers, noStatistics)).toEqual({ consent: noStatistics, triage: 'within-72h' });
  });

  it("shares 'unknown' for I don't know, and nothing for a skipped question", () => {
    expect(sharedFields(questionnaire, { when: 'unknown', acts: ['unknown'] }, consent)).toEqual({
      consent,
      triage: 'unknown',
      incidentType: 'unknown',
    });
  });

  it('flags the medical windows', () => {
    expect(urgentWindow(questionnaire, { when: 'within-72h' })).toBe('within-72h');
    expect(urgentWindow(questionnaire, { when: 'later' })).toBeUndefined();
  });

  it('keeps every answer inside the encrypted document, with the questionnaire revision', () => {
    const document = reportDocument(questionnaire, { seen: 'secret' }, consent, 'fr');
    expect(document).toMatchObject({ v: 1, questionnaire: { id: 'test' }, lang: 'fr', answers: { seen: 'secret' } });
  });
});
