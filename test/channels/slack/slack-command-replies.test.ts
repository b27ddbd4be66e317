import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOME_ACTION } from '../../../src/channels/slack/render-views.ts';
import { fixedClock } from '../../../src/core/time/clock.ts';
import { runDueJobs } from '../../../src/scheduler/job-worker.ts';
import { afterReplyGrace, makeWaitingJobsDue } from '../../core/reminders/support/job-runs.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { fixture, postForm, postInteraction } from './support/signed-requests.ts';
import { SlackUser, type SlackWorld, settle, startHeadAndSamWorld, TEAM, textOf } from './support/slack-harness.ts';

let db: TestDatabase;
let world: SlackWorld;
let slug: string;
const clock = fixedClock('2026-10-05T09:00:00Z');

beforeAll(async () => {
  db = await createTestDatabase();
  ({ world, slug } = await startHeadAndSamWorld(db, clock));
});
afterAll(async () => {
  await world.close();
  await db.drop();
});

const commandReplies = () => db.prisma.nudgeOutbox.findMany({ where: { key: { startsWith: `reply:slack:${TEAM}:command:` } }, orderBy: { createdAt: 'asc' } });
const jobsFor = async (key: string) => (await db.prisma.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM graphile_worker._private_jobs WHERE key = ${key}`)[0]?.n ?? 0;
/** The bot's posts in someone's DM that carry a saved reply's key. */
const dmPostsOf = (key: string) => world.fake.callsOf('chat.postMessage').filter((call) => call.response.ok === true && (call.body.metadata as { event_payload?: { key?: string } } | undefined)?.event_payload?.key === key);

describe('a slash command’s answer is saved with its turn and shown once', () => {
  it('`/growth status`: the answer is saved, shown ephemerally through the command’s response_url, then marked sent, no job ever made for it', async () => {
    const sam = new SlackUser(world, 'USAM', `sam@${slug}.example`);
    const shown = world.fake.responses.length;
    expect((await sam.command('status')).status).toBe(200);
    await settle(world);
    const [row] = (await commandReplies()).slice(-1);
    expect(row?.status).toBe('sent');
    expect(await jobsFor(row!.key)).toBe(0);
    const answers = world.fake.responses.slice(shown);
    expect(answers.length).toBeGreaterThan(0);
    expect(answers.every((call) => call.body.response_type === 'ephemeral')).toBe(true);
    expect(dmPostsOf(row!.key)).toEqual([]);
  });

  it('an App Home button (no conversation) answers in the DM, saved with the press: the post carries its key and the row is sent', async () => {
    const sam = new SlackUser(world, 'USAM', `sam@${slug}.example`);
    const post = await postInteraction(world.app.server.url, {
      type: 'block_actions',
      user: { id: sam.id, team_id: TEAM },
      team: { id: TEAM },
      enterprise: null,
      trigger_id: 'trig.home.1',
      container: { type: 'view', view_id: 'VHOME' },
      actions: [{ action_id: `${HOME_ACTION}status`, block_id: 'b1', text: { type: 'plain_text', text: 'Status' }, value: 'status', type: 'button', action_ts: '1790000000.1' }],
    });
    expect(post.status).toBe(200);
    await settle(world);
    const key = `reply:slack:${TEAM}:action:trig.home.1`;
    const row = await db.prisma.nudgeOutbox.findUniqueOrThrow({ where: { key } });
    expect(row.status).toBe('sent');
    const posts = dmPostsOf(key);
    expect(posts.length).toBeGreaterThan(0);
    expect(posts.every((call) => call.body.channel === sam.dm)).toBe(true);
  });

  it('a signed command whose response_url is not on Slack’s hooks host (nor the configured API’s) is not run: nothing saved, nothing posted there', async () => {
    new SlackUser(world, 'USAM', `sam@${slug}.example`);
    const body = fixture<Record<string, string>>('slack_slash_command.json');
    delete body.enterprise_id;
    delete body.enterprise_name;
    const before = (await commandReplies()).length;
    const post = await postForm(world.app.server.url, { ...body, team_id: TEAM, command: '/growth', text: 'status', user_id: 'USAM', channel_id: 'C2147483705', trigger_id: 'trig.elsewhere.1', response_url: 'https://attacker.example/collect' });
    expect(post.status).toBe(200);
    await settle(world);
    expect(await commandReplies()).toHaveLength(before);
  });

  it('Slack failing the response_url and then expiring it: the job engine shows the answer in the DM instead, with its key, once', async () => {
    const sam = new SlackUser(world, 'USAM', `sam@${slug}.example`);
    world.fake.failWhen = (call) => call.method === 'response_url';
    const shown = world.fake.responses.length;
    expect((await sam.command('status')).status).toBe(200);
    await settle(world);
    world.fake.failWhen = undefined;
    const [row] = (await commandReplies()).slice(-1);
    // Saved, not shown: waiting for the job engine after the grace period.
    expect(row?.status).toBe('pending');
    expect(world.fake.responses.length).toBe(shown);
    world.fake.expireResponseUrls();
    await makeWaitingJobsDue(db.prisma);
    await settle(world);
    await runDueJobs(db.url, afterReplyGrace(world.app.jobs));
    await runDueJobs(db.url, afterReplyGrace(world.app.jobs));
    expect((await db.prisma.nudgeOutbox.findUniqueOrThrow({ where: { key: row!.key } })).status).toBe('sent');
    const posts = dmPostsOf(row!.key);
    expect(posts.length).toBeGreaterThan(0);
    expect(posts.every((call) => call.body.channel === sam.dm)).toBe(true);
    expect(new Set(posts.map(textOf)).size).toBe(posts.length);
    expect(world.fake.responses.length).toBe(shown);
  });
});
