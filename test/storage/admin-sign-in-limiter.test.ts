import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrismaAdminSessions, PrismaAttemptLimiter } from '../../src/storage/prisma/prisma-admin-sessions.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db?.drop());

const at = (iso: string) => new Date(iso);

describe('the sign-in limiter, a fixed window counted in PostgreSQL', () => {
  it('allows the limit in a window, refuses the next with the seconds left, allows again in the next window, and two replicas share one count', async () => {
    const replicaA = new PrismaAttemptLimiter(db.prisma, 3, 60);
    const replicaB = new PrismaAttemptLimiter(db.prisma, 3, 60);
    expect(await replicaA.attempt('sign-in:203.0.113.9', at('2026-11-30T20:00:05Z'))).toEqual({ allowed: true });
    expect(await replicaB.attempt('sign-in:203.0.113.9', at('2026-11-30T20:00:10Z'))).toEqual({ allowed: true });
    expect(await replicaA.attempt('sign-in:203.0.113.9', at('2026-11-30T20:00:15Z'))).toEqual({ allowed: true });
    expect(await replicaB.attempt('sign-in:203.0.113.9', at('2026-11-30T20:00:45Z'))).toEqual({ allowed: false, retryAfterSeconds: 15 });
    // Another address, and another step, are counted apart.
    expect(await replicaB.attempt('sign-in:198.51.100.4', at('2026-11-30T20:00:45Z'))).toEqual({ allowed: true });
    expect(await replicaB.attempt('callback:203.0.113.9', at('2026-11-30T20:00:45Z'))).toEqual({ allowed: true });
    expect(await replicaA.attempt('sign-in:203.0.113.9', at('2026-11-30T20:01:00Z'))).toEqual({ allowed: true });
  });

  it('deletes windows more than an hour old as new windows start', async () => {
    const limiter = new PrismaAttemptLimiter(db.prisma, 3, 60);
    await limiter.attempt('sign-in:192.0.2.1', at('2026-11-30T21:30:00Z'));
    expect(await db.prisma.adminSignInAttempt.count({ where: { windowStart: { lt: at('2026-11-30T20:30:00Z') } } })).toBe(0);
    expect(await db.prisma.adminSignInAttempt.count()).toBe(1);
  });
});

describe('admin sessions kept in PostgreSQL', () => {
  it('a session is live until it ends or expires, and only its own administrator can end it', async () => {
    const sessions = new PrismaAdminSessions(db.prisma);
    await sessions.start({ id: 's1', email: 'office@school.example', createdAt: at('2026-11-30T09:00:00Z'), expiresAt: at('2026-11-30T17:00:00Z'), userAgent: 'Firefox' });
    await sessions.start({ id: 's2', email: 'office@school.example', createdAt: at('2026-11-30T10:00:00Z'), expiresAt: at('2026-11-30T18:00:00Z') });
    expect((await sessions.live('s1', at('2026-11-30T12:00:00Z')))?.email).toBe('office@school.example');
    expect(await sessions.live('s1', at('2026-11-30T17:00:00Z'))).toBeUndefined();
    expect((await sessions.liveFor('office@school.example', at('2026-11-30T12:00:00Z'))).map((s) => s.id)).toEqual(['s2', 's1']);
    expect(await sessions.end('s2', 'someone@else.example', at('2026-11-30T12:00:00Z'))).toBe(false);
    expect(await sessions.live('s2', at('2026-11-30T12:00:00Z'))).toBeDefined();
    expect(await sessions.end('s2', 'office@school.example', at('2026-11-30T12:00:00Z'))).toBe(true);
    expect(await sessions.live('s2', at('2026-11-30T12:00:01Z'))).toBeUndefined();
    expect(await sessions.end('s2', 'office@school.example', at('2026-11-30T12:00:02Z'))).toBe(false);
  });

  it('a new sign-in deletes sessions that expired more than a week before it, and keeps the rest', async () => {
    const sessions = new PrismaAdminSessions(db.prisma);
    await sessions.start({ id: 'old', email: 'office@school.example', createdAt: at('2026-11-01T09:00:00Z'), expiresAt: at('2026-11-01T17:00:00Z') });
    await sessions.start({ id: 'recent', email: 'office@school.example', createdAt: at('2026-11-20T09:00:00Z'), expiresAt: at('2026-11-20T17:00:00Z') });
    await sessions.start({ id: 'new', email: 'office@school.example', createdAt: at('2026-11-25T09:00:00Z'), expiresAt: at('2026-11-25T17:00:00Z') });
    const left = (await db.prisma.adminSession.findMany({ select: { id: true } })).map((row) => row.id);
    expect(left).not.toContain('old');
    expect(left).toEqual(expect.arrayContaining(['recent', 'new']));
  });
});
