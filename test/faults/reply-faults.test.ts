import { afterAll, describe, expect, it } from 'vitest';
import { FakeSlack } from '../channels/slack/support/fake-slack.ts';
import { addObligation } from '../core/conversations/support/extra-obligations.ts';
import { type SeedPerson, seedSchool } from '../support/seed-school.ts';
import { createTestDatabase } from '../support/test-database.ts';
import { type FaultRow, printFaultTable } from './support/fault-table.ts';
import { awaitKillPoint, completeInSlack, deliverUntilAcked, disarm, finishWithJobEngine, replaceKilledApp, serveFirstApp, slackUsersOf, tallyReplies } from './support/reply-kills.ts';
import { dmEvent, Signal } from './support/slack-app-events.ts';
import type { WorkerProcess } from './support/worker-processes.ts';

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

describe('replies to the person in front of the bot survive the app being killed after the commit (004 §8.2 applications as the turns)', () => {
  // A turn's reply is one post now (its messages share one Slack message), so no reply here is cut
  // off part-way: a reply of several parts (a calendar file, an upload after the words) is killed
  // part-way in calendar-part-faults and upload-part-faults.
  it('004 §8.2: the app SIGKILLed 6× between a committed turn and its reply (before Slack had it, after Slack took it, each unanswered): every reply arrives, and exactly once', async () => {
    const db = await createTestDatabase();
    const fake = await FakeSlack.start();
    const running: WorkerProcess[] = [];
    try {
      const staff: SeedPerson[] = [{ key: 'head', fullName: 'Hugh Head', role: 'headteacher' }];
      for (let i = 1; i <= TEACHERS; i++) staff.push({ key: `t${i}`, fullName: `Teacher ${i}`, role: 'teacher', lineManager: 'head' });
      const school = await seedSchool(db.prisma, 'whmat', staff);
      for (let i = 1; i <= TEACHERS; i++) await addObligation(db.prisma, school.cycles[`t${i}`]!, school.ids[`t${i}`]!, 'upr-application', '2026-10-23');
      fake.startTsAt(new Date(MOMENT));
      const slackIdOf = await slackUsersOf(db, fake, school.ids);
      const env = { DATABASE_URL: db.url, SLACK_URL: fake.url, CLOCK_AT: MOMENT };

      const serving = await serveFirstApp(running, env);
      const signal = new Signal();
      let acked = 0;
      let driving = true;

      const deliver = (envelope: Record<string, unknown>): Promise<void> =>
        deliverUntilAcked(serving, envelope, () => {
          acked++;
          signal.changed();
        });

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
      while (driving && kills < KILLS) {
        const mode = kills % 2;
        await awaitKillPoint(fake, signal, () => driving, mode === 0 ? 'before' : 'after');
        if (!driving) break;
        if (mode === 0) beforeSlack++;
        else afterSlack++;
        kills++;
        await replaceKilledApp(serving, fake, running, `app-${kills + 1}`, env);
      }
      await driven;
      await serving.process.kill();
      disarm(fake);

      // Each reply complete in Slack before the job engine's run: the rest would have been lost before replies were queued.
      const completeBefore = completeInSlack(fake);
      await finishWithJobEngine(db, fake, MOMENT);

      const queued = await db.prisma.nudgeOutbox.findMany({ where: { key: { startsWith: 'reply:' } }, orderBy: { key: 'asc' } });
      const tally = tallyReplies(
        fake,
        queued.map((row) => row.key),
      );
      const complete = queued.filter((row) => tally.complete.has(row.key));
      const duplicated = tally.duplicated;
      const recovered = queued.filter((row) => !completeBefore.has(row.key)).length;
      rows.push({
        scenario: `app SIGKILLed ${kills}× after a commit (${beforeSlack} before Slack had the reply, ${afterSlack} after Slack took it)`,
        digests: TEACHERS * TURNS_EACH,
        delivered: complete.length,
        lost: TEACHERS * TURNS_EACH - complete.length,
        duplicated: duplicated.length,
        note: `replies; ${recovered} completed by the job engine after the kills (lost without the reply queue); ${acked} events acknowledged`,
      });
      expect([beforeSlack, afterSlack]).toEqual([3, 3]);
      // Replies whose send was cut off by a kill were missing from Slack until the job engine sent them.
      expect(recovered).toBeGreaterThanOrEqual(beforeSlack);
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
