import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KnownPerson } from '../../../src/core/bot/bot-ports.ts';
import { messageText, type OutgoingMessage } from '../../../src/core/conversations/engine/outgoing-message.ts';
import { CycleReports } from '../../../src/core/reports/cycle-reports.ts';
import { PrismaReportReads } from '../../../src/storage/prisma/prisma-report-reads.ts';
import { prismaAccess } from '../../../src/storage/prisma/prisma-access-relationships.ts';
import type { SeededSchool } from '../../support/seed-school.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { knownPerson, NOW, SECRET, seedReportSchools } from './report-fixture.ts';

let db: TestDatabase;
let a: SeededSchool;
let b: SeededSchool;
let reports: CycleReports;
let lee: KnownPerson;
let hugh: KnownPerson;

const NAMES = ['Hugh Head', 'Lee Leader', 'Mo Manager', 'Tia Teacher', 'Sam Scholar', 'Ava Agency', 'Bex Boss', 'Zed Zephyr'];

beforeAll(async () => {
  db = await createTestDatabase();
  ({ a, b } = await seedReportSchools(db.prisma));
  reports = new CycleReports(new PrismaReportReads(db.prisma), prismaAccess(db.prisma));
  lee = await knownPerson(db.prisma, a.ids.lee!);
  hugh = await knownPerson(db.prisma, a.ids.head!);
});
afterAll(() => db.drop());

function itemsOf(messages: readonly OutgoingMessage[]): string[] {
  const summary = messages.find((m) => m.type === 'summary');
  return summary?.type === 'summary' ? summary.items.map((i) => `${i.label}: ${i.value}`) : [];
}

const allText = (messages: readonly OutgoingMessage[]) => messages.map(messageText).join('\n');

describe('summary (issue 13: counts only, small numbers suppressed)', () => {
  it('counts the whole school per stage in cycle order, shows 1–4 as “fewer than 5”, hides the covered count too so the excluded one cannot be worked out from the total, and says why', async () => {
    const messages = await reports.summary(lee, undefined, NOW);
    expect(messages[0]?.type === 'summary' && messages[0].title).toBe('Growth cycle 2026/27 — the whole school, as of Mon 23 Nov');
    expect(itemsOf(messages)).toEqual([
      'Staff in scope: 6 (not shown in this year’s cycle)',
      'Not covered by the policy this year: fewer than 5 (e.g. agency staff, ECTs on induction; they have no items)',
      'Planning · Self-reflection: fewer than 5 done · 0 open · fewer than 5 overdue',
      'Planning · Growth plan agreed: fewer than 5 done · 0 open · fewer than 5 overdue',
      'Planning · Upper pay range application: 0 done · fewer than 5 open · 0 overdue',
      'In year · Check-ins: 0 done · fewer than 5 open · fewer than 5 overdue',
      'In year · Interim review: 0 done · fewer than 5 open · 0 overdue',
    ]);
    const text = allText(messages);
    for (const name of NAMES) expect(text).not.toContain(name);
    expect(text).not.toContain(SECRET);
    expect(text).toMatch(/Counts only/);
    expect(text).toMatch(/figures from 1 to 4 are shown as “fewer than 5”/);
  });

  it('a department of fewer than 5 staff shows no figures, so its agency member being “not covered” cannot be inferred (matched case-insensitively)', async () => {
    const messages = await reports.summary(lee, 'science', NOW);
    expect(allText(messages)).toMatch(/^Growth cycle 2026\/27 — Science, as of Mon 23 Nov: fewer than 5 staff are in scope, so no figures are shown/);
    expect(allText(messages)).not.toMatch(/Not covered|overdue ·/);
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
      const items = itemsOf(await reports.summary(lee, undefined, NOW));
      expect(items).toContain('In year · Check-ins: 0 done · fewer than 5 open · 0 overdue · fewer than 5 not applicable');
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
      expect(itemsOf(await reports.summary(lee, undefined, NOW))).toContain('Appeal · Appeal windows: 0 done · fewer than 5 open · 0 overdue');
      expect(allText(await reports.overdue(hugh, undefined, NOW))).not.toContain('Last day to appeal');
    } finally {
      await db.prisma.obligation.deleteMany({ where: { key: { in: ['lapsed-window', 'open-window'] } } });
    }
  });
});

describe('overdue (issue 5; names only to the head and the PM deputy, 002 §18)', () => {
  it('lists to the head who is overdue for what, oldest first, with due dates and calendar days overdue; optional items never count', async () => {
    const messages = await reports.overdue(hugh, undefined, NOW);
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
    expect(itemsOf(await reports.overdue(hugh, 'SCIENCE', NOW))).toEqual([
      'Tia Teacher — Performance planning: three targets agreed: due Fri 30 Oct, 24 calendar days overdue',
    ]);
  });

  it('says so plainly when nothing is overdue', async () => {
    expect(allText(await reports.overdue(hugh, 'Science', new Date('2026-10-01T09:00:00Z')))).toBe('Nothing is overdue for Science as of Thu 1 Oct.');
  });

  it('a middle leader gets overdue counts per stage, suppressed, and no names (002 §18)', async () => {
    const messages = await reports.overdue(lee, undefined, NOW);
    expect(itemsOf(messages)).toEqual(['Planning · Self-reflection: fewer than 5 overdue', 'Planning · Growth plan agreed: fewer than 5 overdue', 'In year · Check-ins: fewer than 5 overdue']);
    for (const name of NAMES) expect(allText(messages)).not.toContain(name);
    expect(allText(messages)).toMatch(/Names are shown only to the head and the deputy head responsible for performance management; you see counts\./);
  });

  it('the deputy the head delegated performance management to sees names, but not the head’s own items, which the governors review (002 §18, §22)', async () => {
    await db.prisma.person.update({ where: { id: a.ids.lee! }, data: { flags: ['pm-deputy'] } });
    await db.prisma.obligation.create({
      data: { key: 'head-own', cycleId: a.cycles.head!, personId: a.ids.head!, kind: 'self-reflection', label: 'Head’s reflection', opensOn: new Date('2026-09-01'), dueOn: new Date('2026-11-02'), ownerRole: 'reviewee', rule: '002 §22' },
    });
    try {
      const deputy = allText(await reports.overdue(lee, undefined, NOW));
      expect(deputy).toContain('Tia Teacher');
      expect(deputy).not.toContain('Head’s reflection');
      expect(allText(await reports.overdue(hugh, undefined, NOW))).toContain('Hugh Head — Head’s reflection');
    } finally {
      await db.prisma.obligation.deleteMany({ where: { key: 'head-own' } });
      await db.prisma.person.update({ where: { id: a.ids.lee! }, data: { flags: [] } });
    }
  });

  it('every name shown is logged in that person’s access log, once a day, with the rule that allowed it (002 §18)', async () => {
    await db.prisma.accessLog.deleteMany({ where: { viewerId: hugh.id } });
    await reports.overdue(hugh, undefined, NOW);
    await reports.overdue(hugh, undefined, NOW);
    const rows = await db.prisma.accessLog.findMany({ where: { viewerId: hugh.id }, orderBy: { subjectId: 'asc' } });
    expect(rows.map((r) => [r.subjectId, r.resource, r.reason]).sort()).toEqual([[a.ids.sam!, 'obligations', 'head'], [a.ids.tia!, 'obligations', 'head']].sort());
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

describe('trust view (issue 13: a trust leader sees each school side by side; a head only their own)', () => {
  it('a trust leader’s summary shows each of the trust’s schools, each suppressed on its own; a head asking for the trust view is told it is not theirs', async () => {
    const trust = await db.prisma.trust.create({ data: { slug: 'report-trust', name: 'Report Trust' } });
    await db.prisma.school.updateMany({ where: { id: { in: [a.schoolId, b.schoolId] } }, data: { trustId: trust.id } });
    await db.prisma.school.update({ where: { id: b.schoolId }, data: { name: 'School B' } });
    await db.prisma.school.update({ where: { id: a.schoolId }, data: { name: 'School A' } });
    const ceo = await db.prisma.person.create({ data: { schoolId: a.schoolId, email: 'ceo@trust.example', fullName: 'Cleo Ceo', role: 'trust-leader' } });
    try {
      const messages = await reports.summary(await knownPerson(db.prisma, ceo.id), undefined, NOW);
      const titles = messages.flatMap((m) => (m.type === 'summary' ? [m.title] : []));
      expect(titles).toEqual(['Growth cycle 2026/27 — School A, as of Mon 23 Nov']);
      expect(allText(messages)).toContain('Growth cycle 2026/27 — School B, as of Mon 23 Nov: fewer than 5 staff, so no figures are shown.');
      for (const name of NAMES) expect(allText(messages)).not.toContain(name);
      expect(allText(await reports.summary(hugh, '--trust', NOW))).toMatch(/^The trust view is for trust leaders/);
      expect(allText(await reports.overdue(await knownPerson(db.prisma, ceo.id), undefined, NOW))).not.toContain('Tia Teacher');
    } finally {
      await db.prisma.person.delete({ where: { id: ceo.id } });
      await db.prisma.school.updateMany({ where: { id: { in: [a.schoolId, b.schoolId] } }, data: { trustId: null } });
    }
  });
});
