import { isAfter } from '../../../calendar/iso-date.ts';
import type { Flag, Role } from '../../../people/person.ts';
import type { Policy } from '../../../policy/policy-schema.ts';
import type { PlanGoalRecord } from '../../conversation-ports.ts';
import { optionalText, textOf, type Values } from '../../engine/json-value.ts';
import type { Choice } from '../../engine/outgoing-message.ts';
import { choiceWithOther, citing, dateStep, type Step, textStep } from '../../engine/step.ts';
import { appliesToPerson } from '../dialog-helpers.ts';
import type { PlanShapeSteps } from './plan-shape.ts';

type SmartTargets = Extract<Policy['plan'], { shape: 'smart-targets' }>;
type Observation = Policy['observation'];

const MINUTES = /^\s*(\d{1,3})\s*(?:min(?:ute)?s?)?\s*$/i;

/** Totals offered for the amount of observation, in minutes; those over the person's cap are left out and the cap itself offered. */
const USUAL_AMOUNTS = [60, 90, 120, 180];

/** The amounts to offer: the usual ones within the cap, and the cap itself (pro-rated for part-time working) as the most. */
function amountChoices(cap: number | undefined): Choice[] {
  const within = USUAL_AMOUNTS.filter((minutes) => cap === undefined || minutes < cap);
  const amounts = cap === undefined ? within : [...within, cap];
  return amounts.filter((minutes) => minutes > 0).map((minutes) => ({ label: `${minutes} minutes${minutes === cap ? ' (the most this cycle)' : ''}`, value: String(minutes) }));
}

/**
 * 002 §50, Annex 1 §4: the classroom observation arrangements agreed at the planning meeting — the
 * amount (within the cap unless the person is exempt, §47), its primary purpose, the aspects
 * assessed, the duration, when in the cycle (the usual pattern of §48 first), and who observes
 * (the reviewer, or someone else, §48). Where an answer is mostly one of a few, it is a choice with
 * “something else” to type; the purpose and the aspects are the substance and are typed.
 */
function observationArrangementSteps(observation: Observation, person: { flags: readonly Flag[] }, reviewerName: string | undefined, values: Values): Step[] {
  const arrangements = observation.arrangementsInPlan;
  const rule = arrangements?.rule ?? observation.rule;
  const cap = observation.capMinutesPerCycle;
  const capped = cap !== undefined && !observation.capExemptFlags.some((flag) => person.flags.includes(flag));
  const within = (text: string): boolean => {
    const minutes = MINUTES.exec(text)?.[1];
    return minutes !== undefined && (!capped || Number(minutes) <= cap);
  };
  const usualTiming = arrangements?.usualTiming;
  // `why` on any of them quotes the paragraph; the questions themselves say no paragraph numbers.
  return citing(rule, [
    ...choiceWithOther(
      {
        name: 'observation-amount',
        label: 'Observation — amount this cycle',
        question: `Classroom observation arrangements. How much observation in total this cycle? Proportionate to need${capped ? `, and at most ${cap} minutes — there is no need to use it all` : ''}.`,
        choices: amountChoices(capped ? cap : undefined),
        otherLabel: 'Another amount',
      },
      {
        ...textStep({
          name: 'observation-amount-other',
          label: 'Observation — another amount (minutes)',
          question: `How many minutes in total this cycle?${capped ? ` At most ${cap}.` : ''}`,
          minLength: 1,
          required: 'Please give the minutes, as you chose another amount.',
          validate: { test: within, message: capped ? `Please give the minutes as a number no more than ${cap}, the cap on observation this cycle.` : 'Please give the minutes as a number, e.g. `90`.' },
        }),
        show: (value) => `${String(value).trim().replace(/\s*min(?:ute)?s?$/i, '')} minutes`,
      },
      values,
    ).map((step) => ({ ...step, rule: capped ? observation.rule : rule })),
    textStep({ name: 'observation-purpose', label: 'Observation — primary purpose', question: 'What is its primary purpose?' }),
    textStep({ name: 'observation-aspects', label: 'Observation — aspects assessed', question: 'Which aspects of your teaching will be assessed?' }),
    ...choiceWithOther(
      {
        name: 'observation-duration',
        label: 'Observation — duration',
        question: 'How long will each observation be?',
        choices: [
          { label: '30 minutes each', value: '30-minutes' },
          { label: 'A whole lesson each', value: 'whole-lesson' },
        ],
        otherLabel: 'Another length',
      },
      textStep({ name: 'observation-duration-other', label: 'Observation — another length', question: 'How long will each observation be? (e.g. `2 × 50 minutes`)', required: 'Please say how long, as you chose another length.' }),
      values,
    ),
    // 002 §48's pattern first where the policy sets one; a policy without one asks when in words.
    ...(usualTiming === undefined
      ? [textStep({ name: 'observation-timing', label: 'Observation — when', question: 'When in the cycle will they take place?' })]
      : choiceWithOther(
          { name: 'observation-timing', label: 'Observation — when', question: 'When in the cycle will they take place?', choices: [{ label: usualTiming.text, value: 'usual' }], otherLabel: 'At other times' },
          textStep({ name: 'observation-timing-other', label: 'Observation — when, in your words', question: 'When in the cycle will they take place? (e.g. `October, graded; March, reviewing progress`)', required: 'Please say when, as you chose other times.' }),
          values,
        ).map((step) => ({ ...step, rule: usualTiming.rule }))),
    ...choiceWithOther(
      {
        name: 'observation-observer',
        label: 'Observation — observer',
        question: 'Who will conduct them?',
        choices: [{ label: reviewerName === undefined ? 'My reviewer' : `My reviewer, ${reviewerName}`, value: 'reviewer' }],
        otherLabel: 'Someone else',
      },
      textStep({ name: 'observation-observer-other', label: 'Observation — who else observes', question: 'Who will conduct them? Their name and role.', required: 'Please name who will observe, as you chose someone else.' }),
      values,
    ).map((step) => ({ ...step, rule: observation.othersMayObserve?.rule ?? rule })),
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
export function smartTargetsShape(plan: SmartTargets, person: { role: Role; flags: readonly Flag[] }, observation?: Observation, reviewerName?: string): PlanShapeSteps {
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
  const arrangements = (values: Values): Step[] => (observation?.arrangementsInPlan === undefined ? [] : observationArrangementSteps(observation, person, reviewerName, values));
  return {
    intro: `Your plan is ${chosen.length} SMART targets: ${chosen.map((s) => s.label.toLowerCase()).join('; ')}.${observation?.arrangementsInPlan === undefined ? '' : ' Then the classroom observation arrangements you agree.'}`,
    steps: (values) => [...chosen.flatMap(stepsFor), ...arrangements(values)],
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
