import type { PersonProfile } from './person.ts';

/**
 * A person's status in the staffing structure, from what the roster records (002 §28): their role,
 * raised by the `tlr` flag (a middle leader) or the `leadership-scale` flag (a senior leader).
 * Support staff and teaching assistants, then teachers, TLR holders, leaders, the head and the
 * trust's leaders, in that order. The roster records nothing finer (no pay points), so two
 * people of the same rank are of equivalent status.
 */
export const STATUS_RANKS = ['support staff', 'a teacher', 'a TLR holder', 'a senior leader', 'the head', 'a trust leader'] as const;

export interface StaffingStatus {
  rank: number;
  /** What the rank is called in a message: “a TLR holder”. */
  name: (typeof STATUS_RANKS)[number];
}

export function staffingStatus(person: Pick<PersonProfile, 'role' | 'flags'>): StaffingStatus {
  const rank = (() => {
    switch (person.role) {
      case 'trust-leader':
        return 5;
      case 'headteacher':
        return 4;
      case 'leader':
        return 3;
      default:
        if (person.flags.includes('leadership-scale')) return 3;
        if (person.flags.includes('tlr')) return 2;
        return person.role === 'teacher' ? 1 : 0;
    }
  })();
  return { rank, name: STATUS_RANKS[rank] ?? 'support staff' };
}
