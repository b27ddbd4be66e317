import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../../src/core/time/clock.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { Chat, newEngine } from './support/chat.ts';
import { addObligation, day, obligationStatus } from './support/extra-obligations.ts';
import { seedSchool } from '../../support/seed-school.ts';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

const EVIDENCE = [
  'Observations, work scrutiny and pupil voice all show consistently strong teaching across the standards.',
  'Led two CPD sessions on retrieval practice and completed the NPQ in curriculum and assessment.',
  'Ran the Year 9 reading intervention for two years: reading ages rose by 14 months on average.',
];

const whmatStaff = [
  { key: 'head', fullName: 'Hugh Head', role: 'headteacher' as const },
  { key: 'amy', fullName: 'Amy Teacher', role: 'teacher' as const, lineManager: 'head' },
  { key: 'uma', fullName: 'Uma Upper', role: 'teacher' as const, flags: ['ups' as const] },
  { key: 'sam', fullName: 'Sam Support', role: 'support' as const },
];

describe('pay-threshold application under WHMAT (004 §8: business case by October half term)', () => {
  it('asks for evidence against each criterion, saves the application once a year, completes the upr-application obligation and tells the head', async () => {
    const s = await seedSchool(db.prisma, 'whmat', whmatStaff);
    await addObligation(db.prisma, s.cycles.amy!, s.ids.amy!, 'upr-application', '2026-10-23');
    const chat = new Chat(newEngine(db.prisma), s.ids.amy!);
    await chat.user('threshold');
    expect(chat.lastBot()).toMatch(/^Your business case for the upper pay range: one answer.*\nCriterion 1 of 3: Highly competent in all aspects of the Teachers’ Standards[^§]*\nWhat is your evidence\?$/);
    // The paragraph is not in the question; `why` names it.
    await chat.user('why');
    expect(chat.lastBot()).toMatch(/^You’re on “Highly competent in all aspects of the Teachers’ Standards.*” in your .*\. Your school’s growth policy asks for it.*004 §8\.2\.1/);
    await chat.user('I am good.');
    expect(chat.lastBot()).toMatch(/^Please write at least 40 characters\.\nCriterion 1 of 3/);
    await chat.user('skip');
    expect(chat.lastBot()).toMatch(/^The business case answers every criterion\./);
    await chat.answers(EVIDENCE[0]!, EVIDENCE[1]!);
    await chat.user('back');
    expect(chat.lastBot()).toMatch(/^Your answer so far: Led two CPD sessions.*\nCriterion 2 of 3/);
    await chat.answers(EVIDENCE[1]!, EVIDENCE[2]!);
    expect(chat.lastBot()).toMatch(/Upper pay range business case\n/);
    await chat.user('submit');
    expect(chat.lastBot()).toBe('Your application is submitted to Hugh.');
    expect(chat.last?.notifications[0]?.personId).toBe(s.ids.head);
    const saved = await db.prisma.payThresholdApplication.findFirstOrThrow({ where: { personId: s.ids.amy! } });
    expect(saved).toMatchObject({ academicYear: 2026, status: 'submitted', cycleId: s.cycles.amy });
    expect(day(saved.submittedOn)).toBe('2026-10-05');
    expect(saved.evidence).toEqual([
      { criterion: expect.stringMatching(/\(004 §8\.2\.1\)$/), evidence: EVIDENCE[0] },
      { criterion: expect.stringMatching(/\(004 §8\.2\.2\)$/), evidence: EVIDENCE[1] },
      { criterion: expect.stringMatching(/\(004 §8\.2\.3\)$/), evidence: EVIDENCE[2] },
    ]);
    expect(await obligationStatus(db.prisma, s.ids.amy!, 'upr-application')).toEqual(['done']);

    await chat.user('threshold');
    expect(chat.lastBot()).toBe('You’ve already applied this academic year (status: submitted). Applications are once a year.');
  });

  it('refuses after the deadline (the day before October half term, Fri 23 Oct 2026), giving the date', async () => {
    const s = await seedSchool(db.prisma, 'whmat', whmatStaff);
    const chat = new Chat(newEngine(db.prisma, fixedClock('2026-11-02T10:00:00Z')), s.ids.amy!);
    await chat.user('threshold');
    expect(chat.lastBot()).toBe('The deadline for upper pay range applications this year was Fri 23 Oct, so applications are closed until next year.');
  });

  it('is only for teachers not already on the upper pay scale (001 Upper Pay Scale, 002 Annex 4)', async () => {
    const s = await seedSchool(db.prisma, 'whmat', whmatStaff);
    const uma = new Chat(newEngine(db.prisma), s.ids.uma!);
    await uma.user('threshold');
    expect(uma.lastBot()).toMatch(/^You’re already on the upper pay scale\/range/);
    const sam = new Chat(newEngine(db.prisma), s.ids.sam!);
    await sam.user('threshold');
    expect(sam.lastBot()).toMatch(/^The upper pay range is for teachers/);
  });

  it('takes applications any time, once a year, under Thomas Alleyne (002 Annex 4)', async () => {
    const s = await seedSchool(db.prisma, 'thomas-alleyne', whmatStaff);
    const chat = new Chat(newEngine(db.prisma, fixedClock('2027-03-01T10:00:00Z')), s.ids.amy!);
    await chat.user('threshold');
    expect(chat.lastBot()).toMatch(/Criterion 1 of 3: Two consecutive successful appraisal reports/);
    await chat.answers(...EVIDENCE);
    await chat.user('submit');
    expect(chat.lastBot()).toBe('Your application is submitted to Hugh.');
    expect(await db.prisma.payThresholdApplication.count({ where: { personId: s.ids.amy!, academicYear: 2026 } })).toBe(1);
  });
});
