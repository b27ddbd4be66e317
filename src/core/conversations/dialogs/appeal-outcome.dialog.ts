import { isAfter, isBefore } from '../../calendar/iso-date.ts';
import { appealDeadlineKeys, appealOutcomeDeadline } from '../../deadlines/event-deadlines.ts';
import type { AppealOutcome } from '../conversation-ports.ts';
import { defineDialog } from '../engine/define-dialog.ts';
import { textOf } from '../engine/json-value.ts';
import { type OutgoingMessage, say } from '../engine/outgoing-message.ts';
import { showDate } from '../engine/parse-date.ts';
import { choiceStep, citing, dateStep, textStep } from '../engine/step.ts';
import { calendarFor } from './dialog-calendar.ts';
import { firstName } from './dialog-helpers.ts';

/** 002 §17's two outcomes, in its words. */
export const APPEAL_OUTCOMES: readonly { value: AppealOutcome; label: string }[] = [
  { value: 'entries-upheld', label: 'The entries in the review are upheld' },
  { value: 'overturned-referred-back', label: 'The appeal is upheld: the reviewer’s decision is overturned and the disputed entries go back to the reviewer' },
];

/**
 * The Appeal Manager records the appeal meeting's outcome (002 §17): when the meeting was held,
 * whether the review's entries are upheld or the appeal is upheld and the disputed entries are
 * referred back to the reviewer for reconsideration, and the reasons. The appellant is told, and
 * the reviewer too when entries come back to them; the meeting and written-outcome deadlines are
 * settled. The decision is final, so an appeal is decided once.
 */
export const appealOutcomeDialog = defineDialog({
  id: 'appeal-outcome',
  version: 1,
  title: 'Appeal outcome',
  triggers: ['appeal outcome', 'appeal-outcome', 'decide appeal', 'outcome'],
  async open(env) {
    const appeals = env.policy.appeals;
    if (appeals === undefined) return { unavailable: `Your school’s policy (${env.policy.name}) has no formal appeals process.` };
    const waiting = await env.reads.appealsToDecide(env.person.id);
    if (waiting.length === 0) return { unavailable: 'There are no appeals waiting for you to decide.' };
    const calendar = await calendarFor(env);
    const chosen = (id: unknown) => waiting.find((appeal) => appeal.id === id);
    const steps = [
      choiceStep({
        name: 'appeal',
        label: 'Appeal',
        question: 'Which appeal are you recording the outcome of?',
        choices: waiting.map((appeal) => ({ label: `${appeal.personName} — lodged ${showDate(appeal.lodgedOn, env.today)}`, value: appeal.id })),
      }),
      dateStep({
        name: 'meeting-on',
        label: 'Appeal meeting held',
        question: 'When was the appeal meeting held?',
        check: (date, stepEnv, values) => {
          if (isAfter(date, stepEnv.today)) return 'That date is still to come — record the outcome once the meeting has been held.';
          const lodged = chosen(values.appeal)?.lodgedOn;
          return lodged !== undefined && isBefore(date, lodged) ? `The meeting can’t come before the appeal was lodged (${showDate(lodged, env.today)}).` : undefined;
        },
      }),
      choiceStep({ name: 'outcome', label: 'Outcome', question: 'What is the outcome?', choices: APPEAL_OUTCOMES }),
      textStep({ name: 'reasons', label: 'Reasons', question: 'The reasons for your decision, as you will confirm them in writing.', minLength: 20 }),
    ];
    return {
      intro: [say(`Let’s record the outcome of an appeal meeting. The Appeal Manager’s decision is final.`)],
      confirm: true,
      summaryTitle: 'Appeal outcome',
      help: `Recording an appeal’s outcome under ${appeals.rule}: the entries are upheld, or the appeal is upheld and the disputed entries go back to the reviewer.`,
      steps: () => citing(appeals.rule, steps),
      async complete(values, records) {
        const appeal = chosen(values.appeal);
        if (appeal === undefined) return { messages: [say('That appeal is no longer waiting for a decision. Nothing was saved.')] };
        const meetingOn = textOf(values, 'meeting-on');
        const outcome = APPEAL_OUTCOMES.find((o) => o.value === values.outcome) ?? APPEAL_OUTCOMES[0]!;
        const reasons = textOf(values, 'reasons');
        const decided = await records.decideAppeal({ appealId: appeal.id, meetingOn, outcome: outcome.value, reasons, decidedOn: env.today });
        if (!decided) return { messages: [say('That appeal has already been decided, and the decision is final. Nothing was changed.')] };
        // The meeting is held and its written outcome given now: both deadlines are settled, and the
        // outcome's is made first so the sweep does not add it afresh for a meeting it sees as held.
        const keys = appealDeadlineKeys(appeal.personId, appeal.cycleId, appeal.finalReportReceivedOn);
        const writtenBy = appealOutcomeDeadline({
          meeting: { key: keys.meeting, cycleId: appeal.cycleId, personId: appeal.personId, ownerRole: 'appeal-manager', ownerPersonId: env.person.id },
          heldOn: meetingOn,
          appeals,
          calendar,
        });
        await records.saveDeadlines({ create: [writtenBy], close: [keys.meeting, keys.outcome], at: env.now });
        const late = isAfter(env.today, writtenBy.dueOn) ? ` The outcome was due in writing by ${showDate(writtenBy.dueOn, env.today)} (${appeals.outcomeWithinWorkingDays} working days after the meeting), so please send the letter today.` : '';
        const referredBack = outcome.value === 'overturned-referred-back';
        const notifications: { personId: string; messages: OutgoingMessage[] }[] = [
          {
            personId: appeal.personId,
            messages: [
              say(
                `${env.person.fullName} has decided your appeal (meeting ${showDate(meetingOn, env.today)}): ${outcome.label}. Reasons: ${reasons}${referredBack ? ' The disputed entries go back to your reviewer for reconsideration.' : ''} The decision is final.`,
              ),
            ],
          },
        ];
        const reviewer = referredBack ? await env.reads.reviewerOf(appeal.personId, env.today) : undefined;
        if (reviewer !== undefined && reviewer.id !== env.person.id) {
          notifications.push({
            personId: reviewer.id,
            messages: [say(`${appeal.personName}’s appeal has been upheld: these entries in their review come back to you for reconsideration — ${appeal.entries.join('; ')}. Reasons: ${reasons}`)],
          });
        }
        return {
          messages: [say(`Recorded: ${outcome.label}. I’ve told ${firstName(appeal.personName)}${notifications.length > 1 ? ' and their reviewer' : ''}.${late}`)],
          notifications,
        };
      },
    };
  },
});
