import { isAfter } from '../../../calendar/iso-date.ts';
import type { Flag, Role } from '../../../people/person.ts';
import type { Policy } from '../../../policy/policy-schema.ts';
import type { PlanGoalRecord } from '../../conversation-ports.ts';
import { optionalText, textOf, type Values } from '../../engine/json-value.ts';
import { choiceStep, citing, dateStep, textStep } from '../../engine/step.ts';
import { appliesToPerson, clip } from '../dialog-helpers.ts';
import { type PlanShapeSteps, repeatedCount, repeatedSteps } from './plan-shape.ts';

type Expectations = Extract<Policy['plan'], { shape: 'expectations' }>;

const PREFIX = 'expectation';
/** 004 §7.1: the plan's record of the colleague's CPD / professional support ideas. */
const CPD_IDEAS = 'cpd-ideas';

/**
 * 004 §5.2–5.5: at most three performance expectations, each with its detail, what success looks
 * like and a proposed completion date; teachers on UPR and support staff on grade 6+ mark the one
 * with an impact on the wider academy or trust; where the policy asks (004 §7.1), the plan ends
 * with the colleague's ideas for CPD and professional support.
 */
export function expectationsShape(plan: Expectations, person: { role: Role; flags: readonly Flag[] }): PlanShapeSteps {
  const widerImpact = appliesToPerson(plan.widerImpactRequiredFor, person);
  const count = (values: Values) => repeatedCount(values, PREFIX, plan.max);
  return {
    intro: `Let’s set your performance expectations: up to ${plan.max}, each with the detail, what success looks like and a completion date.${widerImpact ? ' As you’re on UPR / grade 6+, one of them should reach beyond your own role to the wider academy or trust.' : ''}`,
    steps: (values) => {
      const steps = repeatedSteps(values, PREFIX, 'expectation', plan.max, (n) => [
        textStep({ name: `${PREFIX}-${n}-detail`, label: `Expectation ${n}`, question: `Expectation ${n}: what is it? Give the detail.` }),
        textStep({ name: `${PREFIX}-${n}-success`, label: `Expectation ${n} — success`, question: 'What does success look like?' }),
        dateStep({
          name: `${PREFIX}-${n}-date`,
          label: `Expectation ${n} — completion date`,
          question: 'What’s the proposed completion date?',
          check: (date, env) => (isAfter(date, env.today) ? undefined : 'The completion date needs to be in the future.'),
        }),
      ]);
      if (widerImpact) {
        const choices = Array.from({ length: count(values) }, (_, i) => ({ label: clip(textOf(values, `${PREFIX}-${i + 1}-detail`) || `Expectation ${i + 1}`), value: String(i + 1) }));
        steps.push(choiceStep({ name: 'wider-impact', label: 'Wider impact', question: 'Which expectation has an impact on the wider academy or trust?', choices, required: 'One expectation must reach the wider academy or trust.' }));
      }
      if (plan.cpdIdeas !== undefined) {
        // `why` here quotes the CPD paragraph rather than the plan's.
        steps.push(
          ...citing(plan.cpdIdeas.rule, [
          textStep({
            name: CPD_IDEAS,
            label: 'CPD and professional support ideas',
            question: plan.cpdIdeas.question,
            hint: plan.cpdIdeas.hint,
            required: `Your ideas for CPD or professional support belong in your plan — “none yet” is fine (say \`why\` for the policy behind it).`,
          }),
          ]),
        );
      }
      return steps;
    },
    goals: (values) =>
      Array.from(
        { length: count(values) },
        (_, i): PlanGoalRecord => ({
          kind: 'expectation',
          title: clip(textOf(values, `${PREFIX}-${i + 1}-detail`), 120),
          detail: textOf(values, `${PREFIX}-${i + 1}-detail`),
          successCriteria: optionalText(values, `${PREFIX}-${i + 1}-success`),
          completionDate: optionalText(values, `${PREFIX}-${i + 1}-date`),
          quantitative: false,
          widerImpact: values['wider-impact'] === String(i + 1),
          checkInDates: [],
        }),
      ),
    summary: () => undefined,
  };
}
