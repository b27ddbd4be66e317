
import type { ReviewLoadException } from '../../core/roster/review-load.ts';
import type { ReviewLoadExceptionStore } from '../../core/roster/review-load-exceptions.ts';
import type { PrismaClient } from '../db/create-prisma-client.ts';
import { PrismaSchoolStaffReads } from './prisma-school-staff-reads.ts';

/** The audit action of a head's confirmation of an exception to the number of reviewees (002 §25). */
export const REVIEW_LOAD_EXCEPTION_ACTION = 'review-load.exception-confirmed';

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

/** The school's confirmed exceptions, each with the name of the head who confirmed it. */
export async function reviewLoadExceptionsOf(prisma: PrismaClient, schoolId: string): Promise<ReviewLoadException[]> {
  const rows = await prisma.auditEvent.findMany({ where: { schoolId, action: REVIEW_LOAD_EXCEPTION_ACTION }, orderBy: { at: 'asc' }, select: { at: true, details: true, actor: { select: { fullName: true } } } });
  return rows.flatMap((row) => {
    const d = row.details;
    if (d === null || typeof d !== 'object' || Array.isArray(d)) return [];
    const { reviewerEmail, count, reason } = d as Record<string, unknown>;
    if (typeof reviewerEmail !== 'string' || typeof count !== 'number') return [];
    return [{ reviewerEmail, count, confirmedBy: row.actor?.fullName ?? 'The head (no longer on the roster)', at: row.at, ...(typeof reason === 'string' ? { reason } : {}) }];
  });
}
