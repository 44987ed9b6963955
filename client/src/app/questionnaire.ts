// The questionnaire is data (content/questionnaire.json), not pages: a node's admin can
// reorder, drop or add questions, as with XLSForm in ODK or KoBo. Labels live in the
// translation files under `q.<question>.label`, `q.<question>.help` and
// `q.<question>.opt.<value>`. This module reads the file defensively and turns answers into
// the encrypted document and the few shared fields the node may read.
import {
  type Consent,
  INCIDENT_TYPES,
  type IncidentType,
  type SharedFields,
  TRIAGE_WINDOWS,
  type TriageWindow,
} from '../intake/types.ts';

export const QUESTIONNAIRE_FORMAT = 'backup-questionnaire';
export const QUESTIONNAIRE_VERSION = 1;

export type QuestionType = 'single' | 'multiple' | 'text' | 'longtext' | 'date' | 'area' | 'location';
const QUESTION_TYPES: readonly QuestionType[] = ['single', 'multiple', 'text', 'longtext', 'date', 'area', 'location'];
export type SharedTarget = 'incidentType' | 'triage' | 'area';
export const CONSENT_USES = ['storage', 'referral', 'statistics', 'justice'] as const;
export type ConsentUse = (typeof CONSENT_USES)[number];

export interface Question {
  readonly id: string;
  readonly type: QuestionType;
  readonly options: readonly string[];
  /** Which shared (node-readable) field this answer fills, with the reporter's consent. */
  readonly shared?: SharedTarget;
  /** Answers that mean care is urgent (the 72 h / 120 h windows). */
  readonly urgent: readonly string[];
  /** Shown only when another question has one of these answers (XLSForm's `relevant`). */
  readonly showIf?: { readonly question: string; readonly anyOf: readonly string[] };
}

export type Step =
  | { readonly id: string; readonly kind: 'questions'; readonly questions: readonly Question[] }
  | { readonly id: string; readonly kind: 'evidence' }
  | { readonly id: string; readonly kind: 'consent' };

export interface Questionnaire {
  readonly id: string;
  readonly revision: number;
  readonly steps: readonly Step[];
}

/** "I don't know" is an answer of its own, distinct from skipping. */
export const DONT_KNOW = 'unknown';

export type Answer = string | readonly string[];
export type Answers = Readonly<Record<string, Answer>>;

export class QuestionnaireError extends Error {
  override name = 'QuestionnaireError';
}

const ID = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

/** Parses an admin-edited questionnaire; anything malformed is refused with the reason. */
export function parseQuestionnaire(input: unknown): Questionnaire {
  const root = object(input, 'questionnaire');
  if (root.format !== QUESTIONNAIRE_FORMAT || root.version !== QUESTIONNAIRE_VERSION)
    throw new QuestionnaireError(`not a ${QUESTIONNAIRE_FORMAT} version ${QUESTIONNAIRE_VERSION} file`);
  const steps = array(root.steps, 'steps').map((raw, i) => parseStep(raw, `steps[${i}]`));
  const ids = steps.flatMap((s) => (s.kind === 'questions' ? s.questions.map((q) => q.id) : [s.id]));
  if (new Set(ids).size !== ids.length) throw new QuestionnaireError('question ids must be unique');
  if (!steps.some((s) => s.kind === 'consent')) throw new QuestionnaireError('a questionnaire must ask for consent');
  return { id: identifier(root.id, 'id'), revision: Number(root.revision ?? 1), steps };
}

function parseStep(input: unknown, where: string): Step {
  const step = object(input, where);
  const id = identifier(step.id, `${where}.id`);
  if (step.kind === 'evidence' || step.kind === 'consent') return { id, kind: step.kind };
  const questions = array(step.questions, `${where}.questions`).map((raw, i) =>
    parseQuestion(raw, `${where}.questions[${i}]`),
  );
  if (questions.length === 0) throw new QuestionnaireError(`${where} has no questions`);
  return { id, kind: 'questions', questions };
}

function parseQuestion(input: unknown, where: string): Question {
  const q = object(input, where);
  const type = q.type as QuestionType;
  if (!QUESTION_TYPES.includes(type)) throw new QuestionnaireError(`${where}.type must be one of ${QUESTION_TYPES}`);
  const options = q.options === undefined ? [] : array(q.options, `${where}.options`).map((o) => identifier(o, where));
  if ((type === 'single' || type === 'multiple') && options.length === 0)
    throw new QuestionnaireError(`${where} needs options`);
  const shared = q.shared as SharedTarget | undefined;
  if (shared !== undefined && !['incidentType', 'triage', 'area'].includes(shared))
    throw new QuestionnaireError(`${where}.shared must be incidentType, triage or area`);
  const showIf = q.showIf === undefined ? undefined : object(q.showIf, `${where}.showIf`);
  return {
    id: identifier(q.id, `${where}.id`),
    type,
    options,
    ...(shared && { shared }),
    urgent: q.urgent === undefined ? [] : array(q.urgent, `${where}.urgent`).map(String),
    ...(showIf && {
      showIf: {
        question: identifier(showIf.question, `${where}.showIf.question`),
        anyOf: array(showIf.anyOf, `${where}.showIf.anyOf`).map(String),
      },
    }),
  };
}

/** The steps the reporter sees, given what they answered so far. */
export function visibleSteps(questionnaire: Questionnaire, answers: Answers): Step[] {
  return questionnaire.steps.flatMap((step): Step[] => {
    if (step.kind !== 'questions') return [step];
    const questions = step.questions.filter((q) => isRelevant(q, answers));
    return questions.length ? [{ ...step, questions }] : [];
  });
}

function isRelevant(question: Question, answers: Answers): boolean {
  if (!question.showIf) return true;
  const answer = answers[question.showIf.question];
  const given = typeof answer === 'string' ? [answer] : (answer ?? []);
  return given.some((a) => question.showIf!.anyOf.includes(a));
}

/** Whether an answer puts the incident inside a medical window (PEP 72 h, EC 120 h). */
export function urgentWindow(questionnaire: Questionnaire, answers: Answers): string | undefined {
  for (const step of questionnaire.steps) {
    if (step.kind !== 'questions') continue;
    for (const q of step.questions) {
      const answer = answers[q.id];
      if (typeof answer === 'string' && q.urgent.includes(answer)) return answer;
    }
  }
  return undefined;
}

/**
 * The fields the node may read without the case key. Only coarse values leave the
 * encryption: the window since the incident, so that urgent cases are seen first (part of
 * keeping the report); and, only with consent to anonymous statistics, one incident
 * category (the first chosen, in the questionnaire's order, which follows the GBVIMS
 * hierarchy) and a coarse area code.
 */
export function sharedFields(questionnaire: Questionnaire, answers: Answers, consent: Consent): SharedFields {
  const shared: { triage?: TriageWindow; incidentType?: IncidentType; area?: string; consent: Consent } = { consent };
  for (const step of questionnaire.steps) {
    if (step.kind !== 'questions') continue;
    for (const q of step.questions) {
      const answer = answers[q.id];
      const first = typeof answer === 'string' ? answer : (q.options.find((o) => answer?.includes(o)) ?? answer?.[0]);
      if (first === undefined) continue;
      if (q.shared === 'triage' && (TRIAGE_WINDOWS as readonly string[]).includes(first))
        shared.triage = first as TriageWindow;
      if (!consent.statistics) continue;
      if (q.shared === 'incidentType' && (INCIDENT_TYPES as readonly string[]).includes(first))
        shared.incidentType = first as IncidentType;
      if (q.shared === 'area' && /^[A-Za-z0-9]{2,20}$/.test(first)) shared.area = first;
    }
  }
  return shared;
}

/** The encrypted report: every answer, under the questionnaire's id and revision. */
export function reportDocument(questionnaire: Questionnaire, answers: Answers, consent: Consent, lang: string) {
  return {
    v: 1,
    questionnaire: { id: questionnaire.id, revision: questionnaire.revision },
    lang,
    answers,
    consent,
  };
}

function object(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new QuestionnaireError(`${where} must be an object`);
  return value as Record<string, unknown>;
}

function array(value: unknown, where: string): unknown[] {
  if (!Array.isArray(value)) throw new QuestionnaireError(`${where} must be a list`);
  return value;
}

function identifier(value: unknown, where: string): string {
  if (typeof value !== 'string' || !ID.test(value))
    throw new QuestionnaireError(`${where}: "${value}" is not a valid id`);
  return value;
}
