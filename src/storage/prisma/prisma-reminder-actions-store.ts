import type { IsoDate } from '../../core/calendar/iso-date.ts';
import { relationshipsOn } from '../../core/access/relationships.ts';
import type { ActionableObligation, ReminderActionStore } from '../../core/reminders/reminder-actions.ts';
import type { QueuedNotification, SavedReply } from '../../core/notifications/notification-queue.ts';
import type { PrismaClient } from '../db/create-prisma-client.ts';
import { toDbDate } from './db-date.ts';
import { PrismaPeopleFacts } from './prisma-access-relationships.ts';
import { queueNotificationRows, queueReplyRow } from './prisma-notification-queue.ts';

interface ChangeBase {
  obligationId: string;
  schoolId: string;
  actorId: string;
  at: Date;
  reply?: SavedReply | undefined;
}

/**
 * Acting on reminders in PostgreSQL. Each change is one conditional UPDATE (only an open or
 * snoozed obligation changes) and, when it changed a row, its AuditEvent, in one transaction:
 * a double press or two people pressing at once change it once and audit it once. The reply to
 * the press, when given, is saved in that transaction too (`queueReplyRow`), only if it changed.
 */
export class PrismaReminderActionsStore implements ReminderActionStore {
  readonly #prisma: PrismaClient;

  constructor(prisma: PrismaClient) {
    this.#prisma = prisma;
  }

  async findObligation(key: string, today: IsoDate): Promise<ActionableObligation | undefined> {
    const [row] = await this.#prisma.$queryRaw<ObligationRow[]>`
      SELECT o.id::text AS id, o.key, p.school_id::text AS school_id, o.kind, o.label, o.status,
        to_char(o.due_on, 'YYYY-MM-DD') AS due_on, to_char(o.snoozed_until, 'YYYY-MM-DD') AS snoozed_until,
        o.owner_role, o.owner_person_id::text AS owner_person_id, o.person_id::text AS person_id, p.full_name AS person_name,
        p.line_manager_id::text AS line_manager_id
      FROM obligations o JOIN people p ON p.id = o.person_id
      WHERE o.key = ${key}`;
    if (row === undefined) return undefined;
    // Who reviews the person is the one relationships model's to say (a delegated reviewer, or the coach under 003 §6.1).
    const [facts] = await new PrismaPeopleFacts(this.#prisma).factsOf([row.person_id]);
    const relationships = facts === undefined ? undefined : relationshipsOn(facts, today);
    const reviewerId = relationships?.reviewer?.id;
    const reviewer = reviewerId === undefined ? null : await this.#prisma.person.findUnique({ where: { id: reviewerId }, select: { id: true, fullName: true } });
    return {
      id: row.id,
      key: row.key,
      schoolId: row.school_id,
      kind: row.kind,
      label: row.label,
      status: row.status,
      dueOn: row.due_on,
      snoozedUntil: row.snoozed_until ?? undefined,
      ownerRole: row.owner_role,
      ownerPersonId: row.owner_person_id ?? undefined,
      personId: row.person_id,
      personName: row.person_name,
      reviewer: reviewer ?? undefined,
      headReviewerIds: relationships?.headReviewerIds,
      lineManagerId: row.line_manager_id ?? undefined,
    };
  }

  markDone(change: ChangeBase): Promise<boolean> {
    return this.#changeAndAudit(change, 'obligation.done', {}, (tx) =>
      tx.obligation.updateMany({
        where: { id: change.obligationId, status: { in: ['open', 'snoozed'] } },
        data: { status: 'done', completedAt: change.at, snoozedUntil: null },
      }),
    );
  }

  snooze(change: ChangeBase & { until: IsoDate }): Promise<boolean> {
    const until = toDbDate(change.until);
    return this.#changeAndAudit(change, 'obligation.snoozed', { until: change.until }, (tx) =>
      tx.obligation.updateMany({
        // Already snoozed to that very day: nothing to change, nothing to audit.
        where: { id: change.obligationId, OR: [{ status: 'open' }, { status: 'snoozed', NOT: { snoozedUntil: until } }, { status: 'snoozed', snoozedUntil: null }] },
        data: { status: 'snoozed', snoozedUntil: until },
      }),
    );
  }

  markNotApplicable(change: ChangeBase & { reason: string; notify: readonly QueuedNotification[] }): Promise<boolean> {
    return this.#changeAndAudit(
      change,
      'obligation.not-applicable',
      { reason: change.reason },
      (tx) =>
        tx.obligation.updateMany({
          where: { id: change.obligationId, status: { in: ['open', 'snoozed'] } },
          data: { status: 'not-applicable', note: change.reason, snoozedUntil: null },
        }),
      change.notify,
    );
  }

  async #changeAndAudit(
    change: ChangeBase,
    action: string,
    details: Record<string, string>,
    update: (tx: Transaction) => Promise<{ count: number }>,
    notify: readonly QueuedNotification[] = [],
  ): Promise<boolean> {
    return this.#prisma.$transaction(async (tx) => {
      const { count } = await update(tx);
      if (count === 0) return false;
      await tx.auditEvent.create({
        data: { schoolId: change.schoolId, actorId: change.actorId, action, subjectType: 'obligation', subjectId: change.obligationId, at: change.at, details },
      });
      await queueNotificationRows(tx, notify, change.at);
      if (change.reply !== undefined) await queueReplyRow(tx, change.reply, change.at);
      return true;
    });
  }
}

type Transaction = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

interface ObligationRow {
  id: string;
  key: string;
  school_id: string;
  kind: string;
  label: string;
  status: string;
  due_on: string;
  snoozed_until: string | null;
  owner_role: string;
  owner_person_id: string | null;
  person_id: string;
  person_name: string;
  line_manager_id: string | null;
}
