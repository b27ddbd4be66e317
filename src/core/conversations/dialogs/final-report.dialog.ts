import { appealWindowDeadline } from '../../deadlines/event-deadlines.ts';
import { defineDialog } from '../engine/define-dialog.ts';
import { type JsonValue, optionalText, textOf, type Values } from '../engine/json-value.ts';
import { say } from '../engine/outgoing-message.ts';
import { showDate } from '../engine/parse-date.ts';
import { choiceStep, citing, type Step, textStep } from '../engine/step.ts';
import { chosenColleague, colleagueStep } from './colleague-step.ts';
import { calendarFor } from './dialog-calendar.ts';
import { clip, firstName } from './dialog-helpers.ts';

/** The reviewer's pay recommendation (002 §1: "the recommendation is made by the reviewer"). */
export const PAY_RECOMMENDATIONS = [
  { value: 'progress', label: 'Recommend pay progression' },
  { value: 'no-progress', label: 'Do not recommend pay progression' },
  { value: 'not-eligible', label: 'Not eligible for pay progression this cycle' },
] as const;

/**
 * The reviewer's final report (002 §1, §14, §16): an assessment against each of the reviewee's
 * targets (on the performance criteria set at the start; good progress towards a challenging
 * target is assessed favourably, §14), an overall assessment and, where the policy has one, the
 * pay recommendation. The reviewee receives it on the day it is issued, and that is what opens
 * the 10-working-day appeal window (§16) — not the reviewee's own end-of-cycle review.
 */
export const finalReportDialog = defineDialog({
  id: 'final-report',
  version: 1,
  title: 'Final review report',
  triggers: ['final report', 'final-report', 'issue final report'],
  async open(env) {
    const finalReport = env.policy.finalReport;
    if (finalReport === undefined) {
      return { unavailable: `Your school’s policy (${env.policy.name}) has no reviewer’s final report. The end-of-cycle review is written by the colleague themself with \`review\`.` };
    }
    const colleagues = await env.reads.revieweesOf(env.person.id, env.today);
    if (colleagues.length === 0) return { unavailable: 'The final report is issued by the reviewer, and I can’t find anyone you review or line-manage.' };
    const cycles = new Map(await Promise.all(colleagues.map(async (c) => [c.id, await env.reads.activeCycle(c.id, env.today)] as const)));
    const goals = new Map<string, { kind: string; title: string }[]>();
    for (const [personId, cycle] of cycles) goals.set(personId, cycle === undefined ? [] : await env.reads.planGoalsForCycle(cycle.id));
    const targetsOf = (values: Values) => goals.get(textOf(values, 'colleague')) ?? [];
    const steps = (values: Values): Step[] => {
      const targets = targetsOf(values);
      return citing(finalReport.rule, [
        colleagueStep(colleagues, 'Whose final report are you issuing?'),
        ...targets.map((target, i) =>
          textStep({
            name: `target-${i + 1}`,
            label: `Target ${i + 1}: ${clip(target.title)}`,
            question: `Target ${i + 1}: “${target.title}”. Your assessment against it, on the performance criteria set at the start of the cycle. Good progress towards a challenging target is assessed favourably.`,
            minLength: 10,
          }),
        ),
        textStep({
          name: 'overall',
          label: 'Overall assessment',
          question:
            targets.length === 0
              ? 'I can’t find targets in their plan, so give your assessment of their performance over the cycle, against each target you set.'
              : 'Your overall assessment of their performance this cycle. Aspects of their role not covered by the targets are assumed to have been carried out satisfactorily.',
          minLength: 10,
        }),
        ...(finalReport.payRecommendation
          ? [
              choiceStep({ name: 'pay', label: 'Pay recommendation', question: 'Your pay recommendation: your assessment is the basis of it.', choices: PAY_RECOMMENDATIONS }),
              textStep({ name: 'pay-reasons', label: 'Reasons for the recommendation', question: 'The reasons for your recommendation, from the assessment above.', minLength: 10 }),
            ]
          : []),
      ]);
    };
    return {
      intro: [say(`Let’s write the final review report. Once issued, your colleague receives it and may appeal within the policy’s window.`)],
      confirm: true,
      summaryTitle: 'Final review report',
      help: `The reviewer’s final report under ${finalReport.rule}: an assessment against each target${finalReport.payRecommendation ? ' and the pay recommendation' : ''}.`,
      steps,
      async complete(values, records) {
        const colleague = chosenColleague(colleagues, values);
        const cycle = colleague === undefined ? undefined : cycles.get(colleague.id);
        if (colleague === undefined || cycle === undefined) return { messages: [say('They don’t have an active growth cycle, so there’s no report to issue. Nothing was saved.')] };
        const targets = targetsOf(values);
        const pay = PAY_RECOMMENDATIONS.find((p) => p.value === values.pay);
        const report: { [key: string]: JsonValue } = {
          issuedBy: env.person.id,
          issuedOn: env.today,
          targets: targets.map((target, i) => ({ target: target.title, assessment: textOf(values, `target-${i + 1}`) })),
          overall: textOf(values, 'overall'),
          ...(pay === undefined ? {} : { payRecommendation: pay.value, payReasons: optionalText(values, 'pay-reasons') ?? '' }),
        };
        await records.issueFinalReport({ cycleId: cycle.id, personId: colleague.id, reviewerId: env.person.id, issuedOn: env.today, report });
        // The reviewer's review is this report where the policy has one (002 §31–32: reviews completed by 31 October).
        await records.completeObligation({ personId: colleague.id, cycleId: cycle.id, kind: 'end-of-cycle-review', on: env.today, at: env.now });
        // 002 §16: the appeal window runs from the day the final report is received.
        const appeals = env.policy.appeals;
        const window = appeals === undefined ? undefined : appealWindowDeadline({ personId: colleague.id, cycleId: cycle.id, issuedOn: env.today, appeals, calendar: await calendarFor(env) });
        if (window !== undefined) await records.saveDeadlines({ create: [window], at: env.now });
        const them = firstName(colleague.fullName);
        const appealNote =
          window === undefined || appeals === undefined
            ? ''
            : ` If you disagree with any entry, you may appeal until ${showDate(window.dueOn, env.today)} (${appeals.windowWorkingDays} working days) — say \`appeal\`. I’ll remind you before then.`;
        const lines = [
          ...targets.map((target, i) => `• ${clip(target.title, 80)}: ${textOf(values, `target-${i + 1}`)}`),
          `• Overall: ${textOf(values, 'overall')}`,
          ...(pay === undefined ? [] : [`• Pay recommendation: ${pay.label} — ${textOf(values, 'pay-reasons')}`]),
        ];
        return {
          messages: [say(`Issued ${them}’s final review report on ${showDate(env.today, env.today)} and sent it to them.${window === undefined ? '' : ` Their appeal window runs until ${showDate(window.dueOn, env.today)}.`}`)],
          notifications: [{ personId: colleague.id, messages: [say(`${env.person.fullName} has issued your final review report (${showDate(env.today, env.today)}):\n${lines.join('\n')}\n${appealNote.trim()}`.trim())] }],
        };
      },
    };
  },
});
