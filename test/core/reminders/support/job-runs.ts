import { REPLY_GRACE_SECONDS } from '../../../../src/core/notifications/notification-queue.ts';
import type { Deliverer, MessageSender } from '../../../../src/core/reminders/reminder-ports.ts';
import { type SweepOptions, type SweepResult, sweepSchool } from '../../../../src/core/reminders/run-sweep.ts';
import type { School } from '../../../../src/core/schools/school.ts';
import type { Clock } from '../../../../src/core/time/clock.ts';
import { silentLogger } from '../../../../src/logging/logger.ts';
import { type JobDeps, runDueJobs } from '../../../../src/scheduler/job-worker.ts';
import type { PrismaClient } from '../../../../src/storage/db/create-prisma-client.ts';
import { prismaAccess } from '../../../../src/storage/prisma/prisma-access-relationships.ts';
import { PrismaReminderStore } from '../../../../src/storage/prisma/prisma-reminder-store.ts';
import { PrismaSchoolRepository } from '../../../../src/storage/prisma/prisma-school-repository.ts';

const noMessages: MessageSender = { sendMessages: () => Promise.resolve({ ok: true }), sendToAccount: () => Promise.resolve({ ok: true }) };

/** The job engine's dependencies over real storage, as compose-app wires them, with a test's deliverer and clock. */
export function jobDepsFor(prisma: PrismaClient, deliverer: Deliverer, clock: Clock, messenger: MessageSender = noMessages): JobDeps {
  const store = new PrismaReminderStore(prisma);
  const schools = new PrismaSchoolRepository(prisma);
  const findSchool = (slug: string) => schools.findSchool(slug);
  return {
    sweep: { reminders: store, clock, findSchool },
    delivery: { outbox: store, reminders: store, deliverer, messenger, clock, findSchool, access: prismaAccess(prisma).guard },
    listSchoolSlugs: () => store.listSchoolSlugs(),
    log: silentLogger,
  };
}

/**
 * The job engine's dependencies with their clock `REPLY_GRACE_SECONDS` later: the grace passing
 * for a reply saved with its turn, which has no delivery job until the pass over stalled sends
 * (run first by `runDueJobs`, every minute by the server's cron) finds it unsent after the grace.
 */
export function afterReplyGrace(deps: JobDeps): JobDeps {
  const clock = deps.delivery.clock;
  const later: Clock = { now: () => new Date(clock.now().getTime() + REPLY_GRACE_SECONDS * 1000) };
  return { ...deps, sweep: { ...deps.sweep, clock: later }, delivery: { ...deps.delivery, clock: later } };
}

/** One sweep of the school, then every job that is due: what the server's worker does at a tick. */
export async function sweepAndDeliver(db: { url: string; prisma: PrismaClient }, deliverer: Deliverer, clock: Clock, school: School, options: SweepOptions = {}): Promise<SweepResult> {
  const deps = jobDepsFor(db.prisma, deliverer, clock);
  const result = await sweepSchool(deps.sweep, school, options);
  await runDueJobs(db.url, deps);
  return result;
}

/**
 * Time passing for the job engine: every waiting job (a back-off, a Retry-After) becomes due now.
 * graphile-worker schedules by the database's clock, so tests move its jobs rather than sleep.
 */
export async function makeWaitingJobsDue(prisma: PrismaClient): Promise<number> {
  return prisma.$executeRaw`UPDATE graphile_worker._private_jobs SET run_at = now() WHERE locked_at IS NULL AND run_at > now()`;
}

/** `seconds` passing for the job engine: every waiting job comes that much closer to due. */
export async function passJobTime(prisma: PrismaClient, seconds: number): Promise<void> {
  await prisma.$executeRaw`UPDATE graphile_worker._private_jobs SET run_at = run_at - make_interval(secs => ${seconds}::int) WHERE locked_at IS NULL AND run_at > now()`;
}

/** Digest rows of a school by status. */
export async function digestKeys(prisma: PrismaClient, slug: string, status?: 'pending' | 'sent' | 'failed'): Promise<string[]> {
  const rows = await prisma.nudgeOutbox.findMany({ where: { key: { startsWith: 'digest:' }, recipient: { school: { slug } }, ...(status ? { status } : {}) }, select: { key: true }, orderBy: { key: 'asc' } });
  return rows.map((row) => row.key);
}
