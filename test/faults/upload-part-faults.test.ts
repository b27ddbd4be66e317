import { afterAll, describe, expect, it } from 'vitest';
import { FakeSlack, type RecordedCall } from '../channels/slack/support/fake-slack.ts';
import { type SeedPerson, seedSchool } from '../support/seed-school.ts';
import { createTestDatabase } from '../support/test-database.ts';
import { type FaultRow, printFaultTable } from './support/fault-table.ts';
import { deliverUntilAcked, disarm, finishWithJobEngine, replaceKilledApp, serveFirstApp, slackUsersOf, tallyReplies } from './support/reply-kills.ts';
import { dmEvent } from './support/slack-app-events.ts';
import type { WorkerProcess } from './support/worker-processes.ts';

/** Monday 30 November 2026, 10:00 London: each teacher asks for their records (002 §44). */
const MOMENT = '2026-11-30T10:00:00Z';
const EXPORTS = 6;
/** The files a `my-records` reply uploads after its words, in order. */
const KINDS = ['pdf', 'html', 'json'];

const rows: FaultRow[] = [];
afterAll(() => printFaultTable('A reply’s uploaded files (my-records): the app killed between the reply’s words and its uploads (real app in a child process, fake Slack on loopback)', rows));

/** The first step of an upload (asking Slack where to send the bytes), for the file of this kind. */
const uploadUrlFor = (kind: string) => (call: RecordedCall) => call.method === 'files.getUploadURLExternal' && String(call.body.filename).endsWith(`.${kind}`);
/** Where each kill comes: before any file, after Slack shared the PDF (the first file), after it shared the JSON file (the last). */
const POINTS = ['before the files', 'after the PDF', 'after the last file'] as const;

describe('a reply’s uploaded files survive the app being killed between the reply’s words and its files (002 §44 my-records as the turns)', () => {
  it('002 §44: the app SIGKILLed 6× as a `my-records` reply was sent (twice after its words and before any file, twice after Slack shared its PDF, twice after Slack shared its last file, each unanswered): each teacher has each file once, 0 lost, 0 duplicated', async () => {
    const db = await createTestDatabase();
    const fake = await FakeSlack.start();
    const running: WorkerProcess[] = [];
    try {
      const staff: SeedPerson[] = [{ key: 'head', fullName: 'Hana Head', role: 'headteacher' }];
      for (let i = 1; i <= EXPORTS; i++) staff.push({ key: `t${i}`, fullName: `Teacher ${i}`, role: 'teacher', lineManager: 'head' });
      const school = await seedSchool(db.prisma, 'thomas-alleyne', staff);
      fake.startTsAt(new Date(MOMENT));
      const slackIdOf = await slackUsersOf(db, fake, school.ids);
      const env = { DATABASE_URL: db.url, SLACK_URL: fake.url, CLOCK_AT: MOMENT };
      const serving = await serveFirstApp(running, env);
      const deliver = (envelope: Record<string, unknown>) => deliverUntilAcked(serving, envelope, () => {});

      const kills = new Map<(typeof POINTS)[number], number>(POINTS.map((point) => [point, 0]));
      const dms: string[] = [];
      for (let i = 1; i <= EXPORTS; i++) {
        const userId = await slackIdOf(`t${i}`);
        dms.push(`D${userId}`);
        const seen = fake.calls.length;
        const point = POINTS[(i - 1) % POINTS.length]!;
        // Slack answers the PDF's first step 500 (the client waits to retry), or shares the PDF (or the last file) and never answers.
        const shared = (count: number) => fake.sharedFiles.filter((share) => share.channel === `D${userId}`).length >= count;
        if (point === 'before the files') fake.failWhen = uploadUrlFor('pdf');
        else fake.holdWhen = (call) => call.method === 'files.completeUploadExternal' && shared(point === 'after the PDF' ? 1 : KINDS.length);
        await deliver(dmEvent('EvRec', userId, 'my-records').envelope);
        await fake.until(() => (point === 'before the files' ? fake.calls.slice(seen).some(uploadUrlFor('pdf')) : fake.heldCount > 0), 60_000);
        kills.set(point, (kills.get(point) ?? 0) + 1);
        await replaceKilledApp(serving, fake, running, `app-${i + 1}`, env);
      }
      await serving.process.kill();
      disarm(fake);
      fake.release();

      const sharedBefore = fake.sharedFiles.length;
      await finishWithJobEngine(db, fake, MOMENT);

      const queued = await db.prisma.nudgeOutbox.findMany({ where: { key: { startsWith: 'reply:' } } });
      const tally = tallyReplies(
        fake,
        queued.map((row) => row.key),
      );
      // What each teacher's DM holds of each kind of file.
      const copies = dms.flatMap((dm) => KINDS.map((kind) => fake.sharedFiles.filter((share) => share.channel === dm).flatMap((share) => share.files).filter((file) => file.name.endsWith(`.${kind}`)).length));
      const lost = copies.filter((count) => count === 0).length;
      const duplicated = copies.filter((count) => count > 1).length;
      rows.push({
        scenario: `app SIGKILLed ${EXPORTS}× in a \`my-records\` reply (${kills.get('before the files')} after its words and before its files, Slack answering the PDF 500; ${kills.get('after the PDF')} after Slack shared the PDF and ${kills.get('after the last file')} after it shared the last file, unanswered)`,
        digests: copies.length,
        delivered: copies.filter((count) => count > 0).length,
        lost,
        duplicated: duplicated + tally.duplicated.length,
        note: `files (${EXPORTS} replies × ${KINDS.length}); ${fake.sharedFiles.length - sharedBefore} uploaded by the job engine after the kills; ${queued.length} replies, ${tally.complete.size} with every message, ${tally.duplicated.length} with a message twice`,
      });
      expect([...kills.values()]).toEqual([2, 2, 2]);
      expect(copies).toEqual(copies.map(() => 1));
      // The job engine uploaded only what was missing: all three files after a kill before them, the web page and the JSON file after one past the PDF, nothing after one past the last file.
      expect(fake.sharedFiles.length - sharedBefore).toBe(2 * KINDS.length + 2 * (KINDS.length - 1));
      expect(queued).toHaveLength(EXPORTS);
      expect(tally.complete.size).toBe(EXPORTS);
      expect(tally.duplicated).toEqual([]);
      expect(queued.every((row) => row.status === 'sent')).toBe(true);
    } finally {
      for (const process of running) await process.kill();
      await fake.close();
      await db.drop();
    }
  }, 300_000);
});
