import type { AdminSessionRecord, AdminSessions, AttemptLimiter } from '../../core/admin/admin-ports.ts';
import type { PrismaClient } from '../db/create-prisma-client.ts';

/** Admin console sessions in `admin_sessions`. */
export class PrismaAdminSessions implements AdminSessions {
  readonly #prisma: PrismaClient;

  constructor(prisma: PrismaClient) {
    this.#prisma = prisma;
  }

  /** Records a new session, and deletes sessions that expired more than a week before it (ended or not, they can count for nothing). */
  async start(session: AdminSessionRecord): Promise<void> {
    await this.#prisma.$transaction([
      this.#prisma.adminSession.deleteMany({ where: { expiresAt: { lt: new Date(session.createdAt.getTime() - 7 * 24 * 60 * 60 * 1000) } } }),
      this.#prisma.adminSession.create({ data: { id: session.id, email: session.email, createdAt: session.createdAt, expiresAt: session.expiresAt, userAgent: session.userAgent ?? null } }),
    ]);
  }

  async live(id: string, now: Date): Promise<AdminSessionRecord | undefined> {
    const row = await this.#prisma.adminSession.findFirst({ where: { id, endedAt: null, expiresAt: { gt: now } } });
    return row === null ? undefined : recordOf(row);
  }

  async liveFor(email: string, now: Date): Promise<AdminSessionRecord[]> {
    const rows = await this.#prisma.adminSession.findMany({ where: { email, endedAt: null, expiresAt: { gt: now } }, orderBy: { createdAt: 'desc' } });
    return rows.map(recordOf);
  }

  async end(id: string, email: string, now: Date): Promise<boolean> {
    const { count } = await this.#prisma.adminSession.updateMany({ where: { id, email, endedAt: null }, data: { endedAt: now } });
    return count > 0;
  }
}

function recordOf(row: { id: string; email: string; createdAt: Date; expiresAt: Date; userAgent: string | null }): AdminSessionRecord {
  return { id: row.id, email: row.email, createdAt: row.createdAt, expiresAt: row.expiresAt, userAgent: row.userAgent ?? undefined };
}

/**
 * A fixed-window counter in `admin_sign_in_attempts`: one upsert per attempt, so every replica
 * counts against the same limit. Windows older than an hour are deleted as new ones start.
 */
export class PrismaAttemptLimiter implements AttemptLimiter {
  readonly #prisma: PrismaClient;
  readonly #limit: number;
  readonly #windowMs: number;

  constructor(prisma: PrismaClient, limit: number, windowSeconds: number) {
    this.#prisma = prisma;
    this.#limit = limit;
    this.#windowMs = windowSeconds * 1000;
  }

  async attempt(key: string, now: Date): Promise<{ allowed: true } | { allowed: false; retryAfterSeconds: number }> {
    const start = Math.floor(now.getTime() / this.#windowMs) * this.#windowMs;
    const windowStart = new Date(start);
    const rows = await this.#prisma.$queryRaw<{ count: number }[]>`
      INSERT INTO admin_sign_in_attempts (key, window_start, count) VALUES (${key}, ${windowStart}, 1)
      ON CONFLICT (key, window_start) DO UPDATE SET count = admin_sign_in_attempts.count + 1
      RETURNING count`;
    const count = Number(rows[0]?.count ?? 1);
    if (count === 1) await this.#prisma.adminSignInAttempt.deleteMany({ where: { windowStart: { lt: new Date(start - 60 * 60 * 1000) } } });
    if (count <= this.#limit) return { allowed: true };
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((start + this.#windowMs - now.getTime()) / 1000)) };
  }
}
