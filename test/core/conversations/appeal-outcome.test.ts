import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../../src/core/time/clock.ts';
import { seedSchool } from '../../support/seed-school.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { Chat, newEngine } from './support/chat.ts';
import { day } from './support/extra-obligations.ts';

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

/** Amy lodges an appeal on Tue 17 Nov 2026 against the report she received on Mon 9 Nov. */
async function lodged(personId: string): Promise<void> {
  const chat = new Chat(newEngine(db.prisma, fixedClock('2026-11-17T10:00:00Z')), personId);
  for (const answer of ['appeal', '9/11/2026', 'Entry 2: pupil-progress target not met', GROUNDS, 'skip', 'submit']) await chat.user(answer);
  expect(chat.lastBot()).toMatch(/^Your appeal \(1 entry\) is lodged with Hugh\./);
  expect(chat.last?.notifications[0]?.messages[0]).toMatchObject({ text: expect.stringMatching(/say `outcome` to record the decision\.$/) });
}

describe('the appeal’s outcome (002 §17)', () => {
  it('002 §17 (b): the Appeal Manager upholds the appeal, the disputed entries go back to the reviewer, both are told, the meeting and written-outcome deadlines are settled, and the decision is final', async () => {
    const s = await seedSchool(db.prisma, 'thomas-alleyne', staff);
    await lodged(s.ids.amy!);
    const hugh = new Chat(newEngine(db.prisma, fixedClock('2026-12-01T10:00:00Z')), s.ids.head!);
    await hugh.user('outcome');
    expect(hugh.lastBot()).toMatch(/^Let’s record the outcome of an appeal meeting\. The Appeal Manager’s decision is final\.\nWhich appeal are you recording the outcome of\?\n {2}1\. Amy Teacher — lodged Tue 17 Nov/);
    await hugh.user('1');
    await hugh.user('16 Nov 2026');
    expect(hugh.lastBot()).toMatch(/^The meeting can’t come before the appeal was lodged \(Tue 17 Nov\)\./);
    await hugh.user('30 Nov 2026');
    expect(hugh.lastBot()).toMatch(/^What is the outcome\?\n {2}1\. The entries in the review are upheld\n {2}2\. The appeal is upheld/);
    // The paragraph is not in the choices; `why` names it.
    await hugh.user('why');
    expect(hugh.lastBot()).toMatch(/^You’re on “Outcome” in your appeal outcome\. Your school’s growth policy asks for it \(002 §16–17\)\. It says:\n> At specified points in the performance management process.*\(002 §16\)\n/s);
    await hugh.answers('2', 'The final assessment data shows the target was met; the mock data should not have been used.');
    await hugh.press('submit');
    expect(hugh.lastBot()).toBe('Recorded: The appeal is upheld: the reviewer’s decision is overturned and the disputed entries go back to the reviewer. I’ve told Amy and their reviewer.');
    expect(hugh.last?.notifications.map((n) => n.personId)).toEqual([s.ids.amy, s.ids.lm]);
    expect(hugh.last?.notifications[0]?.messages[0]).toMatchObject({ text: expect.stringMatching(/^Hugh Head has decided your appeal \(meeting Mon 30 Nov\): The appeal is upheld.*The decision is final\.$/) });
    expect(hugh.last?.notifications[1]?.messages[0]).toMatchObject({ text: expect.stringMatching(/^Amy Teacher’s appeal has been upheld: these entries in their review come back to you for reconsideration — Entry 2: pupil-progress target not met\./) });

    const appeal = await db.prisma.appeal.findFirstOrThrow({ where: { personId: s.ids.amy! } });
    expect(appeal).toMatchObject({ status: 'decided', outcome: 'overturned-referred-back' });
    expect([day(appeal.meetingOn), day(appeal.outcomeOn)]).toEqual(['2026-11-30', '2026-12-01']);
    const deadlines = await db.prisma.obligation.findMany({ where: { personId: s.ids.amy!, kind: { in: ['appeal-meeting', 'appeal-outcome'] } }, orderBy: { kind: 'asc' } });
    expect(deadlines.map((o) => [o.kind, o.status, day(o.dueOn)])).toEqual([
      ['appeal-meeting', 'done', '2026-12-15'],
      ['appeal-outcome', 'done', '2026-12-07'],
    ]);

    await hugh.user('outcome');
    expect(hugh.lastBot()).toBe('There are no appeals waiting for you to decide.');
  });

  it('002 §17 (a): the entries are upheld; only the appellant is told, and a late decision is flagged against the 5-working-day limit', async () => {
    const s = await seedSchool(db.prisma, 'thomas-alleyne', staff);
    await lodged(s.ids.amy!);
    const hugh = new Chat(newEngine(db.prisma, fixedClock('2026-12-10T10:00:00Z')), s.ids.head!);
    await hugh.user('appeal outcome');
    await hugh.answers('1', '30 Nov 2026', '1', 'The mock data was the agreed measure in the planning statement.');
    await hugh.press('submit');
    expect(hugh.lastBot()).toBe(
      'Recorded: The entries in the review are upheld. I’ve told Amy. The outcome was due in writing by Mon 7 Dec (5 working days after the meeting), so please send the letter today.',
    );
    expect(hugh.last?.notifications.map((n) => n.personId)).toEqual([s.ids.amy]);
    expect(await db.prisma.appeal.findFirstOrThrow({ where: { personId: s.ids.amy! } })).toMatchObject({ status: 'decided', outcome: 'entries-upheld' });
  });

  it('002 §17: someone with no appeal to hear is told so', async () => {
    const s = await seedSchool(db.prisma, 'thomas-alleyne', staff);
    const lena = new Chat(newEngine(db.prisma), s.ids.lm!);
    await lena.user('appeal outcome');
    expect(lena.lastBot()).toBe('There are no appeals waiting for you to decide.');
  });
});
