import type { Flag } from '../../people/person.ts';
import type { Policy } from '../../policy/policy-schema.ts';
import type { StoredObservation } from '../conversation-ports.ts';

export const PERFORMANCE_MANAGEMENT = 'performance-management';

/**
 * 002 §47: performance-management observation is capped per cycle (3 hours). Only
 * performance-management observations of the cycle count, and staff with an exempt flag (ECTs,
 * colleagues on a support plan) are outside the cap because they get more support, not less.
 */
export function capApplies(policy: Policy, flags: readonly Flag[], kind: string): boolean {
  return policy.observation.capMinutesPerCycle !== undefined && kind === PERFORMANCE_MANAGEMENT && !policy.observation.capExemptFlags.some((flag) => flags.includes(flag));
}

export function minutesTowardCap(observations: readonly StoredObservation[]): number {
  return observations.filter((o) => o.countsTowardCap && o.kind === PERFORMANCE_MANAGEMENT).reduce((sum, o) => sum + o.minutes, 0);
}
