import { appealManagerOf } from '../../access/relationships.ts';
import { isAfter, isBefore } from '../../calendar/iso-date.ts';
import { appealMeetingDeadline, appealWindowKey } from '../../deadlines/event-deadlines.ts';
import { defineDialog } from '../engine/define-dialog.ts';
import { listOf, optionalText, textOf } from '../engine/json-value.ts';
import { say } from '../engine/outgoing-message.ts';
import { showDate } from '../engine/parse-date.ts';
import { citing, dateStep, listStep, type Step, textStep } from '../engine/step.ts';
import { calendarFor } from './dialog-calendar.ts';
import { cycleOrExplain, firstName } from './dialog-helpers.ts';

/** "Set out the grounds of the appeal in detail" (002 §16): a paragraph, not a line. */
export const MIN_GROUNDS_LENGTH = 150;

const WHO: Record<'trust-ceo' | 'chair-of-governors', string> = { 'trust-ceo': 'the trust’s CEO', 'chair-of-governors': 'the chair of governors' };

const BECAUSE: Record<'no-head' | 'head-appeals' | 'head-took-part', string> = {
  'no-head': 'I couldn’t find the headteacher on the staff list',
  'head-appeals': 'you are the headteacher, and a head’s appeal is never heard by the head',
  'head-took-part': 'the headteacher took part in your review',
};

/**
 * An appeal against entries in the final review (002 §16–17), only where the policy has an
 * appeals process. It must be lodged within the window of working days after the final report
 * was received (the day of receipt is day 0); several entries make one appeal; the grounds are
 * set out in detail; it goes to the head, or beyond the school when the head took part in the
 * review or is the one appealing (`appealManagerOf` in the one relationships model); the meeting is normally held within 20 working days.
 */
export const appealDialog = defineDialog({
  id: 'appeal',
  version: 1,
  title: 'Appeal',
  triggers: ['appeal', 'appeals'],
  async open(env) {
    const appeals = env.policy.appeals;
    if (appeals === undefined) {
      return { unavailable: `Your school’s policy (${env.policy.name}) has no formal appeals process. If you disagree with your review, please talk to your reviewer or the headteacher.` };
    }
    const cycle = await cycleOrExplain(env);
    if ('unavailable' in cycle) return cycle;
    const calendar = await calendarFor(env);
    // The reviewer's final report, where it was issued through Trellis, dates the window (002 §16).
    const issuedOn = await env.reads.finalReportIssuedOn(cycle.id);
    const steps: Step[] = [
      dateStep({
        name: 'received-on',
        label: 'Final report received',
        question: 'On what date did you receive your final review report?',
        hint: issuedOn === undefined ? undefined : `Your reviewer issued it to you here on ${showDate(issuedOn, env.today)}.`,
        check: (date, stepEnv) => {
          if (isAfter(date, stepEnv.today)) return 'That date is still to come — you can appeal once you have received the final report.';
          if (issuedOn !== undefined && isBefore(date, issuedOn)) return `Your final report was issued on ${showDate(issuedOn, env.today)}, so it can’t have been received before then.`;
          const lastDay = calendar.addWorkingDays(date, appeals.windowWorkingDays);
          return isAfter(stepEnv.today, lastDay)
            ? `I’m sorry — an appeal has to be lodged within ${appeals.windowWorkingDays} working days of receiving the final report. For a report received ${showDate(date, env.today)} the last day was ${showDate(lastDay, env.today)}, so the window has closed. If the date is wrong, give the right one; otherwise say \`cancel\` and talk to the headteacher.`
            : undefined;
        },
      }),
      listStep({ name: 'entries', label: 'Entries appealed', question: 'Which entries in your review are you appealing against? One per line — several entries make one appeal.', min: 1, max: 12 }),
      textStep({
        name: 'grounds',
        label: 'Grounds',
        question: 'Set out the grounds of your appeal in detail: for each entry, why you believe it is wrong and the evidence you rely on.',
        minLength: MIN_GROUNDS_LENGTH,
        required: 'The grounds must be set out in detail.',
      }),
      ...(appeals.companionAllowed
        ? [textStep({ name: 'companion', label: 'Companion', question: 'Will a companion or union representative come with you to the appeal meeting? Their name and role, or `skip`.', optional: true })]
        : []),
    ];
    return {
      intro: [say(`An appeal against your final review. It is lodged within ${appeals.windowWorkingDays} working days of receiving the final report.`)],
      confirm: true,
      summaryTitle: 'Your appeal',
      help: `Lodging an appeal under ${appeals.rule}.`,
      steps: () => citing(appeals.rule, steps),
      async complete(values, records) {
        // Checked again here: a paused appeal may be submitted after the window has closed.
        const lastDay = calendar.addWorkingDays(textOf(values, 'received-on'), appeals.windowWorkingDays);
        if (isAfter(env.today, lastDay)) return { messages: [say(`The window for this appeal closed on ${showDate(lastDay, env.today)}, so it can’t be lodged. Nothing was saved.`)] };
        // 002 §16: the head hears it unless they took part in the review being appealed (or it is the head's own), then the CEO — decided by the one model of who is who.
        const relationships = await env.reads.relationshipsOf(env.person.id, env.today);
        const headTookPart = relationships?.headId !== undefined && (relationships.reviewer?.id === relationships.headId || relationships.headId === env.person.id);
        const decided = relationships === undefined ? undefined : appealManagerOf(relationships, appeals, headTookPart);
        const routedTo = headTookPart ? appeals.appealManager.ifHeadTookPart : appeals.appealManager.default;
        const manager = decided?.kind === 'person' ? await env.reads.personRef(decided.id) : undefined;
        const meetingBy = calendar.addWorkingDays(env.today, appeals.meetingWithinWorkingDays);
        const entries = listOf(values, 'entries');
        await records.saveAppeal({
          cycleId: cycle.id,
          personId: env.person.id,
          entries: entries.map((about) => ({ about })),
          grounds: textOf(values, 'grounds'),
          lodgedOn: env.today,
          finalReportReceivedOn: textOf(values, 'received-on'),
          appealManagerId: manager?.id,
          routedTo,
          companion: optionalText(values, 'companion'),
        });
        // The appeal manager is reminded of the meeting (it can't be muted), and lodging settles the window.
        const meeting = appealMeetingDeadline({
          personId: env.person.id,
          cycleId: cycle.id,
          lodgedOn: env.today,
          reportReceivedOn: textOf(values, 'received-on'),
          appealManagerId: manager?.id,
          appeals,
          calendar,
        });
        await records.saveDeadlines({ create: [meeting], close: [appealWindowKey(env.person.id, cycle.id)], at: env.now });
        const hearing = `The appeal meeting should normally be held by ${showDate(meetingBy, env.today)} (${appeals.meetingWithinWorkingDays} working days).`;
        if (manager === undefined) {
          const who = routedTo === 'head' ? 'the headteacher' : WHO[routedTo];
          const why = BECAUSE[relationships?.headId === undefined ? 'no-head' : relationships.headId === env.person.id ? 'head-appeals' : headTookPart ? 'head-took-part' : 'no-head'];
          return { messages: [say(`Your appeal (${entries.length} ${entries.length === 1 ? 'entry' : 'entries'}) is lodged. Because ${why}, it goes to ${who}; please make sure they receive it — your Trellis administrator can help. ${hearing}`)] };
        }
        return {
          messages: [say(`Your appeal (${entries.length} ${entries.length === 1 ? 'entry' : 'entries'}) is lodged with ${firstName(manager.fullName)}. ${hearing}`)],
          notifications: [
            {
              personId: manager.id,
              messages: [say(`${env.person.fullName} has lodged an appeal against ${entries.length === 1 ? 'an entry' : `${entries.length} entries`} in their final review. The appeal meeting should normally be held by ${showDate(meetingBy, env.today)}. Once it has been held, say \`outcome\` to record the decision.`)],
            },
          ],
        };
      },
    };
  },
});
