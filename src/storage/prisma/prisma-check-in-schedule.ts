import { addCalendarDays, type IsoDate } from '../../core/calendar/iso-date.ts';
import { londonInstant } from '../../core/calendar/london-time.ts';
import type { ObligationKind } from '../../core/obligations/obligation-kinds.ts';
import type { CheckInWindow } from '../../core/scheduling/check-in-window.ts';
import { meetingKeyPrefix } from '../../core/scheduling/meeting-reminders.ts';
import type { CheckInMeetingReads, CheckInMeetingWrites, MeetingObligation, MeetingStatus, ScheduledMeeting } from '../../core/scheduling/scheduling-ports.ts';
import type { PrismaClient } from '../db/create-prisma-client.ts';
import { fromDbDate, toDbDate } from './db-date.ts';

type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

const PARTY = { select: { id: true, fullName: true, email: true } } as const;
const WITH_PARTIES = { person: PARTY, organizer: PARTY } as const;
const STATUSES: readonly MeetingStatus[] = ['scheduled', 'held', 'cancelled'];

type MeetingRow = {
  id: string;
  cycleId: string;
  startsAt: Date;
  durationMinutes: number;
  status: string;
  sequence: number;
  person: { id: string; fullName: string; email: string };
  organizer: { id: string; fullName: string; email: string } | null;
};

function toMeeting(row: MeetingRow): ScheduledMeeting {
  return {
    id: row.id,
    cycleId: row.cycleId,
    reviewee: row.person,
    organizer: row.organizer ?? undefined,
    startsAt: row.startsAt,
    durationMinutes: row.durationMinutes,
    status: STATUSES.find((s) => s === row.status) ?? 'scheduled',
    sequence: row.sequence,
  };
}

/** Reads of booked check-ins, inside the turn's transaction. */
export class PrismaCheckInScheduleReads implements CheckInMeetingReads {
  readonly #tx: Tx;

  constructor(tx: Tx) {
    this.#tx = tx;
  }

  async meeting(id: string): Promise<ScheduledMeeting | undefined> {
    const row = await this.#tx.checkInMeeting.findUnique({ where: { id }, include: WITH_PARTIES });
    return row === null ? undefined : toMeeting(row);
  }

  async scheduledMeetingsOf(personId: string, since: Date): Promise<ScheduledMeeting[]> {
    const rows = await this.#tx.checkInMeeting.findMany({
      where: { status: 'scheduled', startsAt: { gte: since }, OR: [{ personId }, { organizerId: personId }] },
      include: WITH_PARTIES,
      orderBy: { startsAt: 'asc' },
      take: 20,
    });
    return rows.map(toMeeting);
  }

  async checkInWindows(personIds: readonly string[]): Promise<Map<string, CheckInWindow>> {
    const rows = await this.#tx.obligation.findMany({
      where: { personId: { in: [...personIds] }, kind: 'check-in' satisfies ObligationKind, status: { in: ['open', 'snoozed'] } },
      orderBy: [{ dueOn: 'asc' }, { key: 'asc' }],
      select: { personId: true, label: true, opensOn: true, dueOn: true, rule: true },
    });
    const windows = new Map<string, CheckInWindow>();
    for (const row of rows) {
      if (!windows.has(row.personId)) windows.set(row.personId, { label: row.label, opensOn: fromDbDate(row.opensOn), dueOn: fromDbDate(row.dueOn), rule: row.rule });
    }
    return windows;
  }
}

/** Writes of booked check-ins and their reminder obligations, inside the turn's transaction. */
export class PrismaCheckInScheduleWrites implements CheckInMeetingWrites {
  readonly #tx: Tx;

  constructor(tx: Tx) {
    this.#tx = tx;
  }

  async book(input: { cycleId: string; personId: string; organizerId: string; startsAt: Date; durationMinutes: number }): Promise<ScheduledMeeting> {
    return toMeeting(await this.#tx.checkInMeeting.create({ data: input, include: WITH_PARTIES }));
  }

  async move(id: string, startsAt: Date, durationMinutes: number): Promise<ScheduledMeeting | undefined> {
    // Guarded on status and bumped in SQL, so two reschedules racing each get their own sequence.
    const { count } = await this.#tx.checkInMeeting.updateMany({ where: { id, status: 'scheduled' }, data: { startsAt, durationMinutes, sequence: { increment: 1 } } });
    return count === 1 ? this.#reload(id) : undefined;
  }

  async cancel(id: string, at: Date): Promise<ScheduledMeeting | undefined> {
    const { count } = await this.#tx.checkInMeeting.updateMany({ where: { id, status: 'scheduled' }, data: { status: 'cancelled', cancelledAt: at, sequence: { increment: 1 } } });
    return count === 1 ? this.#reload(id) : undefined;
  }

  async replaceReminders(meetingId: string, obligations: readonly MeetingObligation[]): Promise<void> {
    // Only open (or snoozed) reminders are replaced: one marked done is a record and stays.
    await this.#tx.obligation.deleteMany({
      where: { key: { startsWith: meetingKeyPrefix(meetingId), notIn: obligations.map((o) => o.key) }, status: { in: ['open', 'snoozed'] } },
    });
    for (const obligation of obligations) {
      const fields = {
        cycleId: obligation.cycleId,
        personId: obligation.personId,
        kind: obligation.kind,
        label: obligation.label,
        optional: obligation.optional,
        opensOn: toDbDate(obligation.opensOn),
        dueOn: toDbDate(obligation.dueOn),
        ownerRole: obligation.ownerRole,
        ownerPersonId: obligation.ownerPersonId,
        rule: obligation.rule,
      };
      await this.#tx.obligation.upsert({ where: { key: obligation.key }, create: { key: obligation.key, ...fields }, update: fields });
    }
  }

  /**
   * A check-in record of `heldOn` marks the reviewee's latest booked meeting on or before that
   * day held, and closes its reminders, so nobody is chased for a check-in already recorded.
   */
  async markHeld(input: { personId: string; heldOn: IsoDate; checkInId: string }): Promise<void> {
    const meeting = await this.#tx.checkInMeeting.findFirst({
      where: { personId: input.personId, status: 'scheduled', startsAt: { lt: londonInstant(addCalendarDays(input.heldOn, 1), '00:00') } },
      orderBy: { startsAt: 'desc' },
      select: { id: true },
    });
    if (meeting === null) return;
    await this.#tx.checkInMeeting.update({ where: { id: meeting.id }, data: { status: 'held', checkInId: input.checkInId } });
    await this.#tx.$executeRaw`
      UPDATE obligations SET status = 'done', completed_at = now(), updated_at = now()
      WHERE key LIKE ${`${meetingKeyPrefix(meeting.id)}%`} AND status IN ('open', 'snoozed')`;
  }

  async #reload(id: string): Promise<ScheduledMeeting> {
    return toMeeting(await this.#tx.checkInMeeting.findUniqueOrThrow({ where: { id }, include: WITH_PARTIES }));
  }
}
