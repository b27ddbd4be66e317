import type { PlanGoalRecord } from '../../conversation-ports.ts';
import type { Values } from '../../engine/json-value.ts';
import { choiceStep, type Step, YES_NO } from '../../engine/step.ts';

/** What each of the four plan shapes contributes to the growth-plan dialog. */
export interface PlanShapeSteps {
  intro: string;
  steps(values: Values): Step[];
  goals(values: Values): PlanGoalRecord[];
  /** The plan's one-line summary ("By… I am… so that…" under 001). */
  summary(values: Values): string | undefined;
}

/**
 * Steps for "one or more" items (expectations, goals): item 1, then "add another?" after each
 * until the answer is no or the policy's maximum is reached. Item steps are named
 * `<prefix>-<n>-<field>`, so inserting a field later never renumbers anything stored.
 */
export function repeatedSteps(values: Values, prefix: string, noun: string, max: number, itemSteps: (n: number) => Step[]): Step[] {
  const steps: Step[] = [];
  for (let n = 1; n <= max; n++) {
    steps.push(...itemSteps(n));
    if (n === max) break;
    const more = `${prefix}-${n}-more`;
    steps.push(choiceStep({ name: more, label: `Another ${noun} after ${noun} ${n}?`, question: `Would you like to add another ${noun}? (at most ${max})`, choices: YES_NO }));
    if (values[more] !== 'yes') break;
  }
  return steps;
}

/** How many items the person has filled in under `repeatedSteps`. */
export function repeatedCount(values: Values, prefix: string, max: number): number {
  let n = 1;
  while (n < max && values[`${prefix}-${n}-more`] === 'yes') n++;
  return n;
}
