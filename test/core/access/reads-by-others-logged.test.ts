import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { londonDateOf } from '../../../src/core/calendar/london-time.ts';
import { peopleEscalatedIn, peopleNamedIn } from '../../../src/core/reminders/compose-digest.ts';
import { sweepSchool } from '../../../src/core/reminders/run-sweep.ts';
import { seenByLines } from '../../../src/core/reports/who-has-seen.ts';
import { fixedClock } from '../../../src/core/time/clock.ts';
import { runDueJobs } from '../../../src/scheduler/job-worker.ts';
import { PrismaAccessLogStore, prismaAccess } from '../../../src/storage/prisma/prisma-access-relationships.ts';
import { PrismaSchoolRepository } from '../../../src/storage/prisma/prisma-school-repository.ts';
import { seedSchool } from '../../support/seed-school.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { Chat, newEngine } from '../conversations/support/chat.ts';
import { at } from '../reminders/reminder-fixtures.ts';
import { jobDepsFor } from '../reminders/support/job-runs.ts';
import { recordingDeliverer, setUpSchool } from '../reminders/support/school-year.ts';
import { TERMS_2026 } from '../scheduling/scheduling-fixtures.ts';

let db: TestDatabase;
let dir: string;

beforeAll(async () => {
  db = await createTestDatabase();
  dir = await mkdtemp(join(tmpdir(), 'trellis-reads-logged-'));
});
afterAll(() => db.drop());

/** The access log's rows written with a purpose, as (viewer, subject, reason, purpose, London day). */
async function purposeRows(purpose: string) {
  const rows = await db.prisma.accessLog.findMany({ where: { purpose }, orderBy: { at: 'asc' } });
  return rows.map((row) => ({ viewerId: row.viewerId, subjectId: row.subjectId, resource: row.resource, reason: row.reason, day: londonDateOf(row.at) }));
}

describe('a line manager’s digest that names their reviewees is a read of their records (002 §18)', () => {
  it('002 §18: every person a delivered digest names is logged once per reader, person and day with the purpose “digest” — by the access rule’s reason, or as an escalation the reminder cadence made — and the person sees it in “who has seen”', async () => {
    await setUpSchool(db.url, dir, 'digest-reads', 'whmat');
    const school = (await new PrismaSchoolRepository(db.prisma).findSchool('digest-reads'))!;
    const people = await db.prisma.person.findMany({ where: { schoolId: school.id }, select: { id: true, email: true, fullName: true } });
    const byEmail = new Map(people.map((p) => [p.email, p]));
    let named = 0;
    let escalations = 0;
    const reasons = new Set<string>();
    // Days of the autumn term when self-reflections fall due and then overdue (004 §4.2), so managers' digests name their teams.
    for (const day of ['2026-10-15', '2026-10-20', '2026-11-03', '2026-11-10']) {
      const clock = { current: fixedClock(at(day)) };
      const recorder = recordingDeliverer(clock);
      const deps = jobDepsFor(db.prisma, recorder.deliverer, clock.current);
      await sweepSchool(deps.sweep, school);
      await runDueJobs(db.url, deps);
      const logged = (await purposeRows('digest')).filter((row) => row.day === day);
      const expected: { viewerId: string; subjectId: string }[] = [];
      for (const delivery of recorder.deliveries) {
        const viewerId = byEmail.get(delivery.email)!.id;
        const escalated = new Set(peopleEscalatedIn(delivery.message));
        const reads = await prismaAccess(db.prisma).guard.check(viewerId, peopleNamedIn(delivery.message), 'obligations', at(day));
        for (const read of reads) {
          if (read.decision.allowed) expected.push({ viewerId, subjectId: read.subjectId });
          else if (escalated.has(read.subjectId)) {
            expected.push({ viewerId, subjectId: read.subjectId });
            escalations++;
          }
        }
      }
      named += expected.length;
      const key = (r: { viewerId: string; subjectId: string }) => `${r.viewerId}>${r.subjectId}`;
      expect(logged.map(key).sort()).toEqual(expected.map(key).sort());
      for (const row of logged) reasons.add(`${row.resource} ${row.reason}`);
    }
    expect(named).toBeGreaterThan(0);
    // Managers name their reviewees, the head the people they review or escalate, a coach their coachee's feedback: each by the rule that allowed it;
    // a reviewer's late agreement escalated to their own manager names the reviewee as an escalation.
    expect(escalations).toBeGreaterThan(0);
    expect(reasons).toEqual(new Set(['obligations reviewer', 'obligations head', 'obligations coach', 'obligations escalation']));

    // One row per reader, person, purpose and day: reading the same again that day adds nothing.
    const [first] = await purposeRows('digest');
    const before = await db.prisma.accessLog.count();
    await prismaAccess(db.prisma).guard.read(first!.viewerId, [first!.subjectId], 'obligations', at(first!.day, '17:00'), [], 'digest');
    expect(await db.prisma.accessLog.count()).toBe(before);

    const viewer = people.find((p) => p.id === first!.viewerId)!;
    const lines = seenByLines(await new PrismaAccessLogStore(db.prisma).seenBy(first!.subjectId, 50), '2026-11-10');
    expect(lines.map((l) => l.text)).toContain(`${viewer.fullName} saw what is due and overdue in your cycle as your reviewer, in their reminder digest`);
  });
});

describe('booking a check-in shows the colleague’s check-in window: a read of their cycle (002 §18)', () => {
  it('002 §18: choosing whom to book logs one “scheduling” read of that colleague (not of the others offered), once a day however many turns follow, and they see it in “who has seen”', async () => {
    const s = await seedSchool(db.prisma, 'whmat', [
      { key: 'hana', fullName: 'Hana Head', role: 'headteacher' },
      { key: 'jo', fullName: 'Jo Manager', role: 'leader', lineManager: 'hana' },
      { key: 'sam', fullName: 'Sam Teacher', role: 'teacher', lineManager: 'jo' },
      { key: 'ola', fullName: 'Ola Teacher', role: 'teacher', lineManager: 'jo' },
    ]);
    await db.prisma.school.update({ where: { id: s.schoolId }, data: { termDates: TERMS_2026 } });
    const mine = async () => (await purposeRows('scheduling')).filter((r) => r.viewerId === s.ids.jo);
    const chat = new Chat(newEngine(db.prisma), s.ids.jo!);
    await chat.user('schedule');
    expect(await mine()).toEqual([]);
    await chat.press(s.ids.sam!);
    expect(chat.lastBot()).toMatch(/^Sam’s check-in is due by/);
    await chat.press('2026-10-06T15:45');
    await chat.press('30');
    await chat.press('submit');
    const rows = await mine();
    expect(rows.map((r) => ({ subjectId: r.subjectId, resource: r.resource, reason: r.reason }))).toEqual([{ subjectId: s.ids.sam, resource: 'obligations', reason: 'reviewer' }]);
    const lines = seenByLines(await new PrismaAccessLogStore(db.prisma).seenBy(s.ids.sam!, 10), rows[0]!.day);
    expect(lines.map((l) => l.text)).toEqual(['Jo Manager saw what is due and overdue in your cycle as your reviewer, while booking a check-in with you']);
    expect(await new PrismaAccessLogStore(db.prisma).seenBy(s.ids.ola!, 10)).toEqual([]);
  });
});
