// A page's new obligations go into PostgreSQL by `COPY … FROM STDIN` on a connection checked out
// of the Prisma client's own pool (issue 16), in the page's one transaction with its cycles. The
// rows must be exactly what the plan says, whatever their text; a refused COPY must leave nothing
// of the page; and a client with no pool of its own writes the same rows through Prisma.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTermDates } from '../../src/core/calendar/term-dates.ts';
import { getPreset } from '../../src/core/policy/presets/index.ts';
import { importRoster, type RosterImportDeps } from '../../src/core/roster/import-roster.ts';
import type { School } from '../../src/core/schools/school.ts';
import { setSchool } from '../../src/core/schools/set-school.ts';
import { fixedClock } from '../../src/core/time/clock.ts';
import { type PlannedCycle, planObligations } from '../../src/core/timeline/plan-obligations.ts';
import { type PrismaClient, TransactionTimeoutError, transactionsOf } from '../../src/storage/db/create-prisma-client.ts';
import { PrismaObligationRepository } from '../../src/storage/prisma/prisma-obligation-repository.ts';
import { TERMS } from '../core/reminders/support/school-year.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { rosterImportDeps } from '../support/roster-import-deps.ts';

/** Mon 7 Sep 2026, the start of the year. */
const clock = fixedClock('2026-09-07T09:00:00Z');
/** Every character COPY's text format gives a meaning to, and some it does not. */
const AWKWARD = 'Tab\there, a line\nbreak, back\\slash, CR\r, \\N, \\t, "quotes", émoji 🌱';

let db: TestDatabase;
let deps: RosterImportDeps;
let school: School;

beforeAll(async () => {
  db = await createTestDatabase();
  deps = rosterImportDeps(db.prisma, clock);
  const terms = parseTermDates(readFileSync(TERMS, 'utf8'), 'england-2026-28.yaml');
  if (!terms.ok) throw new Error('bad terms');
  school = (await setSchool(deps, { slug: 'copies', policy: getPreset('thomas-alleyne')!, policySource: 'preset:thomas-alleyne', termDates: terms.value })).school;
  const csv = ['email,full_name,role,line_manager_email,department,start_date', 'head@copies.example,Head Teacher,headteacher,,,2010-09-01'];
  for (let i = 1; i <= 4; i++) csv.push(`staff${i}@copies.example,Staff ${i},teacher,head@copies.example,Maths,2018-09-01`);
  const loaded = await importRoster(deps, 'copies', `${csv.join('\n')}\n`);
  if (!loaded.ok) throw new Error(loaded.fileProblem);
});
afterAll(() => db.drop());

/** Person `email`'s plan for `year`, with one extra obligation of awkward text added. */
async function planWithExtra(email: string, year: number, extraKey: (personId: string) => string): Promise<PlannedCycle> {
  const staff = await deps.roster.findStaff(school.id, '2026-09-07');
  const [cycle] = planObligations(school, staff, year).filter((c) => c.personId === staff.find((p) => p.email === email)!.id);
  if (cycle === undefined) throw new Error(`no plan for ${email}`);
  const extra = { ...cycle.obligations[0]!, id: 'extra', key: extraKey(cycle.personId), label: AWKWARD, rule: `002 §1 ${AWKWARD}`, optional: true, ownerPersonId: undefined };
  return { ...cycle, obligations: [...cycle.obligations, extra] };
}

async function storedExtra(key: string) {
  const [row] = await db.prisma.$queryRaw<{ label: string; rule: string; optional: boolean; owner: string | null; status: string; same: boolean; cyclePerson: boolean }[]>`
    SELECT o.label, o.rule, o.optional, o.owner_person_id::text AS owner, o.status, o.created_at = o.updated_at AS same, c.person_id = o.person_id AS "cyclePerson"
    FROM obligations o JOIN cycles c ON c.id = o.cycle_id WHERE o.key = ${key}`;
  return row;
}

describe("a page's new obligations go in by COPY (issue 16)", () => {
  it('writes exactly the planned text, whatever its characters, and reads it back as unchanged', async () => {
    expect(transactionsOf(db.prisma)).toBeDefined();
    const obligations = new PrismaObligationRepository(db.prisma);
    const cycle = await planWithExtra('staff1@copies.example', 2026, (id) => `${id}:2026:extra`);
    const written = await obligations.syncCycles(school.id, [cycle]);
    expect(written).toEqual({ created: 1, updated: 0, removed: 0, unchanged: cycle.obligations.length - 1, planned: cycle.obligations.length });
    expect(await storedExtra(`${cycle.personId}:2026:extra`)).toEqual({ label: AWKWARD, rule: `002 §1 ${AWKWARD}`, optional: true, owner: null, status: 'open', same: true, cyclePerson: true });
    // Stored as planned, so the same plan again writes nothing.
    expect(await obligations.syncCycles(school.id, [cycle])).toEqual({ created: 0, updated: 0, removed: 0, unchanged: cycle.obligations.length, planned: cycle.obligations.length });
  });

  it("stamps the copied rows with the page transaction's own now(), as the page's new cycles are stamped", async () => {
    // The first load (in beforeAll) wrote each person's cycle and obligations in one page's transaction.
    const [row] = await db.prisma.$queryRaw<{ copied: number; stampedOtherwise: number }[]>`
      SELECT count(*)::int AS copied, count(*) FILTER (WHERE o.created_at <> c.created_at OR o.updated_at <> c.created_at)::int AS "stampedOtherwise"
      FROM obligations o JOIN cycles c ON c.id = o.cycle_id JOIN schools s ON s.id = c.school_id WHERE s.slug = 'copies' AND o.key NOT LIKE '%:extra'`;
    expect(row?.copied).toBeGreaterThan(0);
    expect(row?.stampedOtherwise).toBe(0);
  });

  it('writes the same rows through Prisma for a client with no pool of its own (one wrapped by $extends)', async () => {
    const wrapped = db.prisma.$extends({}) as unknown as PrismaClient;
    expect(transactionsOf(wrapped)).toBeUndefined();
    const cycle = await planWithExtra('staff2@copies.example', 2026, (id) => `${id}:2026:extra`);
    expect(await new PrismaObligationRepository(wrapped).syncCycles(school.id, [cycle])).toEqual({ created: 1, updated: 0, removed: 0, unchanged: cycle.obligations.length - 1, planned: cycle.obligations.length });
    expect(await storedExtra(`${cycle.personId}:2026:extra`)).toEqual({ label: AWKWARD, rule: `002 §1 ${AWKWARD}`, optional: true, owner: null, status: 'open', same: true, cyclePerson: true });
    expect(await new PrismaObligationRepository(wrapped).syncCycles(school.id, [cycle])).toEqual({ created: 0, updated: 0, removed: 0, unchanged: cycle.obligations.length, planned: cycle.obligations.length });
  });

  it('leaves nothing of a page whose COPY is refused: not its new cycles, not its other obligations', async () => {
    // A 2027 plan whose extra obligation reuses a key already stored for 2026: the key's unique index refuses the COPY.
    const taken = (await db.prisma.obligation.findFirstOrThrow({ where: { person: { email: 'staff3@copies.example' } }, select: { key: true } })).key;
    const cycle = await planWithExtra('staff3@copies.example', 2027, () => taken);
    await expect(new PrismaObligationRepository(db.prisma).syncCycles(school.id, [cycle])).rejects.toThrow(/obligations_key_key/);
    expect(await db.prisma.cycle.count({ where: { personId: cycle.personId, academicYear: 2027 } })).toBe(0);
    expect(await db.prisma.obligation.count({ where: { personId: cycle.personId, key: { contains: ':2027:' } } })).toBe(0);
  });

  it('rolls back instead of committing work that took longer than its limit', async () => {
    const transactions = transactionsOf(db.prisma)!;
    const work = transactions.transaction((tx) => tx.query('CREATE TABLE copy_timeout_probe (n int)', []), { timeoutMs: 0 });
    await expect(work).rejects.toBeInstanceOf(TransactionTimeoutError);
    const [row] = await db.prisma.$queryRaw<{ exists: boolean }[]>`SELECT to_regclass('copy_timeout_probe') IS NOT NULL AS exists`;
    expect(row?.exists).toBe(false);
  });
});
