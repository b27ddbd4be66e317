// A roster import lets go of its pages (issue 16): Prisma's debug histories keep the arguments of
// the last 100 statements, so without `forgetQueryArguments` after each page a 50,000-staff first
// load held a dozen pages' arrays of obligation keys and labels until the import ended.
import { readFileSync } from 'node:fs';
import { getHeapSnapshot, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTermDates } from '../../src/core/calendar/term-dates.ts';
import { getPreset } from '../../src/core/policy/presets/index.ts';
import type { ObligationRepository } from '../../src/core/ports.ts';
import { handOverTable, importRoster, type RosterImportDeps, type RosterTableSource } from '../../src/core/roster/import-roster.ts';
import { readRosterCsv } from '../../src/core/roster/roster-table.ts';
import { setSchool } from '../../src/core/schools/set-school.ts';
import { fixedClock } from '../../src/core/time/clock.ts';
import { TERMS } from '../core/reminders/support/school-year.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { rosterImportDeps } from '../support/roster-import-deps.ts';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

const clock = fixedClock('2026-09-07T09:00:00Z');
let db: TestDatabase;
let deps: RosterImportDeps;

beforeAll(async () => {
  db = await createTestDatabase();
  deps = rosterImportDeps(db.prisma, clock);
});
afterAll(() => db.drop());

/**
 * Whether any string in this process's heap, after a full collection, contains the text `parts`
 * make when joined. The parts are joined as bytes only, so the search itself puts no such string
 * in the heap.
 */
async function heapHolds(...parts: string[]): Promise<boolean> {
  const wanted = Buffer.concat(parts.map((part) => Buffer.from(part)));
  await new Promise((resolve) => setImmediate(resolve));
  collectGarbage();
  const chunks: Buffer[] = [];
  for await (const chunk of getHeapSnapshot()) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).includes(wanted);
}

describe('a roster import lets go of its pages (issue 16)', () => {
  it('after the import, no obligation key it wrote and no e-mail of its file is still held in memory', async () => {
    const terms = parseTermDates(readFileSync(TERMS, 'utf8'), 'england-2026-28.yaml');
    if (!terms.ok) throw new Error('bad terms');
    const { school } = await setSchool(deps, { slug: 'forgets', policy: getPreset('thomas-alleyne')!, policySource: 'preset:thomas-alleyne', termDates: terms.value });
    // A marker only this file's e-mails contain: nothing here keeps the text or the result.
    const marker = `forgets${crypto.randomUUID().slice(0, 8)}`;
    const loaded = await (async () => {
      const lines = ['email,full_name,role,line_manager_email,start_date', `head@${marker}.example,Head Teacher,headteacher,,2010-09-01`];
      for (let i = 1; i < 30; i++) lines.push(`staff${i}@${marker}.example,Staff ${i},teacher,head@${marker}.example,2018-09-01`);
      const result = await importRoster(deps, 'forgets', `${lines.join('\n')}\n`);
      return result.ok ? result.obligations.created : 0;
    })();
    expect(loaded).toBeGreaterThan(30);
    // Obligation keys begin with the person's id and the year; read one person's id as text.
    const [person] = await db.prisma.$queryRaw<{ id: string }[]>`SELECT id::text AS id FROM people WHERE school_id = ${school.id}::uuid ORDER BY email LIMIT 1`;
    expect(person).toBeDefined();
    expect(await heapHolds(person!.id, ':2026:')).toBe(false);
    expect(await heapHolds('@', marker, '.example')).toBe(false);
  }, 60_000);

  it("while the obligations are planned, the file's cells are no longer held: a table handed over is let go once its lines are read", async () => {
    const terms = parseTermDates(readFileSync(TERMS, 'utf8'), 'england-2026-28.yaml');
    if (!terms.ok) throw new Error('bad terms');
    await setSchool(deps, { slug: 'lets-go', policy: getPreset('thomas-alleyne')!, policySource: 'preset:thomas-alleyne', termDates: terms.value });
    // A column Trellis does not read: its cells are in the table only, never in a row or the database.
    const marker = `letsgo${crypto.randomUUID().slice(0, 8)}`;
    const source = ((): RosterTableSource => {
      const lines = ['email,full_name,role,line_manager_email,start_date,notes', `head@lets-go.example,Head Teacher,headteacher,,2010-09-01,${marker}-0`];
      for (let i = 1; i < 30; i++) lines.push(`staff${i}@lets-go.example,Staff ${i},teacher,head@lets-go.example,2018-09-01,${marker}-${i}`);
      const read = readRosterCsv(`${lines.join('\n')}\n`);
      if (!read.ok) throw new Error(read.fileProblem);
      return handOverTable(read.table);
    })();
    const held: boolean[] = [];
    const obligations: ObligationRepository = {
      ...deps.obligations,
      syncCycles: async (schoolId, cycles) => {
        held.push(await heapHolds(marker, '-'));
        return deps.obligations.syncCycles(schoolId, cycles);
      },
      plannedCount: (schoolId, year) => deps.obligations.plannedCount(schoolId, year),
      unplanned: (schoolId, year) => deps.obligations.unplanned(schoolId, year),
      cycleIdsOf: (ids, year) => deps.obligations.cycleIdsOf(ids, year),
      addDeadlines: (deadlines) => deps.obligations.addDeadlines(deadlines),
    };
    const result = await importRoster({ ...deps, obligations }, 'lets-go', source);
    expect(result.ok && result.changes.created).toBe(30);
    expect(held).toEqual([false]);
    // Handed over once: the source no longer gives the table to anyone.
    expect(() => source()).toThrow(/already been handed over/);
  }, 60_000);
});
