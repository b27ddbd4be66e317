import type { IsoDate } from '../../../calendar/iso-date.ts';
import { londonDateOf } from '../../../calendar/london-time.ts';
import type { JsonValue, Values } from '../../engine/json-value.ts';
import { ask, type Choice, type OutgoingMessage, say } from '../../engine/outgoing-message.ts';
import type { Step } from '../../engine/step.ts';
import { instantOf, type LocalTime, localTimeValue, parseDuration, parseLocalTimeValue, parseMeetingTime, showLocalTime } from '../../../scheduling/meeting-time.ts';
import type { TurnInput } from '../../engine/inbound-turn.ts';

function rawText(input: TurnInput, name: string): string {
  if (input.kind === 'text') return input.text;
  if (input.kind === 'choice') return input.value;
  return input.values[name] ?? '';
}

/** The stored answer of a `when` step, read back. */
export function chosenTime(values: Values, name = 'when'): LocalTime | undefined {
  const value = values[name];
  return typeof value === 'string' ? parseLocalTimeValue(value) : undefined;
}

export function chosenMinutes(values: Values, fallback: number, name = 'duration'): number {
  const value = values[name];
  return typeof value === 'number' ? value : fallback;
}

/**
 * "When?": a button per suggested slot, or a day and time typed out ("Tue 3 Nov 15:45",
 * "tomorrow 4pm"). A time already past is refused; anything else questionable is only warned
 * about (see meetingTimeWarnings), because the person booking knows their timetable.
 */
export function whenStep(options: { question: (values: Values) => string; slots: (values: Values) => readonly LocalTime[]; now: Date; preamble?: (values: Values) => OutgoingMessage[] }): Step {
  return {
    name: 'when',
    label: 'When',
    optional: false,
    ask: (values) => {
      const choices: Choice[] = options.slots(values).map((slot) => ({ label: showLocalTime(slot, londonDateOf(options.now)), value: localTimeValue(slot) }));
      const question = `${options.question(values)}\n_Or type a day and time, e.g. \`Tue 3 Nov 15:45\` or \`tomorrow 4pm\`._`;
      return [...(options.preamble?.(values) ?? []), choices.length > 0 ? ask(question, choices) : say(question)];
    },
    accept: (input, values, env) => {
      const text = rawText(input, 'when').trim();
      const slots = options.slots(values);
      const byNumber = /^\d$/.test(text) ? slots[Number(text) - 1] : undefined;
      const at = byNumber ?? parseLocalTimeValue(text) ?? parseMeetingTime(text, env.today);
      if (at === undefined) return { ok: false, error: 'I couldn’t read that as a day and time. Try e.g. `Tue 3 Nov 15:45`, `3/11 3.45pm` or `tomorrow 4pm`.' };
      if (instantOf(at).getTime() <= options.now.getTime()) return { ok: false, error: `${showLocalTime(at, env.today)} has already passed — please pick a time still to come.` };
      return { ok: true, value: localTimeValue(at) };
    },
    show: (value: JsonValue, today?: IsoDate) => {
      const at = typeof value === 'string' ? parseLocalTimeValue(value) : undefined;
      return at === undefined ? String(value) : showLocalTime(at, today ?? londonDateOf(options.now));
    },
  };
}

/** "How long?": the policy's typical length first (004 §6.2 "about 30 minutes", 003 §10.1 "approximately 15 minutes"). */
export function durationStep(options: { typicalMinutes: number; rule: string; preamble?: (values: Values) => OutgoingMessage[] }): Step {
  const lengths = [...new Set([options.typicalMinutes, 15, 30, 45, 60])];
  const choices: Choice[] = lengths.map((minutes) => ({ label: minutes === options.typicalMinutes ? `${minutes} min (usual)` : `${minutes} min`, value: String(minutes) }));
  return {
    name: 'duration',
    label: 'Length',
    rule: options.rule,
    optional: false,
    ask: (values) => [...(options.preamble?.(values) ?? []), ask(`How long? Check-ins usually take about ${options.typicalMinutes} minutes.`, choices)],
    accept: (input) => {
      const text = rawText(input, 'duration').trim().toLowerCase();
      const byNumber = /^\d$/.test(text) ? lengths[Number(text) - 1] : undefined;
      const minutes = byNumber ?? parseDuration(text.replace(/\s*\(usual\)$/, ''));
      if (minutes === undefined) return { ok: false, error: 'Please give a length in minutes, e.g. `30` or `45 min`.' };
      if (minutes < 5 || minutes > 180) return { ok: false, error: 'A check-in should be between 5 minutes and 3 hours.' };
      return { ok: true, value: minutes };
    },
    show: (value) => `${String(value)} min`,
  };
}
