import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { fixedClock } from '../../../src/core/time/clock.ts';
import { Chat, newEngine } from './support/chat.ts';
import { seedSchool } from '../../support/seed-school.ts';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

describe('check-in record under WHMAT (004 §6.6–6.8: with a wellbeing check)', () => {
  it('records date, discussion, actions, wellbeing, diary note and next date, and completes the check-in whose period it was held in (004 §6.3)', async () => {
    const s = await seedSchool(db.prisma, 'whmat', [
      { key: 'head', fullName: 'Hana Head', role: 'leader' },
      { key: 'amy', fullName: 'Amy Teacher', role: 'teacher', lineManager: 'head' },
    ]);
    const chat = new Chat(newEngine(db.prisma), s.ids.amy!);
    await chat.user('Check-in');
    expect(chat.lastBot()).toBe('Let’s record your check-in with Hana. It takes a minute.\nWhen was the check-in? (e.g. `today`, `14/10` or `14 October`)');
    await chat.user('next friday');
    expect(chat.lastBot()).toMatch(/^I couldn’t read that as a date\. Try e\.g\. 20\/11\/2026, 20 Nov or today\.\nWhen was the check-in\?/);
    await chat.user('tomorrow');
    expect(chat.lastBot()).toMatch(/^That date is still to come — record a check-in once it has happened\./);
    await chat.user('2 Oct');
    expect(chat.lastBot()).toBe('What did you discuss?');
    await chat.answers('Expectations for the year', 'Book a CPD place on feedback');
    expect(chat.lastBot()).toMatch(/Wellbeing check: how are you doing/);
    await chat.user('skip');
    expect(chat.lastBot()).toMatch(/^Every check-in includes a wellbeing check — a word or two is fine\./);
    await chat.answers('Busy but OK', 'Agreed expectations; feeling positive');
    await chat.user('1 Oct');
    expect(chat.lastBot()).toMatch(/^The next check-in has to be after this one \(Fri 2 Oct\)\./);
    await chat.user('3/2/2027');
    expect(chat.lastBot()).toMatch(/Check-in record\n {2}• Date: Fri 2 Oct\n {2}• Discussed: Expectations for the year\n {2}• Agreed actions: Book a CPD place on feedback\n {2}• Wellbeing check: Busy but OK/);
    await chat.press('submit');
    expect(chat.lastBot()).toBe('Saved your check-in of Fri 2 Oct.');
    expect(chat.last?.notifications[0]?.personId).toBe(s.ids.head);

    const saved = await db.prisma.checkIn.findFirstOrThrow({ where: { personId: s.ids.amy! } });
    expect(saved).toMatchObject({ conductedById: s.ids.head, discussed: 'Expectations for the year', wellbeing: 'Busy but OK', diaryNote: 'Agreed expectations; feeling positive' });
    expect(saved.heldOn.toISOString().slice(0, 10)).toBe('2026-10-02');
    expect(saved.nextCheckInOn?.toISOString().slice(0, 10)).toBe('2027-02-03');
    const diary = await db.prisma.diaryEntry.findMany({ where: { personId: s.ids.amy! } });
    expect(diary).toMatchObject([{ body: 'Agreed expectations; feeling positive', tags: ['check-in'] }]);
    const checkIns = await db.prisma.obligation.findMany({ where: { personId: s.ids.amy!, kind: 'check-in' }, orderBy: { dueOn: 'asc' } });
    expect(checkIns.map((o) => [o.dueOn.toISOString().slice(0, 10), o.status])).toEqual([
      ['2026-10-30', 'done'],
      ['2027-02-12', 'open'],
      ['2027-06-30', 'open'],
    ]);
  });
});

describe('completing the check-in of the period it was held in (004 §6.3, Appendix A)', () => {
  it('004 §6.3: a spring check-in recorded while the autumn one is still open completes spring, and a late one completes the period that had begun', async () => {
    const s = await seedSchool(db.prisma, 'whmat', [
      { key: 'head', fullName: 'Hana Head', role: 'leader' },
      {
        key: 'amy',
        fullName: 'Amy Teacher',
        role: 'teacher',
        lineManager: 'head',
        obligations: [
          { kind: 'check-in', opensOn: '2026-10-01', dueOn: '2026-10-30', ownerRole: 'reviewer' },
          { kind: 'check-in', opensOn: '2027-01-05', dueOn: '2027-02-12', ownerRole: 'reviewer' },
          { kind: 'check-in', opensOn: '2027-04-12', dueOn: '2027-06-30', ownerRole: 'reviewer' },
        ],
      },
    ]);
    const engine = newEngine(db.prisma, fixedClock('2027-03-15T10:00:00Z'));
    const statuses = async () =>
      (await db.prisma.obligation.findMany({ where: { personId: s.ids.amy!, kind: 'check-in' }, orderBy: { dueOn: 'asc' } })).map((o) => o.status);
    const spring = new Chat(engine, s.ids.amy!);
    await spring.user('checkin');
    await spring.answers('3 Feb', 'Progress on expectations', 'Observe a colleague', 'Fine', 'skip', 'skip');
    await spring.press('submit');
    expect(spring.lastBot()).toBe('Saved your check-in of Wed 3 Feb.');
    expect(await statuses()).toEqual(['open', 'done', 'open']);
    const late = new Chat(engine, s.ids.amy!);
    await late.user('checkin');
    await late.answers('1 Dec', 'Catching up the autumn meeting', 'Set expectations', 'Fine', 'skip', 'skip');
    await late.press('submit');
    expect(await statuses()).toEqual(['done', 'done', 'open']);
  });
});

describe('check-in record under TPAT (003 §10: no wellbeing step)', () => {
  it('asks no wellbeing question and lets diary note and next date be skipped', async () => {
    const s = await seedSchool(db.prisma, 'tpat', [{ key: 'p', fullName: 'Pat Person', role: 'teacher' }]);
    const chat = new Chat(newEngine(db.prisma), s.ids.p!);
    await chat.user('checkin');
    expect(chat.lastBot()).not.toMatch(/with /);
    await chat.answers('today', 'Progress on my goal', 'Observe a colleague');
    expect(chat.lastBot()).toMatch(/Anything to add to your growth diary/);
    await chat.answers('skip');
    expect(chat.lastBot()).toMatch(/When is the next check-in\? \(or `skip` if your reviewer will arrange it\)/);
    await chat.user('skip');
    expect(chat.lastBot()).not.toMatch(/Wellbeing/);
    expect(chat.lastBot()).toMatch(/Growth diary note: \(skipped\)/);
    await chat.user('submit');
    const saved = await db.prisma.checkIn.findFirstOrThrow({ where: { personId: s.ids.p! } });
    expect(saved).toMatchObject({ wellbeing: null, diaryNote: null, nextCheckInOn: null, conductedById: null });
    expect(await db.prisma.diaryEntry.count({ where: { personId: s.ids.p! } })).toBe(0);
  });
});
