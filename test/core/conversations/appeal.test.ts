import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SchoolCalendar } from '../../../src/core/calendar/school-calendar.ts';
import { fixedClock } from '../../../src/core/time/clock.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { Chat, newEngine } from './support/chat.ts';
import { day } from './support/extra-obligations.ts';
import { seedSchool } from '../../support/seed-school.ts';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

const GROUNDS =
  'Entry 2 says my pupil-progress target was not met, but the data used was from the mock before the intervention; the final assessment shows 78% of 10B reached their target, above the 70% we agreed.';

const staff = [
  { key: 'head', fullName: 'Hugh Head', role: 'headteacher' as const },
  { key: 'lm', fullName: 'Lena Manager', role: 'leader' as const },
  { key: 'amy', fullName: 'Amy Teacher', role: 'teacher' as const, lineManager: 'lm' },
  { key: 'bob', fullName: 'Bob Teacher', role: 'teacher' as const, lineManager: 'head' },
];

describe('appeal (002 §16–17)', () => {
  it('counts the 10-working-day window with the school calendar: Christmas Day, the Boxing Day substitute (28 Dec) and New Year’s Day do not count', () => {
    const calendar = new SchoolCalendar({ region: 'england-and-wales', closuresAreNonWorkingDays: true });
    expect(calendar.addWorkingDays('2026-12-11', 10)).toBe('2026-12-29');
    expect(calendar.addWorkingDays('2026-12-16', 10)).toBe('2027-01-04');
  });

  it('refuses politely where the policy has no appeals process (001 Kingsmead)', async () => {
    const s = await seedSchool(db.prisma, 'kingsmead', [{ key: 'amy', fullName: 'Amy Teacher', role: 'teacher' }]);
    const chat = new Chat(newEngine(db.prisma), s.ids.amy!);
    await chat.user('appeal');
    expect(chat.lastBot()).toMatch(/^Your school’s policy \(.*\) has no formal appeals process\./);
  });

  it('accepts on the 10th working day (report received Wed 16 Dec 2026 → Mon 4 Jan 2027), several entries make one appeal, grounds in detail, routed to the head with the 20-working-day meeting date', async () => {
    const s = await seedSchool(db.prisma, 'thomas-alleyne', staff);
    const chat = new Chat(newEngine(db.prisma, fixedClock('2027-01-04T10:00:00Z')), s.ids.amy!);
    await chat.user('appeal');
    expect(chat.lastBot()).toMatch(/^An appeal against your final review\. It is lodged within 10 working days of receiving the final report\.\nOn what date did you receive your final review report\?/);
    await chat.user('5 Jan 2027');
    expect(chat.lastBot()).toMatch(/^That date is still to come/);
    await chat.user('16/12/2026');
    expect(chat.lastBot()).toMatch(/^Which entries in your review are you appealing against\?/);
    await chat.user('Entry 2: pupil-progress target not met\nEntry 3: overall assessment');
    await chat.user('I disagree with it.');
    expect(chat.lastBot()).toMatch(/^Please write at least 150 characters\.\nSet out the grounds of your appeal in detail/);
    await chat.user('skip');
    expect(chat.lastBot()).toMatch(/^The grounds must be set out in detail\./);
    // The paragraph is not in what it says; `why` quotes it.
    await chat.user('why');
    expect(chat.lastBot()).toMatch(/^You’re on “Grounds” in your appeal\. Your school’s growth policy asks for it \(002 §16–17.*\n> .*The appeal letter must set out the grounds of the appeal in detail\. \(002 §16\)\n/s);
    await chat.user(GROUNDS);
    expect(chat.lastBot()).toMatch(/companion or union representative/);
    await chat.user('back');
    expect(chat.lastBot()).toMatch(/^Your answer so far: Entry 2 says/);
    await chat.user(GROUNDS);
    await chat.user('Una Rep, NEU');
    expect(chat.lastBot()).toMatch(/Entries appealed: Entry 2: pupil-progress target not met; Entry 3: overall assessment/);
    await chat.user('submit');
    expect(chat.lastBot()).toBe('Your appeal (2 entries) is lodged with Hugh. The appeal meeting should normally be held by Mon 1 Feb (20 working days).');
    expect(chat.last?.notifications).toEqual([
      { personId: s.ids.head, messages: [{ type: 'text', text: expect.stringMatching(/^Amy Teacher has lodged an appeal against 2 entries in their final review\. The appeal meeting should normally be held by Mon 1 Feb\. Once it has been held, say `outcome` to record the decision\.$/) }] },
    ]);
    const saved = await db.prisma.appeal.findFirstOrThrow({ where: { personId: s.ids.amy! } });
    expect(saved).toMatchObject({ appealManagerId: s.ids.head, companion: 'Una Rep, NEU', grounds: GROUNDS, status: 'lodged' });
    expect(saved.entries).toEqual([
      { about: 'Entry 2: pupil-progress target not met', routedTo: 'head' },
      { about: 'Entry 3: overall assessment', routedTo: 'head' },
    ]);
    expect([day(saved.finalReportReceivedOn), day(saved.lodgedOn)]).toEqual(['2026-12-16', '2027-01-04']);
  });

  it('refuses on Tue 5 Jan 2027, after the 10-working-day window for a report received Wed 16 Dec 2026, giving the last day', async () => {
    const s = await seedSchool(db.prisma, 'thomas-alleyne', staff);
    const chat = new Chat(newEngine(db.prisma, fixedClock('2027-01-05T10:00:00Z')), s.ids.amy!);
    await chat.user('appeal');
    await chat.user('16 Dec 2026');
    expect(chat.lastBot()).toMatch(
      /^I’m sorry — an appeal has to be lodged within 10 working days of receiving the final report\. For a report received Wed 16 Dec 2026 the last day was Mon 4 Jan, so the window has closed\./,
    );
    await chat.user('cancel');
    expect(await db.prisma.appeal.count({ where: { personId: s.ids.amy! } })).toBe(0);
  });

  it('refuses on Wed 30 Dec 2026 for a report received Fri 11 Dec 2026 (window closed Tue 29 Dec)', async () => {
    const s = await seedSchool(db.prisma, 'thomas-alleyne', staff);
    const chat = new Chat(newEngine(db.prisma, fixedClock('2026-12-30T10:00:00Z')), s.ids.amy!);
    await chat.user('appeal');
    await chat.user('11/12/2026');
    expect(chat.lastBot()).toMatch(/the last day was Tue 29 Dec, so the window has closed/);
  });

  it('goes beyond the school when the head took part in the review (002 §16: the trust CEO): no appeal manager, routing noted', async () => {
    const s = await seedSchool(db.prisma, 'thomas-alleyne', staff);
    const chat = new Chat(newEngine(db.prisma, fixedClock('2026-12-29T10:00:00Z')), s.ids.bob!);
    await chat.user('appeal');
    await chat.answers('11 Dec 2026', 'Entry 1', GROUNDS, 'skip');
    await chat.user('submit');
    expect(chat.lastBot()).toMatch(/^Your appeal \(1 entry\) is lodged\. Because the headteacher took part in your review, it goes to the trust’s CEO;/);
    expect(chat.last?.notifications).toEqual([]);
    const saved = await db.prisma.appeal.findFirstOrThrow({ where: { personId: s.ids.bob! } });
    expect(saved).toMatchObject({ appealManagerId: null, companion: null, entries: [{ about: 'Entry 1', routedTo: 'trust-ceo' }] });
  });

  it('002 §16: a head’s own appeal never goes to the head, but beyond the school (the trust CEO)', async () => {
    const s = await seedSchool(db.prisma, 'thomas-alleyne', staff);
    const chat = new Chat(newEngine(db.prisma, fixedClock('2026-12-29T10:00:00Z')), s.ids.head!);
    await chat.user('appeal');
    await chat.answers('11 Dec 2026', 'Entry 1', GROUNDS, 'skip');
    await chat.user('submit');
    expect(chat.lastBot()).toMatch(/^Your appeal \(1 entry\) is lodged\. Because you are the headteacher, and a head’s appeal is never heard by the head, it goes to the trust’s CEO;/);
    expect(chat.last?.notifications).toEqual([]);
    const saved = await db.prisma.appeal.findFirstOrThrow({ where: { personId: s.ids.head! } });
    expect(saved).toMatchObject({ appealManagerId: null, entries: [{ about: 'Entry 1', routedTo: 'trust-ceo' }] });
    const meeting = await db.prisma.obligation.findFirstOrThrow({ where: { personId: s.ids.head!, kind: 'appeal-meeting' } });
    expect(meeting.ownerPersonId).toBeNull();
  });
});
