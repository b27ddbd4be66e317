import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../../src/core/time/clock.ts';
import { seedSchool } from '../../support/seed-school.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { Chat, newEngine } from './support/chat.ts';
import { internalIn } from './support/plain-words.ts';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

describe('part-time staff in the dialogs, in plain words (002 Annex 1 §2–3, 004 §5.9)', () => {
  it('002 Annex 1 §2–3: observing a 0.6 FTE teacher past 108 minutes — the cap pro-rated — needs the revision meeting, and their plan says observation is proportionate to their hours', async () => {
    const s = await seedSchool(db.prisma, 'thomas-alleyne', [
      { key: 'lm', fullName: 'Lena Manager', role: 'leader' },
      { key: 'pat', fullName: 'Pat Part', role: 'teacher', flags: ['part-time'], lineManager: 'lm' },
    ]);
    await db.prisma.person.update({ where: { id: s.ids.pat! }, data: { fte: 0.6 } });
    await db.prisma.observation.create({
      data: { cycleId: s.cycles.pat!, personId: s.ids.pat!, observedOn: new Date('2026-09-15T00:00:00Z'), className: '8Y', minutes: 60, kind: 'performance-management', countsTowardCap: true, grade: 'good' },
    });
    const chat = new Chat(newEngine(db.prisma), s.ids.lm!);
    await chat.user('observe');
    await chat.answers('1', 'Fri 2 Oct', '9X maths', '50', '1', 'Hinge questions');
    expect(chat.lastBot()).toMatch(
      /^This would bring Pat Part’s performance-management observation this cycle to 110 minutes, over the 108-minute cap, pro-rated for part-time working\./,
    );

    const pat = new Chat(newEngine(db.prisma), s.ids.pat!);
    await pat.user('plan');
    expect(pat.lastBot()).toMatch(/As you work part time, the classroom observation agreed in your plan is proportionate to your hours as well as your needs and targets\. Say `help`/);
    // In plain words; the paragraph is for `help` (and `why`).
    expect(internalIn([pat.lastBot()], 'the plan’s opening')).toEqual([]);
    await pat.user('help');
    expect(pat.lastBot()).toMatch(/what it says about your hours or start date, 002 Annex 1 §2–3/);
  });

  it('004 §5.9: a 0.5 FTE colleague’s plan holds at most two expectations, and they are told why', async () => {
    const s = await seedSchool(db.prisma, 'whmat', [
      { key: 'head', fullName: 'Hana Head', role: 'leader' },
      { key: 'pip', fullName: 'Pip Part', role: 'teacher', lineManager: 'head' },
    ]);
    await db.prisma.person.update({ where: { id: s.ids.pip! }, data: { fte: 0.5 } });
    const chat = new Chat(newEngine(db.prisma), s.ids.pip!);
    await chat.user('plan');
    expect(chat.lastBot()).toMatch(/up to 2, each with the detail/);
    expect(chat.lastBot()).toMatch(/As you work part time, agree a pro-rated and realistic amount of performance expectations with your appraiser\. Say `help`/);
    expect(internalIn([chat.lastBot()], 'the plan’s opening')).toEqual([]);
    await chat.answers('Embed retrieval practice in Year 8', 'Quizzes every lesson; scores up 10%', '20 July 2027');
    expect(chat.lastBot()).toMatch(/Would you like to add another expectation\? \(at most 2\)/);
    await chat.answers('yes', 'Lead a CPD session on feedback', 'Colleagues use it', '01/06/2027');
    expect(chat.lastBot()).not.toMatch(/add another expectation/);
  });

  it('004 §5.9: a colleague who started on 1 February 2027 plans at most two expectations, and is told why', async () => {
    const s = await seedSchool(db.prisma, 'whmat', [
      { key: 'head', fullName: 'Hana Head', role: 'leader' },
      { key: 'nia', fullName: 'Nia New', role: 'teacher', lineManager: 'head' },
    ]);
    await db.prisma.person.update({ where: { id: s.ids.nia! }, data: { startDate: new Date('2027-02-01T00:00:00Z') } });
    const chat = new Chat(newEngine(db.prisma, fixedClock('2027-02-10T10:00:00Z')), s.ids.nia!);
    await chat.user('plan');
    expect(chat.lastBot()).toMatch(/up to 2, each with the detail/);
    expect(chat.lastBot()).toMatch(/As you started part way through the year, agree a pro-rated and realistic amount of performance expectations with your appraiser\. Say `help`/);
    expect(chat.lastBot()).not.toMatch(/As you work part time/);
    expect(internalIn([chat.lastBot()], 'the plan’s opening')).toEqual([]);
    await chat.user('help');
    expect(chat.lastBot()).toMatch(/what it says about your hours or start date, 004 §5\.9/);
  });
});
