import type { NewReviewerChange, Requested, ReviewerChangeRecord, ReviewerChangeStatus, ReviewerChangeStore } from '../../core/access/access-ports.ts';
import type { QueuedNotification, SavedReply } from '../../core/notifications/notification-queue.ts';
import type { PrismaClient } from '../db/create-prisma-client.ts';
import { toDbDate } from './db-date.ts';
import { queueNotificationRows, queueReplyRow } from './prisma-notification-queue.ts';
import { lockRequest } from './request-lock.ts';

const STATUSES: readonly ReviewerChangeStatus[] = ['requested', 'granted', 'declined'];

const SELECT = {
  id: true,
  revieweeId: true,
  reviewerId: true,
  reason: true,
  status: true,
  requestedAt: true,
  reviewee: { select: { fullName: true } },
  reviewer: { select: { fullName: true } },
} as const;

type Row = {
  id: string;
  revieweeId: string;
  reviewerId: string | null;
  reason: string;
  status: string;
  requestedAt: Date;
  reviewee: { fullName: string };
  reviewer: { fullName: string } | null;
};

function toRecord(row: Row): ReviewerChangeRecord {
  return {
    id: row.id,
    revieweeId: row.revieweeId,
    revieweeName: row.reviewee.fullName,
    reviewerId: row.reviewerId ?? undefined,
    reviewerName: row.reviewer?.fullName,
    reason: row.reason,
    status: STATUSES.find((s) => s === row.status) ?? 'requested',
    requestedAt: row.requestedAt,
  };
}

type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

/**
 * Makes `newReviewerId` the reviewee's reviewer from `on`, inside the caller's transaction: an
 * earlier delegated or replacement reviewer assignment ends that day (ended, never rewritten: the
 * history stays), the new one starts with `reason` (which `relationshipsOn` ranks above the
 * roster's and re-imports keep), and what the reviewer still owed for the reviewee passes to the
 * new one; everything done stays as it is. The one way a reviewer is replaced, for a granted
 * request (002 §27) and the head's decision after a move (002 §35).
 */
export async function replaceReviewerIn(tx: Tx, change: { revieweeId: string; newReviewerId: string; on: string; reason: string }): Promise<void> {
  const day = toDbDate(change.on);
  // The roster's own row stays, outranked.
  await tx.reviewerAssignment.updateMany({
    where: { revieweeId: change.revieweeId, kind: 'reviewer', endsOn: null, NOT: { reason: 'roster' }, reason: { not: null } },
    data: { endsOn: day },
  });
  await tx.reviewerAssignment.create({ data: { revieweeId: change.revieweeId, reviewerId: change.newReviewerId, kind: 'reviewer', startsOn: day, reason: change.reason } });
  await tx.obligation.updateMany({
    where: { personId: change.revieweeId, ownerRole: 'reviewer', status: { in: ['open', 'snoozed'] } },
    data: { ownerPersonId: change.newReviewerId },
  });
}

/** Requests for another reviewer (002 §27, 004 §3.10) in `reviewer_change_requests`; a grant is a replacement `reviewer_assignments` row. */
export class PrismaReviewerChangeStore implements ReviewerChangeStore {
  readonly #prisma: PrismaClient;

  constructor(prisma: PrismaClient) {
    this.#prisma = prisma;
  }

  create(input: NewReviewerChange): Promise<Requested<ReviewerChangeRecord>> {
    return this.#prisma.$transaction(async (tx) => {
      await lockRequest(tx, `reviewer-change:${input.revieweeId}`);
      const waiting = await tx.reviewerChangeRequest.findFirst({ where: { revieweeId: input.revieweeId, status: 'requested' }, orderBy: { requestedAt: 'asc' }, select: SELECT });
      const requested =
        waiting !== null
          ? { request: toRecord(waiting), waitingAlready: true }
          : {
              request: toRecord(
                await tx.reviewerChangeRequest.create({ data: { revieweeId: input.revieweeId, reviewerId: input.reviewerId ?? null, reason: input.reason, status: 'requested', requestedAt: input.at }, select: SELECT }),
              ),
              waitingAlready: false,
            };
      if (!requested.waitingAlready) await queueNotificationRows(tx, input.notify(requested.request), input.at);
      const reply = input.reply?.(requested);
      if (reply !== undefined) await queueReplyRow(tx, reply, input.at);
      return requested;
    });
  }

  async pending(schoolId: string): Promise<ReviewerChangeRecord[]> {
    const rows = await this.#prisma.reviewerChangeRequest.findMany({ where: { status: 'requested', reviewee: { schoolId, active: true } }, orderBy: { requestedAt: 'asc' }, select: SELECT });
    return rows.map(toRecord);
  }

  grant(id: string, grant: { decidedById: string; newReviewerId: string; at: Date; on: string; reason: string; notify: readonly QueuedNotification[]; reply?: SavedReply | undefined }): Promise<boolean> {
    return this.#prisma.$transaction(async (tx) => {
      // Only a waiting request changes: two heads deciding at once cannot both win.
      const { count } = await tx.reviewerChangeRequest.updateMany({
        where: { id, status: 'requested' },
        data: { status: 'granted', decidedById: grant.decidedById, decidedAt: grant.at, newReviewerId: grant.newReviewerId },
      });
      if (count !== 1) return false;
      const request = await tx.reviewerChangeRequest.findUniqueOrThrow({ where: { id }, select: { revieweeId: true } });
      await replaceReviewerIn(tx, { revieweeId: request.revieweeId, newReviewerId: grant.newReviewerId, on: grant.on, reason: grant.reason });
      await queueNotificationRows(tx, grant.notify, grant.at);
      if (grant.reply !== undefined) await queueReplyRow(tx, grant.reply, grant.at);
      return true;
    });
  }

  decline(id: string, decline: { decidedById: string; at: Date; note: string; notify: readonly QueuedNotification[]; reply?: SavedReply | undefined }): Promise<boolean> {
    return this.#prisma.$transaction(async (tx) => {
      const { count } = await tx.reviewerChangeRequest.updateMany({
        where: { id, status: 'requested' },
        data: { status: 'declined', decidedById: decline.decidedById, decidedAt: decline.at, decisionNote: decline.note },
      });
      if (count !== 1) return false;
      await queueNotificationRows(tx, decline.notify, decline.at);
      if (decline.reply !== undefined) await queueReplyRow(tx, decline.reply, decline.at);
      return true;
    });
  }
}
