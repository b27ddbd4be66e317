import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTermDates } from '../../src/core/calendar/term-dates.ts';
import { getPreset } from '../../src/core/policy/presets/index.ts';
import { importRoster, type RosterImportDeps } from '../../src/core/roster/import-roster.ts';
import { setSchool } from '../../src/core/schools/set-school.ts';
import { fixedClock } from '../../src/core/time/clock.ts';
import { TERMS } from '../core/reminders/support/school-year.ts';
import { rosterImportDeps } from '../support/roster-import-deps.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

/** Mon 7 Sep 2026, the start of the year. */
const clock = fixedClock('2026-09-07T09:00:00Z');
const SLUG = 'counts';

let db: TestDatabase;
let deps: RosterImportDeps;

beforeAll(async () => {
  db = await createTestDatabase();
  deps = rosterImportDeps(db.prisma, clock);
  const terms = parseTermDates(readFileSync(TERMS, 'utf8'), 'england-2026-28.yaml');
  if (!terms.ok) throw new Error('bad terms');
  await setSchool(deps, { slug: SLUG, policy: getPreset('whmat')!, policySource: 'preset:whmat', termDates: terms.value });
});
afterAll(() => db.drop());

/** A head, two managers and `size` staff under them; `without` leaves people out. */
function rosterCsv(size: number, without: readonly number[] = []): string {
  const lines = ['email,full_name,role,line_manager_email,department,start_date', 'head@c.example,Head Teacher,headteacher,,,2010-09-01'];
  for (const m of [1, 2]) lines.push(`m${m}@c.example,Manager ${m},leader,head@c.example,Dept ${m},2015-09-01`);
  for (let i = 1; i <= size; i++) if (!without.includes(i)) lines.push(`s${i}@c.example,Staff ${i},${i % 3 === 0 ? 'support' : 'teacher'},m${1 + (i % 2)}@c.example,Dept ${1 + (i % 2)},${i % 5 === 0 ? '2027-01-11' : '2018-09-01'}`);
  return `${lines.join('\n')}\n`;
}

/** The year's planned obligations of the school's active people, counted in the database (keys `<person>:2026:…`). */
async function plannedInDatabase(): Promise<number> {
  const [row] = await db.prisma.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM obligations o JOIN people p ON p.id = o.person_id JOIN schools s ON s.id = p.school_id
    WHERE s.slug = ${SLUG} AND p.active AND o.key LIKE p.id::text || ':2026:%'`;
  return row!.n;
}

describe("a roster import's obligation counts, from its pages or from the database (issue 16)", () => {
  it('add up to the year as stored: a first load (counted by its pages), a re-import that plans no one, a leaver (everyone re-planned), one new person', async () => {
    const counts = async (csv: string, leavers: 'list' | 'mark' = 'list') => {
      const result = await importRoster(deps, SLUG, csv, undefined, { leavers });
      if (!result.ok) throw new Error(result.fileProblem);
      const { created, updated, unchanged } = result.obligations;
      return { created, updated, unchanged, stored: await plannedInDatabase() };
    };
    const first = await counts(rosterCsv(30));
    expect(first.created).toBeGreaterThan(0);
    expect(first).toEqual({ created: first.stored, updated: 0, unchanged: 0, stored: first.stored });

    const again = await counts(rosterCsv(30));
    expect(again).toEqual({ created: 0, updated: 0, unchanged: first.stored, stored: first.stored });

    const left = await counts(rosterCsv(30, [7]), 'mark');
    expect(left.stored).toBeLessThan(first.stored);
    expect(left.created + left.updated + left.unchanged).toBe(left.stored);

    const joined = await counts(rosterCsv(31, [7]));
    expect(joined.created).toBeGreaterThan(0);
    expect(joined.created + joined.updated + joined.unchanged).toBe(joined.stored);
  });
});
