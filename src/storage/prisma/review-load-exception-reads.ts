import type { ReviewLoadException } from '../../core/roster/review-load.ts';
import type { PrismaClient } from '../db/create-prisma-client.ts';

/** The audit action of a head's confirmation of an exception to the number of reviewees (002 §25). */
export const REVIEW_LOAD_EXCEPTION_ACTION = 'review-load.exception-confirmed';

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
