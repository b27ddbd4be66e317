import type { IsoDate } from '../../core/calendar/iso-date.ts';
import type { StaffMember } from '../../core/people/staff-member.ts';
import type { SchoolStaffReads } from '../../core/roster/school-staff-reads.ts';
import type { School } from '../../core/schools/school.ts';
import type { PrismaClient } from '../db/create-prisma-client.ts';
import { PrismaRosterRepository } from './prisma-roster-repository.ts';
import { PrismaSchoolRepository } from './prisma-school-repository.ts';

/** A school by its id and its staff, through the repositories the roster import uses. */
export class PrismaSchoolStaffReads implements SchoolStaffReads {
  protected readonly prisma: PrismaClient;

  constructor(prisma: PrismaClient) {
    this.prisma = prisma;
  }

  school(schoolId: string): Promise<School | undefined> {
    return new PrismaSchoolRepository(this.prisma).findSchoolById(schoolId);
  }

  staff(schoolId: string, on: IsoDate): Promise<StaffMember[]> {
    return new PrismaRosterRepository(this.prisma).findStaff(schoolId, on);
  }
}
