import { type CycleSpan, observationCapFor, partTimePlanNote, planMaxFor } from '../../people/part-time.ts';
import type { Policy } from '../../policy/policy-schema.ts';
import { cycleDates } from '../../timeline/compute-timeline.ts';
import type { PlanGoalRecord, StoredPlan } from '../conversation-ports.ts';
import { type DialogEnv, defineDialog } from '../engine/define-dialog.ts';
import { type JsonValue, textOf, type Values } from '../engine/json-value.ts';
import { type OutgoingMessage, say } from '../engine/outgoing-message.ts';
import { citing, inSection, type Step, textStep } from '../engine/step.ts';
import { cycleOrExplain, firstName, leadershipGoalFor } from './dialog-helpers.ts';
import { expectationsShape } from './plan/expectations-shape.ts';
import { goalsShape } from './plan/goals-shape.ts';
import { growPlanShape } from './plan/grow-plan-shape.ts';
import type { PlanShapeSteps } from './plan/plan-shape.ts';
import { readPlanDetails } from './plan/plan-details.ts';
import { smartTargetsShape } from './plan/smart-targets-shape.ts';

function shapeFor(policy: Policy, env: DialogEnv, cycle: CycleSpan, reviewerName: string | undefined): PlanShapeSteps {
  const plan = policy.plan;
  switch (plan.shape) {
    case 'grow-plan':
      return growPlanShape(plan);
    case 'smart-targets':
      // 002 Annex 1 §2–3: the observation agreed in the plan stays within the person's cap, pro-rated for part-time working.
      return smartTargetsShape(plan, env.person, { ...policy.observation, capMinutesPerCycle: observationCapFor(policy, env.person) }, reviewerName);
    // 004 §5.9: a part-timer's plan, or a late starter's, holds a pro-rated number of expectations where the policy says so.
    case 'expectations':
      return expectationsShape({ ...plan, max: planMaxFor(policy, plan.max, env.person, cycle) }, env.person);
    case 'goals':
      return goalsShape({ ...plan, max: planMaxFor(policy, plan.max, env.person, cycle) });
  }
}

/**
 * The growth plan in the shape the school's policy sets (001 Appendix B, 002 §10–12, 004 §5,
 * 003 §8.9), plus 001's leadership goal for UPS/TLR holders. Submitting sends it to the reviewer
 * for agreement (004 §5.3); a plan that comes back with changes requested, or an agreed plan
 * being amended by agreement (004 §5.6–5.7), reopens at the summary with its answers.
 */
export const growthPlanDialog = defineDialog({
  id: 'growth-plan',
  version: 1,
  title: 'Growth plan',
  triggers: ['plan', 'growth plan', 'my plan'],
  async open(env) {
    const cycle = await cycleOrExplain(env);
    if ('unavailable' in cycle) return cycle;
    const { policy } = env;
    const span = cycleDates(policy, cycle.academicYear);
    const reviewer = await env.reads.reviewerOf(env.person.id, env.today);
    const shape = shapeFor(policy, env, span, reviewer?.fullName);
    const leadership = leadershipGoalFor(policy, env.person);
    const leadershipSteps: Step[] = (leadership?.fields ?? []).map((field) =>
      textStep({ name: `leadership-${field.id}`, label: `Leadership goal — ${field.question}`, question: `Leadership goal: ${field.question}`, hint: field.hint }),
    );
    const existing = await env.reads.planForCycle(cycle.id);
    if (existing?.status === 'agreed' && !policy.planAgreement.amendableByAgreement) {
      return { unavailable: 'Your growth plan has been agreed and this policy doesn’t allow it to be changed here.' };
    }
    // The plan, and the leadership goal, may each be answered in one form (the same steps).
    const allSteps = (values: Values) => [
      ...citing(policy.plan.rule, inSection({ id: 'plan', title: 'Growth plan' }, shape.steps(values))),
      ...(leadership === undefined ? [] : citing(leadership.rule, inSection({ id: 'leadership', title: 'Leadership goal' }, leadershipSteps))),
    ];
    const partTime = partTimePlanNote(policy, env.person, span);
    return {
      intro: [say(`${shape.intro}${leadership ? ` Then your leadership goal.` : ''}${partTime === undefined ? '' : ` ${partTime.note}`} Say \`help\` for the commands.`)],
      confirm: true,
      summaryTitle: 'Your growth plan',
      help: `Your growth plan follows ${policy.plan.rule}${partTime === undefined ? '' : `; what it says about your hours or start date, ${partTime.rules.join(' and ')}`}.`,
      resume: resumeFrom(existing, reviewer?.fullName, policy.cycle),
      steps: allSteps,
      async complete(values, records) {
        const needsAgreement = policy.planAgreement.requiredBeforeSubmission;
        const sections = planSections(allSteps(values), values);
        const goals: PlanGoalRecord[] = shape.goals(values);
        if (leadership) {
          goals.push({ kind: 'leadership-goal', title: textOf(values, 'leadership-goal') || 'Leadership goal', detail: leadershipSteps.map((s) => `${s.label}: ${textOf(values, s.name)}`).join('\n'), quantitative: false, widerImpact: false, checkInDates: [] });
        }
        await records.savePlan({
          cycleId: cycle.id,
          personId: env.person.id,
          status: needsAgreement ? 'submitted' : 'agreed',
          summary: shape.summary(values),
          details: { shape: policy.plan.shape, sections, answers: values, hasLeadershipGoal: leadership !== undefined } satisfies { [key: string]: JsonValue },
          goals,
          submittedAt: env.now,
        });
        if (!needsAgreement) {
          await records.completeObligation({ personId: env.person.id, cycleId: cycle.id, kind: 'plan-agreed', on: env.today, at: env.now });
          return { messages: [say('Your growth plan is saved. It’s a live document — say `plan` any time to amend it.')] };
        }
        if (reviewer === undefined) {
          return { messages: [say('Your growth plan is submitted. I couldn’t find your reviewer, so please ask your Trellis administrator to assign one — they’ll need to agree it.')] };
        }
        return {
          messages: [say(`Your growth plan is submitted to ${firstName(reviewer.fullName)} for agreement. I’ll let you know when they’ve looked at it.`)],
          notifications: [{ personId: reviewer.id, messages: [say(`${env.person.fullName} has submitted their growth plan for your agreement. Say \`review plans\` to read it and agree it or ask for changes.`)] }],
        };
      },
    };
  },
});

/**
 * The plan as a reader sees it: each answered question with its answer, and where “something else”
 * was chosen, the words typed for it in the choice's place (002 Annex 1 §4: one line per arrangement).
 */
function planSections(steps: readonly Step[], values: Values): { label: string; value: string }[] {
  const answered = steps.filter((step) => step.name in values && values[step.name] !== null);
  const details = new Map(answered.filter((step) => step.detailOf !== undefined).map((step) => [step.detailOf, step]));
  return answered
    .filter((step) => step.detailOf === undefined)
    .map((step) => {
      const shown = details.get(step.name) ?? step;
      return { label: step.label, value: shown.show(values[shown.name]!) };
    });
}

function resumeFrom(existing: StoredPlan | undefined, reviewerName: string | undefined, cycle: Policy['cycle']): { values: Values; messages: OutgoingMessage[] } | undefined {
  if (existing === undefined) return undefined;
  const details = readPlanDetails(existing.details);
  if (details === undefined) return undefined;
  const who = reviewerName ? firstName(reviewerName) : 'Your reviewer';
  const note: Record<StoredPlan['status'], string> = {
    'changes-requested': `${who} asked for changes${details.review?.comment ? `: “${details.review.comment}”.` : '.'} Change what you need with \`edit\` and the answer’s name, then submit again.`,
    submitted: `Your plan is waiting for ${who === 'Your reviewer' ? 'your reviewer' : who}’s agreement. You can still change it here and submit again.`,
    // 003 §5.5: a continuous cycle is reviewed when its goal is achieved, and a new one may begin within the year.
    agreed: cycle.continuous
      ? `Your plan has been agreed. Growth here is continuous: once a goal is achieved, review it and set your next one with \`edit\` and the answer’s name, without waiting for next year; it goes back for agreement.`
      : 'Your plan has been agreed. It’s a live document: change what you need with `edit` and the answer’s name and it goes back for agreement.',
    draft: 'Here’s your draft plan.',
  };
  return { values: details.answers, messages: [say(note[existing.status])] };
}
