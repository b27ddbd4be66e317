import type { Policy } from '../../policy/policy-schema.ts';
import type { StoredPlan } from '../conversation-ports.ts';
import { defineDialog } from '../engine/define-dialog.ts';
import { type JsonValue, textOf, type Values } from '../engine/json-value.ts';
import { say } from '../engine/outgoing-message.ts';
import { choiceStep, citing, type Step, textStep, YES_NO } from '../engine/step.ts';
import { chosenColleague, colleagueStep, hasByIAmSoThat } from './colleague-step.ts';
import { firstName } from './dialog-helpers.ts';
import { readPlanDetails } from './plan/plan-details.ts';

type GrowPlan = Extract<Policy['plan'], { shape: 'grow-plan' }>;

/**
 * 001 Appendix C, "Establishing a challenging focus": the line manager's GROW script, one prompt
 * per numbered question of the seed in its words (REALITY's and OPTIONS' short questions, and
 * WHAT NEXT 1–2, are asked together), recording the reviewee's answers. Answers that are also
 * questions of the Appendix B plan (`planField`) fill the plan where the reviewee has not; the
 * agreed "By… I am… so that…" (WHAT NEXT 8) becomes the plan's summary.
 */
const SCRIPT: readonly { name: string; label: string; question: string; planField?: string }[] = [
  {
    name: 'goal-start',
    label: 'Goal — at your best',
    question:
      'GOAL — establish the starting point. How would you describe yourself when you’re at your best? When you reflected on the Teachers’ Standards what did you decide were your strengths? On reflection, what do you see as your next steps in terms of your own development?',
  },
  {
    name: 'goal-class-needs',
    label: 'Goal — the class’s learning needs',
    question:
      'What are the learning needs of the class you would like to focus on? What do you feel that you could develop further in your own practice to enable all students to make even better progress?',
    planField: 'class-needs',
  },
  {
    name: 'goal-vision',
    label: 'Goal — what you want to achieve',
    question: 'GOAL — build a detailed vision of success. What specifically do you want to achieve? What difference will it make to you and your students? What do you want to change?',
    planField: 'goal',
  },
  {
    name: 'goal-priorities',
    label: 'Goal — whole-school priorities',
    question: 'How will your goal support whole school/subject/phase priorities?',
    planField: 'whole-school-priority',
  },
  {
    name: 'goal-challenge',
    label: 'Goal — challenge and support',
    question:
      'What’s the real challenge for you here? How challenging is this goal? What can you do to help make this goal realistic and achievable? Where will your support come from? How can I help?',
  },
  {
    name: 'goal-success',
    label: 'Goal — imagine success',
    question:
      'Imagine you are successful. What would be different? What specifically would be happening when you are successful? What are the benefits for you and for your students? How will it feel to achieve this goal?',
    planField: 'success',
  },
  {
    name: 'reality',
    label: 'Reality',
    question:
      'REALITY — what is working already. What have you tried so far? What’s working already? What have you tried that hasn’t worked? How confident are you of achieving this goal? What might get in the way, and how will you overcome any barriers?',
    planField: 'reality',
  },
  {
    name: 'options',
    label: 'Options',
    question: 'OPTIONS — what are your options for achieving this goal? How might you approach it? What else could you do? And what else? What approaches do others take in similar circumstances?',
  },
  {
    name: 'what-next',
    label: 'What next — intention',
    question: 'WHAT NEXT? — having considered the options, what do you intend to achieve? What knowledge and skills do you require to achieve this goal?',
    planField: 'options-actions',
  },
  { name: 'next-support', label: 'What next — support', question: 'Who might support you? How can I help?' },
  { name: 'first-steps', label: 'What next — first steps', question: 'What are your first steps? How will you get started?' },
  { name: 'good-start', label: 'What next — a good start', question: 'What will tell you that you’ve made a good start?' },
  {
    name: 'monitor',
    label: 'What next — monitoring and review',
    question: 'How will you monitor your progress, evaluate impact and identify areas for further development? When will we revisit and review this?',
  },
  { name: 'share', label: 'What next — sharing', question: 'How will you share your successes and challenges?' },
];

const SUMMARY_FIELD = 'summary';

export const growMeetingDialog = defineDialog({
  id: 'grow-meeting',
  version: 2,
  title: 'GROW planning meeting',
  triggers: ['grow', 'grow meeting', 'planning meeting'],
  async open(env) {
    const plan = env.policy.plan;
    if (plan.shape !== 'grow-plan') {
      return { unavailable: `Your school’s policy (${env.policy.name}) plans growth with ${plan.shape.replace('-', ' ')} rather than a GROW meeting, so there’s no GROW script to run. Say \`plan\` for the growth plan.` };
    }
    // Agreeing a plan is a reviewer's power, never a coach's who is not the reviewer (003 §6.1).
    const colleagues = (await env.reads.revieweesOf(env.person.id, env.today)).filter((c) => c.relation !== 'coach');
    if (colleagues.length === 0) return { unavailable: 'The GROW planning meeting is for line managers, and I can’t find anyone you line-manage or review.' };
    const steps: Step[] = [
      colleagueStep(colleagues, 'Whose growth focus are you establishing?'),
      ...SCRIPT.map((item) => textStep({ name: item.name, label: item.label, question: item.question, hint: 'Note their answer in their words.' })),
      textStep({
        name: SUMMARY_FIELD,
        label: 'Goal in summary',
        question: 'Confirm and summarise the goal: By… I am… so that…',
        validate: { test: (text) => hasByIAmSoThat(text), message: 'Please use the shape “By … I am … so that …”, e.g. “By July I am modelling answers live so that all of 9X write extended answers.”' },
      }),
      { ...choiceStep({ name: 'agree', label: 'Plan agreed in the meeting', question: 'Did you both agree their growth plan in this meeting?', choices: YES_NO }), rule: env.policy.planAgreement.rule },
    ];
    return {
      intro: [say('Let’s run the GROW conversation, to establish a challenging focus. I’ll ask each part of the script; type their answers. `back` and `edit <step>` work as usual.')],
      confirm: true,
      summaryTitle: 'GROW meeting',
      help: 'The GROW script from 001 Appendix C, every question of it: Goal, Reality, Options, What next, ending “By… I am… so that…”.',
      steps: () => citing('001 Appendix C', steps),
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
