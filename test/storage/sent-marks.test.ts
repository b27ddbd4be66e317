import { runOnce } from 'graphile-worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { say } from '../../src/core/conversations/engine/outgoing-message.ts';
import { REPLY_GRACE_SECONDS } from '../../src/core/notifications/notification-queue.ts';
import { fixedClock } from '../../src/core/time/clock.ts';
import { silentLogger } from '../../src/logging/logger.ts';
import { jobLogger, jobTasks } from '../../src/scheduler/job-worker.ts';
import { driverOf } from '../../src/storage/db/create-prisma-client.ts';
import { JOB } from '../../src/storage/jobs/delivery-jobs.ts';
import { PrismaNotificationQueue, PrismaSentReplies } from '../../src/storage/prisma/prisma-notification-queue.ts';
import { PrismaReminderStore } from '../../src/storage/prisma/prisma-reminder-store.ts';
import { jobDepsFor } from '../core/reminders/support/job-runs.ts';
import { recordingDeliverer } from '../core/reminders/support/school-year.ts';
import { entriesExamined, explainingClient } from '../support/explaining-client.ts';
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

/** `n` replies saved as a turn saves them (marked as being sent, with no delivery job), under `prefix`, at `at`. */
async function savedReplies(prefix: string, n: number, at: Date = NOW): Promise<string[]> {
  const queue = new PrismaNotificationQueue(db.prisma);
  const keys = Array.from({ length: n }, (_, i) => `reply:${prefix}:${i}`);
  for (const key of keys) {
    await queue.queueReply({ key, personId: s.ids.tara!, messages: [say('Thanks — next question')], account: { platform: 'slack', tenant: 'T1', userId: 'U1' } }, at);
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
  it('one mark alone is one statement, sent at once: the row sent, and no job was ever made for it', async () => {
    const keys = await savedReplies('alone', 1);
    expect(await state(keys)).toEqual({ sent: 0, jobs: 0 });
    const { sent, driver } = countingDriver();
    await new PrismaSentReplies(db.prisma, driver).markSent(keys[0]!, NOW);
    expect(sent.statements).toBe(1);
    expect(await state(keys)).toEqual({ sent: 1, jobs: 0 });
  });

  it('forty marks made at once go in two statements (the first alone, the rest together), every row sent, no job', async () => {
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
    expect(await state([keys[0]!])).toEqual({ sent: 0, jobs: 0 });
  });
});

/** A job's key, when it is due (seconds from the database's now), and its task, for `keys`. */
async function jobsOf(keys: readonly string[]): Promise<{ key: string; task: string; dueIn: number }[]> {
  return db.prisma.$queryRaw`
    SELECT key, task_identifier AS task, round(extract(epoch FROM run_at - now()))::int AS "dueIn" FROM graphile_worker.jobs WHERE key = ANY(${[...keys]}::text[]) ORDER BY key`;
}

/** Runs the every-minute pass as its cron tick runs it: the `queue-stalled-sends` job, by the delivery clock at `at`. */
async function tickStalledSends(at: Date): Promise<void> {
  const deps = jobDepsFor(db.prisma, recordingDeliverer({ current: fixedClock(at) }).deliverer, fixedClock(at));
  await db.prisma.$queryRaw`SELECT graphile_worker.add_job(${JOB.stalledSends}, '{}'::json)`;
  await runOnce({ connectionString: db.url, noHandleSignals: true, logger: jobLogger(silentLogger) }, { [JOB.stalledSends]: jobTasks(deps)[JOB.stalledSends]! });
}

describe('replies left unsent: a job only past the grace, from the every-minute pass', () => {
  const LATER = new Date('2026-10-06T09:00:00Z');
  const secondsOn = (seconds: number) => new Date(LATER.getTime() + seconds * 1000);

  it('a saved reply has no job; the tick a second before the grace queues none, the tick at the grace one due now, and the next tick no second', async () => {
    const keys = await savedReplies('stalled', 2, LATER);
    expect(await jobsOf(keys)).toEqual([]);
    await tickStalledSends(secondsOn(REPLY_GRACE_SECONDS - 1));
    expect(await jobsOf(keys)).toEqual([]);
    await tickStalledSends(secondsOn(REPLY_GRACE_SECONDS));
    expect(await jobsOf(keys)).toEqual(keys.map((key) => ({ key, task: JOB.deliverNotification, dueIn: 0 })));
    await tickStalledSends(secondsOn(REPLY_GRACE_SECONDS + 60));
    expect(await jobsOf(keys)).toHaveLength(2);
  });

  it('a second server starting (queueMissingJobs) leaves a reply within its grace to the process posting it, and gives one past it its job', async () => {
    const [key] = await savedReplies('starting', 1, secondsOn(3600));
    const store = new PrismaReminderStore(db.prisma);
    await store.queueMissingJobs(secondsOn(3600 + REPLY_GRACE_SECONDS - 1));
    expect(await jobsOf([key!])).toEqual([]);
    await store.queueMissingJobs(secondsOn(3600 + REPLY_GRACE_SECONDS));
    expect(await jobsOf([key!])).toEqual([{ key, task: JOB.deliverNotification, dueIn: 0 }]);
  });

  it('a reply marked sent is never given a job, and the pass reads only the sends in flight, never the sent history', async () => {
    const history = await savedReplies('history', 300, LATER);
    const replies = new PrismaSentReplies(db.prisma);
    await Promise.all(history.map((key) => replies.markSent(key, LATER)));
    const [inFlight] = await savedReplies('in-flight', 1, LATER);
    // As autovacuum leaves the table: the sent rows' old versions no longer in the partial index
    // (until then an index scan passes over them, as many as were marked since the last vacuum).
    await db.prisma.$executeRawUnsafe('VACUUM nudge_outbox');
    const explaining = explainingClient(db.prisma, 0, { preferIndexes: true });
    const store = new PrismaReminderStore(explaining.client, explaining.driver);
    explaining.on.explain = true;
    await store.queueStalledSends(secondsOn(REPLY_GRACE_SECONDS * 2));
    explaining.on.explain = false;
    expect(await jobsOf([...history, inFlight!])).toMatchObject([{ key: inFlight }]);
    const [statement, ...more] = explaining.plans;
    expect(more).toEqual([]);
    expect(statement!.plan).toContain('nudge_outbox_sending_idx');
    // Per row being sent, a few entries (its index entry, its person, its school, its look-up among
    // the jobs): a handful in all, whatever the 300 sent rows.
    const pending = await db.prisma.nudgeOutbox.count({ where: { status: 'pending', sendingSince: { not: null } } });
    expect(entriesExamined(statement!.plan)).toBeLessThanOrEqual(pending * 8);
  });
});
