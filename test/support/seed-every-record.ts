import type { PrismaClient } from '../../src/storage/db/create-prisma-client.ts';

const day = (iso: string): Date => new Date(`${iso}T00:00:00.000Z`);

/** The ids of the rows written, by table. */
export type SeededRecords = Record<string, string[]>;

/**
 * One row in every table that holds something about `personId`, all belonging to academic year
 * `year` (a cycle of that year and its records; logs, grants, reminders and conversations dated in
 * it), with `otherId` as the reviewer, observer and viewer. Backdated columns Prisma sets itself
 * (`updated_at`, `created_at`) are set with SQL afterwards.
 */
export async function seedEveryRecord(prisma: PrismaClient, options: { schoolId: string; personId: string; otherId: string; year: number; text?: string }): Promise<SeededRecords> {
  const { schoolId, personId, otherId, year } = options;
  const text = options.text ?? `Notes from ${year}`;
  const inYear = (monthDay: string): string => `${Number(monthDay.slice(0, 2)) >= 9 ? year : year + 1}-${monthDay}`;
  const at = (monthDay: string): Date => new Date(`${inYear(monthDay)}T10:00:00.000Z`);
  const ids: SeededRecords = {};
  const add = (table: string, id: string): void => {
    ids[table] = [...(ids[table] ?? []), id];
  };

  const cycle = await prisma.cycle.create({
    data: { schoolId, personId, academicYear: year, startsOn: day(`${year}-09-01`), endsOn: day(`${year + 1}-08-31`), status: 'closed' },
  });
  add('cycles', cycle.id);
  const obligation = await prisma.obligation.create({
    data: {
      key: `${personId}:${year}:plan`,
      cycleId: cycle.id,
      personId,
      kind: 'plan-agreed',
      label: 'Agree your growth plan',
      opensOn: day(inYear('09-01')),
      dueOn: day(inYear('10-31')),
      ownerRole: 'reviewee',
      ownerPersonId: personId,
      rule: '002 §31',
      status: 'done',
    },
  });
  add('obligations', obligation.id);
  add('self_reflections', (await prisma.selfReflection.create({ data: { cycleId: cycle.id, personId, framework: 'teachers', successes: text, status: 'submitted' } })).id);
  const plan = await prisma.growthPlan.create({ data: { cycleId: cycle.id, personId, summary: text, status: 'agreed', agreedById: otherId } });
  add('growth_plans', plan.id);
  const goal = await prisma.planGoal.create({ data: { planId: plan.id, kind: 'smart-target', title: `Target: ${text}` } });
  add('plan_goals', goal.id);
  const checkIn = await prisma.checkIn.create({ data: { cycleId: cycle.id, personId, conductedById: otherId, heldOn: day(inYear('11-10')), discussed: text } });
  add('check_ins', checkIn.id);
  add(
    'check_in_meetings',
    (await prisma.checkInMeeting.create({ data: { cycleId: cycle.id, personId, organizerId: otherId, startsAt: at('11-10'), durationMinutes: 30, status: 'held', checkInId: checkIn.id } })).id,
  );
  add('diary_entries', (await prisma.diaryEntry.create({ data: { cycleId: cycle.id, personId, planGoalId: goal.id, writtenOn: day(inYear('11-11')), body: text } })).id);
  add('feedback_records', (await prisma.feedbackRecord.create({ data: { cycleId: cycle.id, personId, givenById: otherId, givenOn: day(inYear('11-12')), praise: text } })).id);
  add('observations', (await prisma.observation.create({ data: { cycleId: cycle.id, personId, observerId: otherId, observedOn: day(inYear('11-13')), className: '10X2', minutes: 50, writtenFeedback: text } })).id);
  add(
    'peer_observations',
    (await prisma.peerObservation.create({ data: { cycleId: cycle.id, observerId: personId, colleagueId: otherId, observedOn: day(inYear('11-14')), lesson: '9Y3 science', learned: text, nextSteps: text } })).id,
  );
  add('end_of_cycle_reviews', (await prisma.endOfCycleReview.create({ data: { cycleId: cycle.id, personId, reviewerId: otherId, impact: text, status: 'final', finalReportIssuedOn: day(inYear('07-10')) } })).id);
  add(
    'appeals',
    (await prisma.appeal.create({ data: { cycleId: cycle.id, personId, grounds: text, lodgedOn: day(inYear('07-15')), finalReportReceivedOn: day(inYear('07-10')), appealManagerId: otherId } })).id,
  );
  add('pay_threshold_applications', (await prisma.payThresholdApplication.create({ data: { personId, cycleId: cycle.id, academicYear: year, businessCase: text, decidedById: otherId } })).id);
  add(
    'reviewer_assignments',
    (await prisma.reviewerAssignment.create({ data: { revieweeId: personId, reviewerId: otherId, startsOn: day(inYear('09-01')), endsOn: day(inYear('08-31')), reason: 'line manager' } })).id,
  );
  const reminder = await prisma.queuedReminder.create({
    data: {
      key: `${obligation.id}:due:${personId}`,
      recipientId: personId,
      obligationId: obligation.id,
      digestKey: `digest:${personId}:${inYear('10-20')}`,
      point: 'due',
      audience: 'owner',
      scheduledOn: day(inYear('10-20')),
      sendOn: day(inYear('10-20')),
      dueOn: day(inYear('10-20')),
      status: 'sent',
      sentAt: at('10-20'),
    },
  });
  add('reminders', reminder.id);
  const nudge = await prisma.nudgeOutbox.create({
    data: { key: `digest:${personId}:${inYear('10-20')}`, recipientId: personId, payload: { type: 'digest', date: inYear('10-20'), reminderKeys: [reminder.key], text }, status: 'sent', sentAt: at('10-20') },
  });
  add('nudge_outbox', nudge.id);
  const conversation = await prisma.conversation.create({
    data: { tenant: 'T1', threadKey: `${personId}:${year}`, platform: 'slack', personId, dialogId: 'self-reflection', step: 'done', values: { note: text }, status: 'completed' },
  });
  add('conversations', conversation.id);
  const grant = await prisma.accessGrant.create({ data: { requesterId: otherId, subjectId: personId, grantedById: otherId, reason: text, grantedAt: at('01-10'), expiresAt: at('02-10') } });
  add('access_grants', grant.id);
  add(
    'reviewer_change_requests',
    (await prisma.reviewerChangeRequest.create({ data: { revieweeId: personId, reviewerId: otherId, reason: text, status: 'declined', requestedAt: at('01-12'), decidedById: otherId, decidedAt: at('01-13'), decisionNote: text } })).id,
  );
  add('access_logs', (await prisma.accessLog.create({ data: { viewerId: otherId, subjectId: personId, grantId: grant.id, resource: 'growth-plan', reason: 'grant', at: at('01-11') } })).id);
  add('audit_events', (await prisma.auditEvent.create({ data: { schoolId, actorId: personId, action: 'plan.submitted', subjectType: 'growth-plan', subjectId: plan.id, at: at('10-01'), details: { text } } })).id);

  // Columns Prisma stamps with the present moment are moved back into the year.
  await prisma.$executeRaw`UPDATE conversations SET created_at = ${at('10-01')}, updated_at = ${at('10-02')} WHERE id = ${conversation.id}::uuid`;
  await prisma.$executeRaw`UPDATE nudge_outbox SET created_at = ${at('10-20')}, updated_at = ${at('10-20')} WHERE id = ${nudge.id}::uuid`;
  await prisma.$executeRaw`UPDATE reminders SET created_at = ${at('10-20')}, updated_at = ${at('10-20')} WHERE key = ${reminder.key}`;
  return ids;
}
