import { afterAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/time/clock.ts';
import { runDueJobs } from '../../src/scheduler/job-worker.ts';
import { FakeSlack, type RecordedCall } from '../channels/slack/support/fake-slack.ts';
import { postEvent } from '../channels/slack/support/signed-requests.ts';
import { addObligation } from '../core/conversations/support/extra-obligations.ts';
import { makeWaitingJobsDue } from '../core/reminders/support/job-runs.ts';
import { type SeedPerson, seedSchool } from '../support/seed-school.ts';
import { createTestDatabase } from '../support/test-database.ts';
import { countFaults, type EdgeDelivery } from './support/delivery-edge.ts';
import { type FaultRow, printFaultTable } from './support/fault-table.ts';
import { dmEvent as dmEventOf, Signal, startAppProcess } from './support/slack-app-events.ts';
import { addEveryoneToSlack, startSlackApp } from './support/slack-world.ts';
import { ageKilledWorkersHeartbeats, seededRandom, type WorkerProcess } from './support/worker-processes.ts';

const dmEvent = (userId: string, text: string, threadTs?: string) => dmEventOf('EvNotify', userId, text, threadTs);

/** Monday 5 October 2026: WHMAT's upper pay range business cases are due by October half term (004 §8.2). */
const MOMENT = '2026-10-05T09:00:00Z';
const TEACHERS = 8;
const EVIDENCE = [
  'Observations, work scrutiny and pupil voice all show consistently strong teaching across the standards.',
  'Led two CPD sessions on retrieval practice and completed the NPQ in curriculum and assessment.',
  'Ran the Year 9 reading intervention for two years: reading ages rose by 14 months on average.',
];

const rows: FaultRow[] = [];
afterAll(() => printFaultTable('Notifications from turns: the app killed mid-turn and mid-delivery, Slack’s retries replayed (real app in a child process, fake Slack on loopback)', rows));

/** The app process serving Slack now; `ready` is pending while it is being replaced. */
interface Serving {
  process: WorkerProcess;
  url: string;
  ready: Promise<void>;
}

/** Each notification Slack accepted into the head's DM, by its delivery key (the first message of each). */
function notificationsTo(fake: FakeSlack, channel: string): EdgeDelivery[] {
  return fake.callsOf('chat.postMessage').flatMap((call: RecordedCall) => {
    const metadata = call.body.metadata as { event_type?: string; event_payload?: { key?: unknown; part?: unknown } } | undefined;
    const key = metadata?.event_payload?.key;
    const ours = call.response.ok === true && call.body.channel === channel && metadata?.event_type === 'trellis_delivery' && metadata.event_payload?.part === 1;
    return ours && typeof key === 'string' && key.startsWith('notify:') ? [{ kind: 'notification' as const, key, email: channel, worker: '' }] : [];
  });
}

describe('notifications from turns survive the app being killed (004 §8.2: each teacher’s upper pay range application tells the head)', () => {
  it('004 §8.2: the app SIGKILLed at random points in turns and in deliveries, Slack’s retries replayed: every application saved once, the head told of each once', async () => {
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
      const headDm = `D${await slackIdOf('head')}`;
      const env = { DATABASE_URL: db.url, SLACK_URL: fake.url, CLOCK_AT: MOMENT };

      const first = await startAppProcess('app-1', env);
      running.push(first.process);
      const serving: Serving = { ...first, ready: Promise.resolve() };
      const signal = new Signal();
      let acked = 0;
      let failedPosts = 0;
      let driving = true;
      const attemptsPerEvent: number[] = [];

      /** Posts one event until the app acknowledges it, as Slack retries (with X-Slack-Retry-Num) an event not answered 200. */
      const deliver = async (envelope: Record<string, unknown>): Promise<void> => {
        for (let attempt = 0; attempt < 10; attempt++) {
          await serving.ready;
          const headers: Record<string, string> = attempt === 0 ? {} : { 'x-slack-retry-num': String(attempt), 'x-slack-retry-reason': 'http_error' };
          const status = await postEvent(serving.url, envelope, { headers }).then(
            (post) => post.status,
            // The connection was cut (the app was killed): Slack retries.
            () => 0,
          );
          if (status === 200) {
            attemptsPerEvent.push(attempt + 1);
            acked++;
            signal.changed();
            return;
          }
          failedPosts++;
        }
        throw new Error('an event was never acknowledged');
      };

      /** One teacher's application, one event at a time, each sent once acknowledged (as a person waits for the bot). */
      const apply = async (key: string): Promise<void> => {
        const userId = await slackIdOf(key);
        const start = dmEvent(userId, 'threshold');
        await deliver(start.envelope);
        for (const answer of [...EVIDENCE, 'submit']) await deliver(dmEvent(userId, answer, start.ts).envelope);
      };

      // Two lanes of four teachers, so turns and deliveries overlap while the app is killed.
      const lanes = [0, 1].map(async (lane) => {
        for (let i = lane + 1; i <= TEACHERS; i += 2) await apply(`t${i}`);
      });
      const driven = Promise.all(lanes).finally(() => {
        driving = false;
        signal.changed();
        fake.release();
      });

      const random = seededRandom(20261130);
      let kills = 0;
      let midDelivery = 0;
      while (driving && kills < 6) {
        if (kills % 2 === 0) {
          // A random point in the turns: just as a later event is acknowledged, with the other lane's turn in flight.
          const target = acked + 1 + Math.floor(random() * 4);
          await signal.until(() => !driving || acked >= target);
        } else {
          // A random point in a delivery: Slack has taken a notification to the head, and the app never hears so.
          fake.holdWhen = (call) => call.method === 'chat.postMessage' && call.body.channel === headDm;
          await new Promise<void>((resolve) => {
            void fake.until(() => !driving || fake.heldCount > 0, 120_000).then(resolve, resolve);
            void signal.until(() => !driving).then(resolve);
          });
          if (fake.heldCount > 0) midDelivery++;
        }
        if (!driving) break;
        let restarted: () => void = () => {};
        serving.ready = new Promise((resolve) => {
          restarted = resolve;
        });
        await serving.process.kill();
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
      fake.holdWhen = undefined;
      // Two minutes passing for the killed processes' heartbeats; the next app's worker releases their jobs and runs what is left.
      await ageKilledWorkersHeartbeats(db.prisma);
      await makeWaitingJobsDue(db.prisma);
      const app = await startSlackApp(db.url, fake, fixedClock(MOMENT));
      try {
        await runDueJobs(db.url, app.jobs);
      } finally {
        await app.close();
      }

      const queued = await db.prisma.nudgeOutbox.findMany({ where: { recipientId: school.ids.head!, key: { startsWith: 'notify:' } }, orderBy: { key: 'asc' } });
      const counted = countFaults(
        queued.map((row) => row.key),
        notificationsTo(fake, headDm),
      );
      const applications = await db.prisma.payThresholdApplication.groupBy({ by: ['personId'], _count: { _all: true } });
      rows.push({
        scenario: `app SIGKILLed ${kills}× (${kills - midDelivery} mid-turn, ${midDelivery} after Slack took a notification), ${failedPosts} events retried`,
        digests: TEACHERS,
        delivered: counted.delivered,
        lost: counted.lost + (TEACHERS - queued.length),
        duplicated: counted.duplicated,
        note: `notifications; ${applications.length} of ${TEACHERS} applications saved, ${applications.filter((a) => a._count._all > 1).length} twice; at most ${Math.max(...attemptsPerEvent)} attempts an event`,
      });
      expect(kills).toBeGreaterThanOrEqual(4);
      expect(midDelivery).toBeGreaterThanOrEqual(1);
      expect(failedPosts).toBeGreaterThanOrEqual(1);
      // Slack gives up after three retries: every event got through within them.
      expect(Math.max(...attemptsPerEvent)).toBeLessThanOrEqual(4);
      // 0 records lost or duplicated: one application per teacher.
      expect(applications.map((a) => [a.personId, a._count._all]).sort()).toEqual(Array.from({ length: TEACHERS }, (_, i) => [school.ids[`t${i + 1}`]!, 1]).sort());
      // 0 notifications lost or duplicated: one queued per application, each in the head's DM exactly once.
      expect(queued).toHaveLength(TEACHERS);
      expect(queued.every((row) => row.status === 'sent')).toBe(true);
      expect(counted).toMatchObject({ delivered: TEACHERS, lost: 0, duplicated: 0 });
    } finally {
      for (const process of running) await process.kill();
      await fake.close();
      await db.drop();
    }
  }, 300_000);
});
