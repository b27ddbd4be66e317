import { isAfter, isBefore } from '../../calendar/iso-date.ts';
import { observationFeedbackDeadlines } from '../../deadlines/event-deadlines.ts';
import type { Colleague, ObservationKind, StoredObservation } from '../conversation-ports.ts';
import { defineDialog } from '../engine/define-dialog.ts';
import { optionalText, textOf, type Values } from '../engine/json-value.ts';
import { say } from '../engine/outgoing-message.ts';
import { showDate } from '../engine/parse-date.ts';
import { choiceStep, citing, dateStep, type Step, textStep } from '../engine/step.ts';
import { anyColleagueStep, chosenColleague } from './colleague-step.ts';
import { calendarFor } from './dialog-calendar.ts';
import { firstName } from './dialog-helpers.ts';
import { capApplies, minutesTowardCap, PERFORMANCE_MANAGEMENT } from './observation-cap.ts';
import { observationCapFor } from '../../people/part-time.ts';

const KINDS: readonly { label: string; value: ObservationKind }[] = [
  { label: 'Performance management', value: 'performance-management' },
  { label: 'Peer (to learn from them)', value: 'peer' },
  { label: 'Ofsted', value: 'ofsted' },
  { label: 'Local authority', value: 'local-authority' },
];

/** Who observes and is observed in the classroom (002 Annex 1 §8: persons with QTS). */
const TEACHING_ROLES: readonly string[] = ['teacher', 'leader', 'headteacher'];

const MINUTES = /^\s*(\d{1,3})\s*(?:min(?:ute)?s?)?\s*$/i;
const minutesOf = (values: Values): number => Number(MINUTES.exec(textOf(values, 'minutes'))?.[1] ?? 0);

/**
 * Recording a lesson observation (002 §47–51, Annex 1; 001 "Observation"): who, when, which
 * class, how long, focus, and when oral feedback was given. Where observers other than the reviewer
 * count (002 §48) any teaching colleague may be observed, and the first performance-management
 * observation of the cycle may carry its grade (§48). Where the policy caps performance-management
 * observation (002 §47: 3 hours a cycle) and this one would pass it, it needs a concern and a
 * revision meeting held before it (Annex 1 §5). The observed teacher is told and may append comments.
 */
export const observationDialog = defineDialog({
  id: 'observation',
  version: 2,
  title: 'Observation record',
  triggers: ['observe', 'observation', 'record observation'],
  async open(env) {
    const { observation } = env.policy;
    const others = observation.othersMayObserve;
    if (others !== undefined && !TEACHING_ROLES.includes(env.person.role)) {
      return { unavailable: `Classroom observations are undertaken by colleagues with QTS, so I can’t record one from you.` };
    }
    // 002 §48: observations by someone other than the reviewer count too, so any teaching colleague may be observed.
    // Elsewhere, observations that count towards the cap are a reviewer's power: a coach has it only where the policy makes the coach the reviewer (003 §6.1).
    const reviewees = (await env.reads.revieweesOf(env.person.id, env.today)).filter((c) => c.relation !== 'coach');
    const reviewing = new Set(reviewees.map((c) => c.id));
    const colleagues = others === undefined ? reviewees : (await env.reads.colleaguesInSchool(env.person.schoolId, env.person.id)).filter((c) => TEACHING_ROLES.includes(c.role));
    if (colleagues.length === 0) return { unavailable: 'Observations are recorded by the observer, usually the line manager (001 “Observation”), and I can’t find anyone you line-manage or review.' };
    const gradedAtStart = env.policy.obligations.some((rule) => rule.kind === 'graded-observation');
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
      const cap = colleague === undefined ? undefined : observationCapFor(env.policy, colleague);
      return colleague !== undefined && cap !== undefined && capApplies(env.policy, colleague.flags, textOf(values, 'kind')) && usedBy(values) + minutesOf(values) > cap;
    };
    const base: Step[] = [
      anyColleagueStep(colleagues, 'Whose lesson did you observe?'),
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
    // 002 §48: one graded observation at the start of the cycle; later ones review progress and are not graded.
    const alreadyGraded = (values: Values): boolean => {
      const cycle = cycles.get(textOf(values, 'colleague'));
      return cycle !== undefined && (earlier.get(cycle.id) ?? []).some((o) => o.grade !== undefined);
    };
    const gradeStep = textStep({
      name: 'grade',
      label: 'Grade (graded observation)',
      question: 'Is this their one graded observation at the start of the cycle? Give the grade, or `skip` if it is a later, ungraded one.',
      optional: true,
    });
    const asksGrade = (values: Values): boolean => gradedAtStart && textOf(values, 'kind') === PERFORMANCE_MANAGEMENT && !alreadyGraded(values);
    // 002 Annex 1 §5: beyond the cap only for a concern about their teaching, after a revision meeting.
    // 002 Annex 1 §2–3: a part-timer's cap is pro-rated by FTE where the policy says so.
    const capText = (colleague: Colleague | undefined): string => {
      const cap = colleague === undefined ? observation.capMinutesPerCycle : observationCapFor(env.policy, colleague);
      const partOfIt = cap !== observation.capMinutesPerCycle;
      return `${cap ?? 0}-minute cap${partOfIt ? `, pro-rated for part-time working` : ''}`;
    };
    const capSteps = (values: Values): Step[] => {
      const colleague = chosenColleague(colleagues, values);
      const total = usedBy(values) + minutesOf(values);
      return [
        dateStep({
          name: 'revision-meeting-on',
          label: 'Revision meeting (over the cap)',
          question: `This would bring ${colleague?.fullName ?? 'their'}’s performance-management observation this cycle to ${total} minutes, over the ${capText(colleague)}. Observation beyond it is only for a concern about their teaching, after a revision meeting. When was the revision meeting held?`,
          required: 'Observation beyond the cap needs a revision meeting first. If none was held, say `cancel` — or `edit kind` if it was not for performance management.',
          check: (date, _env, vals) => {
            const seen = textOf(vals, 'observed-on');
            return seen !== '' && isAfter(date, seen) ? `The revision meeting has to come before the extra observation (${showDate(seen, env.today)}).` : undefined;
          },
        }),
        textStep({ name: 'concern', label: 'Concern (over the cap)', question: 'What is the concern about their teaching that the extra observation addresses?', minLength: 10 }),
      ];
    };
    const oralStep = dateStep({
      name: 'oral-feedback-on',
      label: 'Oral feedback given',
      question: 'When did you give oral feedback? (or `skip` if not yet)',
      optional: true,
      check: (date, stepEnv, values) => {
        if (isAfter(date, stepEnv.today)) return 'That date is still to come — `skip` it for now.';
        const seen = textOf(values, 'observed-on');
        return seen !== '' && isBefore(date, seen) ? `Feedback can’t come before the observation (${showDate(seen, env.today)}).` : undefined;
      },
    });
    return {
      intro: [say('Let’s record the observation.')],
      confirm: true,
      summaryTitle: 'Observation record',
      help: `Recording an observation under ${observation.rule}.`,
      // The questions name no paragraph; `why` quotes the policy's.
      steps: (values) => citing(observation.rule, [...base, ...(asksGrade(values) ? [gradeStep] : []), ...(overCap(values) ? capSteps(values) : []), oralStep]),
      async complete(values, records) {
        const colleague = chosenColleague(colleagues, values);
        const cycle = colleague === undefined ? undefined : cycles.get(colleague.id);
        if (colleague === undefined || cycle === undefined) return { messages: [say('They don’t have an active growth cycle, so there’s nowhere to save this. Nothing was saved.')] };
        // A reviewer reads their earlier observations to count against the cap: that read is logged (002 §18).
        // Another observer (002 §48) records without reading them: only the minutes count towards the cap.
        if (reviewing.has(colleague.id) && !(await env.reads.readAbout(env.person.id, colleague.id, 'observations', env.now))) return { messages: [say('You can no longer record observations of them. Nothing was saved.')] };
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
          grade: asksGrade(values) ? optionalText(values, 'grade') : undefined,
          revisionMeetingOn: overCap(values) ? optionalText(values, 'revision-meeting-on') : undefined,
          concern: overCap(values) ? optionalText(values, 'concern') : undefined,
        });
        const graded = asksGrade(values) && optionalText(values, 'grade') !== undefined;
        if (graded) await records.completeObligation({ personId: colleague.id, cycleId: cycle.id, kind: 'graded-observation', on: observedOn, at: env.now });
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
        const notes = [`Saved the observation of ${firstName(colleague.fullName)} (${textOf(values, 'class')}, ${showDate(observedOn, env.today)}, ${minutesOf(values)} minutes).`];
        if (graded) notes.push('It is their graded observation for the cycle.');
        // 002 Annex 1: oral feedback by the end of the next working day, written within 5 working days.
        if (observation.oralFeedbackWithinWorkingDays !== undefined) {
          const due = calendar.addWorkingDays(observedOn, observation.oralFeedbackWithinWorkingDays);
          if (oralOn === undefined) notes.push(`Oral feedback is due by the end of ${showDate(due, env.today)}.`);
          else if (isAfter(oralOn, due)) notes.push(`Oral feedback was due by the end of ${showDate(due, env.today)}, so this was late.`);
        }
        if (observation.writtenFeedbackWithinWorkingDays !== undefined) {
          notes.push(`Written feedback is due by ${showDate(calendar.addWorkingDays(observedOn, observation.writtenFeedbackWithinWorkingDays), env.today)}.`);
        }
        const comment = observation.teacherMayAppendComments ? ' Say `observation comment` to add your comments to the record.' : '';
        return {
          messages: [say(notes.join(' '))],
          notifications: [{ personId: colleague.id, messages: [say(`${env.person.fullName} recorded an observation of your lesson (${textOf(values, 'class')}, ${showDate(observedOn, env.today)}). Please read it.${comment}`)] }],
        };
      },
    };
  },
});
