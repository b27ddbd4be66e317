import { isAfter } from '../../../calendar/iso-date.ts';
import type { Policy } from '../../../policy/policy-schema.ts';
import type { PlanGoalRecord } from '../../conversation-ports.ts';
import { listOf, optionalText, textOf, type Values } from '../../engine/json-value.ts';
import { dateListStep, dateStep, textStep } from '../../engine/step.ts';
import { clip } from '../dialog-helpers.ts';
import { type PlanShapeSteps, repeatedCount, repeatedSteps } from './plan-shape.ts';

type Goals = Extract<Policy['plan'], { shape: 'goals' }>;

const PREFIX = 'goal';

/**
 * 003 §8.9: each goal states the commitment to grow, what success looks like and by when, how the
 * person will learn to do it, and the dates of the progress check-ins.
 */
export function goalsShape(plan: Goals): PlanShapeSteps {
  return {
    intro: `Let’s set your growth goal${plan.max > 1 ? `s (up to ${plan.max})` : ''}: the commitment, what success looks like, how you’ll learn, and your check-in dates.`,
    steps: (values) =>
      repeatedSteps(values, PREFIX, 'goal', plan.max, (n) => [
        textStep({ name: `${PREFIX}-${n}-commitment`, label: `Goal ${n}`, question: `Goal ${n}: what is your commitment to grow?` }),
        textStep({ name: `${PREFIX}-${n}-success`, label: `Goal ${n} — success`, question: 'What will success look like?' }),
        textStep({ name: `${PREFIX}-${n}-learning`, label: `Goal ${n} — how I’ll learn`, question: 'How will you learn to do this? (reading, coaching, observing a colleague…)' }),
        dateStep({
          name: `${PREFIX}-${n}-by`,
          label: `Goal ${n} — timescale`,
          question: 'By when do you aim to achieve it?',
          check: (date, env) => (isAfter(date, env.today) ? undefined : 'The date needs to be in the future.'),
        }),
        dateListStep({
          name: `${PREFIX}-${n}-check-ins`,
          label: `Goal ${n} — check-in dates`,
          question: 'When will your progress check-ins be? Half-termly is a good rhythm. Give dates separated by commas.',
          max: 12,
          check: (date, env, vals: Values) => {
            if (!isAfter(date, env.today)) return 'Check-in dates need to be in the future.';
            const by = textOf(vals, `${PREFIX}-${n}-by`);
            return by !== '' && isAfter(date, by) ? 'Check-ins should fall on or before the goal’s date.' : undefined;
          },
        }),
      ]),
    goals: (values) =>
      Array.from(
        { length: repeatedCount(values, PREFIX, plan.max) },
        (_, i): PlanGoalRecord => ({
          kind: 'goal',
          title: clip(textOf(values, `${PREFIX}-${i + 1}-commitment`), 120),
          detail: textOf(values, `${PREFIX}-${i + 1}-learning`),
          successCriteria: optionalText(values, `${PREFIX}-${i + 1}-success`),
          completionDate: optionalText(values, `${PREFIX}-${i + 1}-by`),
          quantitative: false,
          widerImpact: false,
          checkInDates: listOf(values, `${PREFIX}-${i + 1}-check-ins`),
        }),
      ),
    summary: () => undefined,
  };
}
