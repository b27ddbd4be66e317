import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IsoDate } from '../../src/core/calendar/iso-date.ts';
import { fixedClock } from '../../src/core/time/clock.ts';
import { PrismaConversationStore } from '../../src/storage/prisma/prisma-conversation-store.ts';
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
    // the claim, the speaker with their school's stamp and active cycle, and the locked thread in one; the state.
    expect(perTurn[0]).toBe(2);
  });

  it('a self-reflection in a Slack thread: the state and the reply saved with it are one statement, so a turn that replies costs no more', async () => {
    const s = await seedSchool(db.prisma, 'whmat', [{ key: 'rey', fullName: 'Rey Replied', role: 'teacher' }]);
    const { client, counter } = countingClient(db.prisma);
    const engine = newEngine(client, fixedClock('2026-10-05T09:00:00Z'), db.prisma);
    const turn = (text: string, n: number) =>
      engine.handle({
        tenant: 'T-REPLY',
        platform: 'slack',
        threadKey: 'D1:100.1',
        personId: s.ids.rey!,
        messageId: `Ev${n}`,
        input: { kind: 'text', text },
        replyTo: { userId: 'U-REY', conversation: 'D1', thread: '100.1' },
      });
    await turn('reflect', 0);
    const perTurn: number[] = [];
    const keys: string[] = [];
    for (let i = 1; i <= 6; i++) {
      const before = counter.statements;
      const result = await turn(`Answer ${i}: pupils explain their reasoning and I model it live`, i);
      perTurn.push(counter.statements - before);
      keys.push(result.replyKey ?? '');
    }
    expect(new Set(perTurn).size, `statements per turn: ${perTurn.join(', ')}`).toBe(1);
    // The claim with the speaker, their cycle and the locked thread; the state with the reply (no job: one comes only past the grace).
    expect(perTurn[0]).toBe(2);
    const saved = await db.prisma.nudgeOutbox.findMany({ where: { key: { in: keys } }, select: { sendingSince: true } });
    expect(saved).toHaveLength(6);
    expect(saved.every((row) => row.sendingSince !== null)).toBe(true);
    const [jobs] = await db.prisma.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM graphile_worker.jobs WHERE key = ANY(${keys}::text[])`;
    expect(jobs?.n).toBe(0);
    const thread = await db.prisma.conversation.findUniqueOrThrow({ where: { tenant_threadKey: { tenant: 'T-REPLY', threadKey: 'D1:100.1' } } });
    expect(thread.status).toBe('active');
  });
});

describe('the speaker’s active cycle, read with the turn’s opening', () => {
  it('is the cycle covering the day, else the latest active one, never an excluded one, the same whether read with the opening or on its own', async () => {
    const s = await seedSchool(db.prisma, 'whmat', [{ key: 'cy', fullName: 'Cy Cycles', role: 'teacher' }]);
    const personId = s.ids.cy!;
    await db.prisma.cycle.deleteMany({ where: { personId } });
    const cycle = (academicYear: number, status: string) =>
      db.prisma.cycle.create({
        data: { schoolId: s.schoolId, personId, academicYear, status, startsOn: new Date(`${academicYear}-09-01T00:00:00Z`), endsOn: new Date(`${academicYear + 1}-08-31T00:00:00Z`) },
      });
    const older = await cycle(2025, 'active');
    const current = await cycle(2026, 'active');
    await cycle(2027, 'excluded');
    const store = new PrismaConversationStore(db.prisma);
    const cases: [string, string][] = [
      ['2025-10-01', older.id],
      ['2026-10-05', current.id],
      // After every active cycle: the latest active one, not the excluded 2027 one.
      ['2027-10-05', current.id],
    ];
    for (const [today, expected] of cases) {
      const alone = await store.transaction((tx) => tx.reads.activeCycle(personId, today as IsoDate));
      const opened = await store.transaction(async (tx) => {
        await tx.openTurn({ tenant: 'T-CY', platform: 'local', messageId: `cy-${today}`, threadKey: `cy-${today}`, personId, today: today as IsoDate });
        return tx.reads.activeCycle(personId, today as IsoDate);
      });
      expect([today, alone?.id, opened?.id]).toEqual([today, expected, expected]);
    }
  });
});
