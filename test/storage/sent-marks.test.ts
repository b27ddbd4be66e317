import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { say } from '../../src/core/conversations/engine/outgoing-message.ts';
import { driverOf } from '../../src/storage/db/create-prisma-client.ts';
import { PrismaNotificationQueue, PrismaSentReplies } from '../../src/storage/prisma/prisma-notification-queue.ts';
import { type SeededSchool, seedSchool } from '../support/seed-school.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

let db: TestDatabase;
let s: SeededSchool;
const NOW = new Date('2026-10-05T09:00:00Z');

beforeAll(async () => {
  db = await createTestDatabase();
  s = await seedSchool(db.prisma, 'whmat', [{ key: 'tara', fullName: 'Tara Teacher', role: 'teacher' }]);
});
afterAll(() => db.drop());

/** `n` replies saved as a turn saves them (each with its delivery job), under `prefix`. */
async function savedReplies(prefix: string, n: number): Promise<string[]> {
  const queue = new PrismaNotificationQueue(db.prisma);
  const keys = Array.from({ length: n }, (_, i) => `reply:${prefix}:${i}`);
  for (const key of keys) {
    await queue.queueReply({ key, personId: s.ids.tara!, messages: [say('Thanks — next question')], account: { platform: 'slack', tenant: 'T1', userId: 'U1' } }, NOW);
  }
  return keys;
}

function countingDriver() {
  const driver = driverOf(db.prisma)!;
  const sent = { statements: 0 };
  return {
    sent,
    driver: {
      query<R extends object>(text: string, values: readonly unknown[]) {
        sent.statements++;
        return driver.query<R>(text, values);
      },
    },
  };
}

const state = async (keys: readonly string[]) => {
  const rows = await db.prisma.nudgeOutbox.findMany({ where: { key: { in: [...keys] } }, select: { status: true, sentAt: true, sendingSince: true } });
  const [jobs] = await db.prisma.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM graphile_worker._private_jobs WHERE key = ANY(${[...keys]}::text[])`;
  return { sent: rows.filter((row) => row.status === 'sent' && row.sentAt?.getTime() === NOW.getTime() && row.sendingSince === null).length, jobs: jobs?.n };
};

describe('replies marked sent', () => {
  it('one mark alone is one statement, sent at once: the row sent, its job gone', async () => {
    const keys = await savedReplies('alone', 1);
    expect(await state(keys)).toEqual({ sent: 0, jobs: 1 });
    const { sent, driver } = countingDriver();
    await new PrismaSentReplies(db.prisma, driver).markSent(keys[0]!, NOW);
    expect(sent.statements).toBe(1);
    expect(await state(keys)).toEqual({ sent: 1, jobs: 0 });
  });

  it('forty marks made at once go in two statements (the first alone, the rest together), every row sent and every job gone', async () => {
    const keys = await savedReplies('many', 40);
    const { sent, driver } = countingDriver();
    const replies = new PrismaSentReplies(db.prisma, driver);
    await Promise.all(keys.map((key) => replies.markSent(key, NOW)));
    expect(sent.statements).toBe(2);
    expect(await state(keys)).toEqual({ sent: 40, jobs: 0 });
  });

  it('a mark for a reply already sent (its job finished first) changes nothing and still settles', async () => {
    const keys = await savedReplies('twice', 2);
    const replies = new PrismaSentReplies(db.prisma);
    await replies.markSent(keys[0]!, NOW);
    await Promise.all([replies.markSent(keys[0]!, new Date('2026-10-05T09:05:00Z')), replies.markSent(keys[1]!, NOW)]);
    expect(await state(keys)).toEqual({ sent: 2, jobs: 0 });
  });

  it('a failed statement fails only the marks it carried; the next marks go through', async () => {
    const keys = await savedReplies('fails', 2);
    let fail = true;
    const driver = driverOf(db.prisma)!;
    const replies = new PrismaSentReplies(db.prisma, {
      query<R extends object>(text: string, values: readonly unknown[]) {
        if (fail) {
          fail = false;
          return Promise.reject(new Error('connection lost'));
        }
        return driver.query<R>(text, values);
      },
    });
    await expect(replies.markSent(keys[0]!, NOW)).rejects.toThrow('connection lost');
    await replies.markSent(keys[1]!, NOW);
    expect(await state([keys[1]!])).toEqual({ sent: 1, jobs: 0 });
    expect(await state([keys[0]!])).toEqual({ sent: 0, jobs: 1 });
  });
});
