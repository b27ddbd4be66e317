import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { getLogs } from '@prisma/debug';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { londonInstant } from '../../src/core/calendar/london-time.ts';
import { parseTermDates } from '../../src/core/calendar/term-dates.ts';
import type { ReminderStore } from '../../src/core/reminders/reminder-ports.ts';
import { type SweepResult, sweepSchool } from '../../src/core/reminders/run-sweep.ts';
import type { School } from '../../src/core/schools/school.ts';
import { fixedClock } from '../../src/core/time/clock.ts';
import { PrismaReminderStore } from '../../src/storage/prisma/prisma-reminder-store.ts';
import { PrismaSchoolRepository } from '../../src/storage/prisma/prisma-school-repository.ts';
import type { PrismaClient } from '../../src/storage/db/create-prisma-client.ts';
import { TERMS } from '../core/reminders/support/school-year.ts';
import { countingClient } from '../support/counting-client.ts';
import { entriesExamined, explainingClient } from '../support/explaining-client.ts';
import { seedSchool } from '../support/seed-school.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

/** Fri 16 Oct 2026, a school day: every teacher's self-reflection is due today. */
const TODAY = '2026-10-16';
const BUSY = londonInstant(TODAY, '16:00');
const IDLE = londonInstant(TODAY, '16:05');

let db: TestDatabase;
let counted: { statements: number; driver: number };
let reminders: ReminderStore;
/** Obligations the sweep read, page by page. */
const read = { obligations: 0 };

beforeAll(async () => {
  db = await createTestDatabase();
  // Statements sent through Prisma and on its `pg` pool alike are counted.
  const { client, counter, driver } = countingClient(db.prisma);
  counted = counter;
  const store = new PrismaReminderStore(client, driver);
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
async function seedStaff(size: number, prisma: PrismaClient = db.prisma): Promise<{ school: School; managerId: string; teacherIds: string[] }> {
  const s = await seedSchool(prisma, 'thomas-alleyne', [
    { key: 'head', fullName: 'Hugh Head', role: 'headteacher', obligations: [] },
    { key: 'mo', fullName: 'Mo Manager', role: 'teacher', lineManager: 'head', obligations: [] },
  ]);
  const terms = parseTermDates(readFileSync(TERMS, 'utf8'), 'england-2026-28.yaml');
  if (!terms.ok) throw new Error('bad terms');
  const row = await prisma.school.update({ where: { id: s.schoolId }, data: { termDates: terms.value as object } });
  const people = Array.from({ length: size }, (_, i) => ({ id: crypto.randomUUID(), schoolId: s.schoolId, email: `t${i}@${row.slug}.example`, fullName: `Teacher ${i}`, role: 'teacher', lineManagerId: s.ids.mo! }));
  await prisma.person.createMany({ data: people });
  const cycles = people.map((p) => ({ id: crypto.randomUUID(), schoolId: s.schoolId, personId: p.id, academicYear: 2026, startsOn: new Date('2026-09-01'), endsOn: new Date('2027-08-31') }));
  await prisma.cycle.createMany({ data: cycles });
  await prisma.obligation.createMany({
    data: cycles.flatMap((c) => [
      { key: `${c.personId}:2026:self-reflection`, cycleId: c.id, personId: c.personId, kind: 'self-reflection', label: 'Self-reflection', opensOn: new Date('2026-09-01'), dueOn: new Date(TODAY), ownerRole: 'reviewee', ownerPersonId: c.personId, rule: '002 §10' },
      { key: `${c.personId}:2026:autumn-check-in`, cycleId: c.id, personId: c.personId, kind: 'check-in', label: 'Autumn check-in', opensOn: new Date('2026-09-01'), dueOn: new Date('2026-10-30'), ownerRole: 'reviewer', ownerPersonId: s.ids.mo!, rule: '002 §12' },
    ]),
  });
  await prisma.$executeRaw`UPDATE obligations o SET updated_at = now() - interval '1 day' FROM people p WHERE p.id = o.person_id AND p.school_id = ${s.schoolId}::uuid`;
  await prisma.$executeRaw`UPDATE people SET updated_at = now() - interval '1 day' WHERE school_id = ${s.schoolId}::uuid`;
  await prisma.$executeRaw`UPDATE schools SET updated_at = now() - interval '1 day' WHERE id = ${s.schoolId}::uuid`;
  const school = (await new PrismaSchoolRepository(prisma).findSchool(row.slug))!;
  return { school, managerId: s.ids.mo!, teacherIds: people.map((p) => p.id) };
}

/** What a roster import that fails part-way throws, to roll back what it wrote. */
class ImportFailed extends Error {}

/** Reminder rows of the school written again after they were queued (renamed to another digest). */
async function rewrittenReminders(schoolId: string): Promise<number> {
  const [row] = await db.prisma.$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM reminders r JOIN people p ON p.id = r.recipient_id
    WHERE p.school_id = ${schoolId}::uuid AND r.updated_at > r.created_at`;
  return row!.n;
}

/** A school's delivery jobs: how many, the most digests one lists, and every digest id listed (sorted) against the school's digests. */
async function digestJobs(school: School): Promise<{ jobs: number; largest: number; listed: string[]; digests: string[] }> {
  const jobs = await db.prisma.$queryRaw<{ task: string; ids: string[] | null }[]>`
    SELECT t.identifier AS task, ARRAY(SELECT json_array_elements_text(j.payload->'ids')) AS ids
    FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id WHERE j.payload->>'school' = ${school.slug}`;
  const digests = await db.prisma.$queryRaw<{ id: string }[]>`
    SELECT d.id::text AS id FROM nudge_outbox d JOIN people p ON p.id = d.recipient_id WHERE p.school_id = ${school.id}::uuid AND d.payload->>'type' = 'digest'`;
  expect(new Set(jobs.map((job) => job.task))).toEqual(new Set(['deliver-digests']));
  return {
    jobs: jobs.length,
    largest: Math.max(...jobs.map((job) => job.ids?.length ?? 0)),
    listed: jobs.flatMap((job) => job.ids ?? []).sort(),
    digests: digests.map((row) => row.id).sort(),
  };
}

async function tick(school: School, at: Date): Promise<{ result: SweepResult; statements: number; onDriver: number; obligationsRead: number }> {
  const before = { statements: counted.statements, driver: counted.driver, obligations: read.obligations };
  const result = await sweepSchool({ reminders, clock: fixedClock(at) }, school);
  return { result, statements: counted.statements - before.statements, onDriver: counted.driver - before.driver, obligationsRead: read.obligations - before.obligations };
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
    // Held appeal meetings (002 §17), the mark, the head, one page (obligations, then the people’s facts),
    // one insert of every reminder (each naming today's digest), then digest assembly: one
    // statement inserting the digests and queueing every digest's delivery job in one batch; then
    // the mark is written. No reminder is written a second time to say which digest carries it.
    expect(busy.map((t) => t.statements)).toEqual([8, 8]);
    // Every one goes on the `pg` pool, not through Prisma (counted above too): the sweep's statements
    // are the ones `trellis sweep` runs on a pool alone.
    expect(busy.map((t) => t.onDriver)).toEqual([8, 8]);
    expect(await rewrittenReminders(large.school.id)).toBe(0);
    // The digests' delivery jobs: batches of digests, not a job each, every digest in exactly one,
    // and at least 16 jobs so that replicas and a worker's concurrent jobs share even a small school's.
    const jobs = [await digestJobs(small.school), await digestJobs(large.school)];
    expect(jobs.map((j) => j.jobs)).toEqual([10, 16]);
    expect(jobs.map((j) => j.largest)).toEqual([2, 13]);
    for (const j of jobs) expect(j.listed).toEqual(j.digests);
    // Five minutes later nothing has changed: held appeal meetings (002 §17), one statement to see
    // that nothing else changed, the head, one empty page, the mark.
    expect(idle.map((t) => t.obligationsRead)).toEqual([0, 0]);
    expect(idle.map((t) => t.result.queuedReminders + t.result.queuedDigests)).toEqual([0, 0]);
    expect(idle.map((t) => t.statements)).toEqual([5, 5]);
    expect(idle.map((t) => t.onDriver)).toEqual([5, 5]);
  });

  it('a queued reminder refers to its obligation and keeps only what the plan decided, so its row is the same small size for any label, and its digest still reads it whole', async () => {
    const { school, teacherIds } = await seedStaff(5);
    await db.prisma.obligation.updateMany({ where: { personId: teacherIds[0]!, kind: 'self-reflection' }, data: { label: `Self-reflection ${'with a long label '.repeat(40)}` } });
    await tick(school, BUSY);
    const rows = await db.prisma.$queryRaw<{ key: string; obligation_id: string | null; copy: unknown; bytes: number }[]>`
      SELECT r.key, r.obligation_id::text AS obligation_id, r.copy, pg_column_size(r.*) AS bytes FROM reminders r JOIN people p ON p.id = r.recipient_id
      WHERE p.school_id = ${school.id}::uuid`;
    expect(rows).toHaveLength(5);
    for (const row of rows) {
      expect(row.obligation_id).not.toBeNull();
      expect(row.copy).toBeNull();
      // The whole row, key, digest key and dates included (an outbox row with a payload was ~440 bytes).
      expect(row.bytes).toBeLessThan(300);
    }
    const [digest] = await db.prisma.$queryRaw<{ id: string }[]>`SELECT d.id::text AS id FROM nudge_outbox d WHERE d.key = ${`digest:${teacherIds[0]}:${TODAY}`}`;
    const claimed = await new PrismaReminderStore(db.prisma).claimDigest(digest!.id, BUSY);
    expect(claimed?.reminders.map((r) => [r.label.slice(0, 20), r.kind, r.point, r.dueOn, r.about.fullName, r.mutable])).toEqual([['Self-reflection with', 'self-reflection', 'due-today', TODAY, 'Teacher 0', true]]);
  });

  it('a busy sweep writes each reminder once, to the narrow reminders table (its key and one index; no foreign key, no stored id), and only the digests to the outbox', async () => {
    const { school, teacherIds } = await seedStaff(4);
    const busy = await tick(school, BUSY);
    const [written] = await db.prisma.$queryRaw<{ reminders: number; outbox: number; digests: number }[]>`
      SELECT (SELECT count(*) FROM reminders r JOIN people p ON p.id = r.recipient_id WHERE p.school_id = ${school.id}::uuid)::int AS reminders,
        (SELECT count(*) FROM nudge_outbox d JOIN people p ON p.id = d.recipient_id WHERE p.school_id = ${school.id}::uuid)::int AS outbox,
        (SELECT count(*) FROM nudge_outbox d JOIN people p ON p.id = d.recipient_id WHERE p.school_id = ${school.id}::uuid AND d.payload->>'type' = 'digest')::int AS digests`;
    expect(written).toEqual({ reminders: busy.result.queuedReminders, outbox: busy.result.queuedDigests, digests: busy.result.queuedDigests });
    expect(busy.result.queuedDigests).toBe(teacherIds.length);
    // What every reminder row pays for on insert: the key and one index. Another index, a foreign
    // key (a look-up and a lock a row) or a default computed a row (a random id) is paid by four
    // rows a person on a busy day; a person's reminders go with them by a trigger on `people`
    // instead (reminders-follow-people.test.ts), and the id is derived from the key when read.
    const indexes = await db.prisma.$queryRaw<{ name: string }[]>`SELECT indexname AS name FROM pg_indexes WHERE tablename = 'reminders' ORDER BY indexname`;
    expect(indexes.map((index) => index.name)).toEqual(['reminders_pkey', 'reminders_status_recipient_id_idx']);
    const keys = await db.prisma.$queryRaw<{ name: string }[]>`SELECT conname AS name FROM pg_constraint WHERE conrelid IN ('reminders'::regclass, 'nudge_outbox'::regclass) AND contype = 'f'`;
    expect(keys).toEqual([]);
    const randomDefaults = await db.prisma.$queryRaw<{ name: string }[]>`
      SELECT a.attname AS name FROM pg_attribute a JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE a.attrelid = 'reminders'::regclass AND a.attgenerated = '' AND pg_get_expr(d.adbin, d.adrelid) LIKE '%random%'`;
    expect(randomDefaults).toEqual([]);
  });

  it('a reminder queued before reminders referred to their obligation (a whole copy, kept by the migration) is still read by its digest', async () => {
    const { school, teacherIds } = await seedStaff(2);
    await tick(school, BUSY);
    const [digest] = await db.prisma.$queryRaw<{ id: string }[]>`SELECT d.id::text AS id FROM nudge_outbox d WHERE d.key = ${`digest:${teacherIds[0]}:${TODAY}`}`;
    const store = new PrismaReminderStore(db.prisma);
    const [fresh] = (await store.claimDigest(digest!.id, BUSY))!.reminders;
    // As an older version wrote it: the reminder copied whole, with a label the obligation no longer has.
    const copy = { ...fresh!, label: 'Self-reflection (as queued)' };
    await db.prisma.$executeRaw`UPDATE reminders SET copy = ${JSON.stringify(copy)}::jsonb WHERE key = ${fresh!.key}`;
    expect((await store.claimDigest(digest!.id, BUSY))!.reminders).toEqual([copy]);
  });

  it('a sweep read in pages of 3 obligations queues exactly the reminders one page queues, a coming-up nudge joining a digest its recipient gets from another page', async () => {
    const { school, managerId } = await seedStaff(10);
    // The manager's own self-reflection is due today, so the manager gets a digest today, and each
    // teacher's autumn check-in (the manager's, due 30 Oct) may come early into it.
    const managerCycle = (await db.prisma.cycle.findFirst({ where: { personId: managerId } }))!;
    await db.prisma.obligation.create({
      data: { key: `${managerId}:2026:self-reflection`, cycleId: managerCycle.id, personId: managerId, kind: 'self-reflection', label: 'Self-reflection', opensOn: new Date('2026-09-01'), dueOn: new Date(TODAY), ownerRole: 'reviewee', ownerPersonId: managerId, rule: '002 §10' },
    });
    // Written a day ago, like the rest of the school, so no later tick of another test reads it as changed.
    await db.prisma.$executeRaw`UPDATE obligations SET updated_at = now() - interval '1 day' WHERE key = ${`${managerId}:2026:self-reflection`}`;
    const queued = async (): Promise<string[]> =>
      (
        await db.prisma.$queryRaw<{ key: string }[]>`
          SELECT key FROM (SELECT r.key, r.recipient_id FROM nudge_outbox r UNION ALL SELECT r.key, r.recipient_id FROM reminders r) r
          JOIN people p ON p.id = r.recipient_id WHERE p.school_id = ${school.id}::uuid ORDER BY r.key`
      ).map((row) => row.key);
    const clear = async (): Promise<void> => {
      await db.prisma.$executeRaw`DELETE FROM nudge_outbox r USING people p WHERE p.id = r.recipient_id AND p.school_id = ${school.id}::uuid`;
      await db.prisma.$executeRaw`DELETE FROM reminders r USING people p WHERE p.id = r.recipient_id AND p.school_id = ${school.id}::uuid`;
      await db.prisma.$executeRaw`DELETE FROM sweep_marks WHERE school_id = ${school.id}::uuid`;
    };
    await sweepSchool({ reminders, clock: fixedClock(BUSY) }, school);
    const onePage = await queued();
    await clear();
    const paged = await sweepSchool({ reminders, clock: fixedClock(BUSY) }, school, { pageSize: 3 });
    expect(await queued()).toEqual(onePage);
    // The manager's digest carries the ten check-ins brought forward (each teacher's is on another page).
    const managerDigest = onePage.filter((key) => key.startsWith(`digest:${managerId}:`));
    expect(managerDigest).toHaveLength(1);
    expect(onePage.filter((key) => key.endsWith(`:${managerId}`) && key.includes('autumn-check-in'))).toHaveLength(10);
    expect(paged.queuedDigests).toBe(11);
  });

  it('a page already planned and queued is let go before the next page is read, so a sweep holds about one page whatever the school’s size', async () => {
    // The collector on demand, to see what is still referenced (a test may; the sweep never does).
    setFlagsFromString('--expose-gc');
    const collect = runInNewContext('gc') as () => void;
    const { school } = await seedStaff(12);
    const pages: WeakRef<object>[] = [];
    const stillHeld: number[] = [];
    const watched = new Proxy(reminders, {
      get(target, name) {
        const value = Reflect.get(target, name, target);
        if (name !== 'loadSweepPage') return value;
        return async (...args: Parameters<ReminderStore['loadSweepPage']>) => {
          // The sweep is suspended at this read by now; the page before the one just planned is
          // in no one's hands but the insert's (which holds its reminders, not its obligations).
          await new Promise((resolve) => setImmediate(resolve));
          collect();
          stillHeld.push(pages.filter((page) => page.deref() !== undefined).length);
          const page = await target.loadSweepPage(...args);
          pages.push(new WeakRef(page.obligations));
          return page;
        };
      },
    });
    const result = await sweepSchool({ reminders: watched, clock: fixedClock(BUSY) }, school, { pageSize: 4 });
    expect(result.queuedDigests).toBeGreaterThan(0);
    // Pages of 4 obligations over 24: seven reads (the last finds none), and at each none of the pages before it still held.
    expect(stillHeld).toEqual([0, 0, 0, 0, 0, 0, 0]);
  });

  it('a reminder whose obligation is deleted after it was queued keeps its row but is left out of its digest (the reference has no foreign key)', async () => {
    const { school, teacherIds } = await seedStaff(2);
    await tick(school, BUSY);
    const [reflection] = await db.prisma.obligation.findMany({ where: { personId: teacherIds[0]!, kind: 'self-reflection' } });
    await db.prisma.obligation.delete({ where: { id: reflection!.id } });
    // The row stays as it was written, still naming the obligation it was about.
    const rows = await db.prisma.queuedReminder.findMany({ where: { obligationId: reflection!.id } });
    expect(rows.map((row) => row.recipientId)).toEqual([teacherIds[0]]);
    const [digest] = await db.prisma.$queryRaw<{ id: string }[]>`SELECT d.id::text AS id FROM nudge_outbox d WHERE d.key = ${`digest:${teacherIds[0]}:${TODAY}`}`;
    const claimed = await new PrismaReminderStore(db.prisma).claimDigest(digest!.id, BUSY);
    expect(claimed?.reminders).toEqual([]);
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

  it('a reminder queued after its recipient’s digest of the day exists waits for the next school day’s digest, which lists it and which it then names', async () => {
    const { school, teacherIds } = await seedStaff(3);
    await tick(school, BUSY);
    // A second item of the teacher's own, due today, appears after their digest of the day was made.
    const [reflection] = await db.prisma.obligation.findMany({ where: { personId: teacherIds[0]!, kind: 'self-reflection' } });
    const extra = await db.prisma.obligation.create({
      data: { key: `${teacherIds[0]}:2026:extra-reflection`, cycleId: reflection!.cycleId, personId: teacherIds[0]!, kind: 'self-reflection', label: 'Self-reflection, second part', opensOn: new Date('2026-09-01'), dueOn: new Date(TODAY), ownerRole: 'reviewee', ownerPersonId: teacherIds[0]!, rule: '002 §10' },
    });
    const later = await tick(school, IDLE);
    expect(later.result.queuedReminders).toBe(1);
    expect(later.result.queuedDigests).toBe(0);
    const late = (await db.prisma.queuedReminder.findMany({ where: { obligationId: extra.id } }))[0]!;
    expect(late.recipientId).toBe(teacherIds[0]);
    const todays = await db.prisma.nudgeOutbox.findMany({ where: { key: { startsWith: 'digest:' }, payload: { path: ['date'], equals: TODAY } } });
    expect(todays.some((d) => (d.payload as { reminderKeys: string[] }).reminderKeys.includes(late.key))).toBe(false);
    // Mon 19 Oct, the next school day: its digest carries the one that waited.
    const next = await tick(school, londonInstant('2026-10-19', '16:00'));
    expect(next.result.queuedDigests).toBeGreaterThan(0);
    const carried = (await db.prisma.queuedReminder.findUnique({ where: { key: late.key } }))!;
    const digestKey = carried.digestKey!;
    expect(digestKey).toBe(`digest:${late.recipientId}:2026-10-19`);
    const digest = (await db.prisma.nudgeOutbox.findUnique({ where: { key: digestKey } }))!;
    expect((digest.payload as { reminderKeys: string[] }).reminderKeys).toContain(late.key);
    // And it is carried once: a later tick that day makes no digest for it again.
    const again = await tick(school, londonInstant('2026-10-19', '16:05'));
    expect(again.result.queuedDigests).toBe(0);
  });

  it('a busy sweep leaves none of its arrays in @prisma/debug’s history of query arguments, which the pg adapter fills whether or not DEBUG is set', async () => {
    // The history does keep what a query was sent: a distinctive argument shows in it.
    const marker = `marker-${crypto.randomUUID()}`;
    await db.prisma.$queryRaw`SELECT ${marker}::text AS m`;
    expect(getLogs(Number.MAX_SAFE_INTEGER)).toContain(marker);
    const { school, teacherIds } = await seedStaff(30);
    await tick(school, BUSY);
    const history = getLogs(Number.MAX_SAFE_INTEGER);
    // Neither the page's people, nor the reminders' keys and payloads, nor the digests' keys.
    expect(teacherIds.filter((id) => history.includes(id))).toEqual([]);
    expect(history).not.toContain('self-reflection');
  });

  it('the idle tick’s statements examine the same handful of index entries and rows for 20 staff as for 200, and a failed rewrite of every teacher is examined by one tick, not by every tick after it: nothing per staff member', async () => {
    // A database of its own: the tick's read of changed obligations goes through an index of every
    // school's (obligations.updated_at), so in a shared database it would also examine whatever
    // the tests before it changed in the last five minutes, and count differently by their order.
    const own = await createTestDatabase();
    try {
      // Its people are vacuumed when this test says, not whenever autovacuum wakes.
      await own.prisma.$executeRawUnsafe('ALTER TABLE people SET (autovacuum_enabled = off)');
      const small = await seedStaff(20, own.prisma);
      const large = await seedStaff(200, own.prisma);
      // Each teacher's manager recorded as their reviewer a day ago, so the tick's look for new
      // reviewer assignments has as many to pass over as a school has staff.
      for (const { managerId, teacherIds } of [small, large]) {
        await own.prisma.$executeRaw`INSERT INTO reviewer_assignments (id, reviewee_id, reviewer_id, kind, starts_on, created_at)
          SELECT gen_random_uuid(), t, ${managerId}::uuid, 'reviewer', DATE '2026-09-01', now() - interval '1 day' FROM unnest(${teacherIds}::uuid[]) AS t`;
      }
      const store = new PrismaReminderStore(own.prisma);
      for (const { school } of [small, large]) await sweepSchool({ reminders: store, clock: fixedClock(BUSY) }, school);
      // The school long after its roster was loaded: vacuumed, so the row versions the seeding
      // replaced when it dated everyone a day back are gone.
      await own.prisma.$executeRawUnsafe('VACUUM');
      // Then a roster import rewrites every teacher of both schools (Mo, their manager, is one
      // too: 21 and 201 people) and fails. Its row versions, newer than the mark, stay in the
      // people's indexes until the next vacuum though no one can see them.
      await own.prisma
        .$transaction(async (tx) => {
          await tx.$executeRaw`UPDATE people SET updated_at = now() WHERE role = 'teacher'`;
          throw new ImportFailed();
        })
        .catch((error: unknown) => {
          if (!(error instanceof ImportFailed)) throw error;
        });
      // With the statistics autovacuum's ANALYZE then keeps, and planned with indexes preferred,
      // as a large school's tables would be. Every statement of a tick runs under EXPLAIN ANALYZE
      // first (rolled back), and what its scans examined is counted, entries of rows no one can
      // see included.
      await own.prisma.$executeRaw`ANALYZE`;
      const explaining = explainingClient(own.prisma, 0, { preferIndexes: true });
      const explained = new PrismaReminderStore(explaining.client, explaining.driver);
      const examined: { first: number; next: number }[] = [];
      for (const { school } of [small, large]) {
        const ticks: number[] = [];
        for (const at of [IDLE, londonInstant(TODAY, '16:10')]) {
          explaining.on.explain = true;
          const result = await sweepSchool({ reminders: explained, clock: fixedClock(at) }, school);
          explaining.on.explain = false;
          expect(result.queuedReminders + result.queuedDigests).toBe(0);
          ticks.push(explaining.plans.splice(0).reduce((sum, statement) => sum + entriesExamined(statement.plan), 0));
        }
        examined.push({ first: ticks[0]!, next: ticks[1]! });
      }
      // Held appeal meetings (002 §17); the mark, the school, its newest person and the reviewer
      // assignments; the head (found by role, not among the staff); an empty page of changed
      // obligations; the mark written. The same for 200 staff as for 20.
      expect(examined[1]!.next).toBe(examined[0]!.next);
      expect(examined[0]!.next).toBeLessThan(10);
      // The failed import's versions are examined once, by the first tick to come to them, which
      // marks them dead in the index as it passes. (A bitmap scan never marks them: the check
      // that gathered every entry from the mark on examined all 21 or 201 again on every tick.)
      expect(examined.map((tick) => tick.first - tick.next)).toEqual([21, 201]);
    } finally {
      await own.drop();
    }
  });

  it('while a page waits for the page before it to be written, its obligations are no longer held, only its reminders', async () => {
    setFlagsFromString('--expose-gc');
    const collect = runInNewContext('gc') as () => void;
    const { school } = await seedStaff(12);
    const tick = () => new Promise((resolve) => setImmediate(resolve));
    let reads = 0;
    let lastRead = false;
    let latest: WeakRef<object> | undefined;
    const heldWhileWaiting: boolean[] = [];
    const watched = new Proxy(reminders, {
      get(target, name) {
        const value = Reflect.get(target, name, target);
        if (name === 'loadSweepPage') {
          return async (...args: Parameters<ReminderStore['loadSweepPage']>) => {
            const page = await target.loadSweepPage(...args);
            latest = new WeakRef(page.obligations);
            lastRead = page.next === undefined;
            reads++;
            return page;
          };
        }
        if (name === 'queueReminders') {
          return async (...args: Parameters<ReminderStore['queueReminders']>) => {
            // This insert is slow: the next page is read and planned, and its reminders handed
            // over, before it finishes (then the sweep waits for it).
            if (!lastRead) {
              const next = reads + 1;
              while (reads < next) await tick();
              await tick();
              collect();
              heldWhileWaiting.push(latest?.deref() !== undefined);
            }
            return target.queueReminders(...args);
          };
        }
        return value;
      },
    });
    const result = await sweepSchool({ reminders: watched, clock: fixedClock(BUSY) }, school, { pageSize: 4 });
    expect(result.queuedDigests).toBeGreaterThan(0);
    // Pages of 4 obligations over 24 and a last read that finds none: six inserts each waited on
    // by the next page, which had let go of its obligations by then.
    expect(heldWhileWaiting).toEqual([false, false, false, false, false, false]);
  });
});
