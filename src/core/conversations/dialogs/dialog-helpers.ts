import type { Flag, Role } from '../../people/person.ts';
import type { AppliesTo, Policy } from '../../policy/policy-schema.ts';
import type { CycleRef } from '../conversation-ports.ts';
import type { DialogEnv } from '../engine/define-dialog.ts';

export const NO_CYCLE =
  'You don’t have an active growth cycle yet, so there’s nowhere to save this. Your Trellis administrator sets cycles up from the school’s policy and roster.';

/**
 * The person's active cycle, or the sentence to say when there is none: for someone the policy
 * leaves outside the cycle (004 §2.1, 002 introduction, 003 §4.2), why, and what the policy still
 * gives them instead (004 §2.2).
 */
export async function cycleOrExplain(env: DialogEnv): Promise<CycleRef | { unavailable: string }> {
  const cycle = await env.reads.activeCycle(env.person.id, env.today);
  if (cycle !== undefined) return cycle;
  const excluded = await env.reads.excludedCycle(env.person.id, env.today);
  return { unavailable: excluded === undefined ? NO_CYCLE : outsideCycleText(env.policy, excluded.reason) };
}

/** Whether the policy still offers people it leaves outside the cycle regular check-ins and feedback (004 §2.2). */
export function excludedGetCheckIns(policy: Pick<Policy, 'coverage'>): { rule: string } | undefined {
  const still = policy.coverage.excludedStillGetCheckIns;
  return still?.value === true ? { rule: still.rule } : undefined;
}

/**
 * What `reflect`, `plan` and the other cycle dialogs answer someone the policy leaves outside the
 * cycle, in plain words (the paragraphs are for `why`): the reason, that there is nothing of the
 * cycle for them to write, and what they get instead — a check-in with their line manager where
 * the policy offers one (004 §2.2), otherwise the programme that applies to them.
 */
export function outsideCycleText(policy: Pick<Policy, 'coverage'>, reason: string): string {
  const opening = `You’re not in this year’s growth cycle: ${withoutCitation(reason)}. So there is no self-reflection, growth plan or review for you to write here this year.`;
  if (excludedGetCheckIns(policy) !== undefined) {
    return `${opening} Your school still gives you regular check-ins and feedback with your line manager: say \`checkin\` to record one. Say \`why\` for what the policy says.`;
  }
  return `${opening} Please talk to your line manager about the programme that applies to you instead. Say \`why\` for what the policy says.`;
}

/** A stored exclusion reason without the paragraph it ends with ("… policy (004 §2.1.1)"). */
export function withoutCitation(reason: string): string {
  return reason.replace(/\s*\(\d{3} [^)]*\)\s*$/, '');
}

/** The paragraph a text ends with ("004 §8.2.1" out of "… strategies (004 §8.2.1)"), which `why` quotes instead. */
export function citationOf(text: string): string | undefined {
  return /\((\d{3} [^)]*)\)\s*$/.exec(text)?.[1];
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

/**
 * Where a check-in or feedback with the person is recorded: their active cycle, or — when the policy leaves
 * them outside the cycle but still gives them regular check-ins and feedback (004 §2.2) — this
 * year's excluded cycle, whose check-ins their manager is reminded of. Undefined: nowhere.
 */
export async function recordableCycleOf(env: DialogEnv, personId: string): Promise<{ cycle: CycleRef; outside: boolean } | undefined> {
  const active = await env.reads.activeCycle(personId, env.today);
  if (active !== undefined) return { cycle: active, outside: false };
  if (excludedGetCheckIns(env.policy) === undefined) return undefined;
  const excluded = await env.reads.excludedCycle(personId, env.today);
  return excluded === undefined ? undefined : { cycle: excluded, outside: true };
}
