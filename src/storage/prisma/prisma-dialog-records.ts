import type { CheckInRecord, DiaryRecord, PlanDecision, PlanRecord, RecordsWriter, ReflectionRecord } from '../../core/conversations/conversation-ports.ts';
import type { ObligationKind } from '../../core/policy/policy-schema.ts';
import type { Prisma } from '../../generated/prisma/client.ts';
import type { PrismaClient } from '../db/create-prisma-client.ts';
import { toDbDate } from './db-date.ts';

type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

const json = (value: unknown): Prisma.InputJsonValue => value as Prisma.InputJsonValue;
const optionalDate = (date: string | undefined): Date | null => (date === undefined ? null : toDbDate(date));

/** The records finished dialogs write, inside the turn's transaction. */
export class PrismaDialogRecords implements RecordsWriter {
  readonly #tx: Tx;

  constructor(tx: Tx) {
    this.#tx = tx;
  }

  async saveReflection(record: ReflectionRecord): Promise<{ id: string }> {
    const fields = {
      personId: record.personId,
      framework: record.framework,
      entries: json(record.entries),
      successes: record.successes ?? null,
      strengths: record.strengths ?? null,
      areasForGrowth: record.areasForGrowth ?? null,
      status: 'submitted',
      submittedAt: record.submittedAt,
    };
    return this.#tx.selfReflection.upsert({ where: { cycleId: record.cycleId }, create: { cycleId: record.cycleId, ...fields }, update: fields, select: { id: true } });
  }

  async savePlan(record: PlanRecord): Promise<{ id: string }> {
    const agreed = record.status === 'agreed';
    const fields = {
      personId: record.personId,
      status: record.status,
      summary: record.summary ?? null,
      details: json(record.details),
      submittedAt: record.submittedAt,
      // An amended plan goes back for agreement (004 §5.6–5.7), so an earlier agreement no longer stands.
      agreedAt: agreed ? record.submittedAt : null,
      agreedById: null,
    };
    const plan = await this.#tx.growthPlan.upsert({ where: { cycleId: record.cycleId }, create: { cycleId: record.cycleId, ...fields }, update: fields, select: { id: true } });
    await this.#tx.planGoal.deleteMany({ where: { planId: plan.id } });
    await this.#tx.planGoal.createMany({
      data: record.goals.map((goal, position) => ({
        planId: plan.id,
        position,
        kind: goal.kind,
        title: goal.title,
        detail: goal.detail ?? null,
        successCriteria: goal.successCriteria ?? null,
        completionDate: optionalDate(goal.completionDate),
        improvementPlanArea: goal.improvementPlanArea ?? null,
        quantitative: goal.quantitative,
        widerImpact: goal.widerImpact,
        checkInDates: goal.checkInDates.map(toDbDate),
      })),
    });
    return plan;
  }

  async decidePlan(decision: PlanDecision): Promise<void> {
    const plan = await this.#tx.growthPlan.findUniqueOrThrow({ where: { id: decision.planId }, select: { details: true } });
    const details = typeof plan.details === 'object' && plan.details !== null && !Array.isArray(plan.details) ? plan.details : {};
    const review = { decision: decision.decision, comment: decision.comment, by: decision.reviewerId, at: decision.at.toISOString() };
    const agreed = decision.decision === 'agreed';
    await this.#tx.growthPlan.update({
      where: { id: decision.planId },
      data: {
        status: decision.decision,
        agreedAt: agreed ? decision.at : null,
        agreedById: agreed ? decision.reviewerId : null,
        details: json({ ...details, review }),
      },
    });
  }

  saveCheckIn(record: CheckInRecord): Promise<{ id: string }> {
    return this.#tx.checkIn.create({
      data: {
        cycleId: record.cycleId,
        personId: record.personId,
        conductedById: record.conductedById ?? null,
        heldOn: toDbDate(record.heldOn),
        discussed: record.discussed,
        agreedActions: record.agreedActions,
        wellbeing: record.wellbeing ?? null,
        diaryNote: record.diaryNote ?? null,
        nextCheckInOn: optionalDate(record.nextCheckInOn),
      },
      select: { id: true },
    });
  }

  addDiaryEntry(record: DiaryRecord): Promise<{ id: string }> {
    return this.#tx.diaryEntry.create({
      data: { cycleId: record.cycleId, personId: record.personId, writtenOn: toDbDate(record.writtenOn), body: record.body, tags: record.tags },
      select: { id: true },
    });
  }

  async completeObligation(input: { personId: string; cycleId: string; kind: ObligationKind; at: Date }): Promise<boolean> {
    const open = await this.#tx.obligation.findFirst({
      where: { personId: input.personId, cycleId: input.cycleId, kind: input.kind, status: 'open' },
      orderBy: [{ dueOn: 'asc' }, { key: 'asc' }],
      select: { id: true },
    });
    if (open === null) return false;
    // Guarded on status so a concurrent completion of the same obligation is counted once.
    const { count } = await this.#tx.obligation.updateMany({ where: { id: open.id, status: 'open' }, data: { status: 'done', completedAt: input.at } });
    return count === 1;
  }
}
