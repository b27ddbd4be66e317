import { daysBetween, type IsoDate } from '../calendar/iso-date.ts';
import type { Policy } from '../policy/policy-schema.ts';
import type { Flag } from './person.ts';

/** What the part-time rules need to know about a person: the roster's flags, full-time equivalent and first day. */
export interface WorkingPattern {
  flags: readonly Flag[];
  /** The roster's `fte`, 0 < fte ≤ 1; absent when the roster gives none. */
  fte?: number | undefined;
  /** The roster's `start_date`, their first day at the school; absent when it gives none. */
  startDate?: IsoDate | undefined;
}

/** The dates of the cycle a plan is for (`cycleDates`), for late starters' pro-rating. */
export interface CycleSpan {
  start: IsoDate;
  end: IsoDate;
}

/** Part time: flagged `part-time`, or working less than full time by the roster's FTE. */
export function isPartTime(person: WorkingPattern): boolean {
  return person.flags.includes('part-time') || (person.fte !== undefined && person.fte < 1);
}

/** Started part-way through this cycle: a first day after the cycle's first day and no later than its last. */
export function startedPartWay(person: WorkingPattern, cycle: CycleSpan | undefined): boolean {
  return cycle !== undefined && person.startDate !== undefined && person.startDate > cycle.start && person.startDate <= cycle.end;
}

/** The share of the cycle left from their first day, in calendar days (1 for anyone in post from its start). */
function shareOfCycleLeft(person: WorkingPattern, cycle: CycleSpan | undefined): number {
  if (cycle === undefined || person.startDate === undefined || !startedPartWay(person, cycle)) return 1;
  return (daysBetween(person.startDate, cycle.end) + 1) / (daysBetween(cycle.start, cycle.end) + 1);
}

/**
 * The one pro-rating rule (002 Annex 1 §3, 004 §5.9): an amount scaled by a share (the person's
 * FTE, times the share of the year left for someone who started part-way where the policy asks),
 * rounded up so nobody is held to less than their share, and never below `atLeast`. A share of 1
 * or more leaves the amount as it is.
 */
export function proRated(amount: number, share: number, atLeast = 1): number {
  if (share >= 1) return amount;
  return Math.max(atLeast, Math.ceil(amount * share));
}

/** The FTE share where the policy pro-rates by it; without an FTE (the `part-time` flag alone says nothing about how much) the whole. */
function fteShare(person: WorkingPattern, applies: boolean): number {
  return applies && person.fte !== undefined ? person.fte : 1;
}

/** 002 Annex 1 §2–3: the observation cap for this person, pro-rated by FTE where the policy says so; undefined when there is no cap. */
export function observationCapFor(policy: Policy, person: WorkingPattern): number | undefined {
  const cap = policy.observation.capMinutesPerCycle;
  return cap === undefined ? undefined : proRated(cap, fteShare(person, policy.partTime?.observationCapProRata === true), 0);
}

/**
 * 004 §5.9: how many expectations, goals or targets this person's plan may hold, pro-rated by FTE
 * and, for someone who started part-way through the cycle, by the share of it left, where the
 * policy says so.
 */
export function planMaxFor(policy: Policy, max: number, person: WorkingPattern, cycle?: CycleSpan): number {
  const partTime = policy.partTime;
  const byFte = fteShare(person, partTime?.planMaxProRata === true);
  const byStart = partTime?.lateStarters?.planMaxProRata === true ? shareOfCycleLeft(person, cycle) : 1;
  return proRated(max, byFte * byStart);
}

/**
 * 002 Annex 1 §3, 003 §7.3, 004 §5.9: what the plan dialog tells someone part time or who started
 * part-way, in plain words (`note`), and the paragraphs it comes from (`rules`), which the plan's
 * `help` names; undefined for everyone else.
 */
export function partTimePlanNote(policy: Policy, person: WorkingPattern, cycle?: CycleSpan): { note: string; rules: string[] } | undefined {
  const partTime = policy.partTime;
  if (partTime === undefined) return undefined;
  const parts: { prompt: string; rule: string }[] = [];
  if (isPartTime(person)) parts.push({ prompt: partTime.planPrompt, rule: partTime.rule });
  const late = partTime.lateStarters;
  if (late !== undefined && startedPartWay(person, cycle)) parts.push({ prompt: late.prompt, rule: late.rule });
  if (parts.length === 0) return undefined;
  return { note: parts.map((p) => (/[.!?]$/.test(p.prompt) ? p.prompt : `${p.prompt}.`)).join(' '), rules: [...new Set(parts.map((p) => p.rule))] };
}
