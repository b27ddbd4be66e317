import type { IsoDate } from '../../core/calendar/iso-date.ts';
import type {
  AppealDecision,
  AppealInput,
  CheckInRecord,
  Colleague,
  DiaryRecord,
  EndOfCycleReviewInput,
  FeedbackRecordInput,
  FinalReportInput,
  GrowMeetingRecord,
  ObservationRecordInput,
  PayThresholdInput,
  PeerObservationInput,
  PersonRef,
  PlanDecision,
  PlanRecord,
  RecordsWriter,
  ReflectionRecord,
  StoredAppeal,
  StoredObservation,
} from '../../core/conversations/conversation-ports.ts';
import type { DeadlineObligation } from '../../core/deadlines/deadline-obligation.ts';
import type { AccessPurpose, RecordKind } from '../../core/access/access-rule.ts';
import { knownFlags, RoleSchema } from '../../core/people/person.ts';
import { hasReviewerPowers, type Relationships, relationshipsOn } from '../../core/access/relationships.ts';
import type { ObligationKind } from '../../core/obligations/obligation-kinds.ts';
import { obligationForDate } from '../../core/obligations/obligation-for-date.ts';
import type { Prisma } from '../../generated/prisma/client.ts';
import type { PrismaClient } from '../db/create-prisma-client.ts';
import { fromDbDate, toDbDate } from './db-date.ts';
import { PrismaPeopleFacts, prismaAccess } from './prisma-access-relationships.ts';
import { PrismaCheckInScheduleReads, PrismaCheckInScheduleWrites } from './prisma-check-in-schedule.ts';
import { saveDeadlineObligations } from './prisma-reminder-store.ts';

type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

const json = (value: unknown): Prisma.InputJsonValue => value as Prisma.InputJsonValue;
const optionalDate = (date: string | undefined): Date | null => (date === undefined ? null : toDbDate(date));

/** The records finished dialogs write, inside the turn's transaction. */
export class PrismaDialogRecords implements RecordsWriter {
  readonly #tx: Tx;
  readonly checkInMeetings: PrismaCheckInScheduleWrites;

  constructor(tx: Tx) {
    this.#tx = tx;
    this.checkInMeetings = new PrismaCheckInScheduleWrites(tx);
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

  async saveCheckIn(record: CheckInRecord): Promise<{ id: string }> {
    const saved = await this.#tx.checkIn.create({
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
    // Recording the check-in is what makes a booked one "held" and stops its reminders.
    await this.checkInMeetings.markHeld({ personId: record.personId, heldOn: record.heldOn, checkInId: saved.id });
    return saved;
  }

  addDiaryEntry(record: DiaryRecord): Promise<{ id: string }> {
    return this.#tx.diaryEntry.create({
      data: { cycleId: record.cycleId, personId: record.personId, writtenOn: toDbDate(record.writtenOn), body: record.body, tags: record.tags },
      select: { id: true },
    });
  }

  async completeObligation(input: { personId: string; cycleId: string; kind: ObligationKind; on: IsoDate; at: Date }): Promise<boolean> {
    const rows = await this.#tx.obligation.findMany({
      where: { personId: input.personId, cycleId: input.cycleId, kind: input.kind, status: 'open' },
      select: { id: true, key: true, opensOn: true, dueOn: true },
    });
    const open = obligationForDate(
      rows.map((row) => ({ id: row.id, key: row.key, opensOn: fromDbDate(row.opensOn), dueOn: fromDbDate(row.dueOn) })),
      input.on,
    );
    if (open === undefined) return false;
    // Guarded on status so a concurrent completion of the same obligation is counted once.
    const { count } = await this.#tx.obligation.updateMany({ where: { id: open.id, status: 'open' }, data: { status: 'done', completedAt: input.at } });
    return count === 1;
  }

  async saveGrowMeeting(record: GrowMeetingRecord): Promise<{ id: string }> {
    const agreed = record.agreedAt === undefined ? {} : { status: 'agreed', agreedAt: record.agreedAt, agreedById: record.managerId };
    const fields = { summary: record.summary, details: json(record.details), ...agreed };
    return this.#tx.growthPlan.upsert({
      where: { cycleId: record.cycleId },
      create: { cycleId: record.cycleId, personId: record.personId, status: 'draft', ...fields },
      update: fields,
      select: { id: true },
    });
  }

  saveFeedback(record: FeedbackRecordInput): Promise<{ id: string }> {
    const { givenOn, ...rest } = record;
    return this.#tx.feedbackRecord.create({ data: { ...rest, givenOn: toDbDate(givenOn) }, select: { id: true } });
  }

  saveObservation(record: ObservationRecordInput): Promise<{ id: string }> {
    return this.#tx.observation.create({
      data: {
        cycleId: record.cycleId,
        personId: record.personId,
        observerId: record.observerId,
        observedOn: toDbDate(record.observedOn),
        className: record.className,
        minutes: record.minutes,
        focus: record.focus ?? null,
        kind: record.kind,
        oralFeedbackOn: optionalDate(record.oralFeedbackOn),
        countsTowardCap: record.countsTowardCap,
        grade: record.grade ?? null,
        revisionMeetingOn: optionalDate(record.revisionMeetingOn),
        concern: record.concern ?? null,
      },
      select: { id: true },
    });
  }

  savePeerObservation(record: PeerObservationInput): Promise<{ id: string }> {
    const { observedOn, ...rest } = record;
    return this.#tx.peerObservation.create({ data: { ...rest, observedOn: toDbDate(observedOn) }, select: { id: true } });
  }

  async appendObservationComment(input: { observationId: string; personId: string; comment: string }): Promise<boolean> {
    // Only the observed teacher's own observation: the person id guards against a stale choice.
    const row = await this.#tx.observation.findFirst({ where: { id: input.observationId, personId: input.personId }, select: { teacherComment: true } });
    if (row === null) return false;
    const teacherComment = row.teacherComment === null ? input.comment : `${row.teacherComment}\n\n${input.comment}`;
    await this.#tx.observation.update({ where: { id: input.observationId }, data: { teacherComment } });
    return true;
  }

  saveEndOfCycleReview(record: EndOfCycleReviewInput): Promise<{ id: string }> {
    const fields = {
      personId: record.personId,
      reviewerId: record.reviewerId ?? null,
      intended: record.intended,
      did: record.did,
      impact: record.impact,
      recommendations: record.recommendations,
      details: json(record.details),
      status: 'submitted',
      completedAt: record.completedAt,
    };
    return this.#tx.endOfCycleReview.upsert({ where: { cycleId: record.cycleId }, create: { cycleId: record.cycleId, ...fields }, update: fields, select: { id: true } });
  }

  saveAppeal(record: AppealInput): Promise<{ id: string }> {
    return this.#tx.appeal.create({
      data: {
        cycleId: record.cycleId,
        personId: record.personId,
        // No column says who hears the appeal yet, so each entry carries it (see AppealInput.routedTo).
        entries: json(record.entries.map((entry) => ({ ...entry, routedTo: record.routedTo }))),
        grounds: record.grounds,
        lodgedOn: toDbDate(record.lodgedOn),
        finalReportReceivedOn: toDbDate(record.finalReportReceivedOn),
        appealManagerId: record.appealManagerId ?? null,
        companion: record.companion ?? null,
      },
      select: { id: true },
    });
  }

  async issueFinalReport(record: FinalReportInput): Promise<{ id: string }> {
    const existing = await this.#tx.endOfCycleReview.findUnique({ where: { cycleId: record.cycleId }, select: { details: true, finalReportIssuedOn: true } });
    const raw = existing?.details;
    const details = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? raw : {};
    // A report issued again (a correction) keeps the day it was first issued, from which the appeal window already runs.
    const issuedOn = existing?.finalReportIssuedOn ?? toDbDate(record.issuedOn);
    const fields = { reviewerId: record.reviewerId, status: 'final', finalReportIssuedOn: issuedOn, details: json({ ...details, finalReport: record.report }) };
    return this.#tx.endOfCycleReview.upsert({
      where: { cycleId: record.cycleId },
      create: { cycleId: record.cycleId, personId: record.personId, ...fields },
      update: fields,
      select: { id: true },
    });
  }

  async decideAppeal(decision: AppealDecision): Promise<boolean> {
    // Guarded on status so an appeal is decided once: the Appeal Manager's decision is final (002 §17).
    const { count } = await this.#tx.appeal.updateMany({
      where: { id: decision.appealId, status: { not: 'decided' } },
      data: { status: 'decided', outcome: decision.outcome, meetingOn: toDbDate(decision.meetingOn), outcomeOn: toDbDate(decision.decidedOn) },
    });
    if (count === 1) {
      const row = await this.#tx.appeal.findUniqueOrThrow({ where: { id: decision.appealId }, select: { entries: true } });
      // The reasons go with the entries until appeals have a column for them.
      const entries = Array.isArray(row.entries) ? row.entries : [];
      await this.#tx.appeal.update({ where: { id: decision.appealId }, data: { entries: json([...entries, { outcomeReasons: decision.reasons }]) } });
    }
    return count === 1;
  }

  savePayThresholdApplication(record: PayThresholdInput): Promise<{ id: string }> {
    return this.#tx.payThresholdApplication.create({
      data: {
        personId: record.personId,
        cycleId: record.cycleId ?? null,
        academicYear: record.academicYear,
        status: 'submitted',
        businessCase: record.businessCase,
        evidence: json(record.evidence),
        submittedOn: toDbDate(record.submittedOn),
      },
      select: { id: true },
    });
  }

  async saveDeadlines(input: { create: readonly DeadlineObligation[]; close?: readonly string[] | undefined; at: Date }): Promise<void> {
    await saveDeadlineObligations(this.#tx, input.create);
    const close = input.close ?? [];
    if (close.length > 0) await this.#tx.obligation.updateMany({ where: { key: { in: [...close] }, status: { in: ['open', 'snoozed'] } }, data: { status: 'done', completedAt: input.at } });
  }
}

/** People rows as colleagues; a role or flag this version does not know is left out, not guessed. */
function colleaguesOf(rows: readonly { id: string; fullName: string; role: string; flags: string[]; fte?: number | null }[]): Colleague[] {
  return rows.flatMap((row) => {
    const role = RoleSchema.safeParse(row.role);
    if (!role.success) return [];
    const flags = knownFlags(row.flags);
    return [{ id: row.id, fullName: row.fullName, role: role.data, flags, fte: row.fte ?? undefined }];
  });
}

/**
 * The reads the later dialogs (GROW meeting, feedback, observation, appeal, pay threshold) add to
 * DialogReads; the conversation store's reads extend this class.
 */
export class PrismaRecordReads {
  readonly #tx: Tx;
  readonly checkInMeetings: PrismaCheckInScheduleReads;

  constructor(tx: Tx) {
    this.#tx = tx;
    this.checkInMeetings = new PrismaCheckInScheduleReads(tx);
  }

  /**
   * The people `reviewerId` reviews on the day (by the one relationships rule, so a delegated
   * reviewer replaces the line manager and a coach reviews only where the policy says so, 003
   * §6.1), then those they coach without reviewing, marked as such.
   */
  async revieweesOf(reviewerId: string, today: IsoDate): Promise<Colleague[]> {
    const candidates = (await new PrismaPeopleFacts(this.#tx).candidatesFor(reviewerId)).filter((f) => f.person.active && f.person.id !== reviewerId);
    const colleagues: Colleague[] = [];
    for (const facts of candidates) {
      const relationships = relationshipsOn(facts, today);
      const relation = hasReviewerPowers(reviewerId, relationships) ? 'reviewer' : relationships.coachId === reviewerId ? 'coach' : undefined;
      if (relation === undefined) continue;
      const { id, fullName, email, role, flags, fte } = facts.person;
      colleagues.push({ id, fullName, email, role, flags, fte, relation });
    }
    return colleagues.sort((x, y) => x.fullName.localeCompare(y.fullName) || x.id.localeCompare(y.id));
  }

  async relationshipsOf(personId: string, today: IsoDate): Promise<Relationships | undefined> {
    const [facts] = await new PrismaPeopleFacts(this.#tx).factsOf([personId]);
    return facts === undefined ? undefined : relationshipsOn(facts, today);
  }

  async readAbout(viewerId: string, subjectId: string, kind: RecordKind, now: Date, purpose?: AccessPurpose): Promise<boolean> {
    const { guard } = prismaAccess(this.#tx);
    const [read] = await guard.read(viewerId, [subjectId], kind, now, [], purpose);
    return read?.decision.allowed === true;
  }

  async personRef(personId: string): Promise<PersonRef | undefined> {
    const person = await this.#tx.person.findUnique({ where: { id: personId }, select: { id: true, fullName: true, active: true } });
    return person === null || !person.active ? undefined : { id: person.id, fullName: person.fullName };
  }

  async colleaguesInSchool(schoolId: string, exceptId: string): Promise<Colleague[]> {
    const rows = await this.#tx.person.findMany({
      where: { schoolId, active: true, id: { not: exceptId } },
      select: { id: true, fullName: true, role: true, flags: true, fte: true },
      orderBy: { fullName: 'asc' },
    });
    return colleaguesOf(rows);
  }

  async headOf(schoolId: string): Promise<PersonRef | undefined> {
    const head = await this.#tx.person.findFirst({ where: { schoolId, role: 'headteacher', active: true }, orderBy: { createdAt: 'asc' }, select: { id: true, fullName: true } });
    return head ?? undefined;
  }

  async calendarSource(schoolId: string): Promise<{ region: string; termDates: unknown }> {
    const school = await this.#tx.school.findUniqueOrThrow({ where: { id: schoolId }, select: { region: true, termDates: true } });
    return { region: school.region, termDates: school.termDates };
  }

  async observationsForCycle(cycleId: string): Promise<StoredObservation[]> {
    const rows = await this.#tx.observation.findMany({ where: { cycleId }, orderBy: [{ observedOn: 'asc' }, { createdAt: 'asc' }], include: { observer: { select: { fullName: true } } } });
    return rows.map((row) => ({
      id: row.id,
      cycleId: row.cycleId,
      personId: row.personId,
      observerId: row.observerId ?? undefined,
      observerName: row.observer?.fullName,
      observedOn: fromDbDate(row.observedOn),
      className: row.className,
      minutes: row.minutes,
      focus: row.focus ?? undefined,
      kind: row.kind,
      countsTowardCap: row.countsTowardCap,
      teacherComment: row.teacherComment ?? undefined,
      grade: row.grade ?? undefined,
    }));
  }

  async planGoalsForCycle(cycleId: string): Promise<{ kind: string; title: string }[]> {
    return this.#tx.planGoal.findMany({ where: { plan: { cycleId } }, orderBy: { position: 'asc' }, select: { kind: true, title: true } });
  }

  async finalReportIssuedOn(cycleId: string): Promise<IsoDate | undefined> {
    const row = await this.#tx.endOfCycleReview.findUnique({ where: { cycleId }, select: { finalReportIssuedOn: true } });
    return row?.finalReportIssuedOn == null ? undefined : fromDbDate(row.finalReportIssuedOn);
  }

  async appealsToDecide(appealManagerId: string): Promise<StoredAppeal[]> {
    const rows = await this.#tx.appeal.findMany({
      where: { appealManagerId, status: { not: 'decided' } },
      orderBy: { lodgedOn: 'asc' },
      include: { person: { select: { fullName: true } } },
    });
    return rows.map((row) => ({
      id: row.id,
      cycleId: row.cycleId,
      personId: row.personId,
      personName: row.person.fullName,
      lodgedOn: fromDbDate(row.lodgedOn),
      finalReportReceivedOn: fromDbDate(row.finalReportReceivedOn),
      entries: (Array.isArray(row.entries) ? row.entries : []).flatMap((entry) =>
        typeof entry === 'object' && entry !== null && !Array.isArray(entry) && typeof entry.about === 'string' ? [entry.about] : [],
      ),
    }));
  }

  async latestFeedback(personId: string): Promise<{ givenOn: IsoDate; actionStep?: string | undefined; lockIn?: string | undefined } | undefined> {
    const row = await this.#tx.feedbackRecord.findFirst({ where: { personId }, orderBy: [{ givenOn: 'desc' }, { createdAt: 'desc' }] });
    return row === null ? undefined : { givenOn: fromDbDate(row.givenOn), actionStep: row.actionStep ?? undefined, lockIn: row.lockIn ?? undefined };
  }

  async payThresholdApplicationFor(personId: string, academicYear: number): Promise<{ id: string; status: string } | undefined> {
    const row = await this.#tx.payThresholdApplication.findUnique({ where: { personId_academicYear: { personId, academicYear } }, select: { id: true, status: true } });
    return row ?? undefined;
  }
}
