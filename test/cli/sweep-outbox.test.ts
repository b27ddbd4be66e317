import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCalendarDays } from '../../src/core/calendar/iso-date.ts';
import { planReminders } from '../../src/core/reminders/plan-reminders.ts';
import type { DeliveryResult, DigestDelivery, MessageSender } from '../../src/core/reminders/reminder-ports.ts';
import { messageText, say } from '../../src/core/conversations/engine/outgoing-message.ts';
import { keyNotifications } from '../../src/core/notifications/notification-queue.ts';
import { sweepSchool } from '../../src/core/reminders/run-sweep.ts';
import { calendarOf, type School } from '../../src/core/schools/school.ts';
import { type Clock, fixedClock } from '../../src/core/time/clock.ts';
import { runDueJobs } from '../../src/scheduler/job-worker.ts';
import { createPrismaClient } from '../../src/storage/db/create-prisma-client.ts';
import { PrismaNotificationQueue } from '../../src/storage/prisma/prisma-notification-queue.ts';
import { PrismaReminderStore } from '../../src/storage/prisma/prisma-reminder-store.ts';
import { PrismaSchoolRepository } from '../../src/storage/prisma/prisma-school-repository.ts';
import { at } from '../core/reminders/reminder-fixtures.ts';
import { jobDepsFor, makeWaitingJobsDue, sweepAndDeliver } from '../core/reminders/support/job-runs.ts';
import { recordingDeliverer, setUpSchool } from '../core/reminders/support/school-year.ts';
import { runTrellisWith } from '../support/run-cli.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

let db: TestDatabase;
let dir: string;

beforeAll(async () => {
  db = await createTestDatabase();
  dir = await mkdtemp(join(tmpdir(), 'trellis-sweep-outbox-'));
});
afterAll(() => db.drop());

async function freshSchool(slug: string): Promise<School> {
  await setUpSchool(db.url, dir, slug, 'whmat');
  return (await new PrismaSchoolRepository(db.prisma).findSchool(slug))!;
}

function minutesAfter(instant: Date, minutes: number): Clock {
  return fixedClock(new Date(instant.getTime() + minutes * 60_000));
}

async function digestRows(slug: string) {
  return db.prisma.nudgeOutbox.findMany({ where: { key: { startsWith: 'digest:' }, recipient: { school: { slug } } }, orderBy: { key: 'asc' } });
}

/**
 * The job that delivers each of these outbox rows, one row per row that has one: its own (keyed by
 * the row's key) or the sweep's batch listing it. `spent` is the attempts it carries from its batch.
 */
async function jobsFor(keys: readonly string[]) {
  return db.prisma.$queryRaw<{ key: string; run_at: Date; attempts: number; spent: number; waits: number }[]>`
    SELECT d.key, j.run_at, j.attempts, COALESCE((j.payload->>'spent')::int, 0) AS spent, extract(epoch FROM j.run_at - now())::int AS waits
    FROM nudge_outbox d JOIN graphile_worker._private_jobs j
      ON j.key = d.key OR (j.key LIKE 'digests:%' AND d.id::text IN (SELECT json_array_elements_text(j.payload->'ids')))
    WHERE d.key = ANY(${[...keys]}::text[])`;
}

/** Jobs keyed by these outbox rows' keys: a row's job of its own, as opposed to a batch listing it. */
async function ownJobs(keys: readonly string[]) {
  return db.prisma.$queryRaw<{ key: string }[]>`SELECT key FROM graphile_worker._private_jobs WHERE key = ANY(${[...keys]}::text[])`;
}

function recordingNotices(): { notices: MessageSender; sent: { email: string; text: string; key: string }[] } {
  const sent: { email: string; text: string; key: string }[] = [];
  return {
    sent,
    notices: {
      sendMessages(recipient, messages, key) {
        sent.push({ email: recipient.email, text: messages.map(messageText).join('\n'), key });
        return Promise.resolve({ ok: true });
      },
      sendToAccount() {
        return Promise.resolve({ ok: false, error: 'no notice goes to one account', permanent: true });
      },
    },
  };
}

describe('exactly once through the job queue', () => {
  it('two sweeps and two workers at once, on two connections, never both send a digest', async () => {
    const school = await freshSchool('concurrent');
    const other = createPrismaClient(db.url);
    try {
      const stores = [new PrismaReminderStore(db.prisma), new PrismaReminderStore(other)];
      const clock = { current: fixedClock(at('2026-10-01')) };
      const recorder = recordingDeliverer(clock);
      // Ten school days around the 15 Oct self-reflection deadline (004 §4.2), each swept by two
      // sweeps racing, twice at the same minute, then delivered by two workers racing.
      let day = '2026-10-06';
      for (let i = 0; i < 10; i++, day = calendarOf(school).addSchoolDays(day, 1)) {
        clock.current = fixedClock(at(day));
        const now = clock.current;
        await Promise.all([...stores, ...stores].map((reminders) => sweepSchool({ reminders, clock: now }, school)));
        const deps = jobDepsFor(db.prisma, recorder.deliverer, now);
        await Promise.all([runDueJobs(db.url, deps), runDueJobs(db.url, jobDepsFor(other, recorder.deliverer, now))]);
      }
      const keys = recorder.deliveries.map((d) => d.key);
      expect(keys.length).toBeGreaterThan(20);
      expect(new Set(keys).size).toBe(keys.length);
      const sent = (await digestRows('concurrent')).filter((row) => row.status === 'sent');
      expect(sent.map((row) => row.key).sort()).toEqual([...keys].sort());
    } finally {
      await other.$disconnect();
    }
  });

  it('a digest is queued with its delivery job in one transaction: a crash before delivering leaves both, and the next run sends it once', async () => {
    const school = await freshSchool('crash');
    const reminders = new PrismaReminderStore(db.prisma);
    const now = at('2026-10-15');
    // The sweep "dies" after recording: plan and record, never deliver.
    const inputs = await reminders.loadSweepInputs(school.id, '2026-10-15', '2025-10-15');
    const planned = planReminders({ school, calendar: calendarOf(school), obligations: inputs.obligations, people: inputs.people, now });
    const recorded = await reminders.record(school.id, '2026-10-15', now, planned);
    expect(recorded.digests).toBeGreaterThan(0);
    const rows = await digestRows('crash');
    expect(rows.every((row) => row.status === 'pending')).toBe(true);
    expect(await jobsFor(rows.map((row) => row.key))).toHaveLength(rows.length);

    const clock = { current: minutesAfter(now, 5) };
    const recorder = recordingDeliverer(clock);
    const first = await sweepAndDeliver(db, recorder.deliverer, clock.current, school);
    expect(first).toMatchObject({ queuedReminders: 0, queuedDigests: 0 });
    expect(recorder.deliveries).toHaveLength(recorded.digests);
    clock.current = minutesAfter(now, 10);
    await sweepAndDeliver(db, recorder.deliverer, clock.current, school);
    expect(recorder.deliveries).toHaveLength(recorded.digests);
    const reminderRows = await db.prisma.queuedReminder.findMany({ where: { key: { in: planned.map((r) => r.key) } } });
    expect(reminderRows.length).toBeGreaterThan(0);
    expect(reminderRows.every((row) => row.status === 'sent')).toBe(true);
    expect(await jobsFor(rows.map((row) => row.key))).toEqual([]);
  });

  it('a sweep queues its digests in batch jobs; a digest a batch still lists gets no second job from the stalled sends’ pass, and a batch leaves a digest it split off to that digest’s own job', async () => {
    const school = await freshSchool('batched');
    const store = new PrismaReminderStore(db.prisma);
    const now = at('2026-10-15', '15:30');
    await sweepSchool({ reminders: store, clock: fixedClock(now) }, school);
    const rows = await digestRows('batched');
    expect(rows.length).toBeGreaterThan(20);
    // Each digest is listed by one batch job, and none has a job of its own.
    const jobs = await jobsFor(rows.map((row) => row.key));
    expect(jobs).toHaveLength(rows.length);
    expect(await ownJobs(rows.map((row) => row.key))).toEqual([]);
    // A send that looks stalled (begun an hour ago, never settled) while its batch is still queued: the batch's to finish.
    const [stalled, splitOff] = rows;
    await db.prisma.$executeRaw`UPDATE nudge_outbox SET sending_since = now() - interval '1 hour' WHERE id = ${stalled!.id}::uuid`;
    expect(await store.queueStalledSends(now)).toBe(0);
    expect(await store.queueMissingJobs(now)).toBe(0);
    expect(await ownJobs([stalled!.key])).toEqual([]);
    // As a batch leaves a digest to be retried later: a job of its own, keyed by the digest's key, not due yet.
    await db.prisma.$queryRaw`SELECT graphile_worker.add_job('deliver-digest', json_build_object('id', ${splitOff!.id}::text, 'school', 'batched', 'spent', 1),
      job_key := ${splitOff!.key}, run_at := now() + interval '1 hour', flags := ARRAY['school:batched'])`;
    const clock = { current: fixedClock(now) };
    const recorder = recordingDeliverer(clock);
    await runDueJobs(db.url, jobDepsFor(db.prisma, recorder.deliverer, clock.current));
    const delivered = () => recorder.deliveries.filter((d) => d.email.endsWith('@batched.example')).map((d) => d.key).sort();
    expect(delivered()).toEqual(rows.map((row) => row.key).filter((key) => key !== splitOff!.key));
    await makeWaitingJobsDue(db.prisma);
    await runDueJobs(db.url, jobDepsFor(db.prisma, recorder.deliverer, clock.current));
    expect(delivered()).toEqual(rows.map((row) => row.key));
    expect((await digestRows('batched')).every((row) => row.status === 'sent')).toBe(true);
  });

  it('digests queued before the job engine (no job) get one when the worker starts, and are delivered once', async () => {
    const school = await freshSchool('upgraded');
    const store = new PrismaReminderStore(db.prisma);
    const now = at('2026-10-15');
    await sweepSchool({ reminders: store, clock: fixedClock(now) }, school);
    const rows = await digestRows('upgraded');
    // As a database upgraded mid-day would have them: pending digests and no jobs.
    await db.prisma.$executeRaw`DELETE FROM graphile_worker._private_jobs WHERE payload->>'school' = 'upgraded'`;
    expect(await store.queueMissingJobs(now)).toBe(rows.length);
    expect(await store.queueMissingJobs(now)).toBe(0);
    const recorder = recordingDeliverer({ current: fixedClock(now) });
    await runDueJobs(db.url, jobDepsFor(db.prisma, recorder.deliverer, fixedClock(now)));
    expect(recorder.deliveries.filter((d) => d.email.endsWith('@upgraded.example')).map((d) => d.key).sort()).toEqual(rows.map((row) => row.key));
  });

  it('a deliverer that throws once: the job engine retries it after a back-off and it is delivered once', async () => {
    const school = await freshSchool('throws');
    const now = at('2026-10-15', '15:30');
    const clock = { current: fixedClock(now) };
    let thrown = false;
    const recorder = recordingDeliverer(clock, (delivery) => {
      if (thrown || !delivery.recipient.email.startsWith('t1@')) return undefined;
      thrown = true;
      throw new Error('socket hang up');
    });
    await sweepAndDeliver(db, recorder.deliverer, clock.current, school);
    const row = (await digestRows('throws')).find((r) => r.status === 'pending')!;
    expect(row).toMatchObject({ attempts: 1, lastError: 'socket hang up', sendingSince: null });
    // It left its batch for a job of its own, carrying the attempt spent.
    const [job] = await jobsFor([row.key]);
    expect(job).toMatchObject({ key: row.key, spent: 1 });
    expect(job!.waits).toBeGreaterThan(0);
    // Not due yet: running the queue again sends nothing; once the back-off has passed, it goes.
    await runDueJobs(db.url, jobDepsFor(db.prisma, recorder.deliverer, minutesAfter(now, 1)));
    expect(recorder.deliveries.filter((d) => d.email.startsWith('t1@'))).toEqual([]);
    await makeWaitingJobsDue(db.prisma);
    await runDueJobs(db.url, jobDepsFor(db.prisma, recorder.deliverer, minutesAfter(now, 1)));
    await makeWaitingJobsDue(db.prisma);
    await runDueJobs(db.url, jobDepsFor(db.prisma, recorder.deliverer, minutesAfter(now, 2)));
    const t1 = recorder.deliveries.filter((d) => d.email.startsWith('t1@'));
    expect(t1).toHaveLength(1);
    expect(t1[0]!.deliveredOn).toBe('2026-10-15');
    expect((await digestRows('throws')).every((r) => r.status === 'sent')).toBe(true);
  });

  it('a 429 with Retry-After: the job waits that long on the database clock, delivered once, and the wait costs no attempt', async () => {
    const school = await freshSchool('ratelimited');
    const now = at('2026-10-15', '15:30');
    const clock = { current: fixedClock(now) };
    const limited = new Set<string>();
    const recorder = recordingDeliverer(clock, (delivery: DigestDelivery): DeliveryResult | undefined => {
      if (limited.has(delivery.key)) return undefined;
      limited.add(delivery.key);
      return { ok: false, error: 'ratelimited', retryAfterSeconds: 600 };
    });
    await sweepAndDeliver(db, recorder.deliverer, clock.current, school);
    expect(recorder.deliveries).toEqual([]);
    const waiting = await digestRows('ratelimited');
    expect(waiting.length).toBeGreaterThan(0);
    expect(waiting.every((r) => r.status === 'pending' && r.attempts === 0 && r.lastError === 'ratelimited')).toBe(true);
    const jobs = await jobsFor(waiting.map((r) => r.key));
    expect(jobs).toHaveLength(waiting.length);
    expect(jobs.every((job) => job.attempts === 0 && job.waits > 590 && job.waits <= 600)).toBe(true);
    await runDueJobs(db.url, jobDepsFor(db.prisma, recorder.deliverer, minutesAfter(now, 5)));
    expect(recorder.deliveries).toEqual([]);
    await makeWaitingJobsDue(db.prisma);
    await runDueJobs(db.url, jobDepsFor(db.prisma, recorder.deliverer, minutesAfter(now, 10)));
    expect(recorder.deliveries).toHaveLength(waiting.length);
    expect(new Set(recorder.deliveries.map((d) => d.key)).size).toBe(waiting.length);
    expect((await digestRows('ratelimited')).every((r) => r.status === 'sent')).toBe(true);
  });

  it('a delivery that keeps failing becomes a dead letter after its last attempt, and the head is told once that day', async () => {
    const school = await freshSchool('broken');
    const now = at('2026-10-15', '15:30');
    const clock = { current: fixedClock(now) };
    const broken = (email: string) => email.startsWith('t2@') || email.startsWith('t3@');
    const recorder = recordingDeliverer(clock, (delivery) => (broken(delivery.recipient.email) ? { ok: false, error: 'internal_error' } : undefined));
    const { notices, sent } = recordingNotices();
    await sweepSchool({ reminders: new PrismaReminderStore(db.prisma), clock: clock.current }, school);
    for (let round = 0; round < 14; round++) {
      await runDueJobs(db.url, jobDepsFor(db.prisma, recorder.deliverer, minutesAfter(now, round), notices));
      await makeWaitingJobsDue(db.prisma);
    }
    const t2 = await db.prisma.person.findFirstOrThrow({ where: { email: 't2@broken.example' } });
    const row = await db.prisma.nudgeOutbox.findUniqueOrThrow({ where: { key: `digest:${t2.id}:2026-10-15` } });
    expect(row).toMatchObject({ status: 'failed', attempts: 12, lastError: 'internal_error' });
    expect(recorder.deliveries.filter((d) => broken(d.email))).toEqual([]);
    // Two dead letters, one notice (gathered for ten minutes after the first): to the head, naming both and what to run.
    expect(sent).toHaveLength(1);
    expect(sent[0]!.email).toBe('head@broken.example');
    expect(sent[0]!.text).toMatch(/could not deliver 2 reminder digests for broken/);
    expect(sent[0]!.text).toContain('t2@broken.example');
    // Each failed digest's day as people write it (“Mon 5 Oct”), never an ISO date.
    expect(sent[0]!.text).toMatch(/t2@broken\.example \((Mon|Tue|Wed|Thu|Fri) \d{1,2} [A-Z][a-z]{2}\): /);
    expect(sent[0]!.text).not.toMatch(/\d{4}-\d{2}-\d{2}/);
    expect(sent[0]!.text).toContain('trellis outbox --school broken --failed');
    const notice = await db.prisma.nudgeOutbox.findFirstOrThrow({ where: { key: { startsWith: 'notice:dead-letters:' } } });
    expect(notice.status).toBe('sent');
  });

  it('a permanent platform error (no channel can reach them) is a dead letter at the first attempt', async () => {
    const school = await freshSchool('unreachable');
    const now = at('2026-10-15', '15:30');
    const clock = { current: fixedClock(now) };
    const recorder = recordingDeliverer(clock, (delivery) => (delivery.recipient.email.startsWith('t4@') ? { ok: false, error: 'no channel can reach them', permanent: true } : undefined));
    const { notices, sent } = recordingNotices();
    await sweepSchool({ reminders: new PrismaReminderStore(db.prisma), clock: clock.current }, school);
    await runDueJobs(db.url, jobDepsFor(db.prisma, recorder.deliverer, clock.current, notices));
    const t4 = await db.prisma.person.findFirstOrThrow({ where: { email: 't4@unreachable.example' } });
    const row = await db.prisma.nudgeOutbox.findUniqueOrThrow({ where: { key: `digest:${t4.id}:2026-10-15` } });
    expect(row).toMatchObject({ status: 'failed', attempts: 1, lastError: 'no channel can reach them' });
    expect(sent).toEqual([]);
    await makeWaitingJobsDue(db.prisma);
    await runDueJobs(db.url, jobDepsFor(db.prisma, recorder.deliverer, minutesAfter(now, 10), notices));
    expect(sent.map((notice) => notice.email)).toEqual(['head@unreachable.example']);
  });

  it('a notification no channel can reach is a dead letter at its first attempt, and the head’s notice counts it', async () => {
    await freshSchool('lost-note');
    const now = at('2026-10-15', '15:30');
    const t1 = await db.prisma.person.findFirstOrThrow({ where: { email: 't1@lost-note.example' } });
    await new PrismaNotificationQueue(db.prisma).queue(keyNotifications('test:lost-note', [{ personId: t1.id, messages: [say('Your plan was agreed.')] }]), now);
    const told: string[] = [];
    const messenger: MessageSender = {
      sendMessages: async (recipient, messages, key) => {
        if (key.startsWith('notify:')) return { ok: false, error: 'no channel can reach them', permanent: true };
        told.push(`${recipient.email}: ${messages.map(messageText).join('\n')}`);
        return { ok: true };
      },
      sendToAccount: async () => ({ ok: false, error: 'no channel can reach that account', permanent: true }),
    };
    const recorder = recordingDeliverer({ current: fixedClock(now) }, () => undefined);
    await runDueJobs(db.url, jobDepsFor(db.prisma, recorder.deliverer, fixedClock(now), messenger));
    expect(await db.prisma.nudgeOutbox.findUniqueOrThrow({ where: { key: 'notify:test:lost-note:0' } })).toMatchObject({ status: 'failed', attempts: 1, lastError: 'no channel can reach them' });
    await makeWaitingJobsDue(db.prisma);
    await runDueJobs(db.url, jobDepsFor(db.prisma, recorder.deliverer, minutesAfter(now, 10), messenger));
    expect(told).toHaveLength(1);
    expect(told[0]).toMatch(/^head@lost-note\.example: Trellis could not deliver 1 notification for lost-note\./);
  });

  it('a delivery whose turn comes outside the sending window waits for the next school day’s window (WHMAT 15:30–17:00)', async () => {
    const school = await freshSchool('after-hours');
    const now = at('2026-10-15', '16:55');
    const clock = { current: fixedClock(now) };
    const recorder = recordingDeliverer(clock);
    await sweepSchool({ reminders: new PrismaReminderStore(db.prisma), clock: clock.current }, school);
    // The worker only gets to it at 17:10: outside the window, so it waits for Fri 16 Oct 15:30.
    clock.current = fixedClock(at('2026-10-15', '17:10'));
    await runDueJobs(db.url, jobDepsFor(db.prisma, recorder.deliverer, clock.current));
    expect(recorder.deliveries).toEqual([]);
    const rows = await digestRows('after-hours');
    const jobs = await jobsFor(rows.map((r) => r.key));
    expect(jobs).toHaveLength(rows.length);
    // 22h20m from 17:10 to 15:30 the next day, measured on the database's clock.
    expect(jobs.every((job) => Math.abs(job.waits - (22 * 3600 + 20 * 60)) <= 5 && job.attempts === 0)).toBe(true);
    await makeWaitingJobsDue(db.prisma);
    clock.current = fixedClock(at('2026-10-16', '15:30'));
    await runDueJobs(db.url, jobDepsFor(db.prisma, recorder.deliverer, clock.current));
    expect(recorder.deliveries).toHaveLength(rows.length);
    expect(recorder.deliveries.every((d) => d.deliveredOn === '2026-10-16')).toBe(true);
  });

  it('sends nothing outside the window or on a non-school day, and catches up at the next allowed moment', async () => {
    const school = await freshSchool('window');
    const clock = { current: fixedClock(at('2026-10-08', '14:00')) };
    const recorder = recordingDeliverer(clock);
    expect(await sweepAndDeliver(db, recorder.deliverer, clock.current, school)).toMatchObject({ skipped: 'outside-window', planned: 0 });
    clock.current = fixedClock(at('2026-10-10'));
    expect(await sweepAndDeliver(db, recorder.deliverer, clock.current, school)).toMatchObject({ skipped: 'not-a-school-day' });
    expect(await db.prisma.nudgeOutbox.count({ where: { recipient: { school: { slug: 'window' } } } })).toBe(0);
    // Nothing ran on Thu 8 Oct in the window: the due-in-5 reminders go out on Fri 9 Oct.
    clock.current = fixedClock(at(addCalendarDays('2026-10-08', 1), '15:45'));
    await sweepAndDeliver(db, recorder.deliverer, clock.current, school);
    expect(recorder.deliveries.length).toBeGreaterThan(0);
    expect(recorder.deliveries.every((d) => d.deliveredOn === '2026-10-09')).toBe(true);
  });
});

describe('trellis sweep and trellis outbox', () => {
  it('with no chat channel configured, sweeps, says so, and leaves the digests queued (not marked sent)', async () => {
    await setUpSchool(db.url, dir, 'cli', 'whmat');
    const run = (...argv: string[]) => runTrellisWith({ databaseUrl: db.url }, 'sweep', ...argv);
    const first = await run('--at', '2026-10-15T16:00:00+01:00', '--school', 'cli');
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^cli: \d+ reminders queued, \d+ digests queued\.$/m);
    expect(first.stdout).toMatch(/No chat channel is configured .*the digests stay queued/);
    const rows = await digestRows('cli');
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((row) => row.status === 'pending' && row.sentAt === null)).toBe(true);
    expect(await jobsFor(rows.map((row) => row.key))).toHaveLength(rows.length);
    const again = await run('--at', '2026-10-15T16:05:00+01:00', '--school', 'cli');
    expect(again.stdout).toMatch(/^cli: 0 reminders queued, 0 digests queued\.$/m);
    expect((await run('--at', '2026-10-17T16:00:00+01:00', '--school', 'cli')).stdout).toBe('cli: not a school day, nothing sent.\n');
    const bad = await run('--at', 'tomorrow');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--at must be a moment/);
    expect((await run('--at', '2026-10-15T16:00:00Z', '--school', 'nowhere')).stderr).toMatch(/no school "nowhere"/);
  });

  it('--dry-run prints the digests that would go out and writes nothing', async () => {
    await setUpSchool(db.url, dir, 'dry', 'whmat');
    const dry = await runTrellisWith({ databaseUrl: db.url }, 'sweep', '--at', '2026-10-15T16:00:00+01:00', '--school', 'dry', '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/^2026-10-15 t1@dry\.example: \d+ items? — Your growth cycle.* \(would send\)$/m);
    const count = dry.stdout.split('\n').filter((line) => line.endsWith('(would send)')).length;
    expect(dry.stdout).toContain(`dry: ${count} digests would be queued (dry run: nothing written or sent).`);
    expect(await db.prisma.nudgeOutbox.count({ where: { recipient: { school: { slug: 'dry' } } } })).toBe(0);
  });

  it('outbox lists the dead letters and resend puts them back in the queue, delivered once', async () => {
    const school = await freshSchool('resend');
    const now = at('2026-10-15', '15:30');
    const clock = { current: fixedClock(now) };
    const down = { value: true };
    const recorder = recordingDeliverer(clock, (delivery) => (down.value && delivery.recipient.email === 't5@resend.example' ? { ok: false, error: 'account_inactive', permanent: true } : undefined));
    await sweepAndDeliver(db, recorder.deliverer, clock.current, school);
    const run = (...argv: string[]) => runTrellisWith({ databaseUrl: db.url }, 'outbox', ...argv);
    const failed = await run('--school', 'resend', '--failed');
    expect(failed.code).toBe(0);
    const lines = failed.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^[0-9a-f-]{36} failed digest resend 2026-10-15 t5@resend\.example \(1 attempt\) — account_inactive$/);
    expect((await run('--school', 'resend')).stdout).toMatch(/ sent digest resend 2026-10-15 t1@resend\.example/);
    expect((await run('resend')).stderr).toMatch(/Say which to resend/);
    expect((await run('resend', 'not-an-id')).stdout).toContain('Not failed or not found, left alone: not-an-id');

    down.value = false;
    const resent = await run('resend', lines[0]!.split(' ')[0]!);
    expect(resent.stdout).toContain('1 re-queued for delivery.');
    await runDueJobs(db.url, jobDepsFor(db.prisma, recorder.deliverer, clock.current));
    expect(recorder.deliveries.filter((d) => d.email === 't5@resend.example')).toHaveLength(1);
    expect((await run('--school', 'resend', '--failed')).stdout).toBe('Nothing has failed.\n');
    expect((await run('resend', '--all-failed', '--school', 'resend')).stdout).toBe('0 re-queued for delivery.\n');
  });
});
