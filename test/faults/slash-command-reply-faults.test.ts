import { afterAll, describe, expect, it } from 'vitest';
import { FakeSlack } from '../channels/slack/support/fake-slack.ts';
import { fixture, postForm } from '../channels/slack/support/signed-requests.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { type FaultRow, printFaultTable } from './support/fault-table.ts';
import { checkInSchool, disarm, finishWithJobEngine, replaceKilledApp, replyPartOf, serveFirstApp } from './support/reply-kills.ts';
import { FAULT_TEAM, Signal } from './support/slack-app-events.ts';
import type { WorkerProcess } from './support/worker-processes.ts';

/** Monday 23 November 2026, 10:00 London. */
const MOMENT = '2026-11-23T10:00:00Z';
const TEACHERS = 6;
/** `/growth status` typed by each teacher this many times. */
const STATUS_EACH = 2;

const rows: FaultRow[] = [];
afterAll(() => printFaultTable('Slash-command answers: the app killed after the commit, Slack failing the response_url (real app in a child process, fake Slack on loopback)', rows));

let commands = 0;

/** A slash command as Slack posts it, with a trigger id and a response_url of its own. */
function slashCommand(fake: FakeSlack, userId: string, text: string): { fields: Record<string, string>; triggerId: string } {
  const triggerId = `trig.cmd.${++commands}`;
  const body = fixture<Record<string, string>>('slack_slash_command.json');
  delete body.enterprise_id;
  delete body.enterprise_name;
  return { triggerId, fields: { ...body, team_id: FAULT_TEAM, command: '/growth', text, user_id: userId, channel_id: 'C2147483705', trigger_id: triggerId, response_url: `${fake.url}/respond/${triggerId}` } };
}

/** What Slack showed of each saved answer: its ephemeral posts (by its response_url) and its DM posts (by the key in their metadata). */
async function tally(db: TestDatabase, fake: FakeSlack, keys: readonly string[]): Promise<{ complete: string[]; duplicated: string[] }> {
  const complete: string[] = [];
  const duplicated: string[] = [];
  for (const key of keys) {
    const trigger = key.slice(`reply:slack:${FAULT_TEAM}:command:`.length);
    const row = await db.prisma.nudgeOutbox.findUniqueOrThrow({ where: { key } });
    const parts = (row.payload as { messages: unknown[] }).messages.length;
    const shown = [
      ...fake.responses.filter((call) => call.method === `/respond/${trigger}`).map((call) => String(call.body.text)),
      ...fake.calls.filter((call) => call.response.ok === true && replyPartOf(call)?.key === key).map((call) => String(call.body.text)),
    ];
    if (new Set(shown).size >= parts) complete.push(key);
    if (shown.length > new Set(shown).size) duplicated.push(key);
  }
  return { complete, duplicated };
}

/**
 * Drives `/growth status` from every teacher while the fake Slack is armed at `point` for `kills`
 * commands in turn (`before`: the response_url answers 500 and the app is SIGKILLed; `after`: Slack
 * showed the answer, unanswered, and the app is SIGKILLed), then, with `storm`, a further burst of
 * commands while every response_url post answers 500; then the job engine finishes what is left.
 */
async function run(point: 'before' | 'after', kills: number, storm: number): Promise<{ answered: string[]; lost: string[]; duplicated: string[]; recovered: number; retyped: number; killed: number }> {
  const db = await createTestDatabase();
  const fake = await FakeSlack.start();
  const running: WorkerProcess[] = [];
  try {
    const { slackIdOf, env } = await checkInSchool(db, fake, TEACHERS, MOMENT);
    const serving = await serveFirstApp(running, env);
    const signal = new Signal();
    /** The saved answer each acknowledged command must have: `reply:slack:<team>:command:<trigger id>`. */
    const answered: string[] = [];
    let retyped = 0;
    let driving = true;

    /** Slack never retries a slash command: one not acknowledged, or answered that it failed, is typed again (a new trigger). */
    const type = async (userId: string, text: string): Promise<void> => {
      for (let attempt = 0; attempt < 10; attempt++) {
        await serving.ready;
        const { fields, triggerId } = slashCommand(fake, userId, text);
        const post = await postForm(serving.url, fields).catch(() => undefined);
        if (post?.status === 200 && !post.text.includes('couldn’t do that just now')) {
          answered.push(`reply:slack:${FAULT_TEAM}:command:${triggerId}`);
          signal.changed();
          return;
        }
        retyped++;
      }
      throw new Error('a command was never acknowledged');
    };

    const driven = (async () => {
      for (let round = 0; round < STATUS_EACH; round++) for (let i = 1; i <= TEACHERS; i++) await type(await slackIdOf(`t${i}`), 'status');
    })().finally(() => {
      driving = false;
      signal.changed();
      fake.release();
    });

    let killed = 0;
    while (driving && killed < kills) {
      const seen = fake.responseCalls.length;
      if (point === 'before') fake.failWhen = (call) => call.method === 'response_url';
      else fake.holdWhen = (call) => call.method === 'response_url';
      await new Promise<void>((resolve) => {
        const struck = () => fake.responseCalls.slice(seen).some((call) => (point === 'before' ? call.response.ok !== true : true)) && (point === 'before' || fake.heldCount > 0);
        void fake.until(() => !driving || struck(), 120_000).then(resolve, resolve);
        void signal.until(() => !driving).then(resolve);
      });
      if (!driving) break;
      killed++;
      await replaceKilledApp(serving, fake, running, `app-${killed + 1}`, env);
    }
    await driven;
    // A burst while Slack fails every response_url post: the app stays up, each answer waits for the job engine.
    fake.failWhen = (call) => call.method === 'response_url';
    for (let i = 1; i <= storm; i++) await type(await slackIdOf(`t${((i - 1) % TEACHERS) + 1}`), 'status');
    await serving.process.kill();
    disarm(fake);

    const shownBefore = new Set(answered.filter((key) => fake.responses.some((call) => call.method === `/respond/${key.split(':command:')[1]}`)));
    await finishWithJobEngine(db, fake, MOMENT);
    const queued = await db.prisma.nudgeOutbox.findMany({ where: { key: { startsWith: `reply:slack:${FAULT_TEAM}:command:` } } });
    const { complete, duplicated } = await tally(
      db,
      fake,
      queued.map((row) => row.key),
    );
    expect(queued.every((row) => row.status === 'sent')).toBe(true);
    return { answered, lost: answered.filter((key) => !complete.includes(key)), duplicated, recovered: queued.filter((row) => !shownBefore.has(row.key)).length, retyped, killed };
  } finally {
    for (const process of running) await process.kill();
    await fake.close();
    await db.drop();
  }
}

describe('slash-command answers survive the app being killed after the commit and Slack failing the response_url', () => {
  it('the app SIGKILLed 3× after a committed `/growth status` while Slack 500s its response_url, then 4 more commands while every response_url post 500s: every answer shown, exactly once', async () => {
    const result = await run('before', 3, 4);
    rows.push({
      scenario: `app SIGKILLed ${result.killed}× after the commit, before Slack showed the answer (response_url 500); then 4 commands while response_url answers 500`,
      digests: result.answered.length,
      delivered: result.answered.length - result.lost.length,
      lost: result.lost.length,
      duplicated: result.duplicated.length,
      note: `answers; ${result.recovered} shown by the job engine (lost without saving them); ${result.retyped} commands typed again`,
    });
    expect(result.killed).toBe(3);
    expect(result.answered).toHaveLength(TEACHERS * STATUS_EACH + 4);
    expect(result.recovered).toBeGreaterThanOrEqual(result.killed + 4);
    expect(result.lost).toEqual([]);
    expect(result.duplicated).toEqual([]);
  }, 300_000);

  it('the app SIGKILLed 2× after Slack showed an answer but before it heard back: none lost; an ephemeral answer cannot be looked up, so each such kill may show it twice (the measured floor)', async () => {
    const result = await run('after', 2, 0);
    rows.push({
      scenario: `app SIGKILLed ${result.killed}× after Slack showed the answer, unanswered (response_url held)`,
      digests: result.answered.length,
      delivered: result.answered.length - result.lost.length,
      lost: result.lost.length,
      duplicated: result.duplicated.length,
      note: 'the floor for ephemeral answers: Slack cannot be asked whether it showed one',
    });
    expect(result.killed).toBe(2);
    expect(result.lost).toEqual([]);
    expect(result.duplicated.length).toBeLessThanOrEqual(result.killed);
  }, 300_000);
});
