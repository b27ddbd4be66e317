import type { Flag, Role } from '../../people/person.ts';
import type { AppliesTo, Policy } from '../../policy/policy-schema.ts';
import type { CycleRef } from '../conversation-ports.ts';
import type { DialogEnv } from '../engine/define-dialog.ts';

export const NO_CYCLE =
  'You don’t have an active growth cycle yet, so there’s nowhere to save this. Your Trellis administrator sets cycles up from the school’s policy and roster.';

/** The person's active cycle, or the sentence to say when there is none. */
export async function cycleOrExplain(env: DialogEnv): Promise<CycleRef | { unavailable: string }> {
  const cycle = await env.reads.activeCycle(env.person.id, env.today);
  return cycle ?? { unavailable: NO_CYCLE };
}

/** A policy `appliesTo` against a person's role and flags (the core's one rule, without a full profile). */
export function appliesToPerson(appliesTo: AppliesTo, person: { role: Role; flags: readonly Flag[] }): boolean {
  if (appliesTo.roles !== undefined && !appliesTo.roles.includes(person.role)) return false;
  if (appliesTo.anyFlags !== undefined && !appliesTo.anyFlags.some((flag) => person.flags.includes(flag))) return false;
  if (appliesTo.noFlags?.some((flag) => person.flags.includes(flag))) return false;
  return true;
}

/**
 * The leadership goal this person's plan asks for (001 "Evaluating your process", Appendix E), or
 * undefined: senior leaders get the questions linked to whole-school strategic priorities where the
 * policy has them; UPS teachers, TLR holders and others it names get the general ones.
 */
export function leadershipGoalFor(policy: Policy, person: { role: Role; flags: readonly Flag[] }): { fields: NonNullable<Policy['leadershipGoal']>['fields']; rule: string } | undefined {
  const goal = policy.leadershipGoal;
  if (goal === undefined) return undefined;
  if (goal.seniorLeaders !== undefined && appliesToPerson(goal.seniorLeaders.appliesTo, person)) return goal.seniorLeaders;
  return appliesToPerson(goal.appliesTo, person) ? goal : undefined;
}

export function firstName(fullName: string): string {
  return fullName.split(/\s+/)[0] ?? fullName;
}

/** Shortens a long answer for a button label or a list. */
export function clip(text: string, max = 60): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}
