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

describe('the migration that sets reviewers.changingReviewerRestartsCycle to false (002 §29)', () => {
  it('002 §29: a policy stored with true becomes one the format accepts, and nothing else in it changes', async () => {
    const s = await seedSchool(db.prisma, 'whmat', []);
    const stored = (await db.prisma.school.findUniqueOrThrow({ where: { id: s.schoolId } })).policy as { reviewers: Record<string, unknown> };
    const old = { ...stored, reviewers: { ...stored.reviewers, changingReviewerRestartsCycle: true } };
    await db.prisma.school.update({ where: { id: s.schoolId }, data: { policy: old } });
    expect(parsePolicy(old).ok).toBe(false);

    const sql = await readFile(new URL('../../prisma/migrations/20261130152000_reviewer_change_never_restarts_policy/migration.sql', import.meta.url), 'utf8');
    await db.prisma.$executeRawUnsafe(sql);

    const migrated = (await db.prisma.school.findUniqueOrThrow({ where: { id: s.schoolId } })).policy;
    expect(migrated).toEqual(stored);
    expect(parsePolicy(migrated).ok).toBe(true);
  });
});
