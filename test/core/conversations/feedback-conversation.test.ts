import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { Chat, newEngine } from './support/chat.ts';
import { addObligation, day, obligationStatus } from './support/extra-obligations.ts';
import { seedSchool } from '../../support/seed-school.ts';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

describe('feedback conversation (001 Appendix F "Feedback conversations")', () => {
  it('praise → probe → next action step at one of the four levels of support → plan ahead → lock it in, saved for both and completing the feedback obligation', async () => {
    const s = await seedSchool(db.prisma, 'kingsmead', [
      { key: 'coach', fullName: 'Cora Coach', role: 'leader' },
      { key: 'amy', fullName: 'Amy Teacher', role: 'teacher', lineManager: 'coach' },
    ]);
    await addObligation(db.prisma, s.cycles.amy!, s.ids.amy!, 'feedback', '2026-12-18');
    await db.prisma.feedbackRecord.create({
      data: { cycleId: s.cycles.amy!, personId: s.ids.amy!, givenById: s.ids.coach!, givenOn: new Date('2026-09-21T00:00:00Z'), lockIn: 'By next week I am cold-calling so that the students all think' },
    });
    const chat = new Chat(newEngine(db.prisma), s.ids.coach!);
    await chat.user('feedback');
    expect(chat.lastBot()).toMatch(/^Let’s record your feedback conversation \(001 Appendix F\)/);
    await chat.press(s.ids.amy!);
    expect(chat.lastBot()).toMatch(/^Their previous action step \(Mon 21 Sep\): “By next week I am cold-calling so that the students all think”\nPRAISE:/);
    await chat.user('The students were really focused during your cold-calling — great to see it sustained.');
    expect(chat.lastBot()).toMatch(/^PROBE:/);
    await chat.user('Talk about modelling');
    expect(chat.lastBot()).toMatch(/^Please write it as the question you asked \(ending with “\?”\)\./);
    await chat.user('What was the impact of your modelling on the quality of the students’ work?');
    await chat.user('Model the first paragraph live before independent writing');
    expect(chat.lastBot()).toMatch(
      /Which of the four levels of support got you there\?\n {2}1\. Your colleague identifies the issue and possible solution without any prompts from you\.\n {2}2\. You ask several questions, including the initial probing question/,
    );
    await chat.user('5');
    expect(chat.lastBot()).toMatch(/^I couldn’t match “5” to one of the choices\. Please press a button, type its number \(1–4\)/);
    await chat.user('2');
    expect(chat.lastBot()).toMatch(/^PLAN AHEAD & SET A TIMELINE/);
    await chat.user('Model it');
    expect(chat.lastBot()).toMatch(/^Please add a short timeline/);
    await chat.user('In Tuesday’s lesson with 9X: every student starts writing within 5 minutes');
    expect(chat.lastBot()).toMatch(/^LOCK IT IN/);
    await chat.user('I will model more');
    expect(chat.lastBot()).toMatch(/^Please use their words in the shape “By next week I am … so that the students …”\./);
    await chat.user('By next week I am modelling the first paragraph live so that the students start writing straight away');
    expect(chat.lastBot()).toMatch(/Level of support: You ask several questions/);
    await chat.user('edit level');
    await chat.user('4');
    expect(chat.lastBot()).toMatch(/Level of support: You offer some possible solutions/);
    await chat.user('submit');
    expect(chat.lastBot()).toBe('Saved your feedback conversation with Amy. Their next step: “By next week I am modelling the first paragraph live so that the students start writing straight away”');
    expect(chat.last?.notifications[0]?.personId).toBe(s.ids.amy);

    const saved = await db.prisma.feedbackRecord.findFirstOrThrow({ where: { personId: s.ids.amy!, supportLevel: { not: null } } });
    expect(saved).toMatchObject({ givenById: s.ids.coach, supportLevel: 'possible-solutions', probingQuestion: 'What was the impact of your modelling on the quality of the students’ work?' });
    expect(day(saved.givenOn)).toBe('2026-10-05');
    expect(await obligationStatus(db.prisma, s.ids.amy!, 'feedback')).toEqual(['done']);
    // 002 §18: reading Amy's previous action step is in her access log, with the rule that allowed it.
    expect(await db.prisma.accessLog.findMany({ where: { subjectId: s.ids.amy! }, select: { viewerId: true, resource: true, reason: true } })).toEqual([{ viewerId: s.ids.coach, resource: 'feedback', reason: 'reviewer' }]);
  });

  it('is refused to someone who coaches or line-manages nobody', async () => {
    const s = await seedSchool(db.prisma, 'kingsmead', [{ key: 'p', fullName: 'Pat Person', role: 'teacher' }]);
    const chat = new Chat(newEngine(db.prisma), s.ids.p!);
    await chat.user('feedback');
    expect(chat.lastBot()).toMatch(/^Feedback conversations are recorded by a colleague’s coach or line manager/);
  });
});
