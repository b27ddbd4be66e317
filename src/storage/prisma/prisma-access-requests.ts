import type { AccessRequestRecord, AccessRequestStatus, AccessRequestStore, NewAccessRequest, Requested } from '../../core/access/access-ports.ts';
import type { QueuedNotification, SavedReply } from '../../core/notifications/notification-queue.ts';
import type { PrismaClient } from '../db/create-prisma-client.ts';
import { queueNotificationRows, queueReplyRow } from './prisma-notification-queue.ts';
import { lockRequest } from './request-lock.ts';

const STATUSES: readonly AccessRequestStatus[] = ['requested', 'granted', 'refused'];

const SELECT = {
  id: true,
  requesterId: true,
  subjectId: true,
  reason: true,
  status: true,
  requestedAt: true,
  grantedById: true,
  expiresAt: true,
  decisionNote: true,
  requester: { select: { fullName: true } },
  subject: { select: { fullName: true } },
} as const;

type Row = {
  id: string;
  requesterId: string;
  subjectId: string;
  reason: string;
  status: string;
  requestedAt: Date;
  grantedById: string | null;
  expiresAt: Date | null;
  decisionNote: string | null;
  requester: { fullName: string };
  subject: { fullName: string };
};

function toRecord(row: Row): AccessRequestRecord {
  return {
    id: row.id,
    requesterId: row.requesterId,
    requesterName: row.requester.fullName,
    subjectId: row.subjectId,
    subjectName: row.subject.fullName,
    reason: row.reason,
    status: STATUSES.find((s) => s === row.status) ?? 'requested',
    requestedAt: row.requestedAt,
    decidedById: row.grantedById ?? undefined,
    expiresAt: row.expiresAt ?? undefined,
    decisionNote: row.decisionNote ?? undefined,
  };
}

/** Requests and grants of access to a plan (002 §18) in `access_grants`. */
export class PrismaAccessRequestStore implements AccessRequestStore {
  readonly #prisma: PrismaClient;

  constructor(prisma: PrismaClient) {
    this.#prisma = prisma;
  }

  create(input: NewAccessRequest): Promise<Requested<AccessRequestRecord>> {
    return this.#prisma.$transaction(async (tx) => {
      await lockRequest(tx, `access-request:${input.requesterId}:${input.subjectId}`);
      const waiting = await tx.accessGrant.findFirst({ where: { requesterId: input.requesterId, subjectId: input.subjectId, status: 'requested' }, orderBy: { requestedAt: 'asc' }, select: SELECT });
      const requested = waiting !== null ? { request: toRecord(waiting), waitingAlready: true } : { request: toRecord(await tx.accessGrant.create({ data: { requesterId: input.requesterId, subjectId: input.subjectId, reason: input.reason, status: 'requested', requestedAt: input.at }, select: SELECT })), waitingAlready: false };
      if (!requested.waitingAlready) await queueNotificationRows(tx, input.notify(requested.request), input.at);
      const reply = input.reply?.(requested);
      if (reply !== undefined) await queueReplyRow(tx, reply, input.at);
      return requested;
    });
  }

  async pending(schoolId: string): Promise<AccessRequestRecord[]> {
    const rows = await this.#prisma.accessGrant.findMany({ where: { status: 'requested', subject: { schoolId, active: true } }, orderBy: { requestedAt: 'asc' }, select: SELECT });
    return rows.map(toRecord);
  }

  decide(
    id: string,
    d: { status: 'granted' | 'refused'; decidedById: string; at: Date; expiresAt?: Date | undefined; note?: string | undefined; notify: readonly QueuedNotification[]; reply?: SavedReply | undefined },
  ): Promise<boolean> {
    return this.#prisma.$transaction(async (tx) => {
      // Only a waiting request changes: two heads deciding at once cannot both win, nor both tell anyone.
      const { count } = await tx.accessGrant.updateMany({
        where: { id, status: 'requested' },
        data: { status: d.status, grantedById: d.decidedById, grantedAt: d.status === 'granted' ? d.at : null, expiresAt: d.expiresAt ?? null, decisionNote: d.note ?? null },
      });
      if (count !== 1) return false;
      await queueNotificationRows(tx, d.notify, d.at);
      if (d.reply !== undefined) await queueReplyRow(tx, d.reply, d.at);
      return true;
    });
  }

  async markNotified(id: string, at: Date): Promise<void> {
    await this.#prisma.accessGrant.update({ where: { id }, data: { notifiedAt: at } });
  }
}
