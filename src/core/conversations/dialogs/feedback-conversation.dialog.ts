import { defineDialog } from '../engine/define-dialog.ts';
import { textOf } from '../engine/json-value.ts';
import { type OutgoingMessage, say } from '../engine/outgoing-message.ts';
import { showDate } from '../engine/parse-date.ts';
import { choiceStep, type Step, textStep } from '../engine/step.ts';
import { chosenColleague, colleagueStep, hasByIAmSoThat } from './colleague-step.ts';
import { firstName, recordableCycleOf } from './dialog-helpers.ts';

/** 001 Appendix F's four levels of support, in the seed's words (least to most support). */
export const SUPPORT_LEVELS = [
  { value: 'self-identified', label: 'Your colleague identifies the issue and possible solution without any prompts from you.' },
  { value: 'questions', label: 'You ask several questions, including the initial probing question, that prompts reflection and identification of a possible next step.' },
  { value: 'classroom-information', label: 'You provide classroom ‘information’, such as photos, video, audio, timeline or students’ work, that prompts your colleague to reflect.' },
  { value: 'possible-solutions', label: 'You offer some possible solutions — at least two possible courses of action, so that they still have some choice.' },
] as const;

/** A short timeline needs a when: a day, a week, a lesson, a date. */
const TIMELINE = /\b(by|next|week|weeks|lesson|lessons|tomorrow|today|monday|tuesday|wednesday|thursday|friday|days?|half term|\d)/i;

/**
 * 001 Appendix F, "Feedback conversations": praise tied to a previous action step, a probing
 * question, the next action step at one of four levels of support, a short plan with a timeline,
 * and the colleague's own "By next week I am… so that the students…". Feedback without goal
 * setting is just information (001 "Feedback"), so every step is required.
 */
export const feedbackConversationDialog = defineDialog({
  id: 'feedback-conversation',
  version: 1,
  title: 'Feedback conversation',
  triggers: ['feedback', 'feedback conversation'],
  async open(env) {
    const colleagues = await env.reads.revieweesOf(env.person.id, env.today);
    if (colleagues.length === 0) return { unavailable: 'Feedback conversations are recorded by a colleague’s coach or line manager, and I can’t find anyone you coach, review or line-manage.' };
    const previous = new Map(await Promise.all(colleagues.map(async (c) => [c.id, await env.reads.latestFeedback(c.id)] as const)));
    const lastStep = (colleagueId: unknown): OutgoingMessage[] => {
      const last = typeof colleagueId === 'string' ? previous.get(colleagueId) : undefined;
      const step = last?.lockIn ?? last?.actionStep;
      return last === undefined || step === undefined ? [] : [say(`Their previous action step (${showDate(last.givenOn, env.today)}): “${step}”`)];
    };
    const steps: Step[] = [
      colleagueStep(colleagues, 'Who did you have the feedback conversation with?'),
      textStep({
        name: 'praise',
        label: 'Praise',
        question: 'PRAISE: what appreciative feedback did you offer, linked to a previous action step? Specific and authentic.',
        hint: 'e.g. “The students were really focused during your explanation. I know you’ve been working on this…”',
        minLength: 10,
        preamble: (values) => lastStep(values.colleague),
      }),
      textStep({
        name: 'probe',
        label: 'Probing question',
        question: 'PROBE: what probing question got them reflecting on their specific focus?',
        hint: 'e.g. “What was the impact of your modelling on the quality of the students’ work?”',
        validate: { test: (text) => text.includes('?'), message: 'Please write it as the question you asked (ending with “?”).' },
      }),
      textStep({ name: 'action-step', label: 'Next action step', question: 'IDENTIFY THE NEXT ACTION STEP: what next step did you agree?', minLength: 10 }),
      choiceStep({ name: 'support-level', label: 'Level of support', question: 'Which of the four levels of support got you there?', choices: SUPPORT_LEVELS }),
      textStep({
        name: 'plan-ahead',
        label: 'Plan ahead',
        question: 'PLAN AHEAD & SET A TIMELINE: the short-term target (a small +1) for the coming lessons, when, and what it will look like when achieved.',
        validate: { test: (text) => TIMELINE.test(text), message: 'Please add a short timeline — when it will happen (e.g. “in Tuesday’s lesson with 8Y”).' },
      }),
      textStep({
        name: 'lock-in',
        label: 'Locked in',
        question: 'LOCK IT IN: their next step in their own words — “By next week I am… so that the students…”',
        validate: {
          test: (text) => hasByIAmSoThat(text, /\bso that the (students|pupils|class|children)\b/i),
          message: 'Please use their words in the shape “By next week I am … so that the students …”.',
        },
      }),
    ];
    return {
      intro: [say('Let’s record your feedback conversation (001 Appendix F): praise, probe, next action step, plan ahead, lock it in.')],
      confirm: true,
      summaryTitle: 'Feedback conversation',
      help: 'Records a feedback conversation in 001’s structure. Both of you can see the record.',
      steps: () => steps,
      async complete(values, records) {
        const colleague = chosenColleague(colleagues, values);
        // 004 §2.2: a colleague outside the growth cycle still gets feedback, kept on this year's excluded cycle.
        const cycle = colleague === undefined ? undefined : (await recordableCycleOf(env, colleague.id))?.cycle;
        if (colleague === undefined || cycle === undefined) return { messages: [say('They don’t have an active growth cycle, so there’s nowhere to save this. Nothing was saved.')] };
        // Their previous action step was shown: that read of their feedback records is logged (002 §18).
        if (!(await env.reads.readAbout(env.person.id, colleague.id, 'feedback', env.now))) return { messages: [say('You can no longer record feedback for them. Nothing was saved.')] };
        const lockIn = textOf(values, 'lock-in');
        await records.saveFeedback({
          cycleId: cycle.id,
          personId: colleague.id,
          givenById: env.person.id,
          givenOn: env.today,
          praise: textOf(values, 'praise'),
          probingQuestion: textOf(values, 'probe'),
          actionStep: textOf(values, 'action-step'),
          supportLevel: textOf(values, 'support-level'),
          planAhead: textOf(values, 'plan-ahead'),
          lockIn,
        });
        await records.completeObligation({ personId: colleague.id, cycleId: cycle.id, kind: 'feedback', on: env.today, at: env.now });
        return {
          messages: [say(`Saved your feedback conversation with ${firstName(colleague.fullName)}. Their next step: “${lockIn}”`)],
          notifications: [
            {
              personId: colleague.id,
              messages: [say(`${env.person.fullName} recorded your feedback conversation of ${showDate(env.today, env.today)}. Next action step: ${textOf(values, 'action-step')}. You locked it in as: “${lockIn}”`)],
            },
          ],
        };
      },
    };
  },
});
