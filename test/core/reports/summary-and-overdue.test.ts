import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KnownPerson } from '../../../src/core/bot/bot-ports.ts';
import { messageText, type OutgoingMessage } from '../../../src/core/conversations/engine/outgoing-message.ts';
import { CycleReports } from '../../../src/core/reports/cycle-reports.ts';
import { PrismaReportReads } from '../../../src/storage/prisma/prisma-report-reads.ts';
import type { SeededSchool } from '../../support/seed-school.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { knownPerson, NOW, SECRET, seedReportSchools } from './report-fixture.ts';

let db: TestDatabase;
let a: SeededSchool;
let b: SeededSchool;
let reports: CycleReports;
let lee: KnownPerson;

const NAMES = ['Hugh Head', 'Lee Leader', 'Mo Manager', 'Tia Teacher', 'Sam Scholar', 'Ava Agency', 'Bex Boss', 'Zed Zephyr'];

beforeAll(async () => {
  db = await createTestDatabase();
  ({ a, b } = await seedReportSchools(db.prisma));
  reports = new CycleReports(new PrismaReportReads(db.prisma));
  lee = await knownPerson(db.prisma, a.ids.lee!);
});
afterAll(() => db.drop());

function itemsOf(messages: readonly OutgoingMessage[]): string[] {
  const summary = messages.find((m) => m.type === 'summary');
  return summary?.type === 'summary' ? summary.items.map((i) => `${i.label}: ${i.value}`) : [];
}

const allText = (messages: readonly OutgoingMessage[]) => messages.map(messageText).join('\n');

describe('summary (issue 5: counts only)', () => {
  it('counts the whole school per stage in cycle order, notes the excluded, and shows no names or answers', async () => {
    const messages = await reports.summary(lee, undefined, NOW);
    expect(messages[0]?.type === 'summary' && messages[0].title).toBe('Growth cycle 2026/27 — the whole school, as of Mon 23 Nov');
    expect(itemsOf(messages)).toEqual([
      'Staff in scope: 6 (5 in this year’s cycle)',
      'Not covered by the policy this year: 1 (e.g. agency staff, ECTs on induction; they have no items)',
      'Planning · Self-reflection: 1 done · 0 open · 1 overdue',
      'Planning · Growth plan agreed: 1 done · 0 open · 1 overdue',
      'Planning · Upper pay range application: 0 done · 1 open · 0 overdue',
      'In year · Check-ins: 0 done · 1 open · 1 overdue',
      'In year · Interim review: 0 done · 1 open · 0 overdue',
    ]);
    const text = allText(messages);
    for (const name of NAMES) expect(text).not.toContain(name);
    expect(text).not.toContain(SECRET);
    expect(text).toMatch(/Counts only/);
  });

  it('narrows to one department, matched case-insensitively', async () => {
    const messages = await reports.summary(lee, 'science', NOW);
    expect(messages[0]?.type === 'summary' && messages[0].title).toMatch(/— Science, as of/);
    expect(itemsOf(messages)).toEqual([
      'Staff in scope: 3 (2 in this year’s cycle)',
      'Not covered by the policy this year: 1 (e.g. agency staff, ECTs on induction; they have no items)',
      'Planning · Self-reflection: 1 done · 0 open · 0 overdue',
      'Planning · Growth plan agreed: 0 done · 0 open · 1 overdue',
      'In year · Check-ins: 0 done · 1 open · 0 overdue',
      'In year · Interim review: 0 done · 1 open · 0 overdue',
    ]);
    for (const name of NAMES) expect(allText(messages)).not.toContain(name);
  });

  it('lists the school’s departments when asked for one it does not have (and not the other school’s)', async () => {
    await db.prisma.person.update({ where: { id: b.ids.zed! }, data: { department: 'Drama' } });
    const messages = await reports.summary(lee, 'Drama', NOW);
    expect(allText(messages)).toBe('I don’t know a department called “Drama”. Departments I know: Maths, Science.');
  });

  it('counts a not-applicable item apart and a done one as done', async () => {
    await db.prisma.obligation.updateMany({ where: { cycleId: a.cycles.sam!, kind: 'check-in' }, data: { status: 'not-applicable', note: 'long-term absence' } });
    try {
      const items = itemsOf(await reports.summary(lee, 'Maths', NOW));
      expect(items).toContain('In year · Check-ins: 0 done · 0 open · 0 overdue · 1 not applicable');
      expect(items.join('\n')).not.toContain('long-term absence');
    } finally {
      await db.prisma.obligation.updateMany({ where: { cycleId: a.cycles.sam!, kind: 'check-in' }, data: { status: 'open', note: null } });
    }
  });
});

describe('rights that lapse (002 §16)', () => {
  it('an appeal window that passed unused is neither open nor overdue; one still open counts as open', async () => {
    const base = { opensOn: new Date('2026-11-02'), ownerRole: 'reviewee', rule: '002 §16', kind: 'appeal-window', label: 'Last day to appeal' };
    await db.prisma.obligation.createMany({
      data: [
        { ...base, key: 'lapsed-window', cycleId: a.cycles.sam!, personId: a.ids.sam!, dueOn: new Date('2026-11-16') },
        { ...base, key: 'open-window', cycleId: a.cycles.tia!, personId: a.ids.tia!, dueOn: new Date('2026-11-30') },
      ],
    });
    try {
      expect(itemsOf(await reports.summary(lee, undefined, NOW))).toContain('Appeal · Appeal windows: 0 done · 1 open · 0 overdue');
      expect(allText(await reports.overdue(lee, undefined, NOW))).not.toContain('Last day to appeal');
    } finally {
      await db.prisma.obligation.deleteMany({ where: { key: { in: ['lapsed-window', 'open-window'] } } });
    }
  });
});

describe('overdue (issue 5)', () => {
  it('lists who is overdue for what, oldest first, with due dates and calendar days overdue; optional items never count', async () => {
    const messages = await reports.overdue(lee, undefined, NOW);
    expect(messages[0]?.type === 'summary' && messages[0].title).toBe('Overdue — the whole school: 3 items for 2 people (days are calendar days)');
    expect(itemsOf(messages)).toEqual([
      'Sam Scholar — Reflection before the planning meeting: due Thu 15 Oct, 39 calendar days overdue',
      'Tia Teacher — Performance planning: three targets agreed: due Fri 30 Oct, 24 calendar days overdue',
      'Sam Scholar — Autumn check-in: due Fri 20 Nov, 3 calendar days overdue',
    ]);
    expect(allText(messages)).not.toContain(SECRET);
    expect(allText(messages)).not.toContain('Zed Zephyr');
  });

  it('narrows to a department', async () => {
    expect(itemsOf(await reports.overdue(lee, 'SCIENCE', NOW))).toEqual([
      'Tia Teacher — Performance planning: three targets agreed: due Fri 30 Oct, 24 calendar days overdue',
    ]);
  });

  it('says so plainly when nothing is overdue', async () => {
    expect(allText(await reports.overdue(lee, 'Science', new Date('2026-10-01T09:00:00Z')))).toBe('Nothing is overdue for Science as of Thu 1 Oct.');
  });
});

describe('a leader sees only their own school (defence in depth)', () => {
  it('a leader of school A never sees school B, even when a channel passes school B’s id', async () => {
    const forged: KnownPerson = { ...lee, schoolId: b.schoolId };
    for (const messages of [await reports.summary(forged, undefined, NOW), await reports.overdue(forged, undefined, NOW)]) {
      expect(allText(messages)).toMatch(/^Summaries are for senior leaders and the head/);
      expect(allText(messages)).not.toContain('Zed Zephyr');
    }
    const bex = await knownPerson(db.prisma, b.ids.bex!);
    const own = allText(await reports.overdue(bex, undefined, NOW));
    expect(own).toContain('Zed Zephyr');
    for (const name of ['Tia Teacher', 'Sam Scholar']) expect(own).not.toContain(name);
  });

  it('a teacher passed in as a leader is refused from the stored role', async () => {
    const tia = { ...(await knownPerson(db.prisma, a.ids.tia!)), role: 'leader' as const };
    expect(allText(await reports.summary(tia, undefined, NOW))).toMatch(/^Summaries are for senior leaders and the head/);
  });
});
