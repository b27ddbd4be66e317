import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { londonInstant } from '../../src/core/calendar/london-time.ts';
import { parseTermDates } from '../../src/core/calendar/term-dates.ts';
import type { ReminderStore } from '../../src/core/reminders/reminder-ports.ts';
import { type SweepResult, sweepSchool } from '../../src/core/reminders/run-sweep.ts';
import type { School } from '../../src/core/schools/school.ts';
import { fixedClock } from '../../src/core/time/clock.ts';
import { PrismaReminderStore } from '../../src/storage/prisma/prisma-reminder-store.ts';
import { PrismaSchoolRepository } from '../../src/storage/prisma/prisma-school-repository.ts';
import { TERMS } from '../core/reminders/support/school-year.ts';
import { countingClient } from '../support/counting-client.ts';
import { seedSchool } from '../support/seed-school.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

/** Fri 16 Oct 2026, a school day: every teacher's self-reflection is due today. */
const TODAY = '2026-10-16';
const BUSY = londonInstant(TODAY, '16:00');
const IDLE = londonInstant(TODAY, '16:05');

let db: TestDatabase;
let counted: { statements: number };
let reminders: ReminderStore;
/** Obligations the sweep read, page by page. */
const read = { obligations: 0 };

beforeAll(async () => {
  db = await createTestDatabase();
  const { client, counter } = countingClient(db.prisma);
  counted = counter;
  const store = new PrismaReminderStore(client);
  reminders = new Proxy(store, {
    get(target, name) {
      if (name !== 'loadSweepPage') {
        const value = Reflect.get(target, name, target);
        return typeof value === 'function' ? value.bind(target) : value;
      }
      return async (...args: Parameters<ReminderStore['loadSweepPage']>) => {
        const page = await target.loadSweepPage(...args);
        read.obligations += page.obligations.length;
        return page;
      };
    },
  });
});
afterAll(() => db.drop());

/**
 * A Thomas Alleyne school of `size` teachers under one manager, each with a self-reflection due
 * today (theirs) and an autumn check-in due 30 Oct (the manager's), written a day ago: the
 * school as a sweep finds it long after the roster was loaded.
 */
async function seedStaff(size: number): Promise<{ school: School; managerId: string; teacherIds: string[] }> {
  const s = await seedSchool(db.prisma, 'thomas-alleyne', [
    { key: 'head', fullName: 'Hugh Head', role: 'headteacher', obligations: [] },
    { key: 'mo', fullName: 'Mo Manager', role: 'teacher', lineManager: 'head', obligations: [] },
  ]);
  const terms = parseTermDates(readFileSync(TERMS, 'utf8'), 'england-2026-28.yaml');
  if (!terms.ok) throw new Error('bad terms');
  const row = await db.prisma.school.update({ where: { id: s.schoolId }, data: { termDates: terms.value as object } });
  const people = Array.from({ length: size }, (_, i) => ({ id: crypto.randomUUID(), schoolId: s.schoolId, email: `t${i}@${row.slug}.example`, fullName: `Teacher ${i}`, role: 'teacher', lineManagerId: s.ids.mo! }));
  await db.prisma.person.createMany({ data: people });
  const cycles = people.map((p) => ({ id: crypto.randomUUID(), schoolId: s.schoolId, personId: p.id, academicYear: 2026, startsOn: new Date('2026-09-01'), endsOn: new Date('2027-08-31') }));
  await db.prisma.cycle.createMany({ data: cycles });
  await db.prisma.obligation.createMany({
    data: cycles.flatMap((c) => [
      { key: `${c.personId}:2026:self-reflection`, cycleId: c.id, personId: c.personId, kind: 'self-reflection', label: 'Self-reflection', opensOn: new Date('2026-09-01'), dueOn: new Date(TODAY), ownerRole: 'reviewee', ownerPersonId: c.personId, rule: '002 §10' },
      { key: `${c.personId}:2026:autumn-check-in`, cycleId: c.id, personId: c.personId, kind: 'check-in', label: 'Autumn check-in', opensOn: new Date('2026-09-01'), dueOn: new Date('2026-10-30'), ownerRole: 'reviewer', ownerPersonId: s.ids.mo!, rule: '002 §12' },
    ]),
  });
  await db.prisma.$executeRaw`UPDATE obligations o SET updated_at = now() - interval '1 day' FROM people p WHERE p.id = o.person_id AND p.school_id = ${s.schoolId}::uuid`;
  await db.prisma.$executeRaw`UPDATE people SET updated_at = now() - interval '1 day' WHERE school_id = ${s.schoolId}::uuid`;
  await db.prisma.$executeRaw`UPDATE schools SET updated_at = now() - interval '1 day' WHERE id = ${s.schoolId}::uuid`;
  const school = (await new PrismaSchoolRepository(db.prisma).findSchool(row.slug))!;
  return { school, managerId: s.ids.mo!, teacherIds: people.map((p) => p.id) };
}

async function tick(school: School, at: Date): Promise<{ result: SweepResult; statements: number; obligationsRead: number }> {
  const before = { statements: counted.statements, obligations: read.obligations };
  const result = await sweepSchool({ reminders, clock: fixedClock(at) }, school);
  return { result, statements: counted.statements - before.statements, obligationsRead: read.obligations - before.obligations };
}

describe('a sweep’s statements and rows read do not grow with the staff (set-based sweeps)', () => {
  it('the busy sweep costs the same statements for 20 staff as for 200, and the idle tick after it reads no obligation at all', async () => {
    const small = await seedStaff(20);
    const large = await seedStaff(200);
    const busy = [await tick(small.school, BUSY), await tick(large.school, BUSY)];
    const idle = [await tick(small.school, IDLE), await tick(large.school, IDLE)];
    // Everyone is reminded: a due-today self-reflection each, one digest each. The autumn check-ins
    // are read too: their "due in 5" nudge (Mon 19 Oct) is within the few school days a coming-up
    // nudge may be brought forward into a digest its owner gets today.
    expect(busy.map((t) => t.result.queuedDigests)).toEqual([20, 200]);
    expect(busy.map((t) => t.obligationsRead)).toEqual([40, 400]);
    expect(busy[1]!.statements).toBe(busy[0]!.statements);
    // Five minutes later nothing has changed: held appeal meetings (002 §17), one statement to see
    // that nothing else changed, the head, one empty page, the mark.
    expect(idle.map((t) => t.obligationsRead)).toEqual([0, 0]);
    expect(idle.map((t) => t.result.queuedReminders + t.result.queuedDigests)).toEqual([0, 0]);
    expect(idle.map((t) => t.statements)).toEqual([5, 5]);
  });

  it('a tick after one obligation changes reads that one; a change to a person reads the school again', async () => {
    const { school, teacherIds, managerId } = await seedStaff(50);
    await tick(school, BUSY);
    // A check-in is brought forward to today: only it is read, and its reminder is queued.
    const [checkIn] = await db.prisma.obligation.findMany({ where: { personId: teacherIds[0]!, kind: 'check-in' } });
    await db.prisma.obligation.update({ where: { id: checkIn!.id }, data: { dueOn: new Date(TODAY) } });
    const changed = await tick(school, IDLE);
    expect(changed.obligationsRead).toBe(1);
    expect(changed.result.queuedReminders).toBe(1);
    // The manager leaves line management of one teacher: who is reminded may change, so everything is read.
    await db.prisma.person.update({ where: { id: teacherIds[1]! }, data: { lineManagerId: null } });
    const personChanged = await tick(school, londonInstant(TODAY, '16:10'));
    expect(personChanged.obligationsRead).toBe(100);
    expect(managerId).not.toBe(teacherIds[1]);
  });
});
