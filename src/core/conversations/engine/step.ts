import { z } from 'zod';
import type { IsoDate } from '../../calendar/iso-date.ts';
import type { TurnInput } from './inbound-turn.ts';
import type { JsonValue, Values } from './json-value.ts';
import { type Choice, type FormField, type OutgoingMessage, ask, say } from './outgoing-message.ts';
import { readableDate } from '../../reports/readable-date.ts';
import { parseDate } from './parse-date.ts';

export type Accepted = { ok: true; value: JsonValue } | { ok: false; error: string };

export interface StepEnv {
  today: IsoDate;
}

/** A group of steps that can be answered in one form (a section of the reflection, a target of the plan). */
export interface FormSection {
  id: string;
  title: string;
}

/** How a step appears as a form field: the same step, so the same validation, whichever way it is answered. */
export interface StepField {
  kind: FormField['kind'];
  label: string;
  hint?: string | undefined;
  choices?: readonly Choice[] | undefined;
  maxLength?: number | undefined;
  /** A stored answer as the text that would give it again (the field's prefill). */
  prefill(value: JsonValue): string;
}

/**
 * One question in a dialog. Steps are identified by `name`, never by position, so a conversation
 * stored under one version of a dialog still finds its place after a deploy adds a step.
 */
export interface Step {
  name: string;
  /** Shown in the summary and matched by `edit <step>`. */
  label: string;
  /** May be answered with `skip`; otherwise `skip` is refused with `required` as the reason. */
  optional: boolean;
  required?: string | undefined;
  ask(values: Values): OutgoingMessage[];
  accept(input: TurnInput, values: Values, env: StepEnv): Accepted;
  /**
   * How the answer reads in the summary. Given `today`, a date drops the year when it is this
   * year's; without it (an answer written into a stored record) the year is kept.
   */
  show(value: JsonValue, today?: IsoDate): string;
  /** How it reads as a form field; steps without one (picking a colleague, a slot) are only asked in chat. */
  field?: StepField | undefined;
  /** Set for steps that may be answered together in one form. */
  section?: FormSection | undefined;
  /** The policy paragraph that asks this question ("004 §4.2"), which `why` quotes. */
  rule?: string | undefined;
  /** The choice this step spells out when “something else” was picked (`choiceWithOther`); a stored record shows its answer in the choice's place. */
  detailOf?: string | undefined;
}

interface StepBase {
  name: string;
  label: string;
  question: string;
  hint?: string | undefined;
  optional?: boolean | undefined;
  /** Why this one cannot be skipped, when the reason is worth telling. */
  required?: string | undefined;
  /** Extra messages before the question (e.g. the standard's sub-points). */
  preamble?: ((values: Values) => OutgoingMessage[]) | undefined;
  /** The label in a form, when the summary's label would not say enough on its own. */
  formLabel?: string | undefined;
}

/** Raw text of an input: typed text, a button value, or the form field named after the step. */
function rawText(input: TurnInput, name: string): string | undefined {
  if (input.kind === 'text') return input.text;
  if (input.kind === 'choice') return input.value;
  return input.values[name];
}

function fromZod(result: z.ZodSafeParseResult<JsonValue>): Accepted {
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, error: result.error.issues[0]?.message ?? 'That answer doesn’t fit.' };
}

function question(base: StepBase): string {
  return base.hint ? `${base.question}\n_${base.hint}_` : base.question;
}

/** What every step carries whatever its kind: its name, label and whether it may be skipped. */
function identity(base: StepBase): Pick<Step, 'name' | 'label' | 'optional' | 'required'> {
  return { name: base.name, label: base.label, optional: base.optional ?? false, required: base.required };
}

const showText = (value: JsonValue): string => (typeof value === 'string' ? value : JSON.stringify(value));

/** The form field of a step: labelled as in forms, with the question as its hint. */
function fieldOf(base: StepBase, kind: FormField['kind'], prefill: (value: JsonValue) => string, extra: Partial<StepField> = {}): StepField {
  const label = base.formLabel ?? base.label;
  // The chat's words about typing (`skip`, code marks) mean nothing on a form.
  const question = base.question === label ? undefined : base.question.replace(/\s*\(or `skip`\)/, '').replace(/`/g, '');
  const hint = [question, base.hint].filter((h) => h !== undefined).join(' ');
  return { kind, label, hint: hint === '' ? undefined : hint, prefill, ...extra };
}

/** These steps, answerable together in one form. */
export function inSection(section: FormSection, steps: readonly Step[]): Step[] {
  return steps.map((step) => ({ ...step, section }));
}

/** These steps, asked because of the policy paragraph `rule` (what `why` explains); a step that already cites a more particular rule keeps it. */
export function citing(rule: string, steps: readonly Step[]): Step[] {
  return steps.map((step) => ({ ...step, rule: step.rule ?? rule }));
}

/** The longest answer a text question takes, in characters. */
export const MAX_ANSWER_LENGTH = 4000;

/**
 * An answer over the limit is refused with the limit said and the start of the text quoted back,
 * so someone who typed (or pasted) a long answer in a chat box that clears on send loses nothing.
 */
export function tooLongMessage(text: string, limit: number = MAX_ANSWER_LENGTH): string {
  const lines = text.trim().split('\n').slice(0, 3).join('\n');
  const start = lines.length > 300 ? `${lines.slice(0, 300)}…` : `${lines}…`;
  return `That answer is ${text.trim().length.toLocaleString('en-GB')} characters; the limit is ${limit.toLocaleString('en-GB')}. Please shorten it and send it again — it began:\n> ${start.replace(/\n/g, '\n> ')}`;
}

/**
 * A trimmed text of at least `min` characters. Built once per length and kept: dialogs rebuild
 * their step lists on every turn, and building a zod schema each time was a measurable part of a turn.
 */
const textSchemas = new Map<number, z.ZodType<string, string>>();
function textSchema(min: number): z.ZodType<string, string> {
  let schema = textSchemas.get(min);
  if (schema === undefined) {
    schema = z.string().trim().min(min, min <= 2 ? 'Please write a few words.' : `Please write at least ${min} characters.`);
    textSchemas.set(min, schema);
  }
  return schema;
}

/** A free-text answer; `validate` adds a rule (e.g. "must contain a number") checked on the trimmed text. */
export function textStep(base: StepBase & { minLength?: number; validate?: { test: (text: string) => boolean; message: string } }): Step {
  const min = base.minLength ?? 2;
  const { validate } = base;
  return {
    ...identity(base),
    ask: (values) => [...(base.preamble?.(values) ?? []), say(question(base))],
    accept: (input) => {
      const text = rawText(input, base.name) ?? '';
      if (text.trim().length > MAX_ANSWER_LENGTH) return { ok: false, error: tooLongMessage(text) };
      const accepted = fromZod(textSchema(min).safeParse(text));
      if (!accepted.ok || validate === undefined || validate.test(String(accepted.value))) return accepted;
      return { ok: false, error: validate.message };
    },
    show: showText,
    field: fieldOf(base, 'long-text', showText, { maxLength: MAX_ANSWER_LENGTH }),
  };
}

/** Lower case, words only: "Not-always." → "not always". */
function words(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/**
 * The choice a typed answer means: its number ("2"), its value or label ("mostly"), or words
 * found in exactly one choice ("most of the time", "not always"). Undefined when nothing or more
 * than one choice matches, so a vague answer is asked again rather than guessed.
 */
export function matchChoice(choices: readonly Choice[], typed: string): Choice | undefined {
  const wanted = words(typed);
  if (wanted === '') return undefined;
  // A number is the choice's position, unless there is no such position and a choice's value is that number ("90" minutes).
  if (/^\d+$/.test(wanted)) return choices[Number(wanted) - 1] ?? choices.find((c) => c.value === wanted);
  const exact = choices.find((c) => words(c.value) === wanted || words(c.label) === wanted);
  if (exact !== undefined) return exact;
  if (wanted.length < 3) return undefined;
  const within = choices.filter((c) => ` ${words(c.label)} `.includes(` ${wanted} `) || ` ${words(c.value)} `.includes(` ${wanted} `));
  return within.length === 1 ? within[0] : undefined;
}

/** What a choice question accepts, said when an answer matches none of them. */
export function choiceHelp(choices: readonly Choice[]): string {
  const examples = choices.slice(0, 3).map((c) => `“${c.label.length <= 30 ? c.label : words(c.value)}”`);
  return `Please press a button, type its number (1–${choices.length}), or type words from one choice (e.g. ${examples.join(', ')}).`;
}

/** One of a few choices, given as a button, its number, its label typed out, or words from it. */
export function choiceStep(base: StepBase & { choices: readonly Choice[] }): Step {
  return {
    ...identity(base),
    ask: (values) => [...(base.preamble?.(values) ?? []), ask(question(base), base.choices)],
    accept: (input) => {
      const typed = rawText(input, base.name) ?? '';
      const found = matchChoice(base.choices, typed);
      if (found !== undefined) return { ok: true, value: found.value };
      return { ok: false, error: `I couldn’t match “${typed.trim().slice(0, 80)}” to one of the choices. ${choiceHelp(base.choices)}` };
    },
    show: (value) => base.choices.find((c) => c.value === value)?.label ?? showText(value),
    field: fieldOf(base, 'choice', showText, { choices: base.choices }),
  };
}

/** The value of the “something else” choice of `choiceWithOther`. */
export const OTHER = 'other';

/**
 * A choice among the usual answers plus “something else”, which `other` then asks to be typed. In
 * chat the typed question follows only that choice. On a form its box is there, optional, until a
 * usual answer is picked (then it goes, and anything typed in it is not kept) and required once
 * “something else” is — so a form holds both and the same checks apply either way.
 */
export function choiceWithOther(base: StepBase & { choices: readonly Choice[]; otherLabel: string }, other: Step, values: Values): Step[] {
  const plain = choiceStep({ ...base, choices: [...base.choices, { label: base.otherLabel, value: OTHER }] });
  // A refused answer says where anything else goes (“Another amount”), since the examples name only the first choices.
  const choice: Step = {
    ...plain,
    accept: (input, values, env) => {
      const accepted = plain.accept(input, values, env);
      return accepted.ok ? accepted : { ok: false, error: `${accepted.error} For anything else, choose “${base.otherLabel}” and type it.` };
    },
  };
  const picked = values[base.name];
  if (picked !== undefined && picked !== OTHER) return [choice];
  return [choice, { ...other, optional: picked === undefined, detailOf: base.name }];
}

export const YES_NO: readonly Choice[] = [
  { label: 'Yes', value: 'yes' },
  { label: 'No', value: 'no' },
];

/** A date; `check` refuses dates that make no sense here (a check-in in the future…). */
export function dateStep(base: StepBase & { check?: (date: IsoDate, env: StepEnv, values: Values) => string | undefined }): Step {
  return {
    ...identity(base),
    ask: (values) => [...(base.preamble?.(values) ?? []), say(question(base))],
    // Plain checks rather than a zod schema: the schema would close over this turn's day and values, so it was rebuilt on every answer.
    accept: (input, values, env) => {
      const date = parseDate(rawText(input, base.name) ?? '', env.today);
      if (date === undefined) return { ok: false, error: 'I couldn’t read that as a date. Try e.g. 20/11/2026, 20 Nov or today.' };
      const problem = base.check?.(date, env, values);
      return problem ? { ok: false, error: problem } : { ok: true, value: date };
    },
    show: (value, today) => (typeof value === 'string' ? readableDate(value, today) : showText(value)),
    field: fieldOf(base, 'date', showText),
  };
}

/** Several dates in one answer, separated by commas or "and". */
export function dateListStep(base: StepBase & { max: number; check?: (date: IsoDate, env: StepEnv, values: Values) => string | undefined }): Step {
  return {
    ...identity(base),
    ask: (values) => [...(base.preamble?.(values) ?? []), say(question(base))],
    accept: (input, values, env) => {
      const parts = (rawText(input, base.name) ?? '')
        .split(/,|;|\band\b/)
        .map((part) => part.trim())
        .filter((part) => part !== '');
      if (parts.length < 1) return { ok: false, error: 'Please give at least one date.' };
      if (parts.length > base.max) return { ok: false, error: `Please give at most ${base.max} dates.` };
      const dates: IsoDate[] = [];
      for (const part of parts) {
        const date = parseDate(part, env.today);
        if (date === undefined) return { ok: false, error: `I couldn’t read “${part}” as a date. Try e.g. 20/11/2026 or 20 Nov.` };
        const problem = base.check?.(date, env, values);
        if (problem) return { ok: false, error: problem };
        dates.push(date);
      }
      return { ok: true, value: [...new Set(dates)].sort() };
    },
    show: (value, today) => (Array.isArray(value) ? value.map((date) => (typeof date === 'string' ? readableDate(date, today) : '')).join(', ') : showText(value)),
    field: fieldOf(base, 'text', (value) => (Array.isArray(value) ? value.join(', ') : showText(value))),
  };
}

/** A short list typed one item per line (or separated by semicolons). */
const listSchemas = new Map<string, z.ZodType<string[], string>>();
/** Built once per bounds and kept, like `textSchema`: step lists are rebuilt on every turn. */
function listSchema(min: number, max: number): z.ZodType<string[], string> {
  const key = `${min}:${max}`;
  let schema = listSchemas.get(key);
  if (schema === undefined) {
    schema = z
      .string()
      .transform((text) => text.split(/\n|;/).map((line) => line.replace(/^\s*(?:[-*•]|\d+[.)])\s*/, '').trim()).filter((line) => line.length > 0))
      .refine((items) => items.length >= min, `Please list at least ${min}, one per line or separated by semicolons.`)
      .refine((items) => items.length <= max, `Please keep it to ${max} or fewer — the main points are enough.`);
    listSchemas.set(key, schema);
  }
  return schema;
}

export function listStep(base: StepBase & { min: number; max: number }): Step {
  const schema = listSchema(base.min, base.max);
  return {
    ...identity(base),
    ask: (values) => [...(base.preamble?.(values) ?? []), say(question(base))],
    accept: (input) => fromZod(schema.safeParse(rawText(input, base.name) ?? '')),
    show: (value) => (Array.isArray(value) ? value.join('; ') : showText(value)),
    field: fieldOf(base, 'long-text', (value) => (Array.isArray(value) ? value.join('\n') : showText(value))),
  };
}
