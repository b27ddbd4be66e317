import type { Policy } from '../../../policy/policy-schema.ts';
import { optionalText, textOf } from '../../engine/json-value.ts';
import { textStep } from '../../engine/step.ts';
import type { PlanShapeSteps } from './plan-shape.ts';

type GrowPlan = Extract<Policy['plan'], { shape: 'grow-plan' }>;

const SUMMARY_FIELD = 'summary';

/**
 * 001 Appendix B: the policy's plan fields in order, ending with "By… I am… so that…"; the
 * whole-school priority the goal supports is kept on the goal as its improvement-plan area.
 */
export function growPlanShape(plan: GrowPlan): PlanShapeSteps {
  return {
    intro: `Your professional growth plan has ${plan.fields.length} short questions.`,
    steps: () =>
      plan.fields.map((field) =>
        textStep({
          name: field.id,
          label: field.question,
          question: field.question,
          hint: field.hint,
          validate:
            field.id === SUMMARY_FIELD
              ? { test: (text) => /\bby\b/i.test(text) && /so that/i.test(text), message: 'Try the shape “By … I am … so that …”, e.g. “By July I am using cold-calling in every lesson so that all of 9X answer questions.”' }
              : undefined,
        }),
      ),
    goals: (values) => {
      const goal = textOf(values, 'goal');
      if (goal === '') return [];
      return [
        {
          kind: 'goal',
          title: goal,
          detail: optionalText(values, 'options-actions'),
          successCriteria: optionalText(values, 'success'),
          // 001 "Professional Growth Plan": the goal connects to whole-school priorities.
          improvementPlanArea: optionalText(values, 'whole-school-priority'),
          quantitative: false,
          widerImpact: false,
          checkInDates: [],
        },
      ];
    },
    summary: (values) => optionalText(values, SUMMARY_FIELD),
  };
}
