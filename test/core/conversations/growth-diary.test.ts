import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { Chat, newEngine } from './support/chat.ts';
import { type SeededSchool, seedSchool } from '../../support/seed-school.ts';
import { fixedClock } from '../../../src/core/time/clock.ts';

let db: TestDatabase;
let school: SeededSchool;

beforeAll(async () => {
  db = await createTestDatabase();
  school = await seedSchool(db.prisma, 'whmat', [
    { key: 'head', fullName: 'Hana Head', role: 'leader' },
    { key: 'amy', fullName: 'Amy Teacher', role: 'teacher', lineManager: 'head' },
  ]);
});
afterAll(() => db.drop());

describe('growth diary', () => {
  it('saves a one-line entry straight away, with #tags', async () => {
    const chat = new Chat(newEngine(db.prisma), school.ids.amy!);
    await chat.user('log tried cold-calling with 9X, much better participation #questioning');
    expect(chat.lastBot()).toMatch(/Noted in your growth diary for Mon 5 Oct: “tried cold-calling with 9X, much better participation #questioning”/);
    const entries = await db.prisma.diaryEntry.findMany({ where: { personId: school.ids.amy! } });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ body: 'tried cold-calling with 9X, much better participation #questioning', tags: ['questioning'], cycleId: school.cycles.amy });
    expect(chat.last?.conversation?.status).toBe('completed');
  });

  it('asks for the entry when `log` comes alone, and refuses an empty one', async () => {
    const chat = new Chat(newEngine(db.prisma), school.ids.amy!);
    await chat.user('LOG');
    expect(chat.lastBot()).toMatch(/What would you like to note in your growth diary/);
    await chat.user('ok');
    expect(chat.lastBot()).toMatch(/at least 3 characters[\s\S]*What would you like to note/);
    await chat.user('Modelled fractions with bar models; Year 5 much more confident');
    expect(chat.lastBot()).toMatch(/Noted in your growth diary/);
  });

  it('takes a `log` line in the middle of another dialog without disturbing it', async () => {
    const chat = new Chat(newEngine(db.prisma), school.ids.amy!);
    await chat.user('check-in');
    expect(chat.lastBot()).toMatch(/When was the check-in/);
    await chat.user('log parents evening went well');
    expect(chat.lastBot()).toMatch(/Noted in your growth diary[\s\S]*When was the check-in/);
    expect(chat.last?.conversation).toMatchObject({ dialogId: 'check-in', step: 'held-on', status: 'active' });
    const bodies = (await db.prisma.diaryEntry.findMany({ where: { personId: school.ids.amy! } })).map((e) => e.body);
    expect(bodies).toContain('parents evening went well');
  });

  it('explains when there is no cycle to write into', async () => {
    const orphan = await db.prisma.person.create({ data: { schoolId: school.schoolId, email: 'new@x.example', fullName: 'New Starter', role: 'teacher' } });
    const chat = new Chat(newEngine(db.prisma), orphan.id);
    await chat.user('log first day!');
    expect(chat.lastBot()).toMatch(/don’t have an active growth cycle/);
  });
});

describe('growth diary prompts before the 2nd and 3rd check-ins (004 Appendix A)', () => {
  it('004 Appendix A: an entry written in the spring term completes the spring diary prompt, and one written in the autumn completes neither', async () => {
    const s = await seedSchool(db.prisma, 'whmat', [
      { key: 'head', fullName: 'Hana Head', role: 'leader' },
      {
        key: 'amy',
        fullName: 'Amy Teacher',
        role: 'teacher',
        lineManager: 'head',
        obligations: [
          { kind: 'diary-entry', opensOn: '2027-01-05', dueOn: '2027-02-05', ownerRole: 'reviewee' },
          { kind: 'diary-entry', opensOn: '2027-04-12', dueOn: '2027-07-14', ownerRole: 'reviewee' },
        ],
      },
    ]);
    const statuses = async () => (await db.prisma.obligation.findMany({ where: { personId: s.ids.amy!, kind: 'diary-entry' }, orderBy: { dueOn: 'asc' } })).map((o) => o.status);
    await new Chat(newEngine(db.prisma), s.ids.amy!).user('log planned retrieval quizzes for 8Y');
    expect(await statuses()).toEqual(['open', 'open']);
    const spring = new Chat(newEngine(db.prisma, fixedClock('2027-01-20T16:00:00Z')), s.ids.amy!);
    await spring.user('log quizzes every lesson now; scores rising');
    expect(spring.lastBot()).toMatch(/^Noted in your growth diary for Wed 20 Jan/);
    expect(await statuses()).toEqual(['done', 'open']);
  });
});
