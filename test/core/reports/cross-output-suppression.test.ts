// Issue 13: "a department of one must not reveal that its only member is not covered". Each
// output suppresses its own small counts, but a middle leader can ask for several: the school's
// `summary`, `summary DEPARTMENT` for each department, and the counts of `overdue` for each. This
// test enumerates every cell those outputs publish for a school with a department of two, turns
// them into what a reader knows (shown figures, "fewer than 5", and that the departments add up to
// the school and each department's columns to its staff), and searches every value each count
// could take: no count from 1 to 4, and nothing about the department too small to report, can be
// worked out.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KnownPerson } from '../../../src/core/bot/bot-ports.ts';
import type { OutgoingMessage, SummaryItem } from '../../../src/core/conversations/engine/outgoing-message.ts';
import { kindInfo, phaseOf } from '../../../src/core/obligations/obligation-kinds.ts';
import { overdueReport, summaryReport } from '../../../src/core/reports/leader-reports.ts';
import type { ScopeCounts } from '../../../src/core/reports/report-ports.ts';
import { prismaAccess } from '../../../src/storage/prisma/prisma-access-relationships.ts';
import { PrismaReportReads } from '../../../src/storage/prisma/prisma-report-reads.ts';
import { type SeedPerson, seedSchool } from '../../support/seed-school.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { knownPerson } from './report-fixture.ts';
import { feasibleSums, feasibleValues, type Sum } from './support/derivable-cells.ts';

const TODAY = '2026-11-20';
const NOW = new Date('2026-11-20T12:00:00Z');
const DEPARTMENTS = ['Maths', 'English', 'Music'] as const;
const GROUPS = [...DEPARTMENTS, 'no department'] as const;
const STAFF_MEASURES = ['covered', 'excluded', 'withoutCycle'] as const;
const STAGE_MEASURES = ['done', 'open', 'overdue', 'notApplicable'] as const;
const KINDS = ['self-reflection', 'check-in'] as const;

let db: TestDatabase;
let reads: PrismaReportReads;
let lena: KnownPerson;

/** A teacher with a self-reflection (due 16 Oct: done, or open and so overdue) and a spring check-in not yet due. */
function teacher(key: string, department: string, reflected: boolean, extra: Partial<SeedPerson> = {}): SeedPerson {
  return {
    key,
    fullName: `Teacher ${key}`,
    role: 'teacher',
    lineManager: 'head',
    department,
    obligations: [
      { kind: 'self-reflection', dueOn: '2026-10-16', ownerRole: 'reviewee', status: reflected ? 'done' : 'open' },
      { kind: 'check-in', dueOn: '2027-02-12', ownerRole: 'reviewer' },
    ],
    ...extra,
  };
}

beforeAll(async () => {
  db = await createTestDatabase();
  // Maths 9 (the head among them; one not covered), English 8 (the deputy and the middle leader
  // asking among them), Music 2 (one not covered, one late with the self-reflection); everyone is
  // in a department. The school's overdue self-reflections (11) less Maths' (5) and English's (5)
  // would be Music's 1.
  const people: SeedPerson[] = [
    { key: 'head', fullName: 'Hana Head', role: 'headteacher', department: 'Maths', obligations: [] },
    { key: 'dep', fullName: 'Dev Deputy', role: 'leader', lineManager: 'head', department: 'English', obligations: [] },
    { key: 'lena', fullName: 'Lena Leader', role: 'leader', lineManager: 'head', department: 'English', obligations: [] },
    ...[1, 2, 3, 4, 5, 6, 7].map((i) => teacher(`m${i}`, 'Maths', i > 5)),
    teacher('m8', 'Maths', false, { excludedBecause: 'agency staff (002 intro)' }),
    ...[1, 2, 3, 4, 5, 6].map((i) => teacher(`e${i}`, 'English', i > 5)),
    teacher('u1', 'Music', false),
    teacher('u2', 'Music', false, { excludedBecause: 'on a support plan' }),
  ];
  const school = await seedSchool(db.prisma, 'thomas-alleyne', people);
  reads = new PrismaReportReads(db.prisma);
  lena = await knownPerson(db.prisma, school.ids.lena!);
});
afterAll(() => db.drop());

type Published = number | 'fewer than 5' | 'not shown';

function cellOf(text: string): Published {
  if (text === 'fewer than 5' || text === 'not shown') return text;
  const n = Number(text);
  if (!Number.isInteger(n)) throw new Error(`not a published count: “${text}”`);
  return n;
}

function summaryItemsOf(messages: readonly OutgoingMessage[]): readonly SummaryItem[] | undefined {
  return messages.flatMap((m) => (m.type === 'summary' ? [m.items] : []))[0];
}

/** Every cell a summary publishes, by measure: `covered`, `excluded`, `withoutCycle`, `<kind>|done` … (absent rows are 0). */
function summaryCells(items: readonly SummaryItem[]): { staff: number; cells: Map<string, Published> } {
  const value = (label: string) => items.find((i) => i.label === label)?.value;
  const staffLine = /^(\d+) \((.+) in this year’s cycle\)$/.exec(value('Staff in scope') ?? '');
  if (staffLine === null) throw new Error(`no staff line in ${JSON.stringify(items)}`);
  const cells = new Map<string, Published>([
    ['covered', cellOf(staffLine[2]!)],
    ['excluded', cellOf(/^(.+?) \(e\.g\./.exec(value('Not covered by the policy this year') ?? '0 (e.g.')?.[1] ?? '0')],
    ['withoutCycle', cellOf(value('No cycle set up yet') ?? '0')],
  ]);
  for (const kind of KINDS) {
    const row = value(`${phaseOf(kind)} · ${kindInfo(kind).label}`);
    const parts = new Map((row ?? '').split(' · ').flatMap((part) => {
      const m = /^(.+) (done|open|overdue|not applicable)$/.exec(part);
      return m === null ? [] : [[m[2] === 'not applicable' ? 'notApplicable' : m[2]!, cellOf(m[1]!)] as const];
    }));
    for (const measure of STAGE_MEASURES) cells.set(`${kind}|${measure}`, parts.get(measure) ?? 0);
  }
  return { staff: Number(staffLine[1]), cells };
}

/** The overdue counts a middle leader is given, by kind (absent rows are 0). */
function overdueCells(messages: readonly OutgoingMessage[]): Map<string, Published> {
  const items = summaryItemsOf(messages) ?? [];
  return new Map(KINDS.map((kind) => [`${kind}|overdue`, cellOf(/^(.+) overdue$/.exec(items.find((i) => i.label === `${phaseOf(kind)} · ${kindInfo(kind).label}`)?.value ?? '0 overdue')?.[1] ?? '0')]));
}

function trueCells(counts: ScopeCounts): Map<string, number> {
  const cells = new Map<string, number>([
    ['covered', counts.staff - counts.excluded - counts.withoutCycle],
    ['excluded', counts.excluded],
    ['withoutCycle', counts.withoutCycle],
  ]);
  for (const kind of KINDS) {
    const stage = counts.stages.find((s) => s.kind === kind);
    for (const measure of STAGE_MEASURES) cells.set(`${kind}|${measure}`, stage?.[measure] ?? 0);
  }
  return cells;
}

describe('no two outputs can be subtracted to reveal a group under 5 (issue 13)', () => {
  it('002 §18, §38: every count a middle leader can be given by `summary`, `summary DEPARTMENT` and `overdue` for a school with a department of two leaves no count from 1 to 4, and nothing of the small department, to be worked out', async () => {
    // What the reader is given.
    const school = summaryCells(summaryItemsOf(await summaryReport(reads, lena, undefined, TODAY))!);
    const schoolOverdue = overdueCells(await overdueReport(reads, prismaAccess(db.prisma).guard, lena, undefined, NOW));
    const published = new Map<string, { staff: number; cells: Map<string, Published> } | undefined>();
    for (const department of DEPARTMENTS) {
      const items = summaryItemsOf(await summaryReport(reads, lena, department, TODAY));
      const overdue = overdueCells(await overdueReport(reads, prismaAccess(db.prisma).guard, lena, department, NOW));
      if (items === undefined) {
        published.set(department, undefined);
        continue;
      }
      const cells = summaryCells(items);
      for (const [measure, cell] of overdue) expect(cells.cells.get(measure), `${department} ${measure}: overdue and summary agree`).toEqual(cell);
      published.set(department, cells);
    }
    for (const [measure, cell] of schoolOverdue) expect(school.cells.get(measure), `school ${measure}: overdue and summary agree`).toEqual(cell);
    expect(published.get('Music')).toBeUndefined();

    // The truth, to know which counts are small and to bound the search.
    const truth = new Map<string, Map<string, number>>();
    const staffOf = new Map<string, number>();
    const groups = await reads.countsByDepartment(lena.schoolId, 2026, TODAY);
    expect(groups.map((g) => g.department)).toEqual(['English', 'Maths', 'Music']);
    for (const { department, counts } of groups) {
      truth.set(department!, trueCells(counts));
      staffOf.set(department!, counts.staff);
    }
    const schoolCounts = { staff: groups.reduce((n, g) => n + g.counts.staff, 0) };
    const schoolTruth = new Map([...truth.get('Maths')!.keys()].map((m) => [m, DEPARTMENTS.reduce((n, d) => n + truth.get(d)!.get(m)!, 0)]));
    truth.set('no department', new Map([...schoolTruth].map(([m, n]) => [m, n - DEPARTMENTS.reduce((sum, d) => sum + (truth.get(d)!.get(m) ?? 0), 0)])));
    staffOf.set('no department', schoolCounts.staff - DEPARTMENTS.reduce((sum, d) => sum + staffOf.get(d)!, 0));
    // The school has the shape that gives a small group away to naive suppression.
    expect(schoolTruth.get('self-reflection|overdue')).toBe(11);
    expect(DEPARTMENTS.map((d) => truth.get(d)!.get('self-reflection|overdue'))).toEqual([5, 5, 1]);
    expect(truth.get('Music')!.get('excluded')).toBe(1);

    // What the reader knows: each department's staff (the roster is no secret), the cells shown, and the sums.
    const measures = [...STAFF_MEASURES, ...KINDS.flatMap((k) => STAGE_MEASURES.map((m) => `${k}|${m}`))];
    const name = (group: string, measure: string) => `${group}|${measure}`;
    const domains = new Map<string, readonly [number, number]>();
    for (const group of GROUPS) {
      for (const measure of measures) {
        const bound = (STAFF_MEASURES as readonly string[]).includes(measure) ? staffOf.get(group)! : 10 * staffOf.get(group)!;
        const shown = published.get(group)?.cells.get(measure);
        domains.set(name(group, measure), shown === undefined || shown === 'not shown' ? [0, bound] : shown === 'fewer than 5' ? [1, 4] : [shown, shown]);
      }
    }
    const sums: Sum[] = [];
    for (const measure of measures) {
      const shown = school.cells.get(measure)!;
      const vars = GROUPS.map((g) => name(g, measure));
      if (shown === 'fewer than 5') sums.push({ vars, lo: 1, hi: 4 });
      else if (typeof shown === 'number') sums.push({ vars, lo: shown, hi: shown });
    }
    for (const group of GROUPS) sums.push({ vars: STAFF_MEASURES.map((m) => name(group, m)), lo: staffOf.get(group)!, hi: staffOf.get(group)! });
    expect(school.staff).toBe(schoolCounts.staff);

    const derived: string[] = [];
    for (const group of GROUPS) {
      const small = group === 'Music' || group === 'no department';
      for (const measure of measures) {
        const actual = truth.get(group)!.get(measure)!;
        const sensitive = (actual > 0 && actual < 5) || (small && actual > 0);
        if (sensitive && feasibleValues(domains, sums, name(group, measure)).length === 1) derived.push(`${group} ${measure} = ${actual}`);
      }
    }
    for (const measure of measures) {
      const actual = schoolTruth.get(measure)!;
      if (actual > 0 && actual < 5 && feasibleSums(domains, sums, GROUPS.map((g) => name(g, measure)), 10 * schoolCounts.staff).length === 1) derived.push(`school ${measure} = ${actual}`);
    }
    expect(derived).toEqual([]);
  });
});
