import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allDigestItems, composeDigest, digestActions, MAX_DIGEST_ITEMS, SEE_WHO_ACTION } from '../../../../src/core/reminders/compose-digest.ts';
import { ownerToRemind, planReminders } from '../../../../src/core/reminders/plan-reminders.ts';
import { sweepSchool } from '../../../../src/core/reminders/run-sweep.ts';
import { runDueJobs } from '../../../../src/scheduler/job-worker.ts';
import { jobDepsFor } from './job-runs.ts';
import { calendarOf, type School } from '../../../../src/core/schools/school.ts';
import { type Clock, fixedClock } from '../../../../src/core/time/clock.ts';
import { PrismaReminderStore } from '../../../../src/storage/prisma/prisma-reminder-store.ts';
import { PrismaSchoolRepository } from '../../../../src/storage/prisma/prisma-school-repository.ts';
import { at } from '../reminder-fixtures.ts';
import { notYetQueued, type RecordedDelivery, recordingDeliverer, setUpSchool } from './school-year.ts';
import { createTestDatabase, type TestDatabase } from '../../../support/test-database.ts';

/**
 * A school under `preset` with a roster of 32, swept at 16:00 London on every calendar day of
 * 2026/27; then what each person got is checked. Returns the deliveries for preset-specific tests.
 */
export function describeSchoolYear(preset: string): () => RecordedDelivery[] {
  let db: TestDatabase;
  const schools = new Map<string, School>();
  const deliveries: RecordedDelivery[] = [];
  beforeAll(async () => {
    db = await createTestDatabase();
    const dir = await mkdtemp(join(tmpdir(), 'trellis-sweep-year-'));
    await setUpSchool(db.url, dir, preset, preset);
    const repository = new PrismaSchoolRepository(db.prisma);
    schools.set(preset, (await repository.findSchool(preset))!);
    const clock: { current: Clock } = { current: fixedClock(at('2026-09-01')) };
    const recorder = recordingDeliverer(clock);
    const reminders = new PrismaReminderStore(db.prisma);
    // One pool for the year's job runs, so each school day's delivery reuses its connections.
    const pool = new pg.Pool({ connectionString: db.url, max: 2 });
    const poolErrors: Error[] = [];
    pool.on('error', (error) => poolErrors.push(error));
    pool.on('connect', (client) => client.on('error', (error) => poolErrors.push(error)));
    try {
      for (let date = '2026-09-01'; date <= '2027-08-31'; date = addDay(date)) {
        clock.current = fixedClock(at(date));
        const now = clock.current;
        const deps = jobDepsFor(db.prisma, recorder.deliverer, now);
        const swept = await Promise.all([...schools.values()].map((school) => sweepSchool({ reminders, clock: now }, school)));
        // The day's digests go out through the job engine, as the server's worker sends them.
        if (swept.some((result) => result.queuedDigests > 0)) await runDueJobs(pool, deps);
      }
    } finally {
      await pool.end();
    }
    expect(poolErrors).toEqual([]);
    deliveries.push(...recorder.deliveries);
  }, 300_000);
  afterAll(() => db.drop());

  function of(slug: string): RecordedDelivery[] {
    return deliveries.filter((d) => d.email.endsWith(`@${slug}.example`));
  }

  describe(`a simulated 2026/27 under ${preset}`, () => {
    it('sends at most one digest per person per day, only on school days (Brief "Calendar facts")', () => {
      const mine = of(preset);
      expect(mine.length).toBeGreaterThan(50);
      const calendar = calendarOf(schools.get(preset)!);
      const offDays = mine.filter((d) => !calendar.isSchoolDay(d.deliveredOn) || d.date !== d.deliveredOn);
      expect(offDays).toEqual([]);
      const perDay = new Set(mine.map((d) => `${d.email} ${d.deliveredOn}`));
      expect(perDay.size).toBe(mine.length);
    });

    it('never nudges anyone the policy leaves outside the cycle, e.g. the agency teacher or, under 004 §2.1, the ECT', async () => {
      const excluded = await db.prisma.cycle.findMany({ where: { status: 'excluded', school: { slug: preset } }, select: { person: { select: { email: true } } } });
      const emails = excluded.map((cycle) => cycle.person.email);
      if (preset === 'whmat') expect(emails).toEqual(expect.arrayContaining(['ect@whmat.example', 'agency@whmat.example']));
      expect(of(preset).filter((d) => emails.includes(d.email))).toEqual([]);
    });

    it('keeps every digest calm: at most five items with buttons, the rest counted, escalations one line per thing with at most one button (Brief "Who uses it")', () => {
      for (const d of of(preset)) {
        const withButtons = d.message.items.filter((item) => item.actions.length > 0);
        expect(withButtons.length, `${d.deliveredOn} ${d.email}`).toBeLessThanOrEqual(MAX_DIGEST_ITEMS);
        expect(d.message.items.some((item) => item.state === 'escalated'), `${d.deliveredOn} ${d.email}`).toBe(false);
        expect(digestActions(d.message).filter((a) => a.value === SEE_WHO_ACTION).length).toBeLessThanOrEqual(1);
        const labels = (d.message.escalations ?? []).map((s) => `${s.audience} ${s.label}`);
        expect(new Set(labels).size).toBe(labels.length);
      }
      // The head of a school of 32 hears of everyone's overdue self-reflection, and it is summarised.
      const summarised = of(preset).filter((d) => (d.message.escalations ?? []).some((s) => s.items.length > 1));
      expect(summarised.length).toBeGreaterThan(0);
    });

    it('never nudges anyone about the same item on consecutive school days unless it became due or overdue (policy.reminders cadence)', () => {
      const calendar = calendarOf(schools.get(preset)!);
      const last = new Map<string, string>();
      const repeats: string[] = [];
      for (const d of [...of(preset)].sort((a, b) => a.deliveredOn.localeCompare(b.deliveredOn))) {
        for (const item of [...d.message.items, ...(d.message.more ?? [])]) {
          const id = `${d.email} ${item.obligationKey}`;
          const before = last.get(id);
          const sayNew = item.state === 'due-today' || item.state === 'overdue';
          if (before !== undefined && calendar.addSchoolDays(before, 1) === d.deliveredOn && !sayNew) repeats.push(`${d.deliveredOn} ${id} ${item.state}`);
          last.set(id, d.deliveredOn);
        }
      }
      expect(repeats).toEqual([]);
    });

    it('sends nobody more than 3 messages in any 5 school days ("due tomorrow" folds into "due today", escalations wait for the weekly chase day; policy.reminders cadence)', () => {
      const calendar = calendarOf(schools.get(preset)!);
      const schoolDays: string[] = [];
      for (let date = '2026-09-01'; date <= '2027-08-31'; date = addDay(date)) if (calendar.isSchoolDay(date)) schoolDays.push(date);
      const sentOn = new Map<string, Set<string>>();
      for (const d of of(preset)) sentOn.set(d.email, (sentOn.get(d.email) ?? new Set()).add(d.deliveredOn));
      const crowded: string[] = [];
      for (const [email, sent] of sentOn) {
        for (let i = 0; i + 5 <= schoolDays.length; i++) {
          const count = schoolDays.slice(i, i + 5).filter((day) => sent.has(day)).length;
          if (count > 3) crowded.push(`${email} ${count} from ${schoolDays[i]}`);
        }
      }
      expect(crowded).toEqual([]);
    });

    it('still reminds the owner of every open obligation due this year on or before its due day, so calm never leaves one unannounced (policy.reminders cadence)', async () => {
      const school = schools.get(preset)!;
      const inputs = await new PrismaReminderStore(db.prisma).loadSweepInputs(school.id, '2027-12-31', '2000-01-01');
      const people = new Map(inputs.people.map((p) => [p.id, p]));
      const excluded = new Set((await db.prisma.cycle.findMany({ where: { status: 'excluded', school: { slug: preset } }, select: { personId: true } })).map((c) => c.personId));
      const heard = new Set<string>();
      for (const d of of(preset)) for (const item of d.items) if (d.deliveredOn <= item.dueOn) heard.add(`${d.email} ${item.obligationKey}`);
      const due = inputs.obligations.filter((o) => o.status === 'open' && o.dueOn >= '2026-09-01' && o.dueOn <= '2027-08-31' && o.opensOn <= o.dueOn && !excluded.has(o.personId));
      const unheard: string[] = [];
      for (const o of due) {
        const ownerId = ownerToRemind(o);
        const owner = ownerId === undefined ? undefined : people.get(ownerId);
        if (owner === undefined || !owner.active || people.get(o.personId)?.active !== true) continue;
        if (!heard.has(`${owner.email} ${o.key}`)) unheard.push(`${owner.email} ${o.key} due ${o.dueOn}`);
      }
      expect(due.length).toBeGreaterThan(50);
      expect(unheard).toEqual([]);
    });

    it('delivers exactly the digests the cadence plans, day by day, with the same items', async () => {
      const school = schools.get(preset)!;
      const calendar = calendarOf(school);
      const inputs = await new PrismaReminderStore(db.prisma).loadSweepInputs(school.id, '2027-12-31', '2000-01-01');
      const emailOf = new Map(inputs.people.map((p) => [p.id, p.email]));
      const expected: string[] = [];
      const queued = new Set<string>();
      for (let date = '2026-09-01'; date <= '2027-08-31'; date = addDay(date)) {
        const planned = planReminders({ school, calendar, obligations: inputs.obligations, people: inputs.people, now: at(date), catchUpSchoolDays: 0 });
        const due = notYetQueued(planned, queued);
        for (const recipient of new Set(due.map((r) => r.recipientId))) {
          const digest = composeDigest(recipient, date, due);
          expected.push(`${date} ${emailOf.get(recipient)} ${allDigestItems(digest).map((i) => `${i.obligationKey}=${i.state}`).join(',')}`);
        }
      }
      const actual = of(preset).map((d) => `${d.deliveredOn} ${d.email} ${d.items.map((i) => `${i.obligationKey}=${i.state}`).join(',')}`);
      expect(actual.sort()).toEqual(expected.sort());
    });
  });
  return () => deliveries;
}

function addDay(date: string): string {
  return new Date(Date.parse(`${date}T12:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}
