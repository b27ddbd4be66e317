import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arrayLiteral } from '../../src/storage/db/array-literal.ts';
import { driverOf } from '../../src/storage/db/create-prisma-client.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

/** What PostgreSQL reads the parameter as, cast to `type`, sent on the driver and through Prisma. */
async function readBack(values: readonly string[], type: 'text' | 'uuid' | 'date'): Promise<{ driver: string[]; prisma: string[] }> {
  const sql = `SELECT coalesce(array_agg(v::text ORDER BY n), '{}') AS a FROM unnest($1::${type}[]) WITH ORDINALITY AS t(v, n)`;
  const { rows } = await driverOf(db.prisma)!.query<{ a: string[] }>(sql, [arrayLiteral(values)]);
  const [row] = await db.prisma.$queryRawUnsafe<{ a: string[] }[]>(sql, arrayLiteral(values));
  return { driver: rows[0]!.a, prisma: row!.a };
}

describe('a large array parameter sent as one array literal', () => {
  it('is read by PostgreSQL as exactly the values given, whatever text they hold, on the driver and through Prisma', async () => {
    const values = ['plain', 'with, comma', '{braces}', ' spaced ', 'NULL', '', 'a:b:c', 'café ✓', 'line\nbreak'];
    expect(arrayLiteral(values)).toBeTypeOf('string');
    expect(await readBack(values, 'text')).toEqual({ driver: values, prisma: values });
  });

  it('falls back to the array itself (escaped by pg) when an element holds a quote or a backslash, and still reads back exactly', async () => {
    const values = ['say "hi"', 'back\\slash', 'plain'];
    expect(arrayLiteral(values)).toBe(values);
    expect(await readBack(values, 'text')).toEqual({ driver: values, prisma: values });
  });

  it('casts to uuid[] and date[] as the reminder insert does, and an empty array stays empty', async () => {
    const ids = [crypto.randomUUID(), crypto.randomUUID()];
    expect(await readBack(ids, 'uuid')).toEqual({ driver: ids, prisma: ids });
    expect(await readBack(['2026-10-16', '2027-02-28'], 'date')).toEqual({ driver: ['2026-10-16', '2027-02-28'], prisma: ['2026-10-16', '2027-02-28'] });
    expect(await readBack([], 'text')).toEqual({ driver: [], prisma: [] });
  });
});
