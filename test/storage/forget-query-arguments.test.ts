import { getHeapSnapshot, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrismaClient } from '../../src/storage/db/create-prisma-client.ts';
import { forgetQueryArguments } from '../../src/storage/db/forget-query-arguments.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  await db.drop();
});

/**
 * Sends a raw query an array of keys that each contain `id`, as a sweep page sends its reminders,
 * and keeps none of them here: afterwards only what Prisma kept can hold them.
 */
async function sendKeys(prisma: PrismaClient, id: string): Promise<void> {
  const keys = Array.from({ length: 100 }, (_, n) => ['sent', String(n), id].join(':'));
  const [row] = await prisma.$queryRaw<{ n: number }[]>`SELECT cardinality(${keys}::text[])::int AS n`;
  expect(row?.n).toBe(100);
}

/** Whether any string in this process's heap, after a full collection, contains a key `sendKeys` made with `id`. */
async function heapHoldsKeysOf(id: string): Promise<boolean> {
  // A turn of the event loop first, so nothing of the query is on the stack, then a full collection.
  await new Promise((resolve) => setImmediate(resolve));
  collectGarbage();
  let snapshot = '';
  for await (const chunk of getHeapSnapshot()) snapshot += String(chunk);
  return snapshot.includes(`:${id}"`) || snapshot.includes(`:${id}\\"`);
}

describe('forgetting the arguments of the last queries', () => {
  it('a raw query’s parameters stay in Prisma’s debug histories until forgotten, then nothing holds them (both copies: the pg adapter’s and the client runtime’s)', async () => {
    const kept = crypto.randomUUID();
    await sendKeys(db.prisma, kept);
    expect(await heapHoldsKeysOf(kept)).toBe(true);

    const forgotten = crypto.randomUUID();
    await sendKeys(db.prisma, forgotten);
    forgetQueryArguments();
    expect(await heapHoldsKeysOf(forgotten)).toBe(false);
  }, 60_000);
});
