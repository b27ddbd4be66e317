import { afterAll, describe, expect, it } from 'vitest';
import { DIGEST_ACTION } from '../../src/channels/slack/render-views.ts';
import { FakeSlack } from '../channels/slack/support/fake-slack.ts';
import { postInteraction } from '../channels/slack/support/signed-requests.ts';
import { createTestDatabase } from '../support/test-database.ts';
import { type FaultRow, printFaultTable } from './support/fault-table.ts';
import { awaitKillPoint, checkInSchool, completeInSlack, deliverUntilAcked, disarm, finishWithJobEngine, replaceKilledApp, serveFirstApp, tallyReplies } from './support/reply-kills.ts';
import { dmEvent, FAULT_TEAM, Signal } from './support/slack-app-events.ts';
import type { WorkerProcess } from './support/worker-processes.ts';

/** Monday 23 November 2026, 10:00 London. */
const MOMENT = '2026-11-23T10:00:00Z';
const TEACHERS = 6;
/** `status` typed by each teacher this many times; the head presses Done once on each teacher's check-in. */
const STATUS_EACH = 2;
const KILLS = 4;

const rows: FaultRow[] = [];
afterAll(() => printFaultTable('Replies to commands and reminder buttons: the app killed between the commit and the reply (real app in a child process, fake Slack on loopback)', rows));

let presses = 0;

/** A press of a digest's Done button in the person's DM, as Slack posts it (block_actions). */
function donePress(userId: string, value: string): { payload: Record<string, unknown>; triggerId: string } {
  const triggerId = `trig.${userId}.${++presses}`;
  return {
    triggerId,
    payload: {
      type: 'block_actions',
      user: { id: userId, team_id: FAULT_TEAM },
      team: { id: FAULT_TEAM },
      enterprise: null,
      trigger_id: triggerId,
      channel: { id: `D${userId}`, name: 'directmessage' },
      message: { type: 'message', ts: '1800000000.000001', text: 'Your reminders', blocks: [] },
      actions: [{ action_id: `${DIGEST_ACTION}done`, block_id: 'b1', text: { type: 'plain_text', text: 'Done' }, value, type: 'button', action_ts: '1800000000.1' }],
    },
  };
}

describe('replies to commands and reminder buttons survive the app being killed after the commit', () => {
  it('the app SIGKILLed 4× between a committed `status` or Done and its reply (before Slack had it, after Slack took it, unanswered): every reply arrives, and exactly once', async () => {
    const db = await createTestDatabase();
    const fake = await FakeSlack.start();
    const running: WorkerProcess[] = [];
    try {
      const { school, slackIdOf, env } = await checkInSchool(db, fake, TEACHERS, MOMENT);

      const serving = await serveFirstApp(running, env);
      const signal = new Signal();
      /** The saved reply each acknowledged request must have: `reply:slack:<team>:<message id>`. */
      const answered: string[] = [];
      let repressed = 0;
      let driving = true;

      const deliver = (envelope: Record<string, unknown>): Promise<void> =>
        deliverUntilAcked(serving, envelope, () => {
          answered.push(`reply:slack:${FAULT_TEAM}:${String(envelope.event_id)}`);
          signal.changed();
        });

      /** Slack does not retry a button press: a press that fails is pressed again by the person (a new trigger). */
      const press = async (userId: string, value: string): Promise<void> => {
        for (let attempt = 0; attempt < 10; attempt++) {
          await serving.ready;
          const { payload, triggerId } = donePress(userId, value);
          const status = await postInteraction(serving.url, payload).then(
            (post) => post.status,
            () => 0,
          );
          if (status === 200) {
            answered.push(`reply:slack:${FAULT_TEAM}:action:${triggerId}`);
            signal.changed();
            return;
          }
          repressed++;
        }
        throw new Error('a press was never acknowledged');
      };

      const statuses = (async () => {
        for (let round = 0; round < STATUS_EACH; round++) for (let i = 1; i <= TEACHERS; i++) await deliver(dmEvent('EvStatus', await slackIdOf(`t${i}`), 'status').envelope);
      })();
      const dones = (async () => {
        const head = await slackIdOf('head');
        for (let i = 1; i <= TEACHERS; i++) {
          const key = (await db.prisma.obligation.findFirstOrThrow({ where: { personId: school.ids[`t${i}`]!, kind: 'check-in' } })).key;
          await press(head, `done:${key}`);
        }
      })();
      const driven = Promise.all([statuses, dones]).finally(() => {
        driving = false;
        signal.changed();
        fake.release();
      });

      let kills = 0;
      let beforeSlack = 0;
      let afterSlack = 0;
      while (driving && kills < KILLS) {
        const before = kills % 2 === 0;
        await awaitKillPoint(fake, signal, () => driving, before ? 'before' : 'after');
        if (!driving) break;
        if (before) beforeSlack++;
        else afterSlack++;
        kills++;
        await replaceKilledApp(serving, fake, running, `app-${kills + 1}`, env);
      }
      await driven;
      await serving.process.kill();
      disarm(fake);

      const completeBefore = completeInSlack(fake);
      await finishWithJobEngine(db, fake, MOMENT);

      const queued = await db.prisma.nudgeOutbox.findMany({ where: { key: { startsWith: 'reply:' } }, orderBy: { key: 'asc' } });
      const { complete: completeKeys, duplicated: duplicatedKeys } = tallyReplies(
        fake,
        queued.map((row) => row.key),
      );
      const lost = answered.filter((key) => !completeKeys.has(key));
      const duplicated = duplicatedKeys;
      const recovered = queued.filter((row) => !completeBefore.has(row.key)).length;
      rows.push({
        scenario: `app SIGKILLed ${kills}× after a commit (${beforeSlack} before Slack had the reply, ${afterSlack} after Slack took it): \`status\` typed ${TEACHERS * STATUS_EACH}×, Done pressed on ${TEACHERS} check-ins`,
        digests: answered.length,
        delivered: answered.length - lost.length,
        lost: lost.length,
        duplicated: duplicated.length,
        note: `replies; ${recovered} completed by the job engine after the kills (lost without saving them); ${repressed} presses pressed again`,
      });
      expect([beforeSlack, afterSlack]).toEqual([2, 2]);
      expect(recovered).toBeGreaterThanOrEqual(beforeSlack);
      // Every acknowledged command and press answered, once; every saved reply settled.
      expect(answered.length).toBe(TEACHERS * STATUS_EACH + TEACHERS);
      expect(lost).toEqual([]);
      expect(duplicated).toEqual([]);
      expect(queued.every((row) => row.status === 'sent')).toBe(true);
      expect(completeKeys.size).toBe(queued.length);
      // Each check-in marked done once, whichever press did it.
      const checkIns = await db.prisma.obligation.findMany({ where: { kind: 'check-in', personId: { in: Object.values(school.ids) } } });
      expect(checkIns.map((row) => row.status)).toEqual(Array.from({ length: TEACHERS }, () => 'done'));
      expect(await db.prisma.auditEvent.count({ where: { action: 'obligation.done' } })).toBe(TEACHERS);
    } finally {
      for (const process of running) await process.kill();
      await fake.close();
      await db.drop();
    }
  }, 300_000);
});
