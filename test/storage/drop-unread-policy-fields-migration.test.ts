import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePolicy } from '../../src/core/policy/load-policy.ts';
import { seedSchool } from '../support/seed-school.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

describe('the migration that drops observation.graded and observation.peerObservationsPerYear', () => {
  it('turns a policy stored with the old fields into one the strict format accepts, leaving other observation settings alone', async () => {
    const s = await seedSchool(db.prisma, 'kingsmead', []);
    const stored = (await db.prisma.school.findUniqueOrThrow({ where: { id: s.schoolId } })).policy as { observation: Record<string, unknown> };
    const old = { ...stored, observation: { ...stored.observation, graded: false, peerObservationsPerYear: 1 } };
    await db.prisma.school.update({ where: { id: s.schoolId }, data: { policy: old } });
    expect(parsePolicy(old).ok).toBe(false);

    const sql = await readFile(new URL('../../prisma/migrations/20261130131500_drop_unread_policy_fields_policydocs/migration.sql', import.meta.url), 'utf8');
    await db.prisma.$executeRawUnsafe(sql);

    const migrated = (await db.prisma.school.findUniqueOrThrow({ where: { id: s.schoolId } })).policy as { observation: Record<string, unknown> };
    expect(migrated.observation).toEqual(stored.observation);
    expect(parsePolicy(migrated).ok).toBe(true);
  });
});
