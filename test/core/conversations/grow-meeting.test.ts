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
  it('001 Appendix C: asks every question of the GROW script — whole-school priorities, how challenging, where support comes from, a good start, sharing successes — refuses a summary not shaped "By… I am… so that…", and saves it to the reviewee’s agreed plan', async () => {
    const s = await seedSchool(db.prisma, 'kingsmead', [
      { key: 'lm', fullName: 'Lena Manager', role: 'leader' },
      { key: 'amy', fullName: 'Amy Teacher', role: 'teacher', lineManager: 'lm' },
      { key: 'ben', fullName: 'Ben Teacher', role: 'teacher', lineManager: 'lm' },
    ]);
    const chat = new Chat(newEngine(db.prisma), s.ids.lm!);
    await chat.user('grow');
    expect(chat.lastBot()).toMatch(/^Let’s run the GROW conversation, to establish a challenging focus\./);
    expect(chat.lastBot()).toMatch(/Whose growth focus are you establishing\?\n {2}1\. Amy Teacher\n {2}2\. Ben Teacher/);
    await chat.user('Carl');
    expect(chat.lastBot()).toMatch(/^“Carl” isn’t someone you review, coach or line-manage, so I can’t do this for them\. You can choose from: Amy Teacher, Ben Teacher\./);
    await chat.user('amy teacher');
    // Each question of the seed's script, in its order, with the answer given to it.
    const script: [RegExp, string][] = [
      [/^GOAL — establish the starting point\. How would you describe yourself when you’re at your best\? When you reflected on the Teachers’ Standards/, 'Clear explanations'],
      [/^What are the learning needs of the class you would like to focus on\?/, '9X need to write at length'],
      [/^GOAL — build a detailed vision of success\. What specifically do you want to achieve\?.*What do you want to change\?/, 'Extended writing in 9X'],
      [/^How will your goal support whole school\/subject\/phase priorities\?/, 'Literacy across the curriculum'],
      [/^What’s the real challenge for you here\? How challenging is this goal\?.*Where will your support come from\? How can I help\?/, 'Stamina; very challenging; English department'],
      [/^Imagine you are successful\./, 'Every student writes a full page'],
      [/^REALITY — .*What have you tried so far\?.*How confident are you of achieving this goal\?.*overcome any barriers\?/, 'Tried writing frames and live modelling; fairly confident'],
      [/^OPTIONS — .*What else could you do\? And what else\? What approaches do others take in similar circumstances\?/, 'Live modelling, visualisers, peer critique'],
      [/^WHAT NEXT\? — having considered the options, what do you intend to achieve\? What knowledge and skills/, 'Model one paragraph a lesson'],
      [/^Who might support you\? How can I help\?/, 'Head of English'],
      [/^What are your first steps\? How will you get started\?/, 'Plan three modelled lessons'],
      [/^What will tell you that you’ve made a good start\?/, 'Half the class finish a page by half term'],
      [/^How will you monitor your progress, evaluate impact.*When will we revisit and review this\?/, 'Book looks; review at Christmas'],
      [/^How will you share your successes and challenges\?/, 'At the department meeting'],
    ];
    for (const [question, answer] of script) {
      expect(chat.lastBot()).toMatch(question);
      await chat.answers(answer);
    }
    expect(chat.lastBot()).toMatch(/^Confirm and summarise the goal: By… I am… so that…/);
    await chat.user('Improve extended writing');
    expect(chat.lastBot()).toMatch(/^Please use the shape “By … I am … so that …”/);
    await chat.user('By July I am modelling extended answers live so that all of 9X write a full page');
    expect(chat.lastBot()).toMatch(/Did you both agree their growth plan in this meeting\?\n/);
    // The paragraph is not in the question; `why` names it.
    await chat.user('why');
    expect(chat.lastBot()).toMatch(/^You’re on “Plan agreed in the meeting” in your grow planning meeting\. Your school’s growth policy asks for it.*001 "Professional growth plan"/s);
    await chat.user('yes');
    expect(chat.lastBot()).toMatch(/GROW meeting\n {2}• Colleague: Amy Teacher\n {2}• Goal — at your best: Clear explanations\n[\s\S]*• Goal — whole-school priorities: Literacy across the curriculum\n[\s\S]*• What next — a good start: Half the class/);
    await chat.user('submit');
    expect(chat.lastBot()).toBe('Saved to Amy’s growth plan and marked agreed: “By July I am modelling extended answers live so that all of 9X write a full page”');
    expect(chat.last?.notifications[0]).toMatchObject({ personId: s.ids.amy });

    const plan = await db.prisma.growthPlan.findUniqueOrThrow({ where: { cycleId: s.cycles.amy! } });
    expect(plan).toMatchObject({ status: 'agreed', agreedById: s.ids.lm, summary: 'By July I am modelling extended answers live so that all of 9X write a full page' });
    expect(plan.details).toMatchObject({
      shape: 'grow-plan',
      answers: { goal: 'Extended writing in 9X', 'whole-school-priority': 'Literacy across the curriculum', 'class-needs': '9X need to write at length', summary: expect.stringMatching(/^By July/) },
      growMeeting: { managerId: s.ids.lm, answers: { 'good-start': 'Half the class finish a page by half term', share: 'At the department meeting', 'goal-challenge': 'Stamina; very challenging; English department' } },
    });
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
    await chat.answers('1', 'aa', 'bb', 'cc', 'dd', 'ee', 'ff', 'gg', 'hh', 'ii', 'jj', 'kk', 'll', 'mm', 'nn', 'By Easter I am using hinge questions so that I know who has understood', 'no');
    await chat.user('submit');
    expect(chat.lastBot()).toMatch(/^Saved to Amy’s growth plan: “By Easter.*”\. It still needs agreeing\./);
    const plan = await db.prisma.growthPlan.findUniqueOrThrow({ where: { cycleId: s.cycles.amy! } });
    expect(plan.status).toBe('submitted');
    expect(plan.details).toMatchObject({ answers: { goal: 'My own goal', reality: 'gg', summary: expect.stringMatching(/^By Easter/) } });
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
