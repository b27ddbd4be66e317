import type { StaffMember } from './people/staff-member.ts';
import type { RosterRow } from './roster/parse-roster-csv.ts';
import type { School } from './schools/school.ts';
import type { PlannedCycle } from './timeline/plan-obligations.ts';

/**
 * What the core needs from storage. Implementations live in src/storage; the core never imports
 * them, which keeps every rule here testable and the database swappable.
 */
export interface SchoolRepository {
  /** Creates or updates a school by slug; a trust slug creates the trust if needed. */
  saveSchool(input: Omit<School, 'id'> & { trustName?: string | undefined }): Promise<{ school: School; created: boolean }>;
  findSchool(slug: string): Promise<School | undefined>;
}

export interface RosterChanges {
  created: number;
  updated: number;
  unchanged: number;
  /** People already in Trellis for this school whom the file does not mention. */
  notInFile: number;
}

export interface RosterRepository {
  /**
   * Writes the rows in one transaction: people created or updated by e-mail, line managers,
   * reviewer and coach assignments (ended and started, never rewritten, so history stays).
   */
  applyRoster(schoolId: string, rows: readonly RosterRow[], today: string): Promise<RosterChanges>;
  /** The school's staff with their reviewer and coach on the day (`src/core/access/relationships.ts`). */
  findStaff(schoolId: string, on: string): Promise<StaffMember[]>;
}

export interface ObligationChanges {
  created: number;
  updated: number;
  removed: number;
  unchanged: number;
}

export interface ObligationRepository {
  /** Stores planned cycles idempotently: open obligations follow the plan; finished ones stay. */
  syncCycles(schoolId: string, cycles: readonly PlannedCycle[]): Promise<ObligationChanges>;
}
