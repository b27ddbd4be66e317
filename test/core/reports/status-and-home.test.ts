import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageText } from '../../../src/core/conversations/engine/outgoing-message.ts';
import { CycleReports } from '../../../src/core/reports/cycle-reports.ts';
import { PrismaReportReads } from '../../../src/storage/prisma/prisma-report-reads.ts';
import { prismaAccess } from '../../../src/storage/prisma/prisma-access-relationships.ts';
import type { SeededSchool } from '../../support/seed-school.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { knownPerson, NOW, SECRET, seedReportSchools } from './report-fixture.ts';

let db: TestDatabase;
let a: SeededSchool;
let reports: CycleReports;

beforeAll(async () => {
  db = await createTestDatabase();
  ({ a } = await seedReportSchools(db.prisma));
  reports = new CycleReports(new PrismaReportReads(db.prisma), prismaAccess(db.prisma));
});
afterAll(() => db.drop());

describe('status', () => {
  it('tells a teacher their stage, the overdue plan first, later items with readable dates, and the plan in brief', async () => {
    const [message, ...rest] = await reports.status(await knownPerson(db.prisma, a.ids.tia!), NOW);
    expect(rest).toEqual([]);
    expect(message?.type).toBe('summary');
    if (message?.type !== 'summary') return;
    expect(message.title).toBe('Your 2026/27 cycle');
    expect(message.items).toEqual([
      { label: 'Stage', value: 'Planning' },
      { label: 'Growth plan', value: 'submitted, 2 goals: Raise Year 9 practical scores; Lead the KS3 science club' },
      { label: 'Performance planning: three targets agreed', value: 'OVERDUE — overdue since Fri 30 Oct (24 days)' },
      { label: 'Spring check-in', value: 'due Fri 12 Feb 2027' },
      { label: 'Interim review of progress', value: 'due Fri 26 Mar 2027' },
    ]);
    expect(messageText(message)).not.toContain(SECRET);
  });

  it('shows a manager the items they owe in reviewees’ cycles, with whose they are', async () => {
    const [message] = await reports.status(await knownPerson(db.prisma, a.ids.mo!), NOW);
    expect(message?.type === 'summary' && message.items.map((i) => `${i.label}: ${i.value}`)).toEqual([
      'Stage: No items this year',
      'Autumn check-in (Sam Scholar): OVERDUE — overdue since Fri 20 Nov (3 days)',
      'Spring check-in (Tia Teacher): due Fri 12 Feb 2027',
      'Interim review of progress (Tia Teacher): due Fri 26 Mar 2027',
    ]);
  });

  it('explains when there is no cycle at all', async () => {
    const outsider = await db.prisma.person.create({ data: { schoolId: a.schoolId, email: 'new@a.example', fullName: 'New Starter', role: 'teacher' } });
    const messages = await reports.status(await knownPerson(db.prisma, outsider.id), NOW);
    expect(messages.map(messageText).join('\n')).toMatch(/there is no cycle for you this year yet/);
  });

  it('moves to "Mid-year review" once planning is done and the interim review has opened (002 §14)', async () => {
    await db.prisma.obligation.updateMany({ where: { cycleId: a.cycles.tia!, kind: 'plan-agreed' }, data: { status: 'done' } });
    try {
      const inYear = await reports.home(await knownPerson(db.prisma, a.ids.tia!), NOW);
      expect(inYear.stage).toBe('In year: check-ins');
      const spring = await reports.home(await knownPerson(db.prisma, a.ids.tia!), new Date('2027-03-01T10:00:00Z'));
      // 1 March 2027 is in academic year 2026: the same cycle.
      expect(spring.stage).toBe('Mid-year review');
    } finally {
      await db.prisma.obligation.updateMany({ where: { cycleId: a.cycles.tia!, kind: 'plan-agreed' }, data: { status: 'open' } });
    }
  });
});

describe('the appeal window (002 §16)', () => {
  it('is the stage while it is open, and once it has lapsed it is neither the stage nor a deadline', async () => {
    await db.prisma.obligation.create({
      data: { key: 'tia-window', cycleId: a.cycles.tia!, personId: a.ids.tia!, kind: 'appeal-window', label: 'Last day to appeal', opensOn: new Date('2026-11-16'), dueOn: new Date('2026-11-30'), ownerRole: 'reviewee', rule: '002 §16' },
    });
    try {
      const tia = await knownPerson(db.prisma, a.ids.tia!);
      const open = await reports.home(tia, NOW);
      expect(open.stage).toBe('Appeal window');
      expect(open.deadlines.find((d) => d.obligationKey === 'tia-window')).toMatchObject({ overdue: false, dueOn: '2026-11-30' });
      expect(open.actions).toContainEqual({ label: 'Appeal', value: 'appeal' });
      const lapsed = await reports.home(tia, new Date('2026-12-01T10:00:00Z'));
      expect(lapsed.stage).toBe('Planning');
      expect(lapsed.deadlines.map((d) => d.obligationKey)).not.toContain('tia-window');
    } finally {
      await db.prisma.obligation.delete({ where: { key: 'tia-window' } });
    }
  });
});

describe('home', () => {
  it('gives a teacher their stage, deadlines soonest first, plan goals, buttons and dialogs in progress', async () => {
    await db.prisma.conversation.create({ data: { tenant: 'T1', threadKey: 'th-1', platform: 'slack', personId: a.ids.tia!, dialogId: 'growth-plan', step: 'goals', status: 'paused' } });
    await db.prisma.conversation.create({ data: { tenant: 'T1', threadKey: 'th-0', platform: 'slack', personId: a.ids.tia!, dialogId: 'check-in', step: 'done', status: 'completed' } });
    const home = await reports.home(await knownPerson(db.prisma, a.ids.tia!), NOW);
    expect(home.person).toEqual({ id: a.ids.tia, fullName: 'Tia Teacher', role: 'teacher' });
    expect(home.academicYear).toBe(2026);
    expect(home.stage).toBe('Planning');
    expect(home.exclusion).toBeUndefined();
    expect(home.deadlines.map((d) => [d.label, d.dueOn, d.overdue, d.yours])).toEqual([
      ['Performance planning: three targets agreed', '2026-10-30', true, true],
      ['Spring check-in', '2027-02-12', false, false],
      ['Interim review of progress', '2027-03-26', false, false],
    ]);
    expect(home.plan).toEqual({ status: 'submitted', goals: ['Raise Year 9 practical scores', 'Lead the KS3 science club'] });
    expect(home.reviewees).toEqual([]);
    expect(home.actions).toEqual([
      { label: 'Growth plan', value: 'plan' },
      { label: 'Check-in record', value: 'checkin' },
    ]);
    expect(home.inProgress).toEqual([{ dialogId: 'growth-plan', title: 'Growth plan', platform: 'slack', threadKey: 'th-1', status: 'paused' }]);
    expect(JSON.stringify(home)).not.toContain(SECRET);
  });

  it('gives a line manager their reviewees at a glance: open and overdue counts and the next item, no contents', async () => {
    const home = await reports.home(await knownPerson(db.prisma, a.ids.mo!), NOW);
    // Ava is excluded (agency) and has no items, but is still Mo's to line-manage.
    expect(home.reviewees).toEqual([
      { id: a.ids.ava, fullName: 'Ava Agency', open: 0, overdue: 0, next: undefined },
      { id: a.ids.sam, fullName: 'Sam Scholar', open: 3, overdue: 2, next: 'Reflection before the planning meeting — overdue since Thu 15 Oct (39 days)' },
      { id: a.ids.tia, fullName: 'Tia Teacher', open: 3, overdue: 1, next: 'Performance planning: three targets agreed — overdue since Fri 30 Oct (24 days)' },
    ]);
    expect(home.deadlines.map((d) => [d.label, d.about?.fullName])).toEqual([
      ['Autumn check-in', 'Sam Scholar'],
      ['Spring check-in', 'Tia Teacher'],
      ['Interim review of progress', 'Tia Teacher'],
    ]);
    expect(JSON.stringify(home)).not.toContain(SECRET);
  });

  it('says why an excluded person is outside the cycle', async () => {
    const home = await reports.home(await knownPerson(db.prisma, a.ids.ava!), NOW);
    expect(home.stage).toBe('Not in this year’s cycle');
    expect(home.exclusion).toBe('agency');
    expect(home.deadlines).toEqual([]);
  });

  it('002 introduction, 001 introduction, 004 §2.1.1: says it in plain words — the paragraph the planner stores with the reason is for `why`, and a date reads “Wed 1 Sep 2027”', async () => {
    const cycle = { personId: a.ids.ava!, status: 'excluded' };
    const stored: [string, string][] = [
      ['Agency workers are not covered by this policy (004 §2.1.1)', 'Agency workers are not covered by this policy'],
      ['Agency workers are not covered by this policy (002 introduction (teachers employed by the school))', 'Agency workers are not covered by this policy'],
      ['This policy does not cover this role (001 introduction ("Growing great teachers": the policy is for teachers))', 'This policy does not cover this role'],
      ["Starts on 2027-09-01, in the next academic year: their first cycle is that year's", "Starts on Wed 1 Sep 2027, in the next academic year: their first cycle is that year's"],
    ];
    try {
      for (const [reason, shown] of stored) {
        await db.prisma.cycle.updateMany({ where: cycle, data: { exclusionReason: reason } });
        expect((await reports.home(await knownPerson(db.prisma, a.ids.ava!), NOW)).exclusion).toBe(shown);
      }
    } finally {
      await db.prisma.cycle.updateMany({ where: cycle, data: { exclusionReason: 'agency' } });
    }
  });
});
