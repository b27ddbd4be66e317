// A roster's first load plans and writes its pages of people side by side (`PLAN_WRITERS`, issue
// 16). With more than one page in flight, the stored year must be exactly the plan made for the
// whole school at once, the kept report counts must equal a fresh count (the recount finds nothing
// to correct), and a page that fails must stop the import with its error, starting no further page.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTermDates } from '../../src/core/calendar/term-dates.ts';
import type { ObligationRepository } from '../../src/core/ports.ts';
import { getPreset } from '../../src/core/policy/presets/index.ts';
import { correctedAnything, recountKeptCounts } from '../../src/core/reports/kept-counts.ts';
import { importRoster, PLAN_PAGE, PLAN_WRITERS, type RosterImportDeps } from '../../src/core/roster/import-roster.ts';
import { setSchool } from '../../src/core/schools/set-school.ts';
import { fixedClock } from '../../src/core/time/clock.ts';
import { planObligations } from '../../src/core/timeline/plan-obligations.ts';
import { PrismaKeptCounts } from '../../src/storage/prisma/prisma-kept-counts.ts';
import { PrismaObligationRepository } from '../../src/storage/prisma/prisma-obligation-repository.ts';
import { TERMS } from '../core/reminders/support/school-year.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { rosterImportDeps } from '../support/roster-import-deps.ts';

/** Mon 7 Sep 2026, the start of the year. */
const clock = fixedClock('2026-09-07T09:00:00Z');
/** Three pages of people: the first two written side by side, the third after one of them. */
const STAFF = 2 * PLAN_PAGE + 300;

let db: TestDatabase;
let deps: RosterImportDeps;

beforeAll(async () => {
  db = await createTestDatabase();
  deps = rosterImportDeps(db.prisma, clock);
});
afterAll(() => db.drop());

/** A head, twenty managers under the head, everyone else under one of them, some part-time or ECTs. */
function rosterCsv(slug: string, size: number): string {
  const lines = ['email,full_name,role,line_manager_email,department,start_date,flags', `head@${slug}.example,Head Teacher,headteacher,,,2010-09-01,`];
  for (let i = 1; i < size; i++) {
    const manager = i <= 20 ? `head@${slug}.example` : `staff${1 + (i % 20)}@${slug}.example`;
    lines.push(`staff${i}@${slug}.example,Staff ${i},${i % 5 === 0 ? 'support' : 'teacher'},${manager},Dept ${i % 7},${i % 17 === 0 ? '2027-01-11' : '2018-09-01'},${['', 'part-time', 'ect', ''][i % 4]}`);
  }
  return `${lines.join('\n')}\n`;
}

async function schoolFor(slug: string) {
  const terms = parseTermDates(readFileSync(TERMS, 'utf8'), 'england-2026-28.yaml');
  if (!terms.ok) throw new Error('bad terms');
  return (await setSchool(deps, { slug, policy: getPreset('thomas-alleyne')!, policySource: 'preset:thomas-alleyne', termDates: terms.value })).school;
}

describe('a first load writes its pages of people side by side (issue 16)', () => {
  it('stores exactly the plan made for the whole school at once, with the kept counts exact', async () => {
    expect(PLAN_WRITERS).toBeGreaterThan(1);
    const school = await schoolFor('sides');
    const loaded = await importRoster(deps, 'sides', rosterCsv('sides', STAFF));
    if (!loaded.ok) throw new Error(loaded.fileProblem);
    expect(loaded.changes.created).toBe(STAFF);

    const wanted = planObligations(school, await deps.roster.findStaff(school.id, '2026-09-07'), 2026);
    const stored = await db.prisma.obligation.findMany({
      where: { cycle: { schoolId: school.id } },
      select: { key: true, personId: true, ownerPersonId: true, dueOn: true, cycle: { select: { personId: true, academicYear: true } } },
    });
    const plannedItems = wanted.flatMap((cycle) => cycle.obligations.map((o) => `${o.key} ${cycle.personId} ${o.ownerPersonId ?? '-'} ${o.due}`));
    expect(stored.map((o) => `${o.key} ${o.personId} ${o.ownerPersonId ?? '-'} ${o.dueOn.toISOString().slice(0, 10)}`).sort()).toEqual(plannedItems.sort());
    expect(loaded.obligations.created).toBe(plannedItems.length);
    expect(stored.every((o) => o.cycle.personId === o.personId && o.cycle.academicYear === 2026)).toBe(true);
    expect(await db.prisma.cycle.count({ where: { schoolId: school.id } })).toBe(wanted.length);

    // The counts the triggers kept while two pages were written at once equal a fresh count.
    const [recount] = await recountKeptCounts(new PrismaKeptCounts(db.prisma), { slug: 'sides' });
    expect(recount).toBeDefined();
    expect(correctedAnything(recount!)).toBe(false);
  });

  it('stops at a page that fails: the import fails with its error and no further page is started', async () => {
    await schoolFor('halts');
    const real = new PrismaObligationRepository(db.prisma);
    let started = 0;
    const failing: ObligationRepository = {
      syncCycles: (schoolId, cycles) => {
        started++;
        return started === 1 ? Promise.reject(new Error('page refused')) : real.syncCycles(schoolId, cycles);
      },
      plannedCount: (schoolId, year) => real.plannedCount(schoolId, year),
      unplanned: (schoolId, year) => real.unplanned(schoolId, year),
      cycleIdsOf: (ids, year) => real.cycleIdsOf(ids, year),
      addDeadlines: (deadlines) => real.addDeadlines(deadlines),
    };
    await expect(importRoster({ ...deps, obligations: failing }, 'halts', rosterCsv('halts', STAFF))).rejects.toThrow('page refused');
    // The failed page and at most the one already in hand beside it: the third never starts.
    expect(started).toBeLessThanOrEqual(PLAN_WRITERS);
  });
});
