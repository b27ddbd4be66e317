// A create and a read through the generated Prisma client for every model, against a migrated
// database: proves the client, the driver adapter and the hand-written SQL agree at run time
// (column names, types, JSON, arrays, dates, defaults) — the catalog test checks the structure.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Prisma } from '../../src/generated/prisma/client.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

const day = (iso: string): Date => new Date(`${iso}T00:00:00.000Z`);
const covered = new Set<string>();

describe('every model round-trips through the Prisma client', () => {
  it('creates and reads one row of each model', async () => {
    const p = db.prisma;

    const trust = await p.trust.create({ data: { slug: 'washwood-heath', name: 'Washwood Heath MAT' } });
    covered.add('Trust');
    const school = await p.school.create({
      data: {
        trustId: trust.id,
        slug: 'thomas-alleyne',
        name: "Thomas Alleyne's High School",
        policy: { preset: 'thomas-alleyne', stages: ['plan', 'interim', 'review'] },
        policySource: 'preset:thomas-alleyne',
        termDates: { terms: [{ start: '2026-09-02', end: '2026-12-18' }] },
      },
    });
    covered.add('School');
    expect(await p.school.findUniqueOrThrow({ where: { slug: 'thomas-alleyne' } })).toMatchObject({
      timeZone: 'Europe/London',
      region: 'england-and-wales',
      reminderWindowStart: '08:30',
      policy: { preset: 'thomas-alleyne' },
    });

    const head = await p.person.create({
      data: { schoolId: school.id, email: 'head@school.example', fullName: 'Ada Head', role: 'headteacher' },
    });
    const teacher = await p.person.create({
      data: {
        schoolId: school.id,
        email: 'teacher@school.example',
        fullName: 'Tom Teacher',
        role: 'teacher',
        department: 'Maths',
        startDate: day('2020-09-01'),
        flags: ['ups', 'tlr'],
        lineManagerId: head.id,
      },
    });
    covered.add('Person');
    const readTeacher = await p.person.findUniqueOrThrow({
      where: { schoolId_email: { schoolId: school.id, email: 'teacher@school.example' } },
      include: { lineManager: true },
    });
    expect(readTeacher).toMatchObject({ flags: ['ups', 'tlr'], contract: 'permanent', active: true, startDate: day('2020-09-01') });
    expect(readTeacher.lineManager?.id).toBe(head.id);
    expect(readTeacher.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/); // uuid v7

    await p.reviewerAssignment.create({
      data: { revieweeId: teacher.id, reviewerId: head.id, startsOn: day('2026-09-01'), reason: 'line manager' },
    });
    covered.add('ReviewerAssignment');
    expect(await p.reviewerAssignment.findFirstOrThrow({ where: { revieweeId: teacher.id } })).toMatchObject({ kind: 'reviewer', endsOn: null });

    const cycle = await p.cycle.create({
      data: { schoolId: school.id, personId: teacher.id, academicYear: 2026, startsOn: day('2026-09-01'), endsOn: day('2027-08-31') },
    });
    covered.add('Cycle');
    expect(
      await p.cycle.findUniqueOrThrow({ where: { personId_academicYear: { personId: teacher.id, academicYear: 2026 } } }),
    ).toMatchObject({ status: 'active', exclusionReason: null, endsOn: day('2027-08-31') });

    const obligation = await p.obligation.create({
      data: {
        key: `${cycle.id}:growth-plan:1`,
        cycleId: cycle.id,
        personId: teacher.id,
        kind: 'growth-plan',
        label: 'Agree your growth plan',
        opensOn: day('2026-09-01'),
        dueOn: day('2026-10-31'),
        ownerRole: 'reviewee',
        ownerPersonId: teacher.id,
        rule: '002 §31',
      },
    });
    covered.add('Obligation');
    expect(await p.obligation.findUniqueOrThrow({ where: { key: `${cycle.id}:growth-plan:1` } })).toMatchObject({
      status: 'open',
      optional: false,
      dueOn: day('2026-10-31'),
    });
    // The tallies are written by triggers as people, cycles and obligations are; one written by the client reads back too.
    expect(await p.reportTally.findMany({ where: { schoolId: school.id, what: 'obligation' }, select: { kind: true, status: true, dueOn: true, department: true, active: true, n: true } })).toEqual([
      { kind: 'growth-plan', status: 'open', dueOn: day('2026-10-31'), department: 'Maths', active: true, n: 1 },
    ]);
    expect(await p.cycleFirstDue.findUniqueOrThrow({ where: { cycleId: cycle.id } })).toMatchObject({ personId: teacher.id, firstDue: day('2026-10-31'), fullName: 'Tom Teacher', department: 'Maths', active: true });
    covered.add('CycleFirstDue');
    const tally = await p.reportTally.create({ data: { what: 'person', schoolId: school.id, department: 'Maths', active: true, n: 0 } });
    covered.add('ReportTally');
    expect(await p.reportTally.findUniqueOrThrow({ where: { id: tally.id } })).toMatchObject({ what: 'person', cycleSchoolId: null, n: 0 });

    await p.selfReflection.create({
      data: {
        cycleId: cycle.id,
        personId: teacher.id,
        framework: 'teachers',
        entries: [{ standard: 'TS1', rating: 'fully-meeting', nextSteps: 'Share practice' }],
      },
    });
    covered.add('SelfReflection');
    expect((await p.selfReflection.findUniqueOrThrow({ where: { cycleId: cycle.id } })).entries).toEqual([
      { standard: 'TS1', rating: 'fully-meeting', nextSteps: 'Share practice' },
    ]);

    const plan = await p.growthPlan.create({
      data: {
        cycleId: cycle.id,
        personId: teacher.id,
        summary: 'By July I am… so that…',
        goals: {
          create: [
            {
              kind: 'smart-target',
              title: 'Year 11 progress',
              quantitative: true,
              completionDate: day('2027-07-01'),
              checkInDates: [day('2026-12-01'), day('2027-03-01')],
            },
          ],
        },
      },
    });
    covered.add('GrowthPlan');
    const readPlan = await p.growthPlan.findUniqueOrThrow({ where: { id: plan.id }, include: { goals: true } });
    expect(readPlan).toMatchObject({ status: 'draft', details: {} });
    covered.add('PlanGoal');
    expect(readPlan.goals[0]).toMatchObject({ quantitative: true, widerImpact: false, checkInDates: [day('2026-12-01'), day('2027-03-01')] });

    await p.checkIn.create({
      data: { cycleId: cycle.id, personId: teacher.id, conductedById: head.id, heldOn: day('2026-11-10'), wellbeing: 'Good' },
    });
    covered.add('CheckIn');
    expect(await p.checkIn.findFirstOrThrow({ where: { cycleId: cycle.id } })).toMatchObject({ wellbeing: 'Good', conductedById: head.id });

    const checkIn = await p.checkIn.findFirstOrThrow({ where: { cycleId: cycle.id } });
    const meeting = await p.checkInMeeting.create({
      data: { cycleId: cycle.id, personId: teacher.id, organizerId: head.id, startsAt: new Date('2026-11-10T15:45:00Z'), durationMinutes: 30, status: 'held', sequence: 1, checkInId: checkIn.id },
    });
    covered.add('CheckInMeeting');
    expect(await p.checkInMeeting.findUniqueOrThrow({ where: { id: meeting.id } })).toMatchObject({ status: 'held', sequence: 1, durationMinutes: 30, checkInId: checkIn.id, cancelledAt: null });

    await p.diaryEntry.create({
      data: { cycleId: cycle.id, personId: teacher.id, planGoalId: readPlan.goals[0]!.id, writtenOn: day('2026-11-11'), body: 'Tried retrieval practice', tags: ['retrieval'] },
    });
    covered.add('DiaryEntry');
    expect(await p.diaryEntry.findFirstOrThrow({ where: { personId: teacher.id } })).toMatchObject({ tags: ['retrieval'] });

    await p.feedbackRecord.create({
      data: { cycleId: cycle.id, personId: teacher.id, givenById: head.id, givenOn: day('2026-11-12'), actionStep: 'Cold call', supportLevel: 'model' },
    });
    covered.add('FeedbackRecord');
    expect(await p.feedbackRecord.findFirstOrThrow({ where: { personId: teacher.id } })).toMatchObject({ actionStep: 'Cold call' });

    await p.observation.create({
      data: { cycleId: cycle.id, personId: teacher.id, observerId: head.id, observedOn: day('2026-11-13'), className: '10X2', minutes: 50 },
    });
    covered.add('Observation');
    expect(await p.observation.findFirstOrThrow({ where: { personId: teacher.id } })).toMatchObject({
      minutes: 50,
      countsTowardCap: true,
      kind: 'performance-management',
    });

    await p.peerObservation.create({
      data: { cycleId: cycle.id, observerId: teacher.id, colleagueId: head.id, observedOn: day('2026-11-16'), lesson: 'Year 9 science', learned: 'Mini whiteboards', nextSteps: 'Hinge questions' },
    });
    covered.add('PeerObservation');
    expect(await p.peerObservation.findFirstOrThrow({ where: { observerId: teacher.id } })).toMatchObject({ colleagueId: head.id, lesson: 'Year 9 science' });

    await p.endOfCycleReview.create({
      data: { cycleId: cycle.id, personId: teacher.id, reviewerId: head.id, impact: 'Strong', finalReportIssuedOn: day('2027-07-10') },
    });
    covered.add('EndOfCycleReview');
    expect(await p.endOfCycleReview.findUniqueOrThrow({ where: { cycleId: cycle.id } })).toMatchObject({ status: 'draft', details: {} });

    await p.appeal.create({
      data: {
        cycleId: cycle.id,
        personId: teacher.id,
        grounds: 'Evidence not considered',
        entries: [{ about: 'target 2', grounds: 'data late' }],
        lodgedOn: day('2027-07-15'),
        finalReportReceivedOn: day('2027-07-10'),
        appealManagerId: head.id,
      },
    });
    covered.add('Appeal');
    expect(await p.appeal.findFirstOrThrow({ where: { personId: teacher.id } })).toMatchObject({ status: 'lodged', outcome: null });

    await p.payThresholdApplication.create({
      data: { personId: teacher.id, cycleId: cycle.id, academicYear: 2026, evidence: ['two successful reviews'] },
    });
    covered.add('PayThresholdApplication');
    expect(
      await p.payThresholdApplication.findUniqueOrThrow({ where: { personId_academicYear: { personId: teacher.id, academicYear: 2026 } } }),
    ).toMatchObject({ status: 'draft', evidence: ['two successful reviews'] });

    await p.conversation.create({
      data: { tenant: 'T123', threadKey: 'D1:1700000000.0001', platform: 'slack', personId: teacher.id, dialogId: 'self-reflection', step: 'ts1', values: { ts1: 'fully' } },
    });
    covered.add('Conversation');
    expect(
      await p.conversation.findUniqueOrThrow({ where: { tenant_threadKey: { tenant: 'T123', threadKey: 'D1:1700000000.0001' } } }),
    ).toMatchObject({ status: 'active', dialogVersion: 1, values: { ts1: 'fully' } });

    await p.processedInbound.create({ data: { tenant: 'T123', messageId: 'Ev123', platform: 'slack' } });
    covered.add('ProcessedInbound');
    expect(await p.processedInbound.findUnique({ where: { tenant_messageId: { tenant: 'T123', messageId: 'Ev123' } } })).not.toBeNull();
    // A retried delivery of the same event is rejected by the unique key.
    await expect(p.processedInbound.create({ data: { tenant: 'T123', messageId: 'Ev123', platform: 'slack' } })).rejects.toMatchObject({
      code: 'P2002',
    });

    await p.queuedReminder.create({
      data: {
        key: `${obligation.id}:due-minus-7:${teacher.id}`,
        recipientId: teacher.id,
        obligationId: obligation.id,
        digestKey: `digest:${teacher.id}:2026-10-08`,
        point: 'due-minus-7',
        audience: 'owner',
        scheduledOn: day('2026-10-08'),
        sendOn: day('2026-10-08'),
        dueOn: day('2026-10-15'),
      },
    });
    covered.add('QueuedReminder');
    expect(await p.queuedReminder.findUniqueOrThrow({ where: { key: `${obligation.id}:due-minus-7:${teacher.id}` } })).toMatchObject({
      status: 'pending',
      copy: null,
      sendOn: day('2026-10-08'),
    });
    expect((await p.queuedReminder.findUniqueOrThrow({ where: { key: `${obligation.id}:due-minus-7:${teacher.id}` } })).id).toMatch(/^[0-9a-f-]{36}$/);

    await p.nudgeOutbox.create({
      data: { key: `digest:${teacher.id}:2026-10-08`, recipientId: teacher.id, payload: { type: 'digest', date: '2026-10-08', reminderKeys: [`${obligation.id}:due-minus-7:${teacher.id}`] } },
    });
    covered.add('NudgeOutbox');
    expect(await p.nudgeOutbox.findUniqueOrThrow({ where: { key: `digest:${teacher.id}:2026-10-08` } })).toMatchObject({
      status: 'pending',
      attempts: 0,
    });

    const grant = await p.accessGrant.create({
      data: { requesterId: head.id, subjectId: teacher.id, grantedById: head.id, reason: 'Line manager request' },
    });
    covered.add('AccessGrant');
    expect(await p.accessGrant.findUniqueOrThrow({ where: { id: grant.id } })).toMatchObject({ notifiedAt: null });

    const change = await p.reviewerChangeRequest.create({ data: { revieweeId: teacher.id, reviewerId: head.id, reason: 'We teach different key stages', requestedAt: new Date('2026-11-23T10:00:00Z') } });
    covered.add('ReviewerChangeRequest');
    expect(await p.reviewerChangeRequest.findUniqueOrThrow({ where: { id: change.id } })).toMatchObject({ status: 'requested', newReviewerId: null });

    await p.accessLog.create({ data: { viewerId: head.id, subjectId: teacher.id, grantId: grant.id, resource: 'growth-plan', reason: 'review' } });
    covered.add('AccessLog');
    expect(await p.accessLog.findFirstOrThrow({ where: { subjectId: teacher.id } })).toMatchObject({ resource: 'growth-plan' });

    await p.auditEvent.create({
      data: { schoolId: school.id, actorId: head.id, action: 'plan.agreed', subjectType: 'growth-plan', subjectId: plan.id, details: { via: 'slack' } },
    });
    covered.add('AuditEvent');
    expect(await p.auditEvent.findFirstOrThrow({ where: { subjectId: plan.id } })).toMatchObject({ details: { via: 'slack' } });

    await p.platformIdentity.create({
      data: { personId: teacher.id, platform: 'teams', tenantId: 'tenant-guid', platformUserId: 'aad-object-id', conversationRef: { conversation: { id: 'a:1' } } },
    });
    covered.add('PlatformIdentity');
    expect(
      await p.platformIdentity.findUniqueOrThrow({
        where: { platform_tenantId_platformUserId: { platform: 'teams', tenantId: 'tenant-guid', platformUserId: 'aad-object-id' } },
      }),
    ).toMatchObject({ reachable: true, conversationRef: { conversation: { id: 'a:1' } } });

    await p.schoolChatWorkspace.create({ data: { schoolId: teacher.schoolId, platform: 'slack', tenantId: 'T0123456' } });
    covered.add('SchoolChatWorkspace');
    expect(await p.schoolChatWorkspace.findUniqueOrThrow({ where: { schoolId_platform_tenantId: { schoolId: teacher.schoolId, platform: 'slack', tenantId: 'T0123456' } } })).toMatchObject({ tenantId: 'T0123456' });

    await p.slackInstallation.create({ data: { installKey: 'E0GRID', enterpriseId: 'E0GRID', isEnterpriseInstall: true, secret: 'v1.nonce.tag.ciphertext' } });
    covered.add('SlackInstallation');
    expect(await p.slackInstallation.findUniqueOrThrow({ where: { installKey: 'E0GRID' } })).toMatchObject({ teamId: null, isEnterpriseInstall: true, secret: 'v1.nonce.tag.ciphertext' });

    await p.teamsTenant.create({ data: { tenantId: 'tenant-guid', catalogAppId: 'catalog-app-guid' } });
    covered.add('TeamsTenant');
    expect(await p.teamsTenant.findUniqueOrThrow({ where: { tenantId: 'tenant-guid' } })).toMatchObject({ catalogAppId: 'catalog-app-guid' });

    await p.teamsInstallFailure.create({ data: { personId: teacher.id, tenantId: 'tenant-guid', outcome: 'forbidden', detail: 'Graph answered 403 (Forbidden)', attemptedAt: new Date('2026-11-30T18:00:00Z') } });
    covered.add('TeamsInstallFailure');
    expect(await p.teamsInstallFailure.findUniqueOrThrow({ where: { personId: teacher.id } })).toMatchObject({ outcome: 'forbidden', attemptedAt: new Date('2026-11-30T18:00:00Z') });

    await p.slackReachFailure.create({ data: { personId: teacher.id, workspace: 'T123ABC456', outcome: 'deactivated', detail: 'Slack answered account_inactive to a message', attemptedAt: new Date('2026-11-30T19:00:00Z') } });
    covered.add('SlackReachFailure');
    expect(await p.slackReachFailure.findUniqueOrThrow({ where: { personId: teacher.id } })).toMatchObject({ workspace: 'T123ABC456', outcome: 'deactivated', attemptedAt: new Date('2026-11-30T19:00:00Z') });
    await p.adminSession.create({ data: { id: 'session-id', email: 'office@school.example', createdAt: new Date('2026-11-30T20:00:00Z'), expiresAt: new Date('2026-12-01T04:00:00Z'), userAgent: 'Firefox' } });
    covered.add('AdminSession');
    expect(await p.adminSession.findUniqueOrThrow({ where: { id: 'session-id' } })).toMatchObject({ email: 'office@school.example', endedAt: null, expiresAt: new Date('2026-12-01T04:00:00Z') });
    await p.adminSignInAttempt.create({ data: { key: 'sign-in:127.0.0.1', windowStart: new Date('2026-11-30T20:00:00Z'), count: 3 } });
    covered.add('AdminSignInAttempt');
    expect(await p.adminSignInAttempt.findFirstOrThrow({ where: { key: 'sign-in:127.0.0.1' } })).toMatchObject({ count: 3 });
    await p.adminGrant.create({ data: { email: 'office@school.example', schoolId: school.id } });
    covered.add('AdminGrant');
    expect(await p.adminGrant.findFirstOrThrow({ where: { email: 'office@school.example' } })).toMatchObject({ schoolId: school.id, trustId: null });
    // Exactly one of school and trust: a grant naming neither is refused by the database.
    await expect(p.adminGrant.create({ data: { email: 'nobody@school.example' } })).rejects.toThrow(/admin_grants_one_scope/);

    await p.sweepMark.create({ data: { schoolId: school.id, sweptOn: day('2026-10-15'), sweptAt: new Date('2026-10-15T14:55:00.123456Z') } });
    covered.add('SweepMark');
    expect(await p.sweepMark.findUniqueOrThrow({ where: { schoolId: school.id } })).toMatchObject({ sweptOn: day('2026-10-15') });

    await p.deletionLog.create({
      data: { schoolId: school.id, kind: 'check_ins', recordId: teacher.id, subjectPersonId: teacher.id, cycleYear: 2019, reason: 'retention', rule: '6 years (003 §14.3)', deletedAt: new Date('2026-11-30T02:00:00Z') },
    });
    covered.add('DeletionLog');
    expect(await p.deletionLog.findFirstOrThrow({ where: { subjectPersonId: teacher.id } })).toMatchObject({ kind: 'check_ins', cycleYear: 2019 });

    await p.jobWorkerHeartbeat.create({ data: { workerId: 'pool-0123456789abcdef01', beatAt: new Date('2026-11-30T15:00:00Z') } });
    covered.add('JobWorkerHeartbeat');
    const beat = await p.jobWorkerHeartbeat.findUniqueOrThrow({ where: { workerId: 'pool-0123456789abcdef01' } });
    expect(beat.beatAt).toEqual(new Date('2026-11-30T15:00:00Z'));
    expect(beat.startedAt).toBeInstanceOf(Date);
  });

  it('covered every model in the schema', () => {
    expect([...covered].sort()).toEqual(Object.values(Prisma.ModelName).sort());
  });

  it('deleting a person cascades to what they own and keeps other people’s history', async () => {
    const teacher = await db.prisma.person.findFirstOrThrow({ where: { email: 'teacher@school.example' } });
    await db.prisma.person.delete({ where: { id: teacher.id } });
    expect(await db.prisma.cycle.count()).toBe(0);
    expect(await db.prisma.auditEvent.count()).toBe(1);
  });
});
