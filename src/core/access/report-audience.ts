import type { Flag, Role } from '../people/person.ts';

/**
 * Who counts as a leader for reports, decided here and nowhere else, from the roster: the head
 * and the deputy the head delegated performance management to (the `pm-deputy` flag) have access
 * to reports in relation to performance management, names included (002 §18); other senior and
 * middle leaders (`leader`) and trust leaders see counts only, with small numbers suppressed;
 * everyone else sees their own cycle.
 */
export type ReportAudience = 'named' | 'counts' | 'none';

export function reportAudience(person: { role: Role | string; flags?: readonly (Flag | string)[] | undefined; active?: boolean | undefined }): ReportAudience {
  if (person.active === false) return 'none';
  if (person.role === 'headteacher' || person.flags?.includes('pm-deputy') === true) return 'named';
  if (person.role === 'leader' || person.role === 'trust-leader') return 'counts';
  return 'none';
}

/** Why overdue lists come without names for someone who sees counts only. */
export const NAMES_ARE_FOR_HEAD_AND_DEPUTY = 'Names are shown only to the head and the deputy head responsible for performance management; you see counts.';
