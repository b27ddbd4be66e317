import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { Chat, newEngine } from './support/chat.ts';
import { obligationStatus } from './support/extra-obligations.ts';
import { seedSchool } from '../../support/seed-school.ts';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

describe('GROW planning meeting (001 Appendix C "Establishing a challenging focus")', () => {
  it('walks GOAL, REALITY, OPTIONS, WHAT NEXT, refuses a summary not shaped "By… I am… so that…", and saves it to the reviewee’s agreed plan', async () => {
    const s = await seedSchool(db.prisma, 'kingsmead', [
      { key: 'lm', fullName: 'Lena Manager', role: 'leader' },
      { key: 'amy', fullName: 'Amy Teacher', role: 'teacher', lineManager: 'lm' },
      { key: 'ben', fullName: 'Ben Teacher', role: 'teacher', lineManager: 'lm' },
    ]);
    const chat = new Chat(newEngine(db.prisma), s.ids.lm!);
    await chat.user('grow');
    expect(chat.lastBot()).toMatch(/^Let’s run the GROW conversation \(001 “Establishing a challenging focus”\)/);
    expect(chat.lastBot()).toMatch(/Whose growth focus are you establishing\? \(001 Appendix C\)\n {2}1\. Amy Teacher\n {2}2\. Ben Teacher/);
    await chat.user('Carl');
    expect(chat.lastBot()).toMatch(/^“Carl” isn’t someone you review, coach or line-manage, so I can’t do this for them\. You can choose from: Amy Teacher, Ben Teacher\./);
    await chat.user('amy teacher');
    expect(chat.lastBot()).toMatch(/^GOAL — establish the starting point\. How would you describe yourself when you’re at your best\?/);
    await chat.answers('Clear explanations; 9X need to write at length', 'Extended writing in 9X; the challenge is stamina');
    expect(chat.lastBot()).toMatch(/^REALITY — what have you tried so far/);
    await chat.answers('Tried writing frames; confident; time may get in the way');
    expect(chat.lastBot()).toMatch(/^OPTIONS — what are your options/);
    await chat.user('back');
    expect(chat.lastBot()).toMatch(/^Your answer so far: Tried writing frames; confident; time may get in the way\nREALITY/);
    await chat.answers('Tried writing frames and live modelling; fairly confident', 'Live modelling, visualisers, peer critique', 'First step: model one paragraph a lesson; review at Christmas');
    expect(chat.lastBot()).toMatch(/^Confirm and summarise the goal: By… I am… so that…/);
    await chat.user('Improve extended writing');
    expect(chat.lastBot()).toMatch(/^Please use the shape “By … I am … so that …”/);
    await chat.user('By July I am modelling extended answers live so that all of 9X write a full page');
    expect(chat.lastBot()).toMatch(/Did you both agree their growth plan in this meeting\? \(001/);
    await chat.user('yes');
    expect(chat.lastBot()).toMatch(/GROW meeting\n {2}• Colleague: Amy Teacher\n {2}• Goal — starting point: .*\n {2}• Goal — vision of success: .*\n {2}• Reality: Tried writing frames and live modelling/);
    await chat.user('submit');
    expect(chat.lastBot()).toBe('Saved to Amy’s growth plan and marked agreed: “By July I am modelling extended answers live so that all of 9X write a full page”');
    expect(chat.last?.notifications[0]).toMatchObject({ personId: s.ids.amy });

    const plan = await db.prisma.growthPlan.findUniqueOrThrow({ where: { cycleId: s.cycles.amy! } });
    expect(plan).toMatchObject({ status: 'agreed', agreedById: s.ids.lm, summary: 'By July I am modelling extended answers live so that all of 9X write a full page' });
    expect(plan.details).toMatchObject({ shape: 'grow-plan', answers: { goal: 'Extended writing in 9X; the challenge is stamina', summary: expect.stringMatching(/^By July/) }, growMeeting: { managerId: s.ids.lm } });
    expect(await obligationStatus(db.prisma, s.ids.amy!, 'plan-agreed')).toEqual(['done']);
  });

  it('keeps an existing plan’s own answers and status when the plan is not agreed in the meeting', async () => {
    const s = await seedSchool(db.prisma, 'kingsmead', [
      { key: 'lm', fullName: 'Lena Manager', role: 'leader' },
      { key: 'amy', fullName: 'Amy Teacher', role: 'teacher', lineManager: 'lm' },
    ]);
    await db.prisma.growthPlan.create({
      data: { cycleId: s.cycles.amy!, personId: s.ids.amy!, status: 'submitted', details: { shape: 'grow-plan', sections: [], answers: { goal: 'My own goal' } } },
    });
    const chat = new Chat(newEngine(db.prisma), s.ids.lm!);
    await chat.user('grow');
    await chat.answers('1', 'aa', 'bb', 'cc', 'dd', 'ee', 'By Easter I am using hinge questions so that I know who has understood', 'no');
    await chat.user('submit');
    expect(chat.lastBot()).toMatch(/^Saved to Amy’s growth plan: “By Easter.*”\. It still needs agreeing\./);
    const plan = await db.prisma.growthPlan.findUniqueOrThrow({ where: { cycleId: s.cycles.amy! } });
    expect(plan.status).toBe('submitted');
    expect(plan.details).toMatchObject({ answers: { goal: 'My own goal', reality: 'cc', summary: expect.stringMatching(/^By Easter/) } });
    expect(await obligationStatus(db.prisma, s.ids.amy!, 'plan-agreed')).toEqual(['open']);
  });

  it('is not offered where the policy’s plan is not a GROW plan (002 SMART targets) or to someone with no reviewees', async () => {
    const s = await seedSchool(db.prisma, 'thomas-alleyne', [{ key: 'lm', fullName: 'Lena Manager', role: 'leader' }]);
    const chat = new Chat(newEngine(db.prisma), s.ids.lm!);
    await chat.user('grow');
    expect(chat.lastBot()).toMatch(/^Your school’s policy \(.*\) plans growth with smart targets rather than a GROW meeting/);
    const k = await seedSchool(db.prisma, 'kingsmead', [{ key: 'solo', fullName: 'Sol Teacher', role: 'teacher' }]);
    const solo = new Chat(newEngine(db.prisma), k.ids.solo!);
    await solo.user('grow');
    expect(solo.lastBot()).toMatch(/^The GROW planning meeting is for line managers/);
  });
});
