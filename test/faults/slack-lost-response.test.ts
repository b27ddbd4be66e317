import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { londonInstant } from '../../src/core/calendar/london-time.ts';
import { composeDigest } from '../../src/core/reminders/compose-digest.ts';
import { sweepSchool } from '../../src/core/reminders/run-sweep.ts';
import { fixedClock } from '../../src/core/time/clock.ts';
import { runDueJobs } from '../../src/scheduler/job-worker.ts';
import { PrismaSchoolRepository } from '../../src/storage/prisma/prisma-school-repository.ts';
import { FakeSlack } from '../channels/slack/support/fake-slack.ts';
import { digestKeys } from '../core/reminders/support/job-runs.ts';
import { setUpSchool } from '../core/reminders/support/school-year.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { countFaults } from './support/delivery-edge.ts';
import { type FaultRow, printFaultTable } from './support/fault-table.ts';
import { addEveryoneToSlack, slackDigests, startSlackApp, withoutLookup } from './support/slack-world.ts';
import { ageKilledWorkersHeartbeats, jobsHeldByTheDead, seededRandom, WorkerProcess } from './support/worker-processes.ts';

const SLACK_WORKER = join(import.meta.dirname, 'support', 'slack-worker-process.ts');

/**
 * The real Slack channel delivering digests from a worker process against the fake Slack on
 * loopback; the worker is SIGKILLed right after Slack accepted a post and before the outbox row
 * is marked sent (Slack has the message, the worker never hears so). Slack has no idempotency
 * key on chat.postMessage, so the retry looks the digest's key up in the DM's history first.
 */
const rows: FaultRow[] = [];
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trellis-faults-slack-'));
});
afterAll(() => printFaultTable('Slack: a worker killed after Slack accepted a digest, before it was marked (real channel, fake Slack on loopback)', rows));

interface KillRun {
  db: TestDatabase;
  fake: FakeSlack;
  due: string[];
  kills: number;
  /** Posts Slack had accepted but not answered when the worker was killed. */
  inWindow: number;
  lookupMs: number[];
}

/** One WHMAT school's digests for Thu 15 Oct 2026 (004 §4.2 self-reflection), with six kills mid-send, then a last worker. */
async function killAfterSlackAccepted(slug: string, lookup: boolean, seed: number): Promise<KillRun> {
  const db = await createTestDatabase();
  await setUpSchool(db.url, dir, slug, 'whmat');
  const school = (await new PrismaSchoolRepository(db.prisma).findSchool(slug))!;
  const moment = londonInstant('2026-10-15', '16:00');
  const fake = await FakeSlack.start();
  fake.startTsAt(moment);
  await addEveryoneToSlack(db.prisma, fake);
  const app = await startSlackApp(db.url, fake, fixedClock(moment));
  await sweepSchool(app.jobs.sweep, school);
  const due = await digestKeys(db.prisma, slug);
  const random = seededRandom(seed);
  const env = { DATABASE_URL: db.url, SLACK_URL: fake.url, CLOCK_AT: moment.toISOString(), LOOKUP: lookup ? '1' : '0' };
  let kills = 0;
  let inWindow = 0;
  while (kills < 6 && slackDigests(fake).length < due.length - 4) {
    const worker = new WorkerProcess(`slack-worker-${kills + 1}`, env, SLACK_WORKER);
    expect(await worker.nextLine()).toBe('ready');
    // Starting, it released every job the killed worker before it held.
    expect(await jobsHeldByTheDead(db.prisma)).toBe(0);
    const target = Math.min(due.length - 3, slackDigests(fake).length + 1 + Math.floor(random() * 5));
    // Slack records the target post (and any sent with it) and never answers: then the kill.
    fake.holdWhen = (call) => call.method === 'chat.postMessage' && slackDigests(fake).length >= target;
    await fake.until(() => fake.heldCount > 0, 60_000);
    await worker.kill();
    inWindow += fake.heldCount;
    fake.holdWhen = undefined;
    fake.release();
    kills++;
    // Two minutes without a beat: the next worker to start releases what this one held.
    expect(await ageKilledWorkersHeartbeats(db.prisma)).toBe(1);
  }
  await runDueJobs(db.url, lookup ? app.jobs : withoutLookup(app.jobs));
  // The lookup's own cost, timed against the fake on loopback (one call, one page).
  const lookupMs: number[] = [];
  const person = await db.prisma.person.findFirstOrThrow({ where: { school: { slug } }, orderBy: { email: 'asc' } });
  const delivery = { key: `digest:${person.id}:2026-10-15`, recipient: { id: person.id, email: person.email, fullName: person.fullName }, message: composeDigest(person.id, '2026-10-15', []) };
  for (let i = 0; i < 20; i++) {
    const started = performance.now();
    await app.router.wasDelivered(delivery, new Date(moment.getTime() - 60_000));
    lookupMs.push(performance.now() - started);
  }
  await app.close();
  return { db, fake, due, kills, inWindow, lookupMs };
}

const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

describe('Slack digests across a lost response: at most once per recipient (issue: no idempotency key on chat.postMessage)', () => {
  it('a worker killed after Slack accepted a digest and before it was marked, 6 times: every digest delivered once (the retry finds its metadata in the DM history)', async () => {
    const run = await killAfterSlackAccepted('slack-killed', true, 20261130);
    try {
      const counted = countFaults(run.due, slackDigests(run.fake));
      const lookups = run.fake.callsOf('conversations.history').length - run.lookupMs.length;
      const posts = run.fake.callsOf('chat.postMessage').length;
      rows.push({ ...counted, scenario: `worker SIGKILLed ${run.kills}× after Slack accepted (${run.inWindow} posts in the window), retry looks the key up`, note: `${lookups} conversations.history calls for ${posts} posts; lookup median ${median(run.lookupMs).toFixed(1)} ms on loopback` });
      expect(run.kills).toBe(6);
      expect(run.inWindow).toBeGreaterThanOrEqual(run.kills);
      expect(counted).toMatchObject({ lost: 0, duplicated: 0, delivered: run.due.length });
      expect(await digestKeys(run.db.prisma, 'slack-killed', 'sent')).toEqual(run.due);
      // Only a retry of a row a killed worker had claimed looks anything up: at most the 3 running jobs per kill.
      expect(lookups).toBeGreaterThanOrEqual(run.inWindow);
      expect(lookups).toBeLessThanOrEqual(run.kills * 3);
    } finally {
      await run.fake.close();
      await run.db.drop();
    }
  }, 180_000);

  it('the same kills without the lookup: nothing lost, but each post caught in the window is sent twice (the at-least-once baseline)', async () => {
    const run = await killAfterSlackAccepted('slack-blind', false, 20261130);
    try {
      const counted = countFaults(run.due, slackDigests(run.fake));
      rows.push({ ...counted, scenario: `worker SIGKILLed ${run.kills}× after Slack accepted (${run.inWindow} posts in the window), no lookup`, note: 'a duplicate for every post in the window' });
      expect(counted.lost).toBe(0);
      expect(counted.duplicated).toBeGreaterThanOrEqual(run.inWindow);
      expect(run.fake.callsOf('conversations.history')).toHaveLength(run.lookupMs.length);
      expect(await digestKeys(run.db.prisma, 'slack-blind', 'sent')).toEqual(run.due);
    } finally {
      await run.fake.close();
      await run.db.drop();
    }
  }, 180_000);

  it('Slack took every third digest but its answer was lost (connection cut), no crash: each is found by its key and marked sent, none posted twice', async () => {
    const db = await createTestDatabase();
    const fake = await FakeSlack.start();
    try {
      await setUpSchool(db.url, dir, 'slack-lost', 'whmat');
      const school = (await new PrismaSchoolRepository(db.prisma).findSchool('slack-lost'))!;
      const moment = londonInstant('2026-10-15', '16:00');
      fake.startTsAt(moment);
      await addEveryoneToSlack(db.prisma, fake);
      const app = await startSlackApp(db.url, fake, fixedClock(moment));
      try {
        await sweepSchool(app.jobs.sweep, school);
        const due = await digestKeys(db.prisma, 'slack-lost');
        let posts = 0;
        fake.dropWhen = (call) => call.method === 'chat.postMessage' && ++posts % 3 === 0;
        await runDueJobs(db.url, app.jobs);
        fake.dropWhen = undefined;
        const counted = countFaults(due, slackDigests(fake));
        const dropped = Math.floor(posts / 3);
        const lookups = fake.callsOf('conversations.history').length;
        rows.push({ ...counted, scenario: `Slack's answer lost for ${dropped} of ${posts} posts (no crash)`, note: `${lookups} conversations.history calls, one per lost answer` });
        expect(dropped).toBeGreaterThan(5);
        expect(counted).toMatchObject({ lost: 0, duplicated: 0, delivered: due.length });
        expect(await digestKeys(db.prisma, 'slack-lost', 'sent')).toEqual(due);
        expect(lookups).toBe(dropped);
      } finally {
        await app.close();
      }
    } finally {
      await fake.close();
      await db.drop();
    }
  }, 180_000);
});
