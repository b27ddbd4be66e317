import { isAfter, type IsoDate } from '../../calendar/iso-date.ts';
import type { SchoolCalendar } from '../../calendar/school-calendar.ts';
import type { DateRule } from '../../policy/date-rule.ts';
import { academicYearOf } from '../../time/clock.ts';
import { resolveDateRule } from '../../timeline/resolve-date-rule.ts';
import type { TimelineTerm } from '../../timeline/timeline-calendar.ts';
import type { CycleRef } from '../conversation-ports.ts';
import { defineDialog } from '../engine/define-dialog.ts';
import { textOf } from '../engine/json-value.ts';
import { say } from '../engine/outgoing-message.ts';
import { showDate } from '../engine/parse-date.ts';
import { citing, textStep } from '../engine/step.ts';
import { calendarFor } from './dialog-calendar.ts';
import { citationOf, firstName, withoutCitation } from './dialog-helpers.ts';

const ELIGIBLE_ROLES = ['teacher', 'leader'];

/**
 * An application to cross the threshold to the upper pay scale/range (001 "Upper Pay Scale",
 * 002 Annex 4, 004 §8): a business case answered against each of the policy's criteria, once
 * an academic year, and by the policy's deadline where it has one (004: by October half term).
 */
export const payThresholdDialog = defineDialog({
  id: 'pay-threshold',
  version: 1,
  title: 'Upper pay range application',
  triggers: ['threshold', 'ups', 'upr', 'pay threshold'],
  async open(env) {
    const pay = env.policy.payThreshold;
    if (pay === undefined) return { unavailable: `Your school’s policy (${env.policy.name}) has no pay-threshold application process.` };
    const { person } = env;
    if (!ELIGIBLE_ROLES.includes(person.role)) return { unavailable: 'The upper pay range is for teachers, so there’s no application to make here.' };
    if (person.flags.includes('ups') || person.flags.includes('upr')) return { unavailable: 'You’re already on the upper pay scale/range, so there’s no threshold application to make.' };
    const academicYear = academicYearOf(env.today);
    const existing = await env.reads.payThresholdApplicationFor(person.id, academicYear);
    if (existing !== undefined) return { unavailable: `You’ve already applied this academic year (status: ${existing.status}). Applications are once a year.` };
    const cycle = await env.reads.activeCycle(person.id, env.today);
    if (pay.window.kind === 'deadline') {
      const deadline = deadlineOf(pay.window.due, await calendarFor(env), academicYear, cycle);
      if (isAfter(env.today, deadline)) {
        return { unavailable: `The deadline for upper pay range applications this year was ${showDate(deadline, env.today)}, so applications are closed until next year.` };
      }
    }
    const steps = pay.criteria.map((criterion, i) => ({
      ...textStep({
        name: `criterion-${i + 1}`,
        label: withoutCitation(criterion),
        question: `Criterion ${i + 1} of ${pay.criteria.length}: ${withoutCitation(criterion)}\nWhat is your evidence?`,
        minLength: 40,
        required: 'The business case answers every criterion.',
      }),
      rule: citationOf(criterion),
    }));
    return {
      intro: [say(`Your business case for the upper pay range: one answer per criterion, with the evidence for it.`)],
      confirm: true,
      summaryTitle: 'Upper pay range business case',
      help: `Applying for the upper pay range under ${pay.rule}. Once an academic year.`,
      steps: () => citing(pay.rule, steps),
      async complete(values, records) {
        const evidence = pay.criteria.map((criterion, i) => ({ criterion, evidence: textOf(values, `criterion-${i + 1}`) }));
        await records.savePayThresholdApplication({
          personId: person.id,
          cycleId: cycle?.id,
          academicYear,
          businessCase: evidence.map((e) => `${e.criterion}\n${e.evidence}`).join('\n\n'),
          evidence,
          submittedOn: env.today,
        });
        if (cycle !== undefined) await records.completeObligation({ personId: person.id, cycleId: cycle.id, kind: 'upr-application', on: env.today, at: env.now });
        const head = await env.reads.headOf(person.schoolId);
        if (head === undefined) return { messages: [say('Your application is saved. I couldn’t find the headteacher on the staff list, so please send it to them yourself.')] };
        return {
          messages: [say(`Your application is submitted to ${firstName(head.fullName)}.`)],
          notifications: [{ personId: head.id, messages: [say(`${person.fullName} has applied to cross the threshold to the upper pay range.`)] }],
        };
      },
    };
  },
});

/** The policy's deadline in this academic year, resolved the way the timeline resolves it. */
function deadlineOf(rule: DateRule, calendar: SchoolCalendar, academicYear: number, cycle: CycleRef | undefined): IsoDate {
  const terms = calendar.termsOfAcademicYear(academicYear);
  const byName = (name: TimelineTerm['name']): TimelineTerm => {
    const term = terms.find((t) => t.name === name);
    if (term === undefined) throw new Error(`no ${name} term in ${academicYear}`);
    return term;
  };
  return resolveDateRule(rule, {
    calendar,
    academicYear,
    cycleStart: cycle?.startsOn ?? `${academicYear}-09-01`,
    cycleEnd: cycle?.endsOn ?? `${academicYear + 1}-08-31`,
    terms: { autumn: byName('autumn'), spring: byName('spring'), summer: byName('summer') },
  });
}
