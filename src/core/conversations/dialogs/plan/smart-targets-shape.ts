import { isAfter } from '../../../calendar/iso-date.ts';
import type { Flag, Role } from '../../../people/person.ts';
import type { Policy } from '../../../policy/policy-schema.ts';
import type { PlanGoalRecord } from '../../conversation-ports.ts';
import { optionalText, textOf } from '../../engine/json-value.ts';
import { dateStep, type Step, textStep } from '../../engine/step.ts';
import { appliesToPerson } from '../dialog-helpers.ts';
import type { PlanShapeSteps } from './plan-shape.ts';

type SmartTargets = Extract<Policy['plan'], { shape: 'smart-targets' }>;

interface TargetSlot {
  id: string;
  label: string;
  quantitative: boolean;
}

/**
 * True when a target states an amount: a number that is not just a year group, key stage or
 * class code ("Year 11", "KS3", "9X"), which name who the target is about, not how much.
 */
export function hasQuantity(text: string): boolean {
  const withoutCohorts = text.replace(/\b(?:year|yr|y|ks|key stage)\s*\d+\b/gi, '').replace(/\b\d{1,2}[a-z]{1,3}\d?\b/gi, '');
  return /\d/.test(withoutCohorts);
}

/**
 * 002 §10–12: three SMART targets — a quantitative pupil-progress target, a team target, and a
 * leadership target for TLR holders — each naming the SIP/DIP area it serves. Someone to whom
 * fewer target kinds apply still sets `count` targets (002 §12: "all teachers … will have 3").
 */
export function smartTargetsShape(plan: SmartTargets, person: { role: Role; flags: readonly Flag[] }): PlanShapeSteps {
  const slots: TargetSlot[] = plan.targets
    .filter((target) => appliesToPerson(target.appliesTo, person))
    .map((target) => ({ id: target.kind, label: target.label, quantitative: target.mustBeQuantitative }));
  for (let n = slots.length + 1; n <= plan.count; n++) slots.push({ id: `target-${n}`, label: `Target ${n}`, quantitative: false });
  const chosen = slots.slice(0, plan.count);
  const stepsFor = (slot: TargetSlot): Step[] => [
    textStep({
      name: `${slot.id}-target`,
      label: `${slot.label}`,
      question: `${slot.label}: what is the target? Make it SMART — specific, measurable, achievable, realistic and time-bound.`,
      validate: slot.quantitative
        ? { test: hasQuantity, message: 'The pupil-progress target has to be quantitative: please include a number, e.g. “80% of 11X reach grade 5 or above in maths”.' }
        : undefined,
    }),
    ...(plan.mustCiteImprovementPlanArea
      ? [textStep({ name: `${slot.id}-area`, label: `${slot.label} — improvement plan area`, question: 'Which area of the school or department improvement plan (SIP/DIP) does it serve?', required: 'Every target must name the SIP or DIP area it relates to.' })]
      : []),
    dateStep({
      name: `${slot.id}-by`,
      label: `${slot.label} — by`,
      question: 'By when? (a date, e.g. `16/07/2027`)',
      check: (date, env) => (isAfter(date, env.today) ? undefined : 'A target’s date needs to be in the future.'),
    }),
  ];
  return {
    intro: `Your plan is ${chosen.length} SMART targets (${plan.rule}): ${chosen.map((s) => s.label.toLowerCase()).join('; ')}.`,
    steps: () => chosen.flatMap(stepsFor),
    goals: (values) =>
      chosen.map(
        (slot): PlanGoalRecord => ({
          kind: 'smart-target',
          title: textOf(values, `${slot.id}-target`),
          detail: slot.label,
          completionDate: optionalText(values, `${slot.id}-by`),
          improvementPlanArea: optionalText(values, `${slot.id}-area`),
          quantitative: slot.quantitative,
          widerImpact: false,
          checkInDates: [],
        }),
      ),
    summary: () => undefined,
  };
}
