import { isAfter, isBefore } from '../../calendar/iso-date.ts';
import { observationFeedbackDeadlines } from '../../deadlines/event-deadlines.ts';
import type { ObservationKind, StoredObservation } from '../conversation-ports.ts';
import { defineDialog } from '../engine/define-dialog.ts';
import { optionalText, textOf, type Values } from '../engine/json-value.ts';
import { say } from '../engine/outgoing-message.ts';
import { showDate } from '../engine/parse-date.ts';
import { choiceStep, dateStep, type Step, textStep } from '../engine/step.ts';
import { chosenColleague, colleagueStep } from './colleague-step.ts';
import { calendarFor } from './dialog-calendar.ts';
import { firstName } from './dialog-helpers.ts';
import { capApplies, minutesTowardCap, PERFORMANCE_MANAGEMENT } from './observation-cap.ts';

const KINDS: readonly { label: string; value: ObservationKind }[] = [
  { label: 'Performance management', value: 'performance-management' },
  { label: 'Peer (to learn from them)', value: 'peer' },
  { label: 'Ofsted', value: 'ofsted' },
  { label: 'Local authority', value: 'local-authority' },
];

const MINUTES = /^\s*(\d{1,3})\s*(?:min(?:ute)?s?)?\s*$/i;
const minutesOf = (values: Values): number => Number(MINUTES.exec(textOf(values, 'minutes'))?.[1] ?? 0);

/**
 * Recording a lesson observation (002 §47–51, Annex 1; 001 "Observation"): who, when, which
 * class, how long, focus, and when oral feedback was given. Where the policy caps
 * performance-management observation (002 §47: 3 hours a cycle) and this one would pass it, the
 * observer must confirm or give a reason. The observed teacher is told and may append comments.
 */
export const observationDialog = defineDialog({
  id: 'observation',
  version: 1,
  title: 'Observation record',
  triggers: ['observe', 'observation', 'record observation'],
  async open(env) {
    const { observation } = env.policy;
    // Observations that count towards the cap are a reviewer's power: a coach has it only where the policy makes the coach the reviewer (003 §6.1).
    const colleagues = (await env.reads.revieweesOf(env.person.id, env.today)).filter((c) => c.relation !== 'coach');
    if (colleagues.length === 0) return { unavailable: 'Observations are recorded by the observer, usually the line manager (001 “Observation”), and I can’t find anyone you line-manage or review.' };
    const calendar = await calendarFor(env);
    const cycles = new Map(await Promise.all(colleagues.map(async (c) => [c.id, await env.reads.activeCycle(c.id, env.today)] as const)));
    const earlier = new Map<string, StoredObservation[]>();
    for (const cycle of cycles.values()) if (cycle !== undefined) earlier.set(cycle.id, await env.reads.observationsForCycle(cycle.id));
    const usedBy = (values: Values): number => {
      const cycle = cycles.get(textOf(values, 'colleague'));
      return cycle === undefined ? 0 : minutesTowardCap(earlier.get(cycle.id) ?? []);
    };
    const overCap = (values: Values): boolean => {
      const colleague = chosenColleague(colleagues, values);
      const cap = observation.capMinutesPerCycle;
      return colleague !== undefined && cap !== undefined && capApplies(env.policy, colleague.flags, textOf(values, 'kind')) && usedBy(values) + minutesOf(values) > cap;
    };
    const base: Step[] = [
      colleagueStep(colleagues, 'Whose lesson did you observe?'),
      dateStep({
        name: 'observed-on',
        label: 'Date',
        question: 'When was the observation? (e.g. `today`, `14/10`)',
        check: (date, stepEnv) => (isAfter(date, stepEnv.today) ? 'That date is still to come — record an observation once it has happened.' : undefined),
      }),
      textStep({ name: 'class', label: 'Class', question: 'Which class or lesson? (e.g. `9X maths`)' }),
      textStep({
        name: 'minutes',
        label: 'Length (minutes)',
        question: 'How long did you observe, in minutes?',
        minLength: 1,
        validate: { test: (text) => MINUTES.test(text) && Number(MINUTES.exec(text)?.[1]) >= 5 && Number(MINUTES.exec(text)?.[1]) <= 300, message: 'Please give the length in minutes as a number between 5 and 300, e.g. `45`.' },
      }),
      choiceStep({ name: 'kind', label: 'Kind', question: 'What kind of observation was it?', choices: KINDS }),
      textStep({ name: 'focus', label: 'Focus', question: 'What was the focus? (their growth focus, or `skip`)', optional: true }),
    ];
    const capStep = (values: Values): Step => {
      const colleague = chosenColleague(colleagues, values);
      const total = usedBy(values) + minutesOf(values);
      return textStep({
        name: 'over-cap',
        label: 'Over the observation cap',
        question: `This would bring ${colleague?.fullName ?? 'their'}’s performance-management observation this cycle to ${total} minutes, over the ${observation.capMinutesPerCycle ?? 0}-minute cap (${observation.rule}). Say \`confirm\` to record it anyway, or give the reason it is needed.`,
        minLength: 7,
        validate: { test: (text) => /^confirm$/i.test(text.trim()) || text.trim().length >= 10, message: 'Please say `confirm`, or give a reason of a sentence or so.' },
      });
    };
    const oralStep = dateStep({
      name: 'oral-feedback-on',
      label: 'Oral feedback given',
      question: 'When did you give oral feedback? (or `skip` if not yet)',
      optional: true,
      check: (date, stepEnv, values) => {
        if (isAfter(date, stepEnv.today)) return 'That date is still to come — `skip` it for now.';
        const seen = textOf(values, 'observed-on');
        return seen !== '' && isBefore(date, seen) ? `Feedback can’t come before the observation (${showDate(seen)}).` : undefined;
      },
    });
    return {
      intro: [say(`Let’s record the observation (${observation.rule}).`)],
      confirm: true,
      summaryTitle: 'Observation record',
      help: `Recording an observation under ${observation.rule}.`,
      steps: (values) => [...base, ...(overCap(values) ? [capStep(values)] : []), oralStep],
      async complete(values, records) {
        const colleague = chosenColleague(colleagues, values);
        const cycle = colleague === undefined ? undefined : cycles.get(colleague.id);
        if (colleague === undefined || cycle === undefined) return { messages: [say('They don’t have an active growth cycle, so there’s nowhere to save this. Nothing was saved.')] };
        // Their earlier observations were read to count against the cap: that read is logged (002 §18).
        if (!(await env.reads.readAbout(env.person.id, colleague.id, 'observations', env.now))) return { messages: [say('You can no longer record observations of them. Nothing was saved.')] };
        const observedOn = textOf(values, 'observed-on');
        const kind = KINDS.find((k) => k.value === values.kind)?.value ?? PERFORMANCE_MANAGEMENT;
        const oralOn = optionalText(values, 'oral-feedback-on');
        const saved = await records.saveObservation({
          cycleId: cycle.id,
          personId: colleague.id,
          observerId: env.person.id,
          observedOn,
          className: textOf(values, 'class'),
          minutes: minutesOf(values),
          focus: optionalText(values, 'focus'),
          kind,
          oralFeedbackOn: oralOn,
          countsTowardCap: capApplies(env.policy, colleague.flags, kind),
        });
        // 002 Annex 1 §9–10: the feedback deadlines become the observer's obligations, so the sweep reminds them.
        const feedback = observationFeedbackDeadlines({
          observationId: saved.id,
          personId: colleague.id,
          cycleId: cycle.id,
          observerId: env.person.id,
          observedOn,
          oralFeedbackOn: oralOn,
          observation,
          calendar,
        });
        await records.saveDeadlines({ create: feedback, at: env.now });
        const notes = [`Saved the observation of ${firstName(colleague.fullName)} (${textOf(values, 'class')}, ${showDate(observedOn)}, ${minutesOf(values)} minutes).`];
        // 002 Annex 1: oral feedback by the end of the next working day, written within 5 working days.
        if (observation.oralFeedbackWithinWorkingDays !== undefined) {
          const due = calendar.addWorkingDays(observedOn, observation.oralFeedbackWithinWorkingDays);
          if (oralOn === undefined) notes.push(`Oral feedback is due by the end of ${showDate(due)}.`);
          else if (isAfter(oralOn, due)) notes.push(`Oral feedback was due by the end of ${showDate(due)}, so this was late.`);
        }
        if (observation.writtenFeedbackWithinWorkingDays !== undefined) {
          notes.push(`Written feedback is due by ${showDate(calendar.addWorkingDays(observedOn, observation.writtenFeedbackWithinWorkingDays))}.`);
        }
        const comment = observation.teacherMayAppendComments ? ' Say `observation comment` to add your comments to the record.' : '';
        return {
          messages: [say(notes.join(' '))],
          notifications: [{ personId: colleague.id, messages: [say(`${env.person.fullName} recorded an observation of your lesson (${textOf(values, 'class')}, ${showDate(observedOn)}). Please read it.${comment}`)] }],
        };
      },
    };
  },
});
