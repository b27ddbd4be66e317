import { sweepAndDeliver } from './support/job-runs.ts';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { londonInstant } from '../../../src/core/calendar/london-time.ts';
import { parseTermDates } from '../../../src/core/calendar/term-dates.ts';
import { allDigestItems } from '../../../src/core/reminders/compose-digest.ts';
import type { Deliverer, DigestDelivery } from '../../../src/core/reminders/reminder-ports.ts';
import type { School } from '../../../src/core/schools/school.ts';
import { fixedClock } from '../../../src/core/time/clock.ts';
import { PrismaSchoolRepository } from '../../../src/storage/prisma/prisma-school-repository.ts';
import { seedSchool } from '../../support/seed-school.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { Chat, newEngine } from '../conversations/support/chat.ts';
import { TERMS } from './support/school-year.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

const GROUNDS =
  'Entry 2 says my pupil-progress target was not met, but the data used was from the mock before the intervention; the final assessment shows 78% of 10B reached their target, above the 70% we agreed.';

const staff = [
  { key: 'head', fullName: 'Hugh Head', role: 'headteacher' as const },
  { key: 'lm', fullName: 'Lena Manager', role: 'leader' as const, lineManager: 'head' },
  { key: 'amy', fullName: 'Amy Teacher', role: 'teacher' as const, lineManager: 'lm' },
];

/** A seeded Thomas Alleyne school with the real 2026/27 term dates, so half terms are where they are. */
async function seededSchool(): Promise<{ s: Awaited<ReturnType<typeof seedSchool>>; school: School }> {
  const s = await seedSchool(db.prisma, 'thomas-alleyne', staff);
  const terms = parseTermDates(readFileSync(TERMS, 'utf8'), 'england-2026-28.yaml');
  if (!terms.ok) throw new Error('bad terms');
  const row = await db.prisma.school.update({ where: { id: s.schoolId }, data: { termDates: terms.value as object } });
  return { s, school: (await new PrismaSchoolRepository(db.prisma).findSchool(row.slug))! };
}

/** One sweep at 16:00 London on `date`; returns what was delivered. */
async function sweepOn(school: School, date: string, result?: { followUps: number }): Promise<DigestDelivery[]> {
  const delivered: DigestDelivery[] = [];
  const deliverer: Deliverer = {
    deliver(delivery) {
      delivered.push(delivery);
      return Promise.resolve({ ok: true });
    },
  };
  const swept = await sweepAndDeliver(db, deliverer, fixedClock(londonInstant(date, '16:00')), school);
  if (result !== undefined) result.followUps = swept.followUps;
  return delivered;
}

function itemsFor(deliveries: DigestDelivery[], personId: string, kind: string) {
  return deliveries.filter((d) => d.recipient.id === personId).flatMap((d) => allDigestItems(d.message).filter((item) => item.obligationKey.includes(kind)));
}

/** The reviewer issues the final report (002 §16); Amy's plan has no targets, so only the overall assessment is asked. */
async function issueReportAs(chat: Chat): Promise<void> {
  await chat.user('final report');
  await chat.answers('Amy Teacher', 'Strong year: the pupil-progress target was met', 'progress', 'All three targets met or well on the way');
  await chat.user('submit');
}

async function reviewAs(chat: Chat): Promise<void> {
  await chat.user('review');
  await chat.answers('Better extended writing in 9X', 'Modelled a paragraph live every lesson');
  await chat.user('Average essay length doubled; assessment data shows 80% reached their target');
  await chat.user('Start small: model one paragraph live, every lesson');
  await chat.user('submit');
}

describe('event deadlines reach the sweep (002 §16–17, Annex 1)', () => {
  it('002 §16–17: the reviewer’s final report (not the reviewee’s own review) tells the reviewee the last day to appeal and reminds them; lodging closes the window and reminds the head of the meeting, then of the written outcome', async () => {
    const { s, school } = await seededSchool();
    // Amy's own end-of-cycle review opens no appeal window (002 §16: it runs from the final report).
    await reviewAs(new Chat(newEngine(db.prisma, fixedClock('2026-11-06T10:00:00Z')), s.ids.amy!));
    expect(await db.prisma.obligation.count({ where: { personId: s.ids.amy!, kind: 'appeal-window' } })).toBe(0);
    // Mon 9 Nov 2026: Lena issues the final report; 10 working days later is Mon 23 Nov.
    const chat = new Chat(newEngine(db.prisma, fixedClock('2026-11-09T10:00:00Z')), s.ids.lm!);
    await issueReportAs(chat);
    expect(chat.lastBot()).toBe('Issued Amy’s final review report on Mon 9 Nov and sent it to them. Their appeal window runs until Mon 23 Nov.');
    expect(chat.last?.notifications[0]).toMatchObject({ personId: s.ids.amy, messages: [{ text: expect.stringMatching(/you may appeal until Mon 23 Nov \(10 working days\)/) }] });
    // Issuing it again the next day (a correction) names the same window, and the report keeps its first date.
    await issueReportAs(new Chat(newEngine(db.prisma, fixedClock('2026-11-10T10:00:00Z')), s.ids.lm!));
    expect((await db.prisma.endOfCycleReview.findUniqueOrThrow({ where: { cycleId: s.cycles.amy! } })).finalReportIssuedOn?.toISOString().slice(0, 10)).toBe('2026-11-09');
    const windows = await db.prisma.obligation.findMany({ where: { personId: s.ids.amy!, kind: 'appeal-window' } });
    expect(windows.map((w) => [w.ownerPersonId, w.dueOn.toISOString().slice(0, 10), w.status])).toEqual([[s.ids.amy, '2026-11-23', 'open']]);

    const opened = itemsFor(await sweepOn(school, '2026-11-09'), s.ids.amy!, 'appeal-window');
    expect(opened).toMatchObject([{ state: 'opened', dueOn: '2026-11-23', rule: expect.stringContaining('002 §16') }]);
    expect(opened[0]!.actions.map((a) => a.value.split(':')[0])).not.toContain('snooze');
    // Five school days before the last day, Amy is reminded again.
    expect(itemsFor(await sweepOn(school, '2026-11-16'), s.ids.amy!, 'appeal-window')).toMatchObject([{ state: 'due-soon' }]);

    // Lodged on Tue 17 Nov: the window closes, the head owes the meeting by Tue 15 Dec (20 working days).
    const appeal = new Chat(newEngine(db.prisma, fixedClock('2026-11-17T10:00:00Z')), s.ids.amy!);
    for (const answer of ['appeal', '9/11/2026', 'Entry 2: pupil-progress target not met', GROUNDS, 'skip', 'submit']) await appeal.user(answer);
    expect(appeal.lastBot()).toMatch(/^Your appeal \(1 entry\) is lodged with Hugh\./);
    expect((await db.prisma.obligation.findFirstOrThrow({ where: { key: windows[0]!.key } })).status).toBe('done');
    const meeting = await db.prisma.obligation.findFirstOrThrow({ where: { personId: s.ids.amy!, kind: 'appeal-meeting' } });
    expect([meeting.ownerPersonId, meeting.dueOn.toISOString().slice(0, 10)]).toEqual([s.ids.head, '2026-12-15']);

    const lodgedDay = await sweepOn(school, '2026-11-17');
    expect(itemsFor(lodgedDay, s.ids.amy!, 'appeal-window')).toEqual([]);
    expect(itemsFor(lodgedDay, s.ids.head!, 'appeal:')).toMatchObject([{ state: 'opened', label: 'Hold the appeal meeting', about: { personId: s.ids.amy } }]);

    // The meeting is marked held on Mon 30 Nov; that day's sweep adds the outcome deadline, Mon 7 Dec (5 working days).
    await db.prisma.obligation.update({ where: { id: meeting.id }, data: { status: 'done', completedAt: londonInstant('2026-11-30', '11:00') } });
    const heldResult = { followUps: 0 };
    const heldDay = await sweepOn(school, '2026-11-30', heldResult);
    expect(heldResult.followUps).toBe(1);
    const outcome = await db.prisma.obligation.findFirstOrThrow({ where: { personId: s.ids.amy!, kind: 'appeal-outcome' } });
    expect([outcome.ownerPersonId, outcome.opensOn.toISOString().slice(0, 10), outcome.dueOn.toISOString().slice(0, 10)]).toEqual([s.ids.head, '2026-11-30', '2026-12-07']);
    // Five school days before Mon 7 Dec is the day it opens, so the item reads "due soon" at once.
    expect(itemsFor(heldDay, s.ids.head!, 'outcome')).toMatchObject([{ state: 'due-soon', dueOn: '2026-12-07', label: 'Confirm the appeal’s outcome in writing' }]);
    // A later sweep does not add it again.
    const nextResult = { followUps: -1 };
    await sweepOn(school, '2026-12-01', nextResult);
    expect(nextResult.followUps).toBe(0);
    expect(await db.prisma.obligation.count({ where: { personId: s.ids.amy!, kind: 'appeal-outcome' } })).toBe(1);
  });

  it('002 Annex 1 §9–10: an observation with no oral feedback yet makes two deadlines for the observer, reminded on the day and the next working day', async () => {
    const { s, school } = await seededSchool();
    const chat = new Chat(newEngine(db.prisma, fixedClock('2026-10-02T10:00:00Z')), s.ids.lm!);
    // Focus, the graded-observation grade (002 §48) and oral feedback are each skipped.
    for (const answer of ['observe', '1', 'today', '9X maths', '50', '1', 'skip', 'skip', 'skip', 'submit']) await chat.user(answer);
    expect(chat.lastBot()).toMatch(/^Saved the observation of Amy .*Oral feedback is due by the end of Mon 5 Oct\. Written feedback is due by Fri 9 Oct\.$/);
    const deadlines = await db.prisma.obligation.findMany({ where: { personId: s.ids.amy!, kind: { startsWith: 'observation-' } }, orderBy: { dueOn: 'asc' } });
    expect(deadlines.map((d) => [d.kind, d.ownerPersonId, d.dueOn.toISOString().slice(0, 10)])).toEqual([
      ['observation-oral-feedback', s.ids.lm, '2026-10-05'],
      ['observation-written-feedback', s.ids.lm, '2026-10-09'],
    ]);
    // Fri 2 Oct: both open and both fall due within five school days, so both read "due soon".
    const friday = itemsFor(await sweepOn(school, '2026-10-02'), s.ids.lm!, 'observation');
    expect(friday.map((i) => `${i.label}=${i.state}=${i.dueOn}`).sort()).toEqual([
      'Give oral feedback on the observed lesson=due-soon=2026-10-05',
      'Give written feedback on the observed lesson=due-soon=2026-10-09',
    ]);
    expect(itemsFor(await sweepOn(school, '2026-10-05'), s.ids.lm!, 'oral-feedback')).toMatchObject([{ state: 'due-today', rule: expect.stringContaining('Annex 1 §9') }]);
  });
});
