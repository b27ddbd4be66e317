import type { Policy } from '../policy/policy-schema.ts';
import type { Flag } from './person.ts';

/** What the part-time rules need to know about a person: the roster's flags and full-time equivalent. */
export interface WorkingPattern {
  flags: readonly Flag[];
  /** The roster's `fte`, 0 < fte ≤ 1; absent when the roster gives none. */
  fte?: number | undefined;
}

/** Part time: flagged `part-time`, or working less than full time by the roster's FTE. */
export function isPartTime(person: WorkingPattern): boolean {
  return person.flags.includes('part-time') || (person.fte !== undefined && person.fte < 1);
}

/**
 * The one pro-rating rule (002 Annex 1 §3, 004 §5.9): an amount scaled by the person's FTE where
 * the policy's `partTime` setting asks for it, rounded up so a part-timer is never held to less
 * than their share, and never below `atLeast`. Without an FTE (or full time) the amount stands:
 * the `part-time` flag alone says nothing about how much.
 */
export function proRated(amount: number, person: WorkingPattern, applies: boolean, atLeast = 1): number {
  if (!applies || person.fte === undefined || person.fte >= 1) return amount;
  return Math.max(atLeast, Math.ceil(amount * person.fte));
}

/** 002 Annex 1 §2–3: the observation cap for this person, pro-rated by FTE where the policy says so; undefined when there is no cap. */
export function observationCapFor(policy: Policy, person: WorkingPattern): number | undefined {
  const cap = policy.observation.capMinutesPerCycle;
  return cap === undefined ? undefined : proRated(cap, person, policy.partTime?.observationCapProRata === true, 0);
}

/** 004 §5.9: how many expectations, goals or targets this person's plan may hold, pro-rated by FTE where the policy says so. */
export function planMaxFor(policy: Policy, max: number, person: WorkingPattern): number {
  return proRated(max, person, policy.partTime?.planMaxProRata === true);
}

/** 002 Annex 1 §3, 003 §7.3, 004 §5.9: what the plan dialog tells someone part time, with the paragraph; undefined for everyone else. */
export function partTimePlanNote(policy: Policy, person: WorkingPattern): string | undefined {
  const partTime = policy.partTime;
  return partTime === undefined || !isPartTime(person) ? undefined : `${partTime.planPrompt} (${partTime.rule})`;
}
