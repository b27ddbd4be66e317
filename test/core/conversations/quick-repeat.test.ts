import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUICK_REPEAT_SECONDS } from '../../../src/core/conversations/engine/quick-repeat.ts';
import type { Clock } from '../../../src/core/time/clock.ts';
import { seedSchool } from '../../support/seed-school.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { Chat, newEngine } from './support/chat.ts';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

/** A clock the test moves by hand: Monday 5 October 2026, 10:00 London, onwards. */
function handClock(): Clock & { advance(seconds: number): void } {
  let at = Date.parse('2026-10-05T09:00:00Z');
  return {
    now: () => new Date(at),
    advance: (seconds) => {
      at += seconds * 1000;
    },
  };
}

async function valuesOf(threadKey: string): Promise<Record<string, unknown>> {
  const row = await db.prisma.conversation.findFirstOrThrow({ where: { threadKey } });
  return (row.values as { values: Record<string, unknown> }).values;
}

describe('quick double sends', () => {
  it('takes the same free-text answer sent twice within seconds (two message ids) once, and does not let it answer the next question', async () => {
    const s = await seedSchool(db.prisma, 'kingsmead', [{ key: 'tom', fullName: 'Tom Teacher', role: 'teacher' }]);
    const clock = handClock();
    const chat = new Chat(newEngine(db.prisma, clock), s.ids.tom!);
    await chat.user('reflect');
    await chat.user('mostly');
    expect(chat.step()).toBe('ts1-next');
    await chat.user('Cold calling in every lesson');
    expect(chat.step()).toBe('ts2-rating');
    clock.advance(2);
    await chat.user('Cold calling in every lesson');
    expect(chat.lastBot()).toBe('Got it already — that was the same as your last answer, so I haven’t recorded it twice.');
    expect(chat.step()).toBe('ts2-rating');
    // A third copy, still within the window, is caught too.
    clock.advance(3);
    await chat.user('Cold calling in every lesson ');
    expect(chat.lastBot()).toMatch(/^Got it already/);
    expect(await valuesOf(chat.threadKey)).toEqual({ 'ts1-rating': 'mostly', 'ts1-next': 'Cold calling in every lesson' });
  });

  it(`treats the same words after ${QUICK_REPEAT_SECONDS} seconds, or the same choice typed for two questions in a row, as new answers`, async () => {
    const s = await seedSchool(db.prisma, 'kingsmead', [{ key: 'tia', fullName: 'Tia Teacher', role: 'teacher' }]);
    const clock = handClock();
    const chat = new Chat(newEngine(db.prisma, clock), s.ids.tia!);
    await chat.user('reflect');
    await chat.user('mostly');
    await chat.user('Retrieval practice');
    await chat.user('mostly');
    expect(chat.step()).toBe('ts2-next');
    clock.advance(QUICK_REPEAT_SECONDS + 1);
    await chat.user('Retrieval practice');
    expect(chat.step()).toBe('ts3-rating');
    expect(await valuesOf(chat.threadKey)).toMatchObject({ 'ts1-next': 'Retrieval practice', 'ts2-rating': 'mostly', 'ts2-next': 'Retrieval practice' });
  });

  it('two different answers sent at once (a second message before the first is answered) are both kept, one per question in turn', async () => {
    const s = await seedSchool(db.prisma, 'kingsmead', [{ key: 'una', fullName: 'Una Teacher', role: 'teacher' }]);
    const chat = new Chat(newEngine(db.prisma), s.ids.una!);
    await chat.user('plan');
    const first = chat.step();
    const send = (text: string) => ({ tenant: chat.tenant, platform: 'slack' as const, threadKey: chat.threadKey, personId: chat.personId, messageId: randomUUID(), input: { kind: 'text' as const, text } });
    // Two engines, as two requests on two servers would be.
    const results = await Promise.all([chat.engine.handle(send('Relationships with pupils')), newEngine(db.prisma).handle(send('Questioning in Year 9'))]);
    expect(results.filter((r) => r.duplicate)).toHaveLength(0);
    const values = await valuesOf(chat.threadKey);
    const answered = Object.entries(values).filter(([, value]) => typeof value === 'string');
    expect(answered.map(([, value]) => value).sort()).toEqual(['Questioning in Year 9', 'Relationships with pupils']);
    expect(answered.map(([step]) => step)).toContain(first);
  });
});
