import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialogForObligation, kindInfo } from '../../../src/core/obligations/obligation-kinds.ts';
import { seedSchool } from '../../support/seed-school.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { Chat, newEngine } from './support/chat.ts';
import { obligationStatus } from './support/extra-obligations.ts';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

const PEER_OBLIGATION = [{ kind: 'peer-observation', opensOn: '2026-09-01', dueOn: '2027-05-28', ownerRole: 'reviewee' as const }];

describe('peer observation (001 "Observation", 004 §7.5: observe a colleague once a year to learn from them)', () => {
  it('001 "Observation": a teacher records a visit to any colleague’s lesson — not only people they review — and it completes their peer observation for the year', async () => {
    const s = await seedSchool(db.prisma, 'kingsmead', [
      { key: 'lm', fullName: 'Lena Manager', role: 'leader' },
      { key: 'amy', fullName: 'Amy Teacher', role: 'teacher', lineManager: 'lm', obligations: PEER_OBLIGATION },
      { key: 'sam', fullName: 'Sam Science', role: 'teacher', lineManager: 'lm', department: 'Science' },
    ]);
    const chat = new Chat(newEngine(db.prisma), s.ids.amy!);
    await chat.user('peer');
    expect(chat.lastBot()).toMatch(/^Let’s record your peer observation: a visit to a colleague’s lesson with the sole focus of learning from them\./);
    expect(chat.lastBot()).toMatch(/Whose lesson did you visit to learn from\?\n {2}1\. Lena Manager\n {2}2\. Sam Science$/);
    await chat.user('Sam Science');
    await chat.user('tomorrow');
    expect(chat.lastBot()).toMatch(/^That date is still to come/);
    await chat.answers('2 Oct', 'Year 9 science', 'How Sam uses mini whiteboards to check every answer');
    await chat.user('skip');
    expect(chat.lastBot()).toMatch(/^The visit is there to identify your next steps — one is enough\./);
    // The paragraph is not in the refusal; `why` names it.
    await chat.user('why');
    expect(chat.lastBot()).toMatch(/^You’re on “My next step” in your peer observation\. Your school’s growth policy asks for it \(001 "Observation".*\n> All teachers are expected to support and learn from colleagues\..*\(001 "Observation"\)\n/s);
    await chat.user('Use whiteboards for hinge questions in 8Y');
    expect(chat.lastBot()).toMatch(/Peer observation\n {2}• Colleague: Sam Science\n {2}• Date: Fri 2 Oct\n {2}• Lesson: Year 9 science/);
    await chat.press('submit');
    expect(chat.lastBot()).toBe('Saved your visit to Sam’s lesson (Year 9 science, Fri 2 Oct). That is your peer observation for the year done.');

    const saved = await db.prisma.peerObservation.findFirstOrThrow({ where: { observerId: s.ids.amy! } });
    expect(saved).toMatchObject({ cycleId: s.cycles.amy, colleagueId: s.ids.sam, lesson: 'Year 9 science', nextSteps: 'Use whiteboards for hinge questions in 8Y' });
    expect(saved.observedOn.toISOString().slice(0, 10)).toBe('2026-10-02');
    // It is not an observation of Sam: nothing is added to Sam's record or to any cap.
    expect(await db.prisma.observation.count({ where: { personId: s.ids.sam! } })).toBe(0);
    expect(await obligationStatus(db.prisma, s.ids.amy!, 'peer-observation')).toEqual(['done']);
  });

  it('004 §7.5: in a school too big for buttons the colleague is found by name, and a name that fits nobody or several is asked again', async () => {
    const staff = ['Ava Adams', 'Ben Brown', 'Bea Brown', 'Cal Cole', 'Dee Dale', 'Eli Eaton', 'Fay Ford', 'Gus Gray', 'Hal Hart', 'Ivy Irwin', 'Jon Jones'];
    const s = await seedSchool(db.prisma, 'whmat', [
      { key: 'head', fullName: 'Hana Head', role: 'headteacher' },
      { key: 'amy', fullName: 'Amy Teacher', role: 'teacher', lineManager: 'head', obligations: PEER_OBLIGATION },
      ...staff.map((fullName, i) => ({ key: `s${i}`, fullName, role: 'teacher' as const, lineManager: 'head', obligations: [] })),
    ]);
    const chat = new Chat(newEngine(db.prisma), s.ids.amy!);
    await chat.user('peer observation');
    expect(chat.lastBot()).toMatch(/Whose lesson did you visit to learn from\?\n_Type their name, or part of it\._$/);
    await chat.user('Zed');
    expect(chat.lastBot()).toMatch(/^I can’t find “Zed” among the staff of your school\./);
    await chat.user('brown');
    expect(chat.lastBot()).toMatch(/^More than one colleague fits “brown”: Bea Brown \/ Ben Brown\. Please type more of the name\./);
    await chat.user('ben b');
    expect(chat.lastBot()).toMatch(/^When was the visit\?/);
    await chat.answers('today', 'Year 11 English', 'Cold calling with wait time, every student ready', 'Build wait time into my questioning');
    await chat.press('submit');
    expect(chat.lastBot()).toMatch(/^Saved your visit to Ben’s lesson \(Year 11 English, Mon 5 Oct\)\. That is your peer observation for the year done\./);
    expect(await db.prisma.peerObservation.findFirstOrThrow({ where: { observerId: s.ids.amy! } })).toMatchObject({ colleagueId: s.ids.s1 });
    expect(await obligationStatus(db.prisma, s.ids.amy!, 'peer-observation')).toEqual(['done']);
  });

  it('001 "Observation", 004 §7.5: the reminder for a peer observation starts this dialog, and Done is not enough without the record', () => {
    expect(dialogForObligation('peer-observation', true)).toMatchObject({ dialogId: 'peer-observation', word: 'peer' });
    expect(kindInfo('peer-observation').done).toMatchObject({ honest: false, by: 'anyone' });
  });
});
