import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTermDates } from '../../src/core/calendar/term-dates.ts';
import { getPreset } from '../../src/core/policy/presets/index.ts';
import { importRoster, PLAN_PAGE, type RosterImportDeps } from '../../src/core/roster/import-roster.ts';
import { reviewLoadWarnings } from '../../src/core/roster/review-load.ts';
import { setSchool } from '../../src/core/schools/set-school.ts';
import { fixedClock } from '../../src/core/time/clock.ts';
import type { PrismaClient } from '../../src/storage/db/create-prisma-client.ts';
import { ROSTER_PAGE } from '../../src/storage/prisma/prisma-roster-repository.ts';
import { TERMS } from '../core/reminders/support/school-year.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { rosterImportDeps } from '../support/roster-import-deps.ts';

/** Mon 7 Sep 2026, the start of the year. */
const clock = fixedClock('2026-09-07T09:00:00Z');
const READS = new Set(['findMany', 'findFirst', 'findUnique', 'findUniqueOrThrow', 'findFirstOrThrow', 'count', 'aggregate', 'groupBy', '$queryRaw', '$queryRawUnsafe']);

let db: TestDatabase;
let deps: RosterImportDeps;
/** Statements the roster and obligation stores sent, reads and writes apart. */
const sent = { reads: 0, writes: 0 };

beforeAll(async () => {
  db = await createTestDatabase();
  const client = db.prisma.$extends({
    query: {
      async $allOperations({ operation, args, query }) {
        if (READS.has(operation)) sent.reads++;
        else sent.writes++;
        return query(args);
      },
    },
  }) as unknown as PrismaClient;
  deps = rosterImportDeps(db.prisma, clock, client);
});
afterAll(() => db.drop());

/** A roster of `size` staff: a head, ten managers under the head, everyone else under one of them (over 002 §25's five). `tag` renames every hundredth department. */
function rosterCsv(size: number, tag = ''): string {
  const lines = ['email,full_name,role,line_manager_email,department,start_date', `head@s${size}.example,Head Teacher,headteacher,,,2010-09-01`];
  for (let i = 1; i < size; i++) {
    const manager = i <= 10 ? `head@s${size}.example` : `staff${1 + (i % 10)}@s${size}.example`;
    lines.push(`staff${i}@s${size}.example,Staff ${i},${i % 4 === 0 ? 'support' : 'teacher'},${manager},${tag !== '' && i % 100 === 7 ? tag : `Dept ${i % 6}`},2018-09-01`);
  }
  return `${lines.join('\n')}\n`;
}

async function counted<T>(work: () => Promise<T>): Promise<{ value: T; reads: number; writes: number }> {
  const before = { ...sent };
  const value = await work();
  return { value, reads: sent.reads - before.reads, writes: sent.writes - before.writes };
}

/** First load, unchanged re-import and a 1% change for a school of `size`, each with its statement count. */
async function importsOf(size: number) {
  const terms = parseTermDates(readFileSync(TERMS, 'utf8'), 'england-2026-28.yaml');
  if (!terms.ok) throw new Error('bad terms');
  const slug = `scale-${size}`;
  const { school } = await setSchool(deps, { slug, policy: getPreset('thomas-alleyne')!, policySource: 'preset:thomas-alleyne', termDates: terms.value });
  const first = await counted(() => importRoster(deps, slug, rosterCsv(size)));
  const obligationsAfterFirst = await db.prisma.obligation.count({ where: { person: { school: { slug } } } });
  const unchanged = await counted(() => importRoster(deps, slug, rosterCsv(size)));
  const changed = await counted(() => importRoster(deps, slug, rosterCsv(size, 'Moved')));
  return { school, first, unchanged, changed, obligationsAfterFirst };
}

describe('the roster import does set-based work a page at a time', () => {
  it('002 §25: 100 and 1,000 rows (one page each) take the same statements: they grow with pages, not rows; an unchanged re-import writes nothing', async () => {
    expect(1000).toBeLessThanOrEqual(Math.min(ROSTER_PAGE, PLAN_PAGE));
    const small = await importsOf(100);
    const large = await importsOf(1000);

    for (const [run, size] of [
      [small, 100],
      [large, 1000],
    ] as const) {
      if (!run.first.value.ok || !run.unchanged.value.ok || !run.changed.value.ok) throw new Error('the roster did not load');
      expect(run.first.value.changes.created).toBe(size);
      expect(run.first.value.obligations.created).toBe(run.obligationsAfterFirst);
      // 002 §25: the over-five warnings read from the reviewers who could be over the limit are the ones the rule gives over the whole school.
      expect(run.first.value.reviewLoad.length).toBeGreaterThan(0);
      expect(run.first.value.reviewLoad).toEqual(reviewLoadWarnings(run.school.policy, await deps.roster.findStaff(run.school.id, '2026-09-07'), { exceptions: [], academicYear: 2026 }));
      expect(run.unchanged.value.changes.unchanged).toBe(size);
      expect(run.unchanged.value.obligations).toEqual({ created: 0, updated: 0, removed: 0, unchanged: run.obligationsAfterFirst });
      expect(run.unchanged.value.reviewLoad).toEqual(run.first.value.reviewLoad);
      expect(run.changed.value.changes.updated).toBe(size / 100);
    }
    expect(large.first.reads + large.first.writes).toBe(small.first.reads + small.first.writes);
    expect(large.changed.reads + large.changed.writes).toBe(small.changed.reads + small.changed.writes);
    expect(large.unchanged.reads).toBe(small.unchanged.reads);
    expect(small.first.reads + small.first.writes).toBeLessThanOrEqual(40);
    // An unchanged re-import reads a few pages and writes nothing at all.
    expect(small.unchanged.writes).toBe(0);
    expect(large.unchanged.writes).toBe(0);
  });

  it('an unchanged re-import leaves every row as it was: no person, cycle, obligation or audit entry is touched', async () => {
    const stamps = () =>
      db.prisma.$queryRaw<{ people: Date; cycles: Date; obligations: Date; audits: number }[]>`SELECT
        (SELECT max(updated_at) FROM people) AS people, (SELECT max(updated_at) FROM cycles) AS cycles,
        (SELECT max(updated_at) FROM obligations) AS obligations, (SELECT count(*)::int FROM audit_events) AS audits`;
    const before = await stamps();
    const again = await importRoster(deps, 'scale-1000', rosterCsv(1000, 'Moved'));
    expect(again.ok && again.changes.unchanged).toBe(1000);
    expect(await stamps()).toEqual(before);
  });
});
