import type { PersonProfile } from './person.ts';

/** A person on a school's roster, with the relationships that decide who owes what. */
export interface StaffMember extends PersonProfile {
  id: string;
  email: string;
  fullName: string;
  department?: string | undefined;
  lineManagerId?: string | undefined;
  /** The current reviewer (appraiser): by default the line manager (002 §25, 004 §3.9). */
  reviewerId?: string | undefined;
  /** The current coach, where the policy has one that may differ from the line manager (003 §6.1). */
  coachId?: string | undefined;
  /** The head of their own school on the day, as `relationshipsOn` decides it. */
  headId?: string | undefined;
  active: boolean;
}
