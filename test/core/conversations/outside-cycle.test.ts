import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { seedSchool } from '../../support/seed-school.ts';
import { Chat, newEngine } from './support/chat.ts';
import { messageText } from '../../../src/core/conversations/engine/outgoing-message.ts';
import { CycleReports } from '../../../src/core/reports/cycle-reports.ts';
import { prismaAccess } from '../../../src/storage/prisma/prisma-access-relationships.ts';
import { PrismaReportReads } from '../../../src/storage/prisma/prisma-report-reads.ts';
import { knownPerson } from '../reports/report-fixture.ts';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

/** An agency worker under WHMAT, with the termly check-in the policy still gives them, owed by their manager. */
async function whmatAgencyWorker() {
  return seedSchool(db.prisma, 'whmat', [
    { key: 'head', fullName: 'Hana Head', role: 'leader' },
    {
      key: 'sam',
      fullName: 'Sam Supply',
      role: 'teacher',
      flags: ['agency'],
      lineManager: 'head',
      excludedBecause: 'Agency workers are not covered by this policy (004 §2.1.1)',
      obligations: [{ kind: 'check-in', label: 'Regular check-in and feedback (not in the growth cycle)', opensOn: '2026-09-01', dueOn: '2026-12-18', ownerRole: 'reviewer' }],
    },
  ]);
}

describe('colleagues the policy leaves outside the cycle (004 §2.1–2.2)', () => {
  it('004 §2.2: reflect and plan tell an agency worker, in plain words, that they are outside the cycle and still get check-ins with their line manager', async () => {
    const s = await whmatAgencyWorker();
    const engine = newEngine(db.prisma);
    for (const word of ['reflect', 'plan']) {
      const chat = new Chat(engine, s.ids.sam!);
      await chat.user(word);
      expect(chat.lastBot()).toBe(
        'You’re not in this year’s growth cycle: Agency workers are not covered by this policy. So there is no self-reflection, growth plan or review for you to write here this year. Your school still gives you regular check-ins and feedback with your line manager: say `checkin` to record one. Say `why` for what the policy says.',
      );
    }
    expect(await db.prisma.selfReflection.count({ where: { personId: s.ids.sam! } })).toBe(0);
  });

  it('004 §2.2: an agency worker records a check-in with their line manager: no growth diary, why quotes §2.2, the manager is told and the reminded check-in is done', async () => {
    const s = await whmatAgencyWorker();
    const chat = new Chat(newEngine(db.prisma), s.ids.sam!);
    await chat.user('checkin');
    expect(chat.lastBot()).toBe(
      'You’re not in this year’s growth cycle, but your school still gives you regular check-ins and feedback. Let’s record your check-in with Hana. It takes a minute.\nWhen was the check-in? (e.g. `today`, `14/10` or `14 October`)',
    );
    await chat.user('why');
    expect(chat.lastBot()).toContain('(004 §2.2). It says:\n> Where a colleague is not covered by this Policy as per 2.1, their performance should still be managed through regular check-ins and feedback. (004 §2.2)');
    await chat.answers('2 Oct', 'How the first weeks have gone', 'Shadow the Year 9 lead', 'Fine');
    expect(chat.lastBot()).toMatch(/^When is the next check-in\?/);
    await chat.user('skip');
    expect(chat.lastBot()).not.toMatch(/Growth diary/);
    await chat.press('submit');
    expect(chat.lastBot()).toBe('Saved your check-in of Fri 2 Oct.');
    expect(chat.last?.notifications.map((n) => n.personId)).toEqual([s.ids.head]);
    const saved = await db.prisma.checkIn.findFirstOrThrow({ where: { personId: s.ids.sam! } });
    expect(saved).toMatchObject({ cycleId: s.cycles.sam, conductedById: s.ids.head, agreedActions: 'Shadow the Year 9 lead', diaryNote: null });
    expect(await db.prisma.diaryEntry.count({ where: { personId: s.ids.sam! } })).toBe(0);
    const owed = await db.prisma.obligation.findFirstOrThrow({ where: { personId: s.ids.sam!, kind: 'check-in' } });
    expect(owed.status).toBe('done');
  });

  it('004 §2.2: the line manager records the check-in of a colleague outside the cycle, and the colleague is told', async () => {
    const s = await whmatAgencyWorker();
    const chat = new Chat(newEngine(db.prisma), s.ids.head!);
    await chat.user('checkin');
    expect(chat.lastBot()).toMatch(/Whose check-in is this\?\n {2}1\. Sam Supply/);
    await chat.user('1');
    await chat.answers('2 Oct', 'First weeks', 'Shadow the Year 9 lead', 'Settling in');
    expect(chat.lastBot()).toMatch(/^When is the next check-in\?/);
    await chat.user('skip');
    await chat.press('submit');
    expect(chat.lastBot()).toBe('Saved your check-in with Sam of Fri 2 Oct.');
    expect(chat.last?.notifications.map((n) => n.personId)).toEqual([s.ids.sam]);
    expect((await db.prisma.obligation.findFirstOrThrow({ where: { personId: s.ids.sam!, kind: 'check-in' } })).status).toBe('done');
  });

  it('004 §2.2: the line manager records a feedback conversation with a colleague outside the cycle; it is kept on their excluded cycle and they are told', async () => {
    const s = await whmatAgencyWorker();
    const chat = new Chat(newEngine(db.prisma), s.ids.head!);
    await chat.user('feedback');
    expect(chat.lastBot()).toMatch(/Who did you have the feedback conversation with\?\n {2}1\. Sam Supply/);
    await chat.answers(
      '1',
      'The class settled quickly at the start of the lesson',
      'What made the start work so well?',
      'Use the same routine after break time',
      '2',
      'In Tuesday’s lesson with 8Y, the same entry routine',
      'By next week I am starting every lesson the same way so that the students settle at once',
    );
    await chat.press('submit');
    expect(chat.lastBot()).toMatch(/^Saved your feedback conversation with Sam\./);
    expect(chat.last?.notifications.map((n) => n.personId)).toEqual([s.ids.sam]);
    const saved = await db.prisma.feedbackRecord.findFirstOrThrow({ where: { personId: s.ids.sam! } });
    expect(saved).toMatchObject({ cycleId: s.cycles.sam, givenById: s.ids.head });
  });

  it('004 §2.1.1, §2.2: `why` says which paragraph leaves an agency worker outside the cycle, then the one behind the check-in they still get', async () => {
    const s = await whmatAgencyWorker();
    const rule = '004 §2.2 (colleagues not covered are still managed through regular check-ins and feedback; their manager is reminded, never chased)';
    await db.prisma.obligation.updateMany({ where: { personId: s.ids.sam! }, data: { rule } });
    const reports = new CycleReports(new PrismaReportReads(db.prisma), prismaAccess(db.prisma));
    const messages = (await reports.why(await knownPerson(db.prisma, s.ids.sam!), new Date('2026-10-05T09:00:00Z'))).map(messageText);
    expect(messages).toEqual([
      'You’re not in this year’s growth cycle. Why: Agency workers are not covered by this policy (004 §2.1.1).',
      `Your next item is “Regular check-in and feedback (not in the growth cycle)”, due Fri 18 Dec. Why: ${rule} of your school’s growth policy, the rule “Regular check-in and feedback (not in the growth cycle)”. If it doesn’t seem right for you, talk to your reviewer, or press Not applicable on its reminder and say why.`,
    ]);
  });

  it('002 introduction: an ECT in year 1 of induction is told to follow their induction programme, and no check-in is offered (002 offers none)', async () => {
    const s = await seedSchool(db.prisma, 'thomas-alleyne', [
      { key: 'head', fullName: 'Hana Head', role: 'headteacher' },
      {
        key: 'eve',
        fullName: 'Eve Early',
        role: 'teacher',
        flags: ['ect'],
        lineManager: 'head',
        excludedBecause: 'Early career teachers in their first year of induction follow their induction programme instead (002 introduction)',
      },
    ]);
    const engine = newEngine(db.prisma);
    for (const word of ['reflect', 'checkin']) {
      const chat = new Chat(engine, s.ids.eve!);
      await chat.user(word);
      expect(chat.lastBot()).toBe(
        'You’re not in this year’s growth cycle: Early career teachers in their first year of induction follow their induction programme instead. So there is no self-reflection, growth plan or review for you to write here this year. Please talk to your line manager about the programme that applies to you instead. Say `why` for what the policy says.',
      );
    }
    expect(await db.prisma.checkIn.count({ where: { personId: s.ids.eve! } })).toBe(0);
  });
});
