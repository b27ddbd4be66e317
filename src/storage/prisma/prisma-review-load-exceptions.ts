import type { ReviewLoadExceptionStore } from '../../core/roster/review-load-exceptions.ts';
import { PrismaSchoolStaffReads } from './prisma-school-staff-reads.ts';
import { REVIEW_LOAD_EXCEPTION_ACTION } from './review-load-exception-reads.ts';

/** The head's exceptions to the limit on reviewees (002 §25), kept in the audit trail. */
export class PrismaReviewLoadExceptions extends PrismaSchoolStaffReads implements ReviewLoadExceptionStore {
  async record(input: { schoolId: string; reviewerId: string; reviewerEmail: string; deciderId: string; count: number; max: number; reason: string | undefined; at: Date; rule: string }): Promise<void> {
    await this.prisma.auditEvent.create({
      data: {
        schoolId: input.schoolId,
        actorId: input.deciderId,
        action: REVIEW_LOAD_EXCEPTION_ACTION,
        subjectType: 'person',
        subjectId: input.reviewerId,
        at: input.at,
        details: { reviewerEmail: input.reviewerEmail, count: input.count, max: input.max, rule: input.rule, ...(input.reason === undefined ? {} : { reason: input.reason }) },
      },
    });
  }
}
