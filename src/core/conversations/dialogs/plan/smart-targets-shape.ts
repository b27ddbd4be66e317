import { isAfter } from '../../../calendar/iso-date.ts';
import type { Flag, Role } from '../../../people/person.ts';
import type { Policy } from '../../../policy/policy-schema.ts';
import type { PlanGoalRecord } from '../../conversation-ports.ts';
import { optionalText, textOf } from '../../engine/json-value.ts';
import { citing, dateStep, type Step, textStep } from '../../engine/step.ts';
import { appliesToPerson } from '../dialog-helpers.ts';
import type { PlanShapeSteps } from './plan-shape.ts';

type SmartTargets = Extract<Policy['plan'], { shape: 'smart-targets' }>;
type Observation = Policy['observation'];

const MINUTES = /^\s*(\d{1,3})\s*(?:min(?:ute)?s?)?\s*$/i;

/**
 * 002 §50, Annex 1 §4: the classroom observation arrangements agreed at the planning meeting — the
 * amount (within the cap unless the person is exempt, §47), its primary purpose, the aspects
 * assessed, the duration, when in the cycle, and who observes.
 */
function observationArrangementSteps(observation: Observation, person: { flags: readonly Flag[] }): Step[] {
  const rule = observation.arrangementsInPlan?.rule ?? observation.rule;
  const cap = observation.capMinutesPerCycle;
  const capped = cap !== undefined && !observation.capExemptFlags.some((flag) => person.flags.includes(flag));
  const within = (text: string): boolean => {
    const minutes = MINUTES.exec(text)?.[1];
    return minutes !== undefined && (!capped || Number(minutes) <= cap);
  };
  // `why` on any of them quotes the paragraph; the questions themselves say no paragraph numbers.
  return citing(rule, [
    textStep({
      name: 'observation-amount',
      label: 'Observation — amount (minutes this cycle)',
      question: `Classroom observation arrangements. How much observation in total this cycle, in minutes? Proportionate to need${capped ? `, and at most ${cap}` : ''}.`,
      minLength: 1,
      validate: { test: within, message: capped ? `Please give the minutes as a number no more than ${cap}, the cap on observation this cycle.` : 'Please give the minutes as a number, e.g. `90`.' },
    }),
    textStep({ name: 'observation-purpose', label: 'Observation — primary purpose', question: 'What is its primary purpose?' }),
    textStep({ name: 'observation-aspects', label: 'Observation — aspects assessed', question: 'Which aspects of your teaching will be assessed?' }),
    textStep({ name: 'observation-duration', label: 'Observation — duration', question: 'How long will each observation be? (e.g. `2 × 50 minutes`)' }),
    textStep({ name: 'observation-timing', label: 'Observation — when', question: 'When in the cycle will they take place? (one graded observation at the start of the cycle, a second reviewing progress)' }),
    textStep({ name: 'observation-observer', label: 'Observation — observer', question: 'Who will conduct them? (someone other than your reviewer may)' }),
  ]);
}

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
 * Where the policy says so, the plan also records the observation arrangements (002 §50).
 */
export function smartTargetsShape(plan: SmartTargets, person: { role: Role; flags: readonly Flag[] }, observation?: Observation): PlanShapeSteps {
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
  const arrangements = observation?.arrangementsInPlan === undefined ? [] : observationArrangementSteps(observation, person);
  return {
    intro: `Your plan is ${chosen.length} SMART targets: ${chosen.map((s) => s.label.toLowerCase()).join('; ')}.${arrangements.length > 0 ? ' Then the classroom observation arrangements you agree.' : ''}`,
    steps: () => [...chosen.flatMap(stepsFor), ...arrangements],
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
