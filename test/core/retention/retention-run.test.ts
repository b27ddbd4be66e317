// Retention that really deletes (003 §14.3 "retained … for 6 years and then securely destroyed";
// 004 §11.2 "for up to 6 years and destroyed securely"; 002 §44 deletion of time-expired records on
// request), against real PostgreSQL: records 7 years old go, records 5 years old stay, and nothing
// else changes — every table is counted before and after.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePolicy } from '../../../src/core/policy/load-policy.ts';
import { getPreset } from '../../../src/core/policy/presets/index.ts';
import { RECORD_TABLES } from '../../../src/core/records/record-tables.ts';
import { dailyRetention, deleteMyExpiredRecords, expiredThroughYear, retentionYearsOf, type RetentionDeps, retentionMessage, runRetention } from '../../../src/core/retention/retention.ts';
import { fixedClock } from '../../../src/core/time/clock.ts';
import { messageText } from '../../../src/core/conversations/engine/outgoing-message.ts';
import { PrismaRetentionStore } from '../../../src/storage/prisma/prisma-retention-store.ts';
import { PrismaSchoolRepository } from '../../../src/storage/prisma/prisma-school-repository.ts';
import { queuedNotifications } from '../../support/queued-notifications.ts';
import { runTrellisWith } from '../../support/run-cli.ts';
import { type SeededRecords, seedEveryRecord } from '../../support/seed-every-record.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { internalIn } from '../conversations/support/plain-words.ts';

const TERMS = join(import.meta.dirname, '../../../config/terms/england-2026-28.yaml');
const NOW = '2026-11-30T02:00:00Z';

let db: TestDatabase;
let deps: RetentionDeps;
let lou: string;
let ids: { school: string; head: string; teacher: string; leaver: string; other: string };
let old: SeededRecords[];
let recent: SeededRecords[];

async function countEveryTable(): Promise<Record<string, number>> {
  // Not the counts the database keeps of people, cycles and obligations (`report_tallies`,
  // `cycle_first_dues`): their triggers follow every deletion, and report-tallies.test.ts checks them
  // against a fresh count after deletions like these.
  const tables = await db.prisma.$queryRaw<{ tablename: string }[]>`SELECT tablename FROM pg_tables WHERE schemaname = current_schema()
    AND tablename NOT IN ('_prisma_migrations', 'report_tallies', 'cycle_first_dues') ORDER BY tablename`;
  const counts: Record<string, number> = {};
  for (const { tablename } of tables) {
    const [row] = await db.prisma.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM "${tablename}"`);
    counts[tablename] = row?.n ?? 0;
  }
  return counts;
}

async function schoolWithPeople(slug: string) {
  const set = await runTrellisWith({ databaseUrl: db.url }, 'school', 'set', slug, '--policy', 'tpat', '--terms', TERMS, '--name', `${slug} Academy`);
  if (set.code !== 0) throw new Error(set.stderr);
  const school = await db.prisma.school.findUniqueOrThrow({ where: { slug } });
  const person = (email: string, fullName: string, extra: { active?: boolean; contractEnd?: Date; leftOn?: Date; role?: string } = {}) =>
    db.prisma.person.create({
      data: { schoolId: school.id, email: `${email}@${slug}.example`, fullName, role: extra.role ?? 'teacher', active: extra.active ?? true, contractEnd: extra.contractEnd ?? null, leftOn: extra.leftOn ?? null },
    });
  return { school, person };
}

beforeAll(async () => {
  db = await createTestDatabase();
  deps = { store: new PrismaRetentionStore(db.prisma), findSchool: (slug) => new PrismaSchoolRepository(db.prisma).findSchool(slug), clock: fixedClock(NOW) };
  const { school, person } = await schoolWithPeople('penwith');
  const head = await person('head', 'Ada Head', { role: 'headteacher' });
  const teacher = await person('tom', 'Tom Teacher');
  const leaver = await person('lee', 'Lee Leaver', { active: false, contractEnd: new Date('2020-07-31T00:00:00Z') });
  // Stayed on after a fixed-term contract ended and left in 2020/21: six years count from the day they left.
  lou = (await person('lou', 'Lou Later', { active: false, contractEnd: new Date('2020-07-31T00:00:00Z'), leftOn: new Date('2021-03-01T00:00:00Z') })).id;
  // Another school whose records are just as old but are not part of this run.
  const elsewhere = await schoolWithPeople('elsewhere');
  const otherHead = await elsewhere.person('head', 'Other Head', { role: 'headteacher' });
  const other = await elsewhere.person('olly', 'Olly Other');
  ids = { school: school.id, head: head.id, teacher: teacher.id, leaver: leaver.id, other: other.id };
  const text = (year: number) => `Confidential notes from ${year}`;
  old = [
    await seedEveryRecord(db.prisma, { schoolId: school.id, personId: teacher.id, otherId: head.id, year: 2019, text: text(2019) }),
    await seedEveryRecord(db.prisma, { schoolId: school.id, personId: leaver.id, otherId: head.id, year: 2019, text: text(2019) }),
  ];
  recent = [await seedEveryRecord(db.prisma, { schoolId: school.id, personId: teacher.id, otherId: head.id, year: 2021, text: text(2021) })];
  await seedEveryRecord(db.prisma, { schoolId: elsewhere.school.id, personId: other.id, otherId: otherHead.id, year: 2019, text: text(2019) });
  await db.prisma.platformIdentity.create({ data: { personId: leaver.id, platform: 'slack', tenantId: 'T1', platformUserId: 'ULEE' } });
  await db.prisma.teamsInstallFailure.create({ data: { personId: leaver.id, tenantId: 'tenant-1', outcome: 'not-found', detail: 'no user with their e-mail', attemptedAt: new Date('2019-09-01T00:00:00Z') } });
  await db.prisma.slackReachFailure.create({ data: { personId: leaver.id, workspace: 'T1', outcome: 'not-in-workspace', detail: 'Slack answered users_not_found to users.lookupByEmail', attemptedAt: new Date('2019-09-01T00:00:00Z') } });
  await db.prisma.platformIdentity.create({ data: { personId: teacher.id, platform: 'slack', tenantId: 'T1', platformUserId: 'UTOM' } });
});
afterAll(() => db.drop());

function expectedGone(): Record<string, number> {
  const gone: Record<string, number> = { people: 1, platform_identities: 1, teams_install_failures: 1, slack_reach_failures: 1 };
  for (const seeded of old) for (const [table, rows] of Object.entries(seeded)) gone[table] = (gone[table] ?? 0) + rows.length;
  return gone;
}

describe('retention (003 §14.3, 004 §11.2)', () => {
  it('003 §14.3: on 30 November 2026 six years have run out for 2019/20 and earlier, not for 2020/21', () => {
    expect(expiredThroughYear('2026-11-30', 6)).toBe(2019);
    expect(expiredThroughYear('2026-08-31', 6)).toBe(2018);
    expect(expiredThroughYear('2026-09-01', 6)).toBe(2019);
  });

  it('003 §14.3, 004 §11.2: a policy that does not say how long keeps records six years', () => {
    const preset = structuredClone(getPreset('tpat')) as { confidentiality: Record<string, unknown> };
    delete preset.confidentiality.retentionYears;
    const parsed = parsePolicy(preset);
    if (!parsed.ok) throw new Error(parsed.problems.map((p) => p.message).join('; '));
    expect(retentionYearsOf(parsed.value)).toBe(6);
  });

  it('003 §14.3: the seeded database holds old rows in every table the export reads, so the run below is tested against all of them', () => {
    const seeded = new Set([...Object.keys(expectedGone())]);
    expect(RECORD_TABLES.map((t) => t.table).filter((t) => !seeded.has(t))).toEqual(['deletion_log']);
  });

  it('003 §14.3: a dry run reports what would go and changes nothing', async () => {
    const before = await countEveryTable();
    const [result] = await runRetention(deps, ['penwith'], { dryRun: true });
    expect(await countEveryTable()).toEqual(before);
    expect(result?.destroyed.total).toBe(Object.values(expectedGone()).reduce((a, b) => a + b, 0));
    expect(result?.message).toContain('would be destroyed');
    expect(result?.message).toContain('Nothing has been changed.');
    expect(result?.tell).toEqual([]);
  });

  it('003 §14.3, 004 §11.2: records 7 years old are deleted for real, records 5 years old and other schools’ records stay, the head’s summary is queued in the deleting transaction, and nothing else changes', async () => {
    const before = await countEveryTable();
    const [result] = await runRetention(deps, ['penwith'], { dryRun: false });
    const after = await countEveryTable();
    const gone = expectedGone();
    const changed: Record<string, number> = {};
    for (const table of Object.keys(before)) {
      const delta = (before[table] ?? 0) - (after[table] ?? 0);
      if (delta !== 0) changed[table] = delta;
    }
    const logged = Object.values(gone).reduce((a, b) => a + b, 0);
    // One outbox row more than went: the head's summary, queued with the deletions.
    expect(changed).toEqual({ ...gone, nudge_outbox: (gone.nudge_outbox ?? 0) - 1, deletion_log: -logged });
    // Written by the very transaction that deleted the records (one PostgreSQL transaction id for both).
    const [writers] = await db.prisma.$queryRaw<{ log: string[]; summary: string[] }[]>`
      SELECT (SELECT array_agg(DISTINCT xmin::text) FROM deletion_log WHERE school_id = ${ids.school}::uuid) AS log,
        (SELECT array_agg(DISTINCT xmin::text) FROM nudge_outbox WHERE key LIKE 'notify:retention:penwith:%') AS summary`;
    expect(writers?.summary).toHaveLength(1);
    expect(writers?.log).toEqual(writers?.summary);
    for (const seeded of recent) {
      for (const [table, rows] of Object.entries(seeded)) {
        const [row] = await db.prisma.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM "${table}" WHERE id = ANY($1::uuid[])`, rows);
        expect(row?.n, table).toBe(rows.length);
      }
    }
    for (const seeded of old) {
      for (const [table, rows] of Object.entries(seeded)) {
        const [row] = await db.prisma.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM "${table}" WHERE id = ANY($1::uuid[])`, rows);
        expect(row?.n, table).toBe(0);
      }
    }
    expect(await db.prisma.person.findUnique({ where: { id: ids.leaver } })).toBeNull();
    expect(await db.prisma.person.findUnique({ where: { id: ids.teacher } })).not.toBeNull();
    expect(await db.prisma.cycle.count({ where: { personId: ids.other } })).toBe(1);
    expect(result?.destroyed.leavers).toBe(1);
    expect(result?.destroyed.people).toBe(2);
    expect(result?.tell).toEqual([{ id: ids.head, fullName: 'Ada Head' }]);
    expect(result?.message).toMatch(/^penwith Academy: \d+ records from 2019\/20 and earlier were destroyed, belonging to 2 people\. Rule: 6 years after the end of the academic year \(003 §14\.2–14\.3\)\./);
    expect(result?.message).not.toContain('Tom');
    expect(result?.message).not.toContain('Lee');
  });

  it('004 §11.2: a leaver’s six years count from the day they left (left_on), not from an earlier contract end', async () => {
    expect(await db.prisma.person.findUnique({ where: { id: lou } })).toMatchObject({ fullName: 'Lou Later' });
    expect(await db.prisma.person.findUnique({ where: { id: ids.leaver } })).toBeNull();
  });

  it('003 §14.3: the deletion log has a row per destroyed record with its kind, id, person, year and rule, and none of its content', async () => {
    const log = await db.prisma.deletionLog.findMany({ where: { schoolId: ids.school } });
    expect(log).toHaveLength(Object.values(expectedGone()).reduce((a, b) => a + b, 0));
    const oldIds = new Set(old.flatMap((seeded) => Object.values(seeded).flat()));
    for (const row of log) {
      expect(Object.keys(row).sort()).toEqual(['cycleYear', 'deletedAt', 'id', 'kind', 'reason', 'recordId', 'rule', 'schoolId', 'subjectPersonId']);
      expect(row.cycleYear).toBeLessThanOrEqual(2019);
      expect(row.reason).toBe('retention');
      expect(row.deletedAt).toEqual(new Date(NOW));
      expect(oldIds.has(row.recordId) || ['people', 'platform_identities', 'teams_install_failures', 'slack_reach_failures'].includes(row.kind)).toBe(true);
    }
    const everything = JSON.stringify(log);
    expect(everything).not.toContain('Confidential notes');
    expect(everything).not.toContain('Lee Leaver');
    expect(everything).not.toContain('lee@');
  });

  it('003 §14.3: a second run the same day finds nothing more and tells nobody', async () => {
    const [result] = await runRetention(deps, ['penwith'], { dryRun: false });
    expect(result?.destroyed.total).toBe(0);
    expect(result?.message).toBeUndefined();
    expect(result?.tell).toEqual([]);
  });

  it('002 §44: a person’s request deletes only their own time-expired records', async () => {
    const school = await deps.findSchool('elsewhere');
    if (school === undefined) throw new Error('no school');
    const before = await db.prisma.cycle.count({ where: { schoolId: school.id } });
    const result = await deleteMyExpiredRecords(deps, school, ids.other);
    expect(result.destroyed.total).toBeGreaterThan(10);
    expect(result.tell).toEqual([]);
    expect(await db.prisma.cycle.count({ where: { schoolId: school.id } })).toBe(before - 1);
    const log = await db.prisma.deletionLog.findMany({ where: { schoolId: school.id } });
    expect(new Set(log.map((r) => r.reason))).toEqual(new Set(['request']));
    expect(new Set(log.map((r) => r.subjectPersonId))).toEqual(new Set([ids.other]));
  });

  it('003 §14.3: the daily job tells each head what went, once, in plain words, and nobody when nothing went', async () => {
    const elsewhere = await db.prisma.school.findUniqueOrThrow({ where: { slug: 'elsewhere' } });
    await db.prisma.cycle.create({
      data: { schoolId: elsewhere.id, personId: ids.other, academicYear: 2018, startsOn: new Date('2018-09-01'), endsOn: new Date('2019-08-31') },
    });
    const results = await dailyRetention({ ...deps, listSchoolSlugs: async () => ['penwith', 'elsewhere'] });
    expect(results.map((r) => r.destroyed.total)).toEqual([0, expect.any(Number)]);
    // Queued for the job engine like any notification, keyed by school and day: a second run the same day queues nothing more.
    await dailyRetention({ ...deps, listSchoolSlugs: async () => ['penwith', 'elsewhere'] });
    const sent = await queuedNotifications(db.prisma, 'notify:retention:elsewhere:');
    expect(sent).toHaveLength(1);
    // 003 §14.3 in plain words in chat: the deletion log and `trellis retention` keep the paragraph.
    expect(messageText(sent[0]!.messages[0]!)).toMatch(/^elsewhere Academy: 1 record from 2019\/20 and earlier was destroyed, belonging to 1 person\. Rule: 6 years after the end of the academic year\.\n/);
    expect(internalIn([messageText(sent[0]!.messages[0]!)], 'the head’s retention message')).toEqual([]);
    expect(sent[0]?.key).toMatch(/^notify:retention:elsewhere:2026-11-30:/);
  });

  it('003 §14.3: the head’s message counts records by kind and says the log keeps no content', () => {
    const text = retentionMessage({
      schoolName: 'Penwith',
      expiredThroughYear: 2019,
      rule: '6 years after the end of the academic year (003 §14.2–14.3)',
      dryRun: false,
      destroyed: { byKind: [{ kind: 'check_ins', count: 2 }, { kind: 'cycles', count: 1 }], total: 3, people: 1, leavers: 0 },
    });
    expect(text).toBe(
      'Penwith: 3 records from 2019/20 and earlier were destroyed, belonging to 1 person. Rule: 6 years after the end of the academic year (003 §14.2–14.3).\n2 × check-ins; 1 × growth cycles\nThe deletion log keeps what kind of record each was and when it went, never what it said.',
    );
  });
});
