import { defineDialog } from '../engine/define-dialog.ts';
import { optionalText, textOf, type Values } from '../engine/json-value.ts';
import { type OutgoingMessage, say } from '../engine/outgoing-message.ts';
import { choiceStep, citing, type Step, textStep } from '../engine/step.ts';
import { firstName } from './dialog-helpers.ts';
import { readPlanDetails } from './plan/plan-details.ts';

/**
 * The reviewer's side of plan agreement (004 §5.3, 002 §11, 001): read a submitted plan, then
 * agree it or ask for changes with a comment. Agreeing completes the reviewee's "plan agreed"
 * obligation; either way the reviewee is told.
 */
export const planAgreementDialog = defineDialog({
  id: 'plan-agreement',
  version: 1,
  title: 'Plan agreement',
  triggers: ['review plans', 'review plan', 'agree plans'],
  async open(env) {
    const pending = await env.reads.plansAwaitingAgreement(env.person.id, env.today, env.now);
    if (pending.length === 0) return { unavailable: 'No growth plans are waiting for your agreement.' };
    const chosen = (values: Values) => pending.find((plan) => plan.id === values.plan);
    const planSummary = (values: Values): OutgoingMessage[] => {
      const plan = chosen(values);
      const details = plan === undefined ? undefined : readPlanDetails(plan.details);
      if (plan === undefined || details === undefined) return [];
      return [{ type: 'summary', title: `${plan.personName}’s growth plan`, items: details.sections }];
    };
    const steps: Step[] = [
      choiceStep({
        name: 'plan',
        label: 'Plan',
        question: pending.length === 1 ? 'This plan is waiting for your agreement:' : `${pending.length} plans are waiting for your agreement. Whose would you like to look at?`,
        choices: pending.map((plan) => ({ label: plan.personName, value: plan.id })),
      }),
      choiceStep({
        name: 'decision',
        label: 'Decision',
        question: 'Do you agree this plan?',
        choices: [
          { label: 'Agree', value: 'agreed' },
          { label: 'Ask for changes', value: 'changes-requested' },
        ],
        preamble: planSummary,
      }),
    ];
    const commentStep = (values: Values): Step =>
      values.decision === 'changes-requested'
        ? textStep({ name: 'comment', label: 'Changes asked for', question: 'What would you like changed? They’ll see exactly what you write.', required: 'Please say what should change, so they can act on it.' })
        : textStep({ name: 'comment', label: 'Comment', question: 'Any comment for them? (or `skip`)', optional: true });
    return {
      intro: [],
      confirm: true,
      summaryTitle: 'Your decision',
      help: 'Agree a colleague’s growth plan, or ask for changes. Appraisees own their plans; agreement is a conversation.',
      // `why` quotes the policy on agreeing a plan; the question names no paragraph.
      steps: (values) => citing(env.policy.planAgreement.rule, [...steps, commentStep(values)]),
      async complete(values, records) {
        const plan = chosen(values);
        if (plan === undefined) return { messages: [say('That plan is no longer waiting for agreement — nothing was changed.')] };
        const decision = values.decision === 'agreed' ? 'agreed' : 'changes-requested';
        const comment = optionalText(values, 'comment');
        await records.decidePlan({ planId: plan.id, reviewerId: env.person.id, decision, comment, at: env.now });
        const me = firstName(env.person.fullName);
        if (decision === 'agreed') {
          await records.completeObligation({ personId: plan.personId, cycleId: plan.cycleId, kind: 'plan-agreed', on: env.today, at: env.now });
          if (isLeadershipPlan(plan.details)) {
            await records.completeObligation({ personId: plan.personId, cycleId: plan.cycleId, kind: 'leadership-goal', on: env.today, at: env.now });
          }
        }
        const told = decision === 'agreed' ? `${me} has agreed your growth plan.${comment ? ` “${comment}”` : ''}` : `${me} has asked for changes to your growth plan: “${textOf(values, 'comment')}”. Say \`plan\` to update it.`;
        return {
          messages: [say(decision === 'agreed' ? `Agreed — I’ve told ${firstName(plan.personName)}.` : `Sent back to ${firstName(plan.personName)} with your comments.`)],
          notifications: [{ personId: plan.personId, messages: [say(told)] }],
        };
      },
    };
  },
});

function isLeadershipPlan(details: unknown): boolean {
  return typeof details === 'object' && details !== null && 'hasLeadershipGoal' in details && details.hasLeadershipGoal === true;
}
