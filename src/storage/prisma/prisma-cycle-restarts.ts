import type { IsoDate } from '../../core/calendar/iso-date.ts';
import type { QueuedNotification } from '../../core/notifications/notification-queue.ts';
import type { CycleRestartStore, RestartDecision } from '../../core/roster/cycle-restart.ts';
import type { PlannedCycle } from '../../core/timeline/plan-obligations.ts';
import { toDbDate } from './db-date.ts';
import { queueNotificationRows } from './prisma-notification-queue.ts';
import { PrismaObligationRepository } from './prisma-obligation-repository.ts';
import { replaceReviewerIn } from './prisma-reviewer-changes.ts';
import { PrismaSchoolStaffReads } from './prisma-school-staff-reads.ts';

/** The head's decisions after a move (002 §35): whether the cycle restarts and whether to change the reviewer, over the school, roster and obligation repositories the roster import uses. */
export class PrismaCycleRestarts extends PrismaSchoolStaffReads implements CycleRestartStore {
  async record(input: { schoolId: string; personId: string; deciderId: string; decision: RestartDecision; on: IsoDate; at: Date; rule: string; notify: readonly QueuedNotification[] }): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      if (input.decision === 'restart') await tx.person.update({ where: { id: input.personId }, data: { cycleRestartedOn: toDbDate(input.on) } });
      await tx.auditEvent.create({
        data: {
          schoolId: input.schoolId,
          actorId: input.deciderId,
          action: input.decision === 'restart' ? 'cycle.restarted' : 'cycle.kept',
          subjectType: 'person',
          subjectId: input.personId,
          at: input.at,
          details: { decision: input.decision, on: input.on, rule: input.rule },
        },
      });
      await queueNotificationRows(tx, input.notify, input.at);
    });
  }

  async changeReviewer(input: {
    schoolId: string;
    personId: string;
    deciderId: string;
    oldReviewerId?: string | undefined;
    newReviewerId: string;
    on: IsoDate;
    at: Date;
    rule: string;
    reason: string;
    notify: readonly QueuedNotification[];
  }): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      await replaceReviewerIn(tx, { revieweeId: input.personId, newReviewerId: input.newReviewerId, on: input.on, reason: input.reason });
      await tx.auditEvent.create({
        data: {
          schoolId: input.schoolId,
          actorId: input.deciderId,
          action: 'reviewer.changed-by-head',
          subjectType: 'person',
          subjectId: input.personId,
          at: input.at,
          details: { from: input.oldReviewerId ?? null, to: input.newReviewerId, on: input.on, rule: input.rule },
        },
      });
      await queueNotificationRows(tx, input.notify, input.at);
    });
  }

  syncCycles(schoolId: string, cycles: readonly PlannedCycle[]): Promise<unknown> {
    return new PrismaObligationRepository(this.prisma).syncCycles(schoolId, cycles);
  }
}
