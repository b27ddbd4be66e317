import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../../src/core/time/clock.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { Chat, newEngine } from './support/chat.ts';
import { addObligation, obligationStatus } from './support/extra-obligations.ts';
import { seedSchool } from '../../support/seed-school.ts';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

describe('end-of-cycle review (001 "Professional growth plan: review")', () => {
  it('asks intention, action, impact and how it was measured, and recommendations; saves the review, completes the obligation and tells the head of department', async () => {
    const s = await seedSchool(db.prisma, 'kingsmead', [
      { key: 'hod', fullName: 'Hal Department', role: 'leader' },
      { key: 'amy', fullName: 'Amy Teacher', role: 'teacher', lineManager: 'hod' },
    ]);
    await addObligation(db.prisma, s.cycles.amy!, s.ids.amy!, 'end-of-cycle-review', '2027-07-21');
    const chat = new Chat(newEngine(db.prisma, fixedClock('2027-07-01T09:00:00Z')), s.ids.amy!);
    await chat.user('review');
    expect(chat.lastBot()).toMatch(/^Your end-of-cycle review\. Four questions.*\nWhat did you intend to achieve this year\?$/);
    // The paragraph is for `why`, which names it.
    await chat.user('why');
    expect(chat.lastBot()).toMatch(/001 “Professional growth plan: review”/);
    await chat.answers('Better extended writing in 9X', 'Modelled a paragraph live every lesson');
    expect(chat.lastBot()).toMatch(/^IMPACT: what has the impact been of this work on the students’ learning, and how did you measure your success\?/);
    await chat.user('They got much better at writing, I think');
    expect(chat.lastBot()).toMatch(/^Please say how you measured it too/);
    await chat.user('Average essay length doubled; assessment data shows 80% reached their target');
    await chat.user('Start small: model one paragraph live, every lesson');
    expect(chat.lastBot()).toMatch(/End-of-cycle review\n {2}• What I intended: Better extended writing in 9X/);
    await chat.user('edit what i did');
    expect(chat.lastBot()).toMatch(/^Your answer so far: Modelled a paragraph live every lesson\nWhat did you do/);
    await chat.user('Modelled a paragraph live every lesson and used a visualiser');
    await chat.user('submit');
    expect(chat.lastBot()).toBe('Your end-of-cycle review is saved and I’ve sent it to Hal.');
    expect(chat.last?.notifications[0]?.personId).toBe(s.ids.hod);
    const saved = await db.prisma.endOfCycleReview.findUniqueOrThrow({ where: { cycleId: s.cycles.amy! } });
    expect(saved).toMatchObject({ reviewerId: s.ids.hod, did: 'Modelled a paragraph live every lesson and used a visualiser', status: 'submitted', recommendations: 'Start small: model one paragraph live, every lesson' });
    expect(await obligationStatus(db.prisma, s.ids.amy!, 'end-of-cycle-review')).toEqual(['done']);
  });
});
