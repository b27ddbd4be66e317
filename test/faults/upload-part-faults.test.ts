import { afterAll, describe, expect, it } from 'vitest';
import { FakeSlack, type RecordedCall } from '../channels/slack/support/fake-slack.ts';
import { type SeedPerson, seedSchool } from '../support/seed-school.ts';
import { createTestDatabase } from '../support/test-database.ts';
import { lockTable } from '../support/lock-table.ts';
import { type FaultRow, printFaultTable } from './support/fault-table.ts';
import { fixture, postForm } from '../channels/slack/support/signed-requests.ts';
import { deliverUntilAcked, disarm, finishWithJobEngine, replaceKilledApp, replyPartOf, serveFirstApp, slackUsersOf, tallyReplies } from './support/reply-kills.ts';
import { dmEvent, FAULT_TEAM } from './support/slack-app-events.ts';
import type { WorkerProcess } from './support/worker-processes.ts';

/** Monday 30 November 2026, 10:00 London: each teacher asks for their records (002 §44). */
const MOMENT = '2026-11-30T10:00:00Z';
const EXPORTS = 8;
/** The files a `my-records` reply uploads after its words, in order. */
const KINDS = ['pdf', 'html', 'json'];

const rows: FaultRow[] = [];
afterAll(() => printFaultTable('A reply’s uploaded files (my-records): the app killed between the reply’s words and its uploads (real app in a child process, fake Slack on loopback)', rows));

/** The first step of an upload (asking Slack where to send the bytes), for the file of this kind. */
const uploadUrlFor = (kind: string) => (call: RecordedCall) => call.method === 'files.getUploadURLExternal' && String(call.body.filename).endsWith(`.${kind}`);
/**
 * Where each kill comes: while the files are being made (a table the records are read from locked,
 * so they can't be: the request is acknowledged all the same, since the turn only names them),
 * before any file, after Slack shared the PDF (the first file), after it shared the JSON file (the last).
 */
const POINTS = ['while making the files', 'before the files', 'after the PDF', 'after the last file'] as const;

let commands = 0;

/** `/growth my-records` as Slack posts it, with a trigger id and a response_url of its own. */
function slashCommand(fake: FakeSlack, userId: string): { fields: Record<string, string>; trigger: string } {
  const trigger = `trig.rec.${++commands}`;
  const body = fixture<Record<string, string>>('slack_slash_command.json');
  delete body.enterprise_id;
  delete body.enterprise_name;
  return { trigger, fields: { ...body, team_id: FAULT_TEAM, command: '/growth', text: 'my-records', user_id: userId, channel_id: 'C2147483705', trigger_id: trigger, response_url: `${fake.url}/respond/${trigger}` } };
}

interface Outcome {
  kills: Map<(typeof POINTS)[number], number>;
  /** How many of each teacher's files of each kind Slack shows in their DM. */
  copies: number[];
  byEngine: number;
  replies: number;
  sent: boolean;
  /** Replies whose words are shown whole, and those with a message shown twice (a saved reply's part; a slash command's first message, ephemeral or in the DM). */
  complete: number;
  twice: number;
}

/**
 * Six teachers ask for their records, typed in the DM or as `/growth my-records`, the app SIGKILLed
 * at each point twice (the PDF's first step answered 500 and the client waiting to retry; or Slack
 * sharing the PDF, or the last file, and never answering); then the job engine finishes.
 */
async function run(how: 'typed' | 'slash'): Promise<Outcome> {
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
    const triggers: string[] = [];

    const kills = new Map<(typeof POINTS)[number], number>(POINTS.map((point) => [point, 0]));
    const dms: string[] = [];
    for (let i = 1; i <= EXPORTS; i++) {
      const userId = await slackIdOf(`t${i}`);
      dms.push(`D${userId}`);
      const seen = fake.calls.length;
      const point = POINTS[(i - 1) % POINTS.length]!;
      const shared = (count: number) => fake.sharedFiles.filter((share) => share.channel === `D${userId}`).length >= count;
      const lock = point === 'while making the files' ? await lockTable(db.url, 'diary_entries') : undefined;
      if (point === 'before the files') fake.failWhen = uploadUrlFor('pdf');
      else if (point !== 'while making the files') fake.holdWhen = (call) => call.method === 'files.completeUploadExternal' && shared(point === 'after the PDF' ? 1 : KINDS.length);
      if (how === 'typed') await deliverUntilAcked(serving, dmEvent('EvRec', userId, 'my-records').envelope, () => {});
      else {
        // Acknowledged once its answer is saved; the answer and the files follow.
        const { fields, trigger } = slashCommand(fake, userId);
        triggers.push(trigger);
        expect((await postForm(serving.url, fields)).status).toBe(200);
      }
      if (point !== 'while making the files') await fake.until(() => (point === 'before the files' ? fake.calls.slice(seen).some(uploadUrlFor('pdf')) : fake.heldCount > 0), 60_000);
      kills.set(point, (kills.get(point) ?? 0) + 1);
      await replaceKilledApp(serving, fake, running, `app-${i + 1}`, env);
      if (lock !== undefined) {
        // Acknowledged and killed while the files could not be made: Slack has nothing of the reply yet.
        expect(fake.calls.slice(seen).filter((call) => call.method.startsWith('files.') || replyPartOf(call) !== undefined)).toEqual([]);
        await lock.release();
      }
    }
    await serving.process.kill();
    disarm(fake);
    fake.release();

    const sharedBefore = fake.sharedFiles.length;
    await finishWithJobEngine(db, fake, MOMENT);

    const queued = await db.prisma.nudgeOutbox.findMany({ where: { key: { startsWith: 'reply:' } } });
    const copies = dms.flatMap((dm) => KINDS.map((kind) => fake.sharedFiles.filter((share) => share.channel === dm).flatMap((share) => share.files).filter((file) => file.name.endsWith(`.${kind}`)).length));
    const words = (() => {
      if (how === 'typed') {
        const tally = tallyReplies(
          fake,
          queued.map((row) => row.key),
        );
        return { complete: tally.complete.size, twice: tally.duplicated.length };
      }
      // A slash command's answer: its first message shown ephemerally (by its response_url) or in the DM (part 1 under its key).
      const shows = triggers.map((trigger) => {
        const key = queued.find((row) => row.key.endsWith(`:command:${trigger}`))?.key;
        const ephemeral = fake.responses.filter((call) => call.method === `/respond/${trigger}` && String(call.body.text).includes('everything Trellis holds about you')).length;
        const inDm = fake.calls.filter((call) => call.response.ok === true && replyPartOf(call)?.key === key && replyPartOf(call)?.part === 1).length;
        return ephemeral + inDm;
      });
      return { complete: shows.filter((count) => count > 0).length, twice: shows.filter((count) => count > 1).length };
    })();
    return { kills, copies, byEngine: fake.sharedFiles.length - sharedBefore, replies: queued.length, sent: queued.every((row) => row.status === 'sent'), ...words };
  } finally {
    for (const process of running) await process.kill();
    await fake.close();
    await db.drop();
  }
}

function rowOf(how: string, outcome: Outcome): FaultRow {
  const { kills, copies } = outcome;
  return {
    scenario: `app SIGKILLed ${EXPORTS}× in a ${how} reply (${kills.get('while making the files')} acknowledged and still making its files; ${kills.get('before the files')} after its words and before its files, Slack answering the PDF 500; ${kills.get('after the PDF')} after Slack shared the PDF and ${kills.get('after the last file')} after it shared the last file, unanswered)`,
    digests: copies.length,
    delivered: copies.filter((count) => count > 0).length,
    lost: copies.filter((count) => count === 0).length,
    duplicated: copies.filter((count) => count > 1).length,
    note: `files (${EXPORTS} replies × ${KINDS.length}); ${outcome.byEngine} uploaded by the job engine after the kills; ${outcome.replies} replies, ${outcome.complete} with every message, ${outcome.twice} with a message shown twice`,
  };
}

describe('a reply’s uploaded files survive the app being killed between the reply’s words and its files (002 §44 my-records as the turns)', () => {
  it('002 §44: the app SIGKILLed 8× as a `my-records` reply typed in the DM was sent (twice acknowledged while its files could not yet be made, twice after its words and before any file, twice after Slack shared its PDF, twice after Slack shared its last file, each unanswered): each teacher has each file once, 0 lost, 0 duplicated', async () => {
    const outcome = await run('typed');
    rows.push(rowOf('`my-records` (typed in the DM)', outcome));
    expect([...outcome.kills.values()]).toEqual([2, 2, 2, 2]);
    expect(outcome.copies).toEqual(outcome.copies.map(() => 1));
    // The job engine made and uploaded what was missing: all three files after a kill while making them or before them, the web page and the JSON file after one past the PDF, nothing after one past the last file.
    expect(outcome.byEngine).toBe(2 * KINDS.length + 2 * KINDS.length + 2 * (KINDS.length - 1));
    expect([outcome.replies, outcome.complete, outcome.twice, outcome.sent]).toEqual([EXPORTS, EXPORTS, 0, true]);
  }, 300_000);

  it('002 §44: the same kills in `/growth my-records` (acknowledged before its files are made, its answer ephemeral, its files in the DM with no numbered part before them): each file once, 0 lost, 0 duplicated; the ephemeral answer shown again is the counted floor', async () => {
    const outcome = await run('slash');
    rows.push(rowOf('`/growth my-records`', outcome));
    expect([...outcome.kills.values()]).toEqual([2, 2, 2, 2]);
    expect(outcome.copies).toEqual(outcome.copies.map(() => 1));
    expect(outcome.byEngine).toBe(2 * KINDS.length + 2 * KINDS.length + 2 * (KINDS.length - 1));
    expect([outcome.replies, outcome.complete, outcome.sent]).toEqual([EXPORTS, EXPORTS, true]);
  }, 300_000);
});
