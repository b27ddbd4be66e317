import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCalendarDays } from '../../src/core/calendar/iso-date.ts';
import { planReminders } from '../../src/core/reminders/plan-reminders.ts';
import type { DeliveryResult, DigestDelivery } from '../../src/core/reminders/reminder-ports.ts';
import { sweepSchool } from '../../src/core/reminders/run-sweep.ts';
import { calendarOf, type School } from '../../src/core/schools/school.ts';
import { type Clock, fixedClock } from '../../src/core/time/clock.ts';
import { createPrismaClient } from '../../src/storage/db/create-prisma-client.ts';
import { PrismaReminderStore } from '../../src/storage/prisma/prisma-reminder-store.ts';
import { PrismaSchoolRepository } from '../../src/storage/prisma/prisma-school-repository.ts';
import { at } from '../core/reminders/reminder-fixtures.ts';
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

describe('exactly once through the outbox', () => {
  it('two sweeps at once, on two connections, never both send a digest', async () => {
    const school = await freshSchool('concurrent');
    const other = createPrismaClient(db.url);
    try {
      const stores = [new PrismaReminderStore(db.prisma), new PrismaReminderStore(other)];
      const clock = { current: fixedClock(at('2026-10-01')) };
      const recorder = recordingDeliverer(clock);
      // Ten school days around the 15 Oct self-reflection deadline (004 §4.2), each swept by two
      // sweeps racing, twice at the same minute.
      let day = '2026-10-06';
      for (let i = 0; i < 10; i++, day = calendarOf(school).addSchoolDays(day, 1)) {
        clock.current = fixedClock(at(day));
        const now = clock.current;
        await Promise.all([...stores, ...stores].map((reminders) => sweepSchool({ reminders, deliverer: recorder.deliverer, clock: now }, school, { batchSize: 3 })));
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

  it('a crash between recording and sending leaves the digest pending; the next sweep sends it once', async () => {
    const school = await freshSchool('crash');
    const reminders = new PrismaReminderStore(db.prisma);
    const now = at('2026-10-15');
    // The sweep "dies" after recording: plan and record, never deliver.
    const inputs = await reminders.loadSweepInputs(school.id, '2026-10-15', '2025-10-15');
    const planned = planReminders({ school, calendar: calendarOf(school), obligations: inputs.obligations, people: inputs.people, now });
    const recorded = await reminders.record(school.id, '2026-10-15', now, planned);
    expect(recorded.digests).toBeGreaterThan(0);
    expect((await digestRows('crash')).every((row) => row.status === 'pending')).toBe(true);

    const clock = { current: minutesAfter(now, 5) };
    const recorder = recordingDeliverer(clock);
    const first = await sweepSchool({ reminders, deliverer: recorder.deliverer, clock: clock.current }, school);
    expect(first).toMatchObject({ queuedReminders: 0, queuedDigests: 0, delivered: recorded.digests });
    clock.current = minutesAfter(now, 10);
    const again = await sweepSchool({ reminders, deliverer: recorder.deliverer, clock: clock.current }, school);
    expect(again.delivered).toBe(0);
    expect(recorder.deliveries).toHaveLength(recorded.digests);
    const reminderRows = await db.prisma.nudgeOutbox.findMany({ where: { key: { in: planned.map((r) => r.key) } } });
    expect(reminderRows.every((row) => row.status === 'sent')).toBe(true);
  });

  it('a sweep that dies holding a claimed digest: taken over once its lease ends, sent once', async () => {
    const school = await freshSchool('lease');
    const reminders = new PrismaReminderStore(db.prisma);
    const now = at('2026-10-15', '15:30');
    const inputs = await reminders.loadSweepInputs(school.id, '2026-10-15', '2025-10-15');
    await reminders.record(school.id, '2026-10-15', now, planReminders({ school, calendar: calendarOf(school), obligations: inputs.obligations, people: inputs.people, now }));
    const claimed = await reminders.claimDigests(school.id, now, new Date(now.getTime() + 120_000), 1);
    expect(claimed).toHaveLength(1);
    const clock = { current: minutesAfter(now, 1) };
    const recorder = recordingDeliverer(clock);
    await sweepSchool({ reminders, deliverer: recorder.deliverer, clock: clock.current }, school);
    expect(recorder.deliveries.map((d) => d.key)).not.toContain(claimed[0]!.key);
    clock.current = minutesAfter(now, 5);
    await sweepSchool({ reminders, deliverer: recorder.deliverer, clock: clock.current }, school);
    expect(recorder.deliveries.filter((d) => d.key === claimed[0]!.key)).toHaveLength(1);
  });

  it('a deliverer that throws once: retried after a back-off and delivered once', async () => {
    const school = await freshSchool('throws');
    const reminders = new PrismaReminderStore(db.prisma);
    const now = at('2026-10-15', '15:30');
    const clock = { current: fixedClock(now) };
    let thrown = false;
    const recorder = recordingDeliverer(clock, (delivery) => {
      if (thrown || !delivery.recipient.email.startsWith('t1@')) return undefined;
      thrown = true;
      throw new Error('socket hang up');
    });
    const first = await sweepSchool({ reminders, deliverer: recorder.deliverer, clock: clock.current }, school);
    expect(first.retrying).toBe(1);
    const row = (await digestRows('throws')).find((r) => r.status === 'pending')!;
    expect(row).toMatchObject({ attempts: 1, lastError: 'socket hang up' });
    for (const minutes of [0.5, 1, 5, 10]) {
      clock.current = minutesAfter(now, minutes);
      await sweepSchool({ reminders, deliverer: recorder.deliverer, clock: clock.current }, school);
    }
    const t1 = recorder.deliveries.filter((d) => d.email.startsWith('t1@'));
    expect(t1).toHaveLength(1);
    expect(t1[0]!.deliveredOn).toBe('2026-10-15');
    expect((await digestRows('throws')).every((r) => r.status === 'sent')).toBe(true);
  });

  it('a 429 with Retry-After: kept pending until then, delivered once, and the wait costs no attempt', async () => {
    const school = await freshSchool('ratelimited');
    const reminders = new PrismaReminderStore(db.prisma);
    const now = at('2026-10-15', '15:30');
    const clock = { current: fixedClock(now) };
    const limited = new Set<string>();
    const recorder = recordingDeliverer(clock, (delivery: DigestDelivery): DeliveryResult | undefined => {
      if (limited.has(delivery.key)) return undefined;
      limited.add(delivery.key);
      return { ok: false, error: 'ratelimited', retryAfterSeconds: 600 };
    });
    const first = await sweepSchool({ reminders, deliverer: recorder.deliverer, clock: clock.current }, school);
    expect(first.delivered).toBe(0);
    expect(first.retrying).toBeGreaterThan(0);
    const waiting = await digestRows('ratelimited');
    expect(waiting.every((r) => r.status === 'pending' && r.attempts === 0 && r.notBefore.getTime() === now.getTime() + 600_000)).toBe(true);
    clock.current = minutesAfter(now, 5);
    expect((await sweepSchool({ reminders, deliverer: recorder.deliverer, clock: clock.current }, school)).delivered).toBe(0);
    clock.current = minutesAfter(now, 10);
    const after = await sweepSchool({ reminders, deliverer: recorder.deliverer, clock: clock.current }, school);
    expect(after.delivered).toBe(first.retrying);
    clock.current = minutesAfter(now, 15);
    await sweepSchool({ reminders, deliverer: recorder.deliverer, clock: clock.current }, school);
    expect(recorder.deliveries).toHaveLength(first.retrying);
    expect(new Set(recorder.deliveries.map((d) => d.key)).size).toBe(first.retrying);
  });

  it('a permanent failure is marked failed with the last error after 5 attempts', async () => {
    const school = await freshSchool('broken');
    const reminders = new PrismaReminderStore(db.prisma);
    const now = at('2026-10-15', '15:30');
    const clock = { current: fixedClock(now) };
    const recorder = recordingDeliverer(clock, (delivery) => (delivery.recipient.email.startsWith('t2@') ? { ok: false, error: 'user_not_found' } : undefined));
    for (let minutes = 0; minutes <= 80; minutes += 5) {
      clock.current = minutesAfter(now, minutes);
      await sweepSchool({ reminders, deliverer: recorder.deliverer, clock: clock.current }, school);
    }
    const t2 = await db.prisma.person.findFirstOrThrow({ where: { email: 't2@broken.example' } });
    const row = await db.prisma.nudgeOutbox.findUniqueOrThrow({ where: { key: `digest:${t2.id}:2026-10-15` } });
    expect(row).toMatchObject({ status: 'failed', attempts: 5, lastError: 'user_not_found' });
    expect(recorder.deliveries.filter((d) => d.email.startsWith('t2@'))).toEqual([]);
  });

  it('sends nothing outside the window or on a non-school day, and catches up at the next allowed moment', async () => {
    const school = await freshSchool('window');
    const reminders = new PrismaReminderStore(db.prisma);
    const clock = { current: fixedClock(at('2026-10-08', '14:00')) };
    const recorder = recordingDeliverer(clock);
    expect(await sweepSchool({ reminders, deliverer: recorder.deliverer, clock: clock.current }, school)).toMatchObject({ skipped: 'outside-window', planned: 0 });
    clock.current = fixedClock(at('2026-10-10'));
    expect(await sweepSchool({ reminders, deliverer: recorder.deliverer, clock: clock.current }, school)).toMatchObject({ skipped: 'not-a-school-day' });
    expect(await db.prisma.nudgeOutbox.count({ where: { recipient: { school: { slug: 'window' } } } })).toBe(0);
    // Nothing ran on Thu 8 Oct in the window: the due-in-5 reminders go out on Fri 9 Oct.
    clock.current = fixedClock(at(addCalendarDays('2026-10-08', 1), '15:45'));
    await sweepSchool({ reminders, deliverer: recorder.deliverer, clock: clock.current }, school);
    expect(recorder.deliveries.length).toBeGreaterThan(0);
    expect(recorder.deliveries.every((d) => d.deliveredOn === '2026-10-09')).toBe(true);
  });
});

describe('trellis sweep', () => {
  it('runs one sweep as if it were --at, printing each digest, then nothing more at the same moment', async () => {
    await setUpSchool(db.url, dir, 'cli', 'whmat');
    const run = (...argv: string[]) => runTrellisWith({ databaseUrl: db.url }, 'sweep', ...argv);
    const first = await run('--at', '2026-10-15T16:00:00+01:00', '--school', 'cli');
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^2026-10-15 t1@cli\.example: \d+ items? — Your growth cycle/m);
    expect(first.stdout).toMatch(/^cli: \d+ reminders queued, \d+ digests sent\.$/m);
    const again = await run('--at', '2026-10-15T16:05:00+01:00', '--school', 'cli');
    expect(again.stdout).toBe('cli: 0 reminders queued, 0 digests sent.\n');
    expect((await run('--at', '2026-10-17T16:00:00+01:00', '--school', 'cli')).stdout).toBe('cli: not a school day, nothing sent.\n');
    const bad = await run('--at', 'tomorrow');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--at must be a moment/);
    expect((await run('--at', '2026-10-15T16:00:00Z', '--school', 'nowhere')).stderr).toMatch(/no school "nowhere"/);
  });
});
