import { afterAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/time/clock.ts';
import { runDueJobs } from '../../src/scheduler/job-worker.ts';
import { FakeSlack, type RecordedCall } from '../channels/slack/support/fake-slack.ts';
import { postEvent } from '../channels/slack/support/signed-requests.ts';
import { addObligation } from '../core/conversations/support/extra-obligations.ts';
import { makeWaitingJobsDue } from '../core/reminders/support/job-runs.ts';
import { type SeedPerson, seedSchool } from '../support/seed-school.ts';
import { createTestDatabase } from '../support/test-database.ts';
import { type FaultRow, printFaultTable } from './support/fault-table.ts';
import { dmEvent, Signal, startAppProcess } from './support/slack-app-events.ts';
import { addEveryoneToSlack, startSlackApp } from './support/slack-world.ts';
import { ageKilledWorkersHeartbeats, type WorkerProcess } from './support/worker-processes.ts';

/** Monday 5 October 2026: WHMAT's upper pay range business cases are due by October half term (004 §8.2). */
const MOMENT = '2026-10-05T09:00:00Z';
const TEACHERS = 6;
const EVIDENCE = [
  'Observations, work scrutiny and pupil voice all show consistently strong teaching across the standards.',
  'Led two CPD sessions on retrieval practice and completed the NPQ in curriculum and assessment.',
  'Ran the Year 9 reading intervention for two years: reading ages rose by 14 months on average.',
];
/** Each application: the trigger, three answers and `submit`, every one answered in its thread. */
const TURNS_EACH = 1 + EVIDENCE.length + 1;
const KILLS = 6;

const rows: FaultRow[] = [];
afterAll(() => printFaultTable('Replies to the person: the app killed between the commit and the reply (real app in a child process, fake Slack on loopback)', rows));

interface ReplyPart {
  key: string;
  part: number;
  of: number;
}

/** A post of a turn's reply (its `reply:` key in the message metadata), whatever Slack answered. */
function replyPartOf(call: RecordedCall): ReplyPart | undefined {
  if (call.method !== 'chat.postMessage') return undefined;
  const metadata = call.body.metadata as { event_type?: string; event_payload?: { key?: unknown; part?: unknown; of?: unknown } } | undefined;
  const payload = metadata?.event_payload;
  if (metadata?.event_type !== 'trellis_delivery' || typeof payload?.key !== 'string' || !payload.key.startsWith('reply:')) return undefined;
  return { key: payload.key, part: Number(payload.part), of: Number(payload.of) };
}

/** The app process serving Slack now; `ready` is pending while it is being replaced. */
interface Serving {
  process: WorkerProcess;
  url: string;
  ready: Promise<void>;
}

describe('replies to the person in front of the bot survive the app being killed after the commit (004 §8.2 applications as the turns)', () => {
  it('004 §8.2: the app SIGKILLed 6× between a committed turn and its reply (before Slack had it, after Slack took part of it, after Slack took all of it, each unanswered): every reply arrives, and exactly once', async () => {
    const db = await createTestDatabase();
    const fake = await FakeSlack.start();
    const running: WorkerProcess[] = [];
    try {
      const staff: SeedPerson[] = [{ key: 'head', fullName: 'Hugh Head', role: 'headteacher' }];
      for (let i = 1; i <= TEACHERS; i++) staff.push({ key: `t${i}`, fullName: `Teacher ${i}`, role: 'teacher', lineManager: 'head' });
      const school = await seedSchool(db.prisma, 'whmat', staff);
      for (let i = 1; i <= TEACHERS; i++) await addObligation(db.prisma, school.cycles[`t${i}`]!, school.ids[`t${i}`]!, 'upr-application', '2026-10-23');
      fake.startTsAt(new Date(MOMENT));
      await addEveryoneToSlack(db.prisma, fake);
      const slackIdOf = async (key: string) => {
        const email = (await db.prisma.person.findUniqueOrThrow({ where: { id: school.ids[key]! } })).email;
        return [...fake.users.values()].find((user) => user.email === email)!.id;
      };
      const env = { DATABASE_URL: db.url, SLACK_URL: fake.url, CLOCK_AT: MOMENT };

      const first = await startAppProcess('app-1', env);
      running.push(first.process);
      const serving: Serving = { ...first, ready: Promise.resolve() };
      const signal = new Signal();
      let acked = 0;
      let driving = true;

      /** Posts one event until the app acknowledges it, as Slack retries an event not answered 200. */
      const deliver = async (envelope: Record<string, unknown>): Promise<void> => {
        for (let attempt = 0; attempt < 10; attempt++) {
          await serving.ready;
          const headers: Record<string, string> = attempt === 0 ? {} : { 'x-slack-retry-num': String(attempt), 'x-slack-retry-reason': 'http_error' };
          const status = await postEvent(serving.url, envelope, { headers }).then(
            (post) => post.status,
            () => 0,
          );
          if (status === 200) {
            acked++;
            signal.changed();
            return;
          }
        }
        throw new Error('an event was never acknowledged');
      };

      const apply = async (key: string): Promise<void> => {
        const userId = await slackIdOf(key);
        const start = dmEvent('EvReply', userId, 'threshold');
        await deliver(start.envelope);
        for (const answer of [...EVIDENCE, 'submit']) await deliver(dmEvent('EvReply', userId, answer, start.ts).envelope);
      };
      const lanes = [0, 1].map(async (lane) => {
        for (let i = lane + 1; i <= TEACHERS; i += 2) await apply(`t${i}`);
      });
      const driven = Promise.all(lanes).finally(() => {
        driving = false;
        signal.changed();
        fake.release();
      });

      let kills = 0;
      let beforeSlack = 0;
      let afterSlack = 0;
      let partWay = 0;
      while (driving && kills < KILLS) {
        const seen = fake.calls.length;
        const mode = kills % 3;
        if (mode === 0) {
          // Killed before Slack has the reply: Slack answers the reply's post 500, and the app dies while its client waits to retry.
          fake.failWhen = (call) => replyPartOf(call) !== undefined;
          await new Promise<void>((resolve) => {
            void fake.until(() => !driving || fake.calls.slice(seen).some((call) => replyPartOf(call) !== undefined && call.response.ok !== true), 120_000).then(resolve, resolve);
            void signal.until(() => !driving).then(resolve);
          });
        } else {
          // Killed after Slack took the whole reply (its last part), or only part of it (the first of several), before the app heard back.
          fake.holdWhen = (call) => {
            const part = replyPartOf(call);
            return part !== undefined && (mode === 1 ? part.part === 1 && part.of > 1 : part.part === part.of);
          };
          await new Promise<void>((resolve) => {
            void fake.until(() => !driving || fake.heldCount > 0, 120_000).then(resolve, resolve);
            void signal.until(() => !driving).then(resolve);
          });
        }
        if (!driving) break;
        let restarted: () => void = () => {};
        serving.ready = new Promise((resolve) => {
          restarted = resolve;
        });
        await serving.process.kill();
        if (mode === 0) beforeSlack++;
        else if (mode === 1) partWay++;
        else afterSlack++;
        fake.failWhen = undefined;
        fake.holdWhen = undefined;
        fake.release();
        kills++;
        const next = await startAppProcess(`app-${kills + 1}`, env);
        running.push(next.process);
        serving.process = next.process;
        serving.url = next.url;
        restarted();
      }
      await driven;
      await serving.process.kill();
      fake.failWhen = undefined;
      fake.holdWhen = undefined;

      // Each reply complete in Slack before the job engine's run: the rest would have been lost before replies were queued.
      const completeBefore = new Set(
        fake.calls.flatMap((call) => {
          const part = call.response.ok === true ? replyPartOf(call) : undefined;
          return part !== undefined && part.part === part.of ? [part.key] : [];
        }),
      );
      // The grace period passing, and two minutes for the killed processes' heartbeats: a fresh app's worker sends what is left.
      await ageKilledWorkersHeartbeats(db.prisma);
      await makeWaitingJobsDue(db.prisma);
      const app = await startSlackApp(db.url, fake, fixedClock(MOMENT));
      try {
        await runDueJobs(db.url, app.jobs);
      } finally {
        await app.close();
      }

      const queued = await db.prisma.nudgeOutbox.findMany({ where: { key: { startsWith: 'reply:' } }, orderBy: { key: 'asc' } });
      const accepted = fake.calls.filter((call) => call.response.ok === true).flatMap((call) => replyPartOf(call) ?? []);
      const copies = new Map<string, number>();
      for (const part of accepted) copies.set(`${part.key}#${part.part}`, (copies.get(`${part.key}#${part.part}`) ?? 0) + 1);
      const complete = queued.filter((row) => {
        const parts = accepted.filter((part) => part.key === row.key);
        const of = parts[0]?.of ?? 0;
        return of > 0 && Array.from({ length: of }, (_, i) => i + 1).every((n) => copies.has(`${row.key}#${n}`));
      });
      const duplicated = queued.filter((row) => [...copies.entries()].some(([part, count]) => part.startsWith(`${row.key}#`) && count > 1));
      const recovered = queued.filter((row) => !completeBefore.has(row.key)).length;
      rows.push({
        scenario: `app SIGKILLed ${kills}× after a commit (${beforeSlack} before Slack had the reply, ${partWay} after Slack took part of it, ${afterSlack} after Slack took all of it)`,
        digests: TEACHERS * TURNS_EACH,
        delivered: complete.length,
        lost: TEACHERS * TURNS_EACH - complete.length,
        duplicated: duplicated.length,
        note: `replies; ${recovered} completed by the job engine after the kills (lost without the reply queue); ${acked} events acknowledged`,
      });
      expect([beforeSlack, partWay, afterSlack]).toEqual([2, 2, 2]);
      // Replies whose send was cut off by a kill were missing from Slack until the job engine sent them.
      expect(recovered).toBeGreaterThanOrEqual(beforeSlack + partWay);
      // One reply queued per turn, each in its person's thread exactly once, all settled.
      expect(queued).toHaveLength(TEACHERS * TURNS_EACH);
      expect(queued.every((row) => row.status === 'sent')).toBe(true);
      expect(complete).toHaveLength(TEACHERS * TURNS_EACH);
      expect(duplicated).toEqual([]);
      // The 004 §8.2 applications themselves were each saved once.
      const applications = await db.prisma.payThresholdApplication.groupBy({ by: ['personId'], _count: { _all: true } });
      expect(applications.map((a) => a._count._all)).toEqual(Array.from({ length: TEACHERS }, () => 1));
    } finally {
      for (const process of running) await process.kill();
      await fake.close();
      await db.drop();
    }
  }, 300_000);
});
