// The nightly recount of the counts the database keeps (issue 16): `recount_kept_counts` makes
// `report_tallies` and `cycle_first_dues` equal a fresh count, says how much was off, and loses or
// doubles no write made while it runs.
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTermDates } from '../../src/core/calendar/term-dates.ts';
import { LAPSING_KINDS } from '../../src/core/obligations/obligation-kinds.ts';
import { getPreset } from '../../src/core/policy/presets/index.ts';
import { recountKeptCounts } from '../../src/core/reports/kept-counts.ts';
import { importRoster, type RosterImportDeps } from '../../src/core/roster/import-roster.ts';
import { setSchool } from '../../src/core/schools/set-school.ts';
import { fixedClock } from '../../src/core/time/clock.ts';
import { PrismaKeptCounts } from '../../src/storage/prisma/prisma-kept-counts.ts';
import { PrismaReminderActionsStore } from '../../src/storage/prisma/prisma-reminder-actions-store.ts';
import { TERMS } from '../core/reminders/support/school-year.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { rosterImportDeps } from '../support/roster-import-deps.ts';

const clock = fixedClock('2026-09-07T09:00:00Z');
const SLUG = 'recounted';
const NEVER_OVERDUE = [...LAPSING_KINDS];

let db: TestDatabase;
let deps: RosterImportDeps;
let store: PrismaKeptCounts;
let schoolId: string;
let headId: string;

beforeAll(async () => {
  db = await createTestDatabase();
  deps = rosterImportDeps(db.prisma, clock);
  store = new PrismaKeptCounts(db.prisma);
  const terms = parseTermDates(readFileSync(TERMS, 'utf8'), 'england-2026-28.yaml');
  if (!terms.ok) throw new Error('bad terms');
  schoolId = (await setSchool(deps, { slug: SLUG, policy: getPreset('thomas-alleyne')!, policySource: 'preset:thomas-alleyne', termDates: terms.value })).school.id;
  const imported = await importRoster(deps, SLUG, roster());
  if (!imported.ok) throw new Error('import failed');
  headId = (await db.prisma.person.findFirstOrThrow({ where: { email: 'head@r.example' } })).id;
});
afterAll(() => db.drop());

/** 20 staff in two departments; `moved` are in Art instead. */
function roster(moved: readonly string[] = []): string {
  const lines = ['email,full_name,role,line_manager_email,department,contract', 'head@r.example,Hana Head,headteacher,,,permanent'];
  for (let i = 1; i <= 20; i++) {
    const email = `s${i}@r.example`;
    lines.push(`${email},Staff ${i},teacher,head@r.example,${moved.includes(email) ? 'Art' : i % 2 === 0 ? 'Science' : 'Maths'},permanent`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The invariant the triggers keep, checked at the level of the tables: every group's kept sum
 * equals the rows counted afresh, and every cycle's kept first due equals the one computed afresh.
 */
async function keptAndFresh() {
  const tallies = await db.prisma.$queryRaw<{ group_key: string; kept: number; fresh: number }[]>`
    WITH fresh AS (
      SELECT ROW('person', p.department, p.active)::text AS group_key, count(*)::int AS n FROM people p WHERE p.school_id = ${schoolId}::uuid GROUP BY 1
      UNION ALL
      SELECT ROW('cycle', c.school_id, c.academic_year, p.department, p.active, c.status)::text, count(*)::int
      FROM cycles c JOIN people p ON p.id = c.person_id WHERE p.school_id = ${schoolId}::uuid GROUP BY 1
      UNION ALL
      SELECT ROW('obligation', c.school_id, c.academic_year, p.department, p.active, c.status, o.kind, o.optional, o.due_on, o.status,
        (o.completed_at AT TIME ZONE 'Europe/London')::date)::text, count(*)::int
      FROM obligations o JOIN cycles c ON c.id = o.cycle_id JOIN people p ON p.id = o.person_id WHERE p.school_id = ${schoolId}::uuid GROUP BY 1
    ), kept AS (
      SELECT CASE what
          WHEN 'person' THEN ROW(what, department, active)::text
          WHEN 'cycle' THEN ROW(what, cycle_school_id, academic_year, department, active, cycle_status)::text
          ELSE ROW(what, cycle_school_id, academic_year, department, active, cycle_status, kind, optional, due_on, status, done_on)::text
        END AS group_key, sum(n)::int AS n
      FROM report_tallies WHERE school_id = ${schoolId}::uuid GROUP BY 1 HAVING sum(n) <> 0
    )
    SELECT coalesce(f.group_key, k.group_key) AS group_key, coalesce(k.n, 0) AS kept, coalesce(f.n, 0) AS fresh
    FROM fresh f FULL JOIN kept k ON k.group_key = f.group_key ORDER BY 1`;
  const freshDues = await db.prisma.$queryRaw<unknown[]>`
    SELECT c.id::text AS cycle_id, p.id::text AS person_id, c.academic_year, c.status AS cycle_status, p.active, p.department, p.full_name, to_char(min(o.due_on), 'YYYY-MM-DD') AS first_due
    FROM cycles c JOIN people p ON p.id = c.person_id JOIN obligations o ON o.cycle_id = c.id
    WHERE p.school_id = ${schoolId}::uuid AND o.status IN ('open', 'snoozed') AND NOT o.optional AND o.kind <> ALL(${NEVER_OVERDUE}::text[])
    GROUP BY c.id, p.id ORDER BY 1`;
  const keptDues = await db.prisma.$queryRaw<unknown[]>`
    SELECT cycle_id::text AS cycle_id, person_id::text AS person_id, academic_year, cycle_status, active, department, full_name, to_char(first_due, 'YYYY-MM-DD') AS first_due
    FROM cycle_first_dues WHERE school_id = ${schoolId}::uuid ORDER BY 1`;
  return { talliesOff: tallies.filter((t) => t.kept !== t.fresh), groups: tallies.length, freshDues, keptDues };
}

async function expectKeptEqualsFresh(after: string): Promise<void> {
  const { talliesOff, groups, freshDues, keptDues } = await keptAndFresh();
  expect(talliesOff, `${after}: report_tallies`).toEqual([]);
  expect(groups, after).toBeGreaterThan(10);
  expect(keptDues, `${after}: cycle_first_dues`).toEqual(freshDues);
  expect(freshDues.length, after).toBeGreaterThan(10);
}

async function openItem(email: string): Promise<string> {
  const item = await db.prisma.obligation.findFirstOrThrow({
    where: { person: { email, schoolId }, status: 'open', optional: false },
    orderBy: [{ dueOn: 'asc' }, { key: 'asc' }],
    select: { id: true },
  });
  return item.id;
}

const actions = () => new PrismaReminderActionsStore(db.prisma);
const done = async (email: string) => actions().markDone({ obligationId: await openItem(email), schoolId, actorId: headId, at: new Date('2026-10-20T14:00:00Z') });

/** A connection of its own, for a transaction held open while others go on. */
async function connection(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  return client;
}

/** Whether a connection is waiting on a lock now (the test then knows the order things happen in). */
async function waitingOnLock(client: pg.Client): Promise<boolean> {
  const pid = (client as unknown as { processID: number }).processID;
  const [row] = await db.prisma.$queryRaw<{ waiting: boolean }[]>`SELECT wait_event_type = 'Lock' AS waiting FROM pg_stat_activity WHERE pid = ${pid}`;
  return row?.waiting === true;
}

/** Until the recount (on Prisma's pool) is waiting for a lock, or pausing before it tries both again. */
async function untilRecountWaits(): Promise<void> {
  const waiting = async () =>
    (
      await db.prisma.$queryRaw<{ pid: number }[]>`
        SELECT pid FROM pg_stat_activity WHERE query LIKE '%FROM recount_kept_counts(%' AND (wait_event_type = 'Lock' OR wait_event = 'PgSleep') AND pid <> pg_backend_pid()`
    ).length > 0;
  for (let i = 0; i < 5000 && !(await waiting()); i++) await new Promise((resolve) => setImmediate(resolve));
  expect(await waiting()).toBe(true);
}

async function untilWaiting(client: pg.Client): Promise<void> {
  for (let i = 0; i < 5000 && !(await waitingOnLock(client)); i++) await new Promise((resolve) => setImmediate(resolve));
  expect(await waitingOnLock(client)).toBe(true);
}

describe('recount_kept_counts repairs what racing writes leave (issue 16)', () => {
  it('a tally group off by one and first-due rows stale, missing and left over are put right and counted', async () => {
    await expectKeptEqualsFresh('after the import');
    // What two racing writes leave: one group counted once too often, one cycle's first due not moved on.
    await db.prisma.$executeRaw`
      INSERT INTO report_tallies (id, what, school_id, cycle_school_id, academic_year, department, active, cycle_status, kind, optional, due_on, status, done_on, n)
      SELECT gen_random_uuid(), what, school_id, cycle_school_id, academic_year, department, active, cycle_status, kind, optional, due_on, status, done_on, 1
      FROM report_tallies WHERE school_id = ${schoolId}::uuid AND what = 'obligation' LIMIT 1`;
    // A row left over: a cycle with nothing open any more still listed (its items closed by bare SQL with the triggers off).
    const leftOver = await db.prisma.cycle.findFirstOrThrow({ where: { person: { email: 's20@r.example' } }, select: { id: true } });
    // Two other cycles: one's row made stale, one's taken away.
    const [stale, missing] = await db.prisma.$queryRaw<{ cycle_id: string }[]>`
      SELECT cycle_id::text FROM cycle_first_dues WHERE school_id = ${schoolId}::uuid AND cycle_id <> ${leftOver.id}::uuid ORDER BY cycle_id LIMIT 2`;
    await db.prisma.$executeRaw`UPDATE cycle_first_dues SET first_due = first_due + 30 WHERE cycle_id = ${stale!.cycle_id}::uuid`;
    await db.prisma.$executeRaw`DELETE FROM cycle_first_dues WHERE cycle_id = ${missing!.cycle_id}::uuid`;
    await db.prisma.$transaction([
      db.prisma.$executeRaw`SET LOCAL session_replication_role = replica`,
      db.prisma.$executeRaw`UPDATE obligations SET status = 'not-applicable' WHERE cycle_id = ${leftOver.id}::uuid`,
      db.prisma.$executeRaw`UPDATE people SET full_name = 'Staff Twenty' WHERE email = 's20@r.example'`,
    ]);
    const broken = await keptAndFresh();
    expect(broken.talliesOff.length).toBeGreaterThan(0);
    expect(broken.keptDues).not.toEqual(broken.freshDues);

    const [result] = await recountKeptCounts(store, { slug: SLUG });
    // The bogus row's group, and the not-applicable items' groups (moved from open) both ways.
    expect(result!.tallyGroupsOff).toBe(broken.talliesOff.length);
    expect(result!.firstDuesOff).toBe(3);
    await expectKeptEqualsFresh('after the recount');
    // A second recount has nothing to correct, and the rows are one a group.
    expect(await store.recount(schoolId)).toEqual({ tallyGroupsOff: 0, firstDuesOff: 0 });
    const [rows] = await db.prisma.$queryRaw<{ n: number; groups: number }[]>`
      SELECT count(*)::int AS n, count(DISTINCT ROW(what, cycle_school_id, academic_year, department, active, cycle_status, kind, optional, due_on, status, done_on)::text)::int AS groups
      FROM report_tallies WHERE school_id = ${schoolId}::uuid`;
    expect(rows!.n).toBe(rows!.groups);
  });

  it('a writer whose trigger has run before the recount starts: the recount waits for it, and counts it once', async () => {
    const writer = await connection();
    try {
      await writer.query('BEGIN');
      await writer.query(`UPDATE obligations SET status = 'done', completed_at = now() WHERE id = $1`, [await openItem('s3@r.example')]);
      const recount = store.recount(schoolId);
      await untilRecountWaits();
      await writer.query('COMMIT');
      expect(await recount).toEqual({ tallyGroupsOff: 0, firstDuesOff: 0 });
      await expectKeptEqualsFresh('a done committed while the recount waited');
    } finally {
      await writer.end();
    }
  });

  it('a writer that changes rows while the recount holds its locks: its trigger waits, and its change is counted once, after', async () => {
    const recounter = await connection();
    const writer = await connection();
    try {
      await recounter.query('BEGIN');
      await recounter.query('SELECT * FROM recount_kept_counts($1::uuid)', [schoolId]);
      // A move of department and a done, by another connection: both wait in their triggers.
      const item = await openItem('s4@r.example');
      const writing = (async () => {
        await writer.query('BEGIN');
        await writer.query(`UPDATE people SET department = 'Drama' WHERE email = 's4@r.example'`);
        await writer.query(`UPDATE obligations SET status = 'done', completed_at = now() WHERE id = $1`, [item]);
        await writer.query('COMMIT');
      })();
      await untilWaiting(writer);
      await recounter.query('COMMIT');
      await writing;
      await expectKeptEqualsFresh('a move and a done that waited for the recount');
      expect(await store.recount(schoolId)).toEqual({ tallyGroupsOff: 0, firstDuesOff: 0 });
    } finally {
      await recounter.end();
      await writer.end();
    }
  });

  it('a writer holding the tallies and then writing items while the recount waits: neither deadlocks', async () => {
    const writer = await connection();
    try {
      await writer.query('BEGIN');
      // A new person first (only the tallies' lock), then items (the first dues' lock): the other
      // order from an item's own triggers, which a recount taking both one after the other would deadlock with.
      await writer.query(
        `INSERT INTO people (id, school_id, email, full_name, role, updated_at) VALUES (gen_random_uuid(), $1::uuid, 'new@r.example', 'New Person', 'teacher', now())`,
        [schoolId],
      );
      const recount = store.recount(schoolId);
      await untilRecountWaits();
      await writer.query(`UPDATE obligations SET status = 'snoozed' WHERE id = $1`, [await openItem('s5@r.example')]);
      await writer.query('COMMIT');
      expect(await recount).toEqual({ tallyGroupsOff: 0, firstDuesOff: 0 });
      await expectKeptEqualsFresh('a new person and a snooze in one transaction beside a recount');
    } finally {
      await writer.end();
    }
  });

  it('recounts running while done, snooze and an import of the same school go on leave the counts equal a fresh count', async () => {
    const snooze = async (email: string) => actions().snooze({ obligationId: await openItem(email), schoolId, actorId: headId, at: new Date('2026-10-20T14:00:00Z'), until: '2026-12-01' });
    for (let round = 0; round < 3; round++) {
      // The import moves two people; done and snooze are on two others (writes that race with each
      // other on one person are the next test's): whatever is off afterwards, the recount lost or doubled.
      const [imported] = await Promise.all([
        importRoster(deps, SLUG, roster([`s${7 + round}@r.example`, `s${12 + round}@r.example`])),
        store.recount(schoolId),
        done(`s${14 + round}@r.example`),
        store.recount(schoolId),
        snooze(`s${17 + round}@r.example`),
        store.recount(schoolId),
      ]);
      expect(imported.ok).toBe(true);
      await expectKeptEqualsFresh(`round ${round}`);
    }
  });

  it('whatever a done racing an import of the same person leaves, the next recount puts right', async () => {
    for (let round = 0; round < 3; round++) {
      const person = `s${1 + round}@r.example`;
      const [imported] = await Promise.all([importRoster(deps, SLUG, roster([person])), done(person)]);
      expect(imported.ok).toBe(true);
    }
    await store.recount(schoolId);
    await expectKeptEqualsFresh('after the races and a recount');
  });
});
