import type { IsoDate } from '../calendar/iso-date.ts';
import type { StaffMember } from '../people/staff-member.ts';
import type { School } from '../schools/school.ts';

/** A school by its id and its staff on a day: what the head's decisions about one person read first. */
export interface SchoolStaffReads {
  school(schoolId: string): Promise<School | undefined>;
  staff(schoolId: string, on: IsoDate): Promise<StaffMember[]>;
}
