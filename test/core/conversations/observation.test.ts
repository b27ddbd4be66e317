import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { Chat, newEngine } from './support/chat.ts';
import { day } from './support/extra-obligations.ts';
import { seedSchool } from '../../support/seed-school.ts';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

async function priorObservation(cycleId: string, personId: string, minutes: number, kind = 'performance-management'): Promise<void> {
  await db.prisma.observation.create({ data: { cycleId, personId, observedOn: new Date('2026-09-15T00:00:00Z'), className: '8Y', minutes, kind, countsTowardCap: kind === 'performance-management' } });
}

describe('observation record under Thomas Alleyne (002 §47–51, Annex 1)', () => {
  it('warns past the 180-minute cap (002 §47), needs a concern and a revision meeting held first (Annex 1 §5), notes the feedback deadlines and tells the teacher, who may append comments (Annex 1 §11)', async () => {
    const s = await seedSchool(db.prisma, 'thomas-alleyne', [
      { key: 'lm', fullName: 'Lena Manager', role: 'leader' },
      { key: 'amy', fullName: 'Amy Teacher', role: 'teacher', lineManager: 'lm' },
    ]);
    await priorObservation(s.cycles.amy!, s.ids.amy!, 120);
    await priorObservation(s.cycles.amy!, s.ids.amy!, 90, 'peer');
    const chat = new Chat(newEngine(db.prisma), s.ids.lm!);
    await chat.user('observe');
    expect(chat.lastBot()).toMatch(/^Let’s record the observation\.\nWhose lesson did you observe\?/);
    await chat.user('1');
    await chat.user('tomorrow');
    expect(chat.lastBot()).toMatch(/^That date is still to come/);
    await chat.user('Fri 2 Oct');
    await chat.user('9X maths');
    await chat.user('an hour');
    expect(chat.lastBot()).toMatch(/^Please give the length in minutes as a number between 5 and 300/);
    await chat.user('60');
    await chat.user('1');
    await chat.user('Hinge questions');
    expect(chat.lastBot()).toMatch(/^Is this their one graded observation at the start of the cycle\?/);
    await chat.user('skip');
    // 120 earlier + 60 now = 180: at the cap, not past it; the peer observation does not count.
    expect(chat.lastBot()).toMatch(/^When did you give oral feedback\?/);
    await chat.user('edit minutes');
    await chat.user('75');
    expect(chat.lastBot()).toMatch(/^This would bring Amy Teacher’s performance-management observation this cycle to 195 minutes, over the 180-minute cap\. Observation beyond it is only for a concern about their teaching, after a revision meeting\. When was the revision meeting held\?/);
    // "confirm" is no longer enough (002 Annex 1 §5).
    await chat.user('confirm');
    expect(chat.lastBot()).toMatch(/^I couldn’t read that as a date/);
    await chat.user('skip');
    expect(chat.lastBot()).toMatch(/^Observation beyond the cap needs a revision meeting first\./);
    await chat.user('5 Oct');
    expect(chat.lastBot()).toMatch(/^The revision meeting has to come before the extra observation \(Fri 2 Oct\)\./);
    await chat.user('28 Sep');
    await chat.user('Pupils in 9X are making too little progress in lessons');
    expect(chat.lastBot()).toMatch(/^When did you give oral feedback\?/);
    await chat.user('1 Oct');
    expect(chat.lastBot()).toMatch(/^Feedback can’t come before the observation \(Fri 2 Oct\)\./);
    await chat.user('5 Oct');
    expect(chat.lastBot()).toMatch(/Revision meeting \(over the cap\): Mon 28 Sep\n {2}• Concern \(over the cap\): Pupils in 9X/);
    await chat.user('submit');
    // Oral feedback by the end of the next working day (Annex 1): Mon 5 Oct is on time.
    expect(chat.lastBot()).toBe('Saved the observation of Amy (9X maths, Fri 2 Oct, 75 minutes). Written feedback is due by Fri 9 Oct.');
    expect(chat.last?.notifications[0]).toMatchObject({ personId: s.ids.amy });
    expect(chat.last?.notifications[0]?.messages[0]).toMatchObject({ text: expect.stringMatching(/Please read it\. Say `observation comment` to add your comments/) });
    const saved = await db.prisma.observation.findFirstOrThrow({ where: { personId: s.ids.amy!, className: '9X maths' } });
    // 002 §18: the observer's read of Amy's earlier observations (counted against the cap) is in her access log.
    expect(await db.prisma.accessLog.count({ where: { subjectId: s.ids.amy!, resource: 'observations', viewerId: saved.observerId! } })).toBe(1);
    expect(saved).toMatchObject({ observerId: s.ids.lm, minutes: 75, kind: 'performance-management', countsTowardCap: true, focus: 'Hinge questions', grade: null, concern: 'Pupils in 9X are making too little progress in lessons' });
    expect(day(saved.revisionMeetingOn)).toBe('2026-09-28');
    expect(day(saved.observedOn)).toBe('2026-10-02');
    expect(day(saved.oralFeedbackOn)).toBe('2026-10-05');

    const amy = new Chat(newEngine(db.prisma), s.ids.amy!);
    await amy.user('observation comment');
    expect(amy.lastBot()).toMatch(/Which observation would you like to comment on\?\n {2}1\. Fri 2 Oct — 9X maths\n {2}2\. Tue 15 Sep — 8Y/);
    await amy.user('1');
    expect(amy.lastBot()).toMatch(/Observation of Fri 2 Oct\n {2}• Observer: Lena Manager\n {2}• Class: 9X maths\n {2}• Length: 75 minutes/);
    await amy.user('The class had a cover lesson the day before, which explains the slow start.');
    await amy.user('submit');
    expect(amy.lastBot()).toBe('Your comments are added to the observation of Fri 2 Oct.');
    expect(amy.last?.notifications[0]?.personId).toBe(s.ids.lm);
    const commented = await db.prisma.observation.findUniqueOrThrow({ where: { id: saved.id } });
    expect(commented.teacherComment).toBe('The class had a cover lesson the day before, which explains the slow start.');
  });

  it('does not apply the cap to an ECT (002 §47: capExemptFlags) and notes the oral-feedback deadline when none was given', async () => {
    const s = await seedSchool(db.prisma, 'thomas-alleyne', [
      { key: 'lm', fullName: 'Lena Manager', role: 'leader' },
      { key: 'ed', fullName: 'Ed Early', role: 'teacher', flags: ['ect'], lineManager: 'lm' },
    ]);
    await priorObservation(s.cycles.ed!, s.ids.ed!, 170);
    const chat = new Chat(newEngine(db.prisma), s.ids.lm!);
    await chat.user('observe');
    await chat.answers('1', 'Fri 2 Oct', '7Z science', '60', '1', 'skip', 'skip');
    expect(chat.lastBot()).toMatch(/^When did you give oral feedback\?/);
    await chat.user('skip');
    expect(chat.lastBot()).not.toMatch(/cap/);
    await chat.user('submit');
    expect(chat.lastBot()).toBe('Saved the observation of Ed (7Z science, Fri 2 Oct, 60 minutes). Oral feedback is due by the end of Mon 5 Oct. Written feedback is due by Fri 9 Oct.');
    const saved = await db.prisma.observation.findFirstOrThrow({ where: { personId: s.ids.ed!, className: '7Z science' } });
    expect(saved.countsTowardCap).toBe(false);
  });

  it('has no cap or deadlines under Kingsmead (001 "Observation": ungraded, developmental)', async () => {
    const s = await seedSchool(db.prisma, 'kingsmead', [
      { key: 'lm', fullName: 'Lena Manager', role: 'leader' },
      { key: 'amy', fullName: 'Amy Teacher', role: 'teacher', lineManager: 'lm' },
    ]);
    await priorObservation(s.cycles.amy!, s.ids.amy!, 300);
    const chat = new Chat(newEngine(db.prisma), s.ids.lm!);
    await chat.user('observe');
    await chat.answers('1', 'today', '10A English', '50', '1', 'Questioning', 'today');
    await chat.user('submit');
    expect(chat.lastBot()).toBe('Saved the observation of Amy (10A English, Mon 5 Oct, 50 minutes).');
  });

  it('002 §48: an observer other than the reviewer records the graded observation at the start of the cycle; it counts towards the cap and completes the graded observation, and later ones are not graded', async () => {
    const s = await seedSchool(db.prisma, 'thomas-alleyne', [
      { key: 'lm', fullName: 'Lena Manager', role: 'leader' },
      { key: 'olly', fullName: 'Olly Observer', role: 'leader' },
      { key: 'ta', fullName: 'Tia Assistant', role: 'teaching-assistant', lineManager: 'lm' },
      { key: 'amy', fullName: 'Amy Teacher', role: 'teacher', lineManager: 'lm', obligations: [{ kind: 'graded-observation', opensOn: '2026-09-02', dueOn: '2026-10-23', ownerRole: 'reviewer' }] },
    ]);
    const olly = new Chat(newEngine(db.prisma), s.ids.olly!);
    await olly.user('observe');
    // Any teaching colleague, not only the people Olly reviews; a teaching assistant is not observed for performance management.
    expect(olly.lastBot()).toMatch(/Whose lesson did you observe\?\n {2}1\. Amy Teacher\n {2}2\. Lena Manager$/);
    await olly.answers('Amy Teacher', 'Fri 2 Oct', '11X maths', '50', '1', 'Modelling');
    expect(olly.lastBot()).toMatch(/^Is this their one graded observation at the start of the cycle\?/);
    await olly.answers('Good', 'Fri 2 Oct');
    await olly.press('submit');
    expect(olly.lastBot()).toMatch(/^Saved the observation of Amy \(11X maths, Fri 2 Oct, 50 minutes\)\. It is their graded observation for the cycle\./);
    const graded = await db.prisma.observation.findFirstOrThrow({ where: { personId: s.ids.amy! } });
    expect(graded).toMatchObject({ observerId: s.ids.olly, grade: 'Good', countsTowardCap: true });
    expect(await db.prisma.obligation.findFirstOrThrow({ where: { personId: s.ids.amy!, kind: 'graded-observation' } })).toMatchObject({ status: 'done' });

    const lena = new Chat(newEngine(db.prisma), s.ids.lm!);
    await lena.user('observe');
    await lena.answers('Amy Teacher', 'today', '11X maths', '40', '1', 'Progress on action points');
    expect(lena.lastBot()).toMatch(/^When did you give oral feedback\?/);
    await lena.answers('today');
    await lena.press('submit');
    expect(await db.prisma.observation.count({ where: { personId: s.ids.amy!, grade: null } })).toBe(1);

    const tia = new Chat(newEngine(db.prisma), s.ids.ta!);
    await tia.user('observe');
    expect(tia.lastBot()).toMatch(/^Classroom observations are undertaken by colleagues with QTS, so I can’t record one from you\./);
  });
});
