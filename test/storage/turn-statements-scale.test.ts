import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/time/clock.ts';
import { Chat, newEngine } from '../core/conversations/support/chat.ts';
import { countingClient } from '../support/counting-client.ts';
import { seedSchool } from '../support/seed-school.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

describe('a dialog turn’s statements do not grow with the conversation', () => {
  it('004 §4.2 self-reflection: every free-text answer costs the same statements, the twelfth message as the second', async () => {
    const s = await seedSchool(db.prisma, 'whmat', [{ key: 'tara', fullName: 'Tara Teacher', role: 'teacher' }]);
    const { client, counter } = countingClient(db.prisma);
    // The chat reads back what each turn queued through the uncounted client: only the turn's own statements count.
    const chat = new Chat(newEngine(client, fixedClock('2026-10-05T09:00:00Z'), db.prisma), s.ids.tara!);
    await chat.user('reflect');
    const perTurn: number[] = [];
    for (let i = 1; i <= 5; i++) {
      for (const text of [`Doing well on standard ${i}: pupils explain their reasoning`, 'Next I will try live modelling in every lesson']) {
        const before = counter.statements;
        await chat.user(text);
        perTurn.push(counter.statements - before);
      }
    }
    expect(chat.last?.conversation?.status).toBe('active');
    expect(new Set(perTurn).size, `statements per turn: ${perTurn.join(', ')}`).toBe(1);
    // Counted at the Prisma client, inside the turn's one transaction (its BEGIN and COMMIT are not counted):
    // the claim, the speaker with their school's stamp and the locked thread in one; the cycle; the state.
    expect(perTurn[0]).toBe(3);
  });
});
