import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { applyMigrations } from '../../src/storage/db/apply-migrations.ts';
import { createPrismaClient } from '../../src/storage/db/create-prisma-client.ts';
import { type EmbeddedDatabase, type EmbeddedDatabaseOptions, startEmbeddedDatabase } from '../../src/storage/db/embedded-database.ts';
import { findFreePort } from '../../src/storage/db/find-free-port.ts';
import { FakeSlack } from '../channels/slack/support/fake-slack.ts';
import { postEvent } from '../channels/slack/support/signed-requests.ts';
import { type SeedPerson, seedSchool } from '../support/seed-school.ts';
import type { TestDatabase } from '../support/test-database.ts';
import { type FaultRow, printFaultTable } from './support/fault-table.ts';
import { deliverUntilAcked, replyPartOf, serveFirstApp, slackUsersOf, tallyReplies } from './support/reply-kills.ts';
import { dmEvent } from './support/slack-app-events.ts';
import type { WorkerProcess } from './support/worker-processes.ts';

/** Monday 5 October 2026, a school day in the 2026/27 cycle. */
const MOMENT = '2026-10-05T09:00:00Z';
const PEOPLE = ['t1', 't2', 't3', 't4'];
/** Each person's growth-diary lines: the first before the outage, the second typed while PostgreSQL is stopped, the third after. */
const LINES = ['planned a practical for 10B', 'asked better questions in 8A', 'tried cold calling with 9C'];

const rows: FaultRow[] = [];
afterAll(() => printFaultTable('Messages to the bot: PostgreSQL stopped and restarted under the app (real app in a child process, its own PostgreSQL, fake Slack on loopback)', rows));

/** One status per GET, 0 when nothing answered. */
const statusOf = (url: string): Promise<number> =>
  fetch(url).then(
    (response) => response.status,
    () => 0,
  );

describe('messages typed while PostgreSQL is stopped are saved once after it restarts, from Slack’s retries', () => {
  it('PostgreSQL stopped while 4 people write growth-diary lines: each message typed meanwhile is refused (non-200, so Slack retries), and after the restart every line is saved once and answered once', async () => {
    // Its own server: stopping the shared test server would break every other file of the run.
    const dir = mkdtempSync(join(tmpdir(), 'trellis-pg-restart-'));
    // As root PostgreSQL runs as the `postgres` user, which must reach the data folder.
    chmodSync(dir, 0o755);
    const options: EmbeddedDatabaseOptions = { dataDir: join(dir, 'data'), port: await findFreePort(), unsafeFast: true };
    let server: EmbeddedDatabase | undefined = await startEmbeddedDatabase(options);
    const prisma = createPrismaClient(server.url);
    const db: TestDatabase = { name: 'trellis', url: server.url, prisma, drop: async () => {} };
    const fake = await FakeSlack.start();
    const running: WorkerProcess[] = [];
    try {
      await applyMigrations(server.url);
      const staff: SeedPerson[] = [{ key: 'head', fullName: 'Hana Head', role: 'headteacher' }, ...PEOPLE.map((key, i) => ({ key, fullName: `Teacher ${i + 1}`, role: 'teacher' as const, lineManager: 'head' }))];
      const school = await seedSchool(prisma, 'thomas-alleyne', staff);
      fake.startTsAt(new Date(MOMENT));
      const slackIdOf = await slackUsersOf(db, fake, school.ids);
      const serving = await serveFirstApp(running, { DATABASE_URL: server.url, SLACK_URL: fake.url, CLOCK_AT: MOMENT });
      const ids = Object.fromEntries(await Promise.all(PEOPLE.map(async (key) => [key, await slackIdOf(key)] as const)));
      const repliesSettled = async (): Promise<string[]> => {
        const queued = await prisma.nudgeOutbox.findMany({ where: { key: { startsWith: 'reply:' } }, orderBy: { key: 'asc' } });
        return queued.every((row) => row.status === 'sent') && tallyReplies(fake, queued.map((row) => row.key)).complete.size === queued.length ? queued.map((row) => row.key) : [];
      };
      const untilReplied = async (count: number): Promise<void> => {
        // The app's worker posts each reply after its turn: wait on Slack's calls, then check the database.
        for (let attempt = 0; attempt < 100 && (await repliesSettled()).length < count; attempt++) {
          const seen = fake.calls.length;
          await fake.until(() => fake.calls.length > seen, 10_000).catch(() => undefined);
        }
      };
      let acked = 0;
      const acknowledged = (): void => {
        acked++;
      };

      // Before the outage: each person's first line, answered.
      const sent: { key: string; ts: string }[] = [];
      const typed = (key: string, line: string): Record<string, unknown> => {
        const message = dmEvent('EvRestart', ids[key]!, `log ${line}`);
        sent.push({ key, ts: message.ts });
        return message.envelope;
      };
      await Promise.all(PEOPLE.map((key) => deliverUntilAcked(serving, typed(key, LINES[0]!), acknowledged)));
      await untilReplied(PEOPLE.length);
      expect(await repliesSettled()).toHaveLength(PEOPLE.length);

      // PostgreSQL stops under the running app; the lines typed now are each refused, so Slack will retry them.
      await server.stop();
      server = undefined;
      const postsBeforeOutage = fake.calls.length;
      const typedDuringOutage = PEOPLE.map((key) => typed(key, LINES[1]!));
      const refused = await Promise.all(typedDuringOutage.map((envelope) => postEvent(serving.url, envelope).then((post) => post.status)));
      expect(refused.every((status) => status >= 500)).toBe(true);
      // The app is still up and says it is not ready (its database is gone).
      expect(await statusOf(`${serving.url}/readyz`)).toBe(503);
      // Nothing was answered for the refused lines: the person sees no reply to a message not saved.
      const postsDuringOutage = fake.calls.slice(postsBeforeOutage).filter((call) => call.method === 'chat.postMessage');
      expect(postsDuringOutage).toEqual([]);

      // PostgreSQL starts again on the same data folder and port; the app's pools reconnect by themselves.
      server = await startEmbeddedDatabase(options);
      // Asked again as soon as it answers, until it is ready or 30 s have gone by.
      const giveUp = Date.now() + 30_000;
      while ((await statusOf(`${serving.url}/readyz`)) !== 200 && Date.now() < giveUp);
      expect(await statusOf(`${serving.url}/readyz`)).toBe(200);

      // Slack's retries of the refused events (same event ids), then each person's next line.
      const retried = await Promise.all(
        typedDuringOutage.map((envelope) => postEvent(serving.url, envelope, { headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_error' } }).then((post) => post.status)),
      );
      expect(retried).toEqual(PEOPLE.map(() => 200));
      await Promise.all(PEOPLE.map((key) => deliverUntilAcked(serving, typed(key, LINES[2]!), acknowledged)));
      const due = PEOPLE.length * LINES.length;
      await untilReplied(due);

      const queued = await prisma.nudgeOutbox.findMany({ where: { key: { startsWith: 'reply:' } }, orderBy: { key: 'asc' } });
      const tally = tallyReplies(
        fake,
        queued.map((row) => row.key),
      );
      const diary = await prisma.diaryEntry.groupBy({ by: ['personId'], _count: { _all: true } });
      const savedBy = new Map(diary.map((group) => [group.personId, group._count._all]));
      const saved = PEOPLE.map((key) => savedBy.get(school.ids[key]!) ?? 0);
      // Each message's thread in Slack: the saved replies posted there (a reply may be several posts, one key).
      const repliesIn = (ts: string): number => new Set(fake.callsOf('chat.postMessage').flatMap((call) => (call.response.ok === true && call.body.thread_ts === ts ? (replyPartOf(call)?.key ?? []) : []))).size;
      const answered = sent.map((message) => repliesIn(message.ts));
      const extraSaved = saved.reduce((sum, n) => sum + Math.max(0, n - LINES.length), 0);
      rows.push({
        scenario: `PostgreSQL stopped and restarted while ${PEOPLE.length} people wrote growth-diary lines (${typedDuringOutage.length} lines typed while it was stopped)`,
        digests: due,
        delivered: answered.filter((n) => n === 1).length,
        lost: answered.filter((n) => n === 0).length + saved.reduce((sum, n) => sum + Math.max(0, LINES.length - n), 0),
        duplicated: tally.duplicated.length + answered.filter((n) => n > 1).length + extraSaved,
        note: `messages saved and answered; ${refused.length} refused with ${[...new Set(refused)].join('/')} while stopped and saved from Slack's retry after the restart (readyz 200 again); ${acked + retried.length} events acknowledged`,
      });
      // Each message got exactly one reply, in its own thread.
      expect(answered).toEqual(sent.map(() => 1));
      // Every line saved exactly once, by its person.
      expect(saved).toEqual(PEOPLE.map(() => LINES.length));
      for (const key of PEOPLE) {
        const texts = (await prisma.diaryEntry.findMany({ where: { personId: school.ids[key]! }, orderBy: { createdAt: 'asc' } })).map((entry) => entry.body);
        expect(texts.toSorted()).toEqual(LINES.toSorted());
      }
      // Each event handled once (the retry is the same event id), and each turn answered once in Slack.
      expect(await prisma.processedInbound.count({ where: { messageId: { startsWith: 'EvRestart' } } })).toBe(due);
      expect(queued).toHaveLength(due);
      expect(queued.every((row) => row.status === 'sent')).toBe(true);
      expect(tally.complete.size).toBe(due);
      expect(tally.duplicated).toEqual([]);
    } finally {
      for (const process of running) await process.kill();
      await fake.close();
      await prisma.$disconnect();
      await server?.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 110_000);
});
