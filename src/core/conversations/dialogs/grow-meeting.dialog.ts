import type { Policy } from '../../policy/policy-schema.ts';
import type { StoredPlan } from '../conversation-ports.ts';
import { defineDialog } from '../engine/define-dialog.ts';
import { type JsonValue, textOf, type Values } from '../engine/json-value.ts';
import { say } from '../engine/outgoing-message.ts';
import { choiceStep, type Step, textStep, YES_NO } from '../engine/step.ts';
import { chosenColleague, colleagueStep, hasByIAmSoThat } from './colleague-step.ts';
import { firstName } from './dialog-helpers.ts';
import { readPlanDetails } from './plan/plan-details.ts';

type GrowPlan = Extract<Policy['plan'], { shape: 'grow-plan' }>;

/**
 * 001 Appendix C, "Establishing a challenging focus": the line manager's GROW script, one prompt
 * per question group in the seed's words, recording the reviewee's answers. The agreed
 * "By… I am… so that…" becomes the summary of the reviewee's growth plan.
 */
const SCRIPT: readonly { name: string; label: string; question: string; planField?: string }[] = [
  {
    name: 'goal-start',
    label: 'Goal — starting point',
    question:
      'GOAL — establish the starting point. How would you describe yourself when you’re at your best? What are the learning needs of the class you would like to focus on, and what could you develop further so all students make even better progress?',
  },
  {
    name: 'goal-vision',
    label: 'Goal — vision of success',
    question:
      'GOAL — build a detailed vision of success. What specifically do you want to achieve, and what difference will it make to you and your students? What’s the real challenge here? Imagine you are successful: what would be different?',
    planField: 'goal',
  },
  {
    name: 'reality',
    label: 'Reality',
    question: 'REALITY — what have you tried so far, and what’s working already? How confident are you of achieving this goal? What might get in the way, and how will you overcome it?',
    planField: 'reality',
  },
  {
    name: 'options',
    label: 'Options',
    question: 'OPTIONS — what are your options for achieving this goal? What else could you do? And what else? What approaches do others take in similar circumstances?',
  },
  {
    name: 'what-next',
    label: 'What next',
    question:
      'WHAT NEXT? — what do you intend to achieve, and what knowledge and skills will you need? Who might support you? What are your first steps, and how will you monitor progress? When will we revisit and review this?',
    planField: 'options-actions',
  },
];

const SUMMARY_FIELD = 'summary';

export const growMeetingDialog = defineDialog({
  id: 'grow-meeting',
  version: 1,
  title: 'GROW planning meeting',
  triggers: ['grow', 'grow meeting', 'planning meeting'],
  async open(env) {
    const plan = env.policy.plan;
    if (plan.shape !== 'grow-plan') {
      return { unavailable: `Your school’s policy (${env.policy.name}) plans growth with ${plan.shape.replace('-', ' ')} rather than a GROW meeting, so there’s no GROW script to run. Say \`plan\` for the growth plan.` };
    }
    const colleagues = await env.reads.revieweesOf(env.person.id, env.today);
    if (colleagues.length === 0) return { unavailable: 'The GROW planning meeting is for line managers, and I can’t find anyone you line-manage or review.' };
    const steps: Step[] = [
      colleagueStep(colleagues, 'Whose growth focus are you establishing? (001 Appendix C)'),
      ...SCRIPT.map((item) => textStep({ name: item.name, label: item.label, question: item.question, hint: 'Note their answer in their words.' })),
      textStep({
        name: SUMMARY_FIELD,
        label: 'Goal in summary',
        question: 'Confirm and summarise the goal: By… I am… so that…',
        validate: { test: (text) => hasByIAmSoThat(text), message: 'Please use the shape “By … I am … so that …”, e.g. “By July I am modelling answers live so that all of 9X write extended answers.”' },
      }),
      choiceStep({ name: 'agree', label: 'Plan agreed in the meeting', question: `Did you both agree their growth plan in this meeting? (${env.policy.planAgreement.rule})`, choices: YES_NO }),
    ];
    return {
      intro: [say('Let’s run the GROW conversation (001 “Establishing a challenging focus”). I’ll ask each part of the script; type their answers. `back` and `edit <step>` work as usual.')],
      confirm: true,
      summaryTitle: 'GROW meeting',
      help: 'The GROW script from 001 Appendix C: Goal, Reality, Options, What next, ending “By… I am… so that…”.',
      steps: () => steps,
      async complete(values, records) {
        const colleague = chosenColleague(colleagues, values);
        const cycle = colleague === undefined ? undefined : await env.reads.activeCycle(colleague.id, env.today);
        if (colleague === undefined || cycle === undefined) {
          return { messages: [say('They don’t have an active growth cycle, so there’s no plan to save this to. Nothing was saved.')] };
        }
        const agreed = values.agree === 'yes';
        const existing = await env.reads.planForCycle(cycle.id);
        const summary = textOf(values, SUMMARY_FIELD);
        await records.saveGrowMeeting({
          cycleId: cycle.id,
          personId: colleague.id,
          managerId: env.person.id,
          summary,
          details: mergedDetails(plan, existing, values, { heldOn: env.today, managerId: env.person.id }),
          agreedAt: agreed ? env.now : undefined,
        });
        if (agreed) await records.completeObligation({ personId: colleague.id, cycleId: cycle.id, kind: 'plan-agreed', on: env.today, at: env.now });
        const them = firstName(colleague.fullName);
        return {
          messages: [say(agreed ? `Saved to ${them}’s growth plan and marked agreed: “${summary}”` : `Saved to ${them}’s growth plan: “${summary}”. It still needs agreeing.`)],
          notifications: [
            {
              personId: colleague.id,
              messages: [say(`${env.person.fullName} recorded your GROW meeting. Your goal: “${summary}”.${agreed ? ' Your growth plan is agreed.' : ' Say `plan` to complete your growth plan and submit it.'}`)],
            },
          ],
        };
      },
    };
  },
});

/**
 * The plan's `details` with the meeting added: the summary always, and the goal, reality and
 * actions only where the reviewee has not written their own, because the plan is theirs (001).
 */
function mergedDetails(plan: GrowPlan, existing: StoredPlan | undefined, values: Values, meeting: { heldOn: string; managerId: string }): { [key: string]: JsonValue } {
  const raw = existing?.details;
  const base: { [key: string]: JsonValue } = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? { ...(raw as { [key: string]: JsonValue }) } : {};
  const current = readPlanDetails(raw);
  const answers: Values = { ...(current?.answers ?? {}) };
  for (const item of SCRIPT) {
    if (item.planField !== undefined && textOf(answers, item.planField) === '') answers[item.planField] = textOf(values, item.name);
  }
  answers[SUMMARY_FIELD] = textOf(values, SUMMARY_FIELD);
  const fieldLabels = new Set(plan.fields.map((field) => field.question));
  const sections = [
    ...plan.fields.filter((field) => textOf(answers, field.id) !== '').map((field) => ({ label: field.question, value: textOf(answers, field.id) })),
    ...(current?.sections ?? []).filter((section) => !fieldLabels.has(section.label)),
  ];
  return { ...base, shape: plan.shape, sections, answers, growMeeting: { ...meeting, answers: values } };
}
