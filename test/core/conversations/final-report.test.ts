import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../../src/core/time/clock.ts';
import { seedSchool } from '../../support/seed-school.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { Chat, newEngine } from './support/chat.ts';
import { addObligation, day, obligationStatus } from './support/extra-obligations.ts';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

const staff = [
  { key: 'head', fullName: 'Hugh Head', role: 'headteacher' as const },
  { key: 'lm', fullName: 'Lena Manager', role: 'leader' as const, lineManager: 'head' },
  { key: 'amy', fullName: 'Amy Teacher', role: 'teacher' as const, lineManager: 'lm' },
];

/** Amy's agreed plan: 002 §10–12's three SMART targets. */
async function planWithTargets(cycleId: string, personId: string): Promise<void> {
  await db.prisma.growthPlan.create({
    data: {
      cycleId,
      personId,
      status: 'agreed',
      details: {},
      goals: {
        create: [
          { position: 0, kind: 'smart-target', title: '80% of 11X reach grade 5 in maths', quantitative: true },
          { position: 1, kind: 'smart-target', title: 'Department shares one retrieval routine', quantitative: false },
          { position: 2, kind: 'smart-target', title: 'Lead the KS3 scheme rewrite', quantitative: false },
        ],
      },
    },
  });
}

describe('the reviewer’s final report (002 §1, §14, §16)', () => {
  it('002 §14, §16: assesses each target, makes the pay recommendation (002 §1), keeps the reviewee’s own review, completes the review and opens the 10-working-day appeal window', async () => {
    const s = await seedSchool(db.prisma, 'thomas-alleyne', staff);
    await planWithTargets(s.cycles.amy!, s.ids.amy!);
    await addObligation(db.prisma, s.cycles.amy!, s.ids.amy!, 'end-of-cycle-review', '2026-10-30');
    await db.prisma.endOfCycleReview.create({ data: { cycleId: s.cycles.amy!, personId: s.ids.amy!, intended: 'My own review', status: 'submitted', details: { form: 'own' } } });
    const chat = new Chat(newEngine(db.prisma, fixedClock('2026-10-12T10:00:00Z')), s.ids.lm!);
    await chat.user('final report');
    expect(chat.lastBot()).toMatch(/^Let’s write the final review report\. Once issued/);
    await chat.user('1');
    expect(chat.lastBot()).toMatch(/^Target 1: “80% of 11X reach grade 5 in maths”\. Your assessment against it, on the performance criteria set at the start of the cycle\. Good progress towards a challenging target is assessed favourably\.$/m);
    // The paragraph is not in the question; `why` quotes it.
    await chat.user('why');
    expect(chat.lastBot()).toMatch(/^You’re on “Target 1: 80% of 11X reach grade 5 in maths” in your final review report\. Your school’s growth policy asks for it \(002 §1, §14, §16.*\n> At the end of the cycle assessment of performance against a target will be on the basis of the performance criteria set at the beginning of the cycle\..*\(002 §14\)\n.*\nTarget 1: “80% of 11X/s);
    await chat.answers('Met: 83% reached grade 5', 'Largely met: routine shared, two of three teachers use it', 'Good progress: Year 7 and 8 units rewritten');
    expect(chat.lastBot()).toMatch(/^Your overall assessment/);
    await chat.user('A strong year with good progress on every target');
    expect(chat.lastBot()).toMatch(/Your pay recommendation: your assessment is the basis of it\./);
    expect(chat.lastBot()).toMatch(/Recommend pay progression/);
    await chat.answers('progress', 'Targets met or good progress on all three');
    expect(chat.lastBot()).toMatch(/Final review report\n {2}• Colleague: Amy Teacher\n {2}• Target 1: 80% of 11X reach grade 5 in maths: Met: 83% reached grade 5/);
    await chat.press('submit');
    expect(chat.lastBot()).toBe('Issued Amy’s final review report on Mon 12 Oct and sent it to them. Their appeal window runs until Mon 26 Oct.');
    const note = chat.last?.notifications[0];
    expect(note?.personId).toBe(s.ids.amy);
    expect(note?.messages[0]).toMatchObject({ text: expect.stringMatching(/Lena Manager has issued your final review report \(Mon 12 Oct\):\n• 80% of 11X.*\n[\s\S]*• Pay recommendation: Recommend pay progression — Targets met[\s\S]*you may appeal until Mon 26 Oct/) });

    const review = await db.prisma.endOfCycleReview.findUniqueOrThrow({ where: { cycleId: s.cycles.amy! } });
    expect(review).toMatchObject({ status: 'final', reviewerId: s.ids.lm, intended: 'My own review' });
    expect(day(review.finalReportIssuedOn)).toBe('2026-10-12');
    expect(review.details).toMatchObject({
      form: 'own',
      finalReport: {
        issuedBy: s.ids.lm,
        issuedOn: '2026-10-12',
        targets: [{ target: '80% of 11X reach grade 5 in maths', assessment: 'Met: 83% reached grade 5' }, {}, {}],
        overall: 'A strong year with good progress on every target',
        payRecommendation: 'progress',
      },
    });
    expect(await obligationStatus(db.prisma, s.ids.amy!, 'end-of-cycle-review')).toEqual(['done']);
    const window = await db.prisma.obligation.findFirstOrThrow({ where: { personId: s.ids.amy!, kind: 'appeal-window' } });
    expect([day(window.opensOn), day(window.dueOn), window.ownerPersonId]).toEqual(['2026-10-12', '2026-10-26', s.ids.amy]);

    // 002 §16: Amy's appeal is dated from the report issued here; a receipt before it is refused.
    const amy = new Chat(newEngine(db.prisma, fixedClock('2026-10-14T10:00:00Z')), s.ids.amy!);
    await amy.user('appeal');
    expect(amy.lastBot()).toMatch(/On what date did you receive your final review report\?\n_Your reviewer issued it to you here on Mon 12 Oct\._$/);
    await amy.user('9 Oct 2026');
    expect(amy.lastBot()).toMatch(/^Your final report was issued on Mon 12 Oct, so it can’t have been received before then\./);
  });

  it('002 §16: the reviewee’s own end-of-cycle review does not open the appeal window', async () => {
    const s = await seedSchool(db.prisma, 'thomas-alleyne', staff);
    const chat = new Chat(newEngine(db.prisma, fixedClock('2026-10-12T10:00:00Z')), s.ids.amy!);
    await chat.user('review');
    await chat.answers('Better writing', 'Modelled answers', 'Assessment data shows 80% reached their target', 'Model one paragraph live');
    await chat.user('submit');
    expect(chat.lastBot()).toMatch(/Your reviewer will issue your final report; any appeal runs from then\.$/);
    expect(await db.prisma.obligation.count({ where: { personId: s.ids.amy!, kind: 'appeal-window' } })).toBe(0);
  });

  it('001: a policy without a reviewer’s final report says so', async () => {
    const s = await seedSchool(db.prisma, 'kingsmead', staff);
    const chat = new Chat(newEngine(db.prisma), s.ids.lm!);
    await chat.user('final report');
    expect(chat.lastBot()).toMatch(/^Your school’s policy \(Growing Great Teachers\) has no reviewer’s final report\./);
  });
});
