import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOT_SAVED } from '../../../src/core/bot/trellis-bot.ts';
import { fixedClock } from '../../../src/core/time/clock.ts';
import type { SeededSchool } from '../../support/seed-school.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { takeDatabaseDown } from '../support/database-outage.ts';
import { postInteraction } from './support/signed-requests.ts';
import { nextReplies, SlackUser, type SlackWorld, settle, startHeadAndSamWorld, TEAM, textOf, threadMessages } from './support/slack-harness.ts';

let db: TestDatabase;
let world: SlackWorld;
let school: SeededSchool;
let slug: string;
const clock = fixedClock('2026-10-05T09:00:00Z');

beforeAll(async () => {
  db = await createTestDatabase();
  ({ world, school, slug } = await startHeadAndSamWorld(db, clock));
});
afterAll(async () => {
  await world.close();
  await db.drop();
});

const diaryOf = (personId: string) => db.prisma.diaryEntry.count({ where: { personId } });

describe('Slack is acknowledged only for what is saved (processBeforeResponse)', () => {
  it('the 200 for a message arrives after its turn has committed: the diary line is already stored when Slack hears back', async () => {
    const sam = new SlackUser(world, 'USAM', `sam@${slug}.example`);
    const before = await diaryOf(school.ids.sam!);
    const { post } = await sam.say('log planned a practical for 10B');
    expect(post.status).toBe(200);
    // Read at once, before the replies (posted after the ack) are waited for.
    expect(await diaryOf(school.ids.sam!)).toBe(before + 1);
    // A turn is a few milliseconds; Slack allows 3 seconds.
    expect(post.ackMs).toBeLessThan(3000);
    await settle(world);
  });

  it('with PostgreSQL down the message gets a 5xx (so Slack retries); the retry after recovery is applied exactly once and answered once', async () => {
    const sam = new SlackUser(world, 'USAM', `sam@${slug}.example`);
    const started = await sam.say('reflect');
    await nextReplies(world, started.ts, 0);
    await settle(world);
    const diary = await diaryOf(school.ids.sam!);
    const replies = threadMessages(world.fake, started.ts).length;

    const outage = await takeDatabaseDown(db);
    const failed = await sam.say('log asked better questions in 8A', started.ts, { eventId: 'EvOutage1' });
    await settle(world);
    await outage.restore();
    expect(failed.post.status).toBeGreaterThanOrEqual(500);
    expect(threadMessages(world.fake, started.ts)).toHaveLength(replies);

    // Slack's retries carry the same event id.
    const retried = await sam.say('log asked better questions in 8A', started.ts, { eventId: 'EvOutage1', headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_error' } });
    expect(retried.post.status).toBe(200);
    const again = await sam.say('log asked better questions in 8A', started.ts, { eventId: 'EvOutage1', headers: { 'x-slack-retry-num': '2', 'x-slack-retry-reason': 'http_error' } });
    expect(again.post.status).toBe(200);
    await settle(world);
    expect(await diaryOf(school.ids.sam!)).toBe(diary + 1);
    expect(await db.prisma.processedInbound.count({ where: { messageId: 'EvOutage1' } })).toBe(1);
    const answered = threadMessages(world.fake, started.ts).slice(replies);
    expect(answered.map(textOf).join('\n')).toMatch(/diary/i);
    // One turn's replies, not two.
    expect(answered.filter((m) => /diary/i.test(textOf(m)))).toHaveLength(1);
  });

  it('when Slack’s last retry also fails, the person is told their message was not saved', async () => {
    const sam = new SlackUser(world, 'USAM', `sam@${slug}.example`);
    const outage = await takeDatabaseDown(db);
    const last = await sam.say('log this one is lost', undefined, { eventId: 'EvOutageLast', headers: { 'x-slack-retry-num': '3', 'x-slack-retry-reason': 'http_error' } });
    await settle(world);
    await outage.restore();
    expect(last.post.status).toBeGreaterThanOrEqual(500);
    const told = world.fake.callsOf('chat.postMessage').filter((c) => c.body.channel === sam.dm && textOf(c).includes(NOT_SAVED.slice(0, 30)));
    expect(told).toHaveLength(1);
  });

  it('a slash command with the database down (Slack never retries one) is acknowledged in time with a plain message that it did not work, and nothing else is shown', async () => {
    const sam = new SlackUser(world, 'USAM', `sam@${slug}.example`);
    const outage = await takeDatabaseDown(db);
    const responses = world.fake.responseCalls.length;
    const post = await sam.command('status');
    await settle(world);
    await outage.restore();
    expect(post.status).toBe(200);
    expect(post.ackMs).toBeLessThan(3000);
    // The ack itself is the ephemeral answer Slack shows.
    expect(JSON.parse(post.text)).toMatchObject({ response_type: 'ephemeral', text: expect.stringMatching(/couldn’t do that just now/) });
    expect(world.fake.responseCalls.slice(responses)).toEqual([]);
  });

  it('a slash command’s answer is saved before the ack: when Slack hears back, its reply row is already there', async () => {
    const sam = new SlackUser(world, 'USAM', `sam@${slug}.example`);
    const saved = () => db.prisma.nudgeOutbox.count({ where: { key: { startsWith: `reply:slack:${TEAM}:command:trig.USAM.` } } });
    const before = await saved();
    const post = await sam.command('status');
    expect(post.status).toBe(200);
    // Read at once, before the answer (posted after the ack) is waited for.
    expect(await saved()).toBe(before + 1);
    await settle(world);
  });

  it('a button press with the database down gets a 5xx (Slack marks the button failed so it can be pressed again); pressed again after recovery it is applied once', async () => {
    const sam = new SlackUser(world, 'USAM', `sam@${slug}.example`);
    const started = await sam.say('reflect');
    await nextReplies(world, started.ts, 0);
    await settle(world);
    // The question is the last message with buttons (an offer of the section's form comes before it).
    const asked = threadMessages(world.fake, started.ts).findLast((m) => ((m.body.blocks ?? []) as { type: string }[]).some((b) => b.type === 'actions'));
    expect(asked).toBeDefined();
    const conversations = await db.prisma.conversation.findFirstOrThrow({ where: { threadKey: `${sam.dm}:${started.ts}` } });

    const outage = await takeDatabaseDown(db);
    const blocks = (asked!.body.blocks ?? []) as { type: string; elements?: { value: string }[] }[];
    // The question's buttons are its message's last actions (the offer of the section's form, in the same post, comes before them).
    const value = blocks.findLast((b) => b.type === 'actions')!.elements![0]!.value;
    const failed = await sam.press(asked!, value);
    await settle(world);
    await outage.restore();
    expect(failed.status).toBeGreaterThanOrEqual(500);
    expect((await db.prisma.conversation.findUniqueOrThrow({ where: { id: conversations.id } })).step).toBe(conversations.step);

    const pressed = await sam.press(asked!, value);
    const twice = await sam.press(asked!, value);
    await settle(world);
    expect([pressed.status, twice.status]).toEqual([200, 200]);
    const after = await db.prisma.conversation.findUniqueOrThrow({ where: { id: conversations.id } });
    expect(after.step).not.toBe(conversations.step);
    expect(await db.prisma.processedInbound.count({ where: { messageId: `choice:${sam.dm}:${String(asked!.response.ts)}` } })).toBe(1);
  });

  it('a modal submitted with the database down stays open with the failure shown on its field (Slack keeps what was typed), and saves when submitted again', async () => {
    const sam = new SlackUser(world, 'USAM', `sam@${slug}.example`);
    const submission = (viewId: string) => ({
      type: 'view_submission',
      user: { id: 'USAM', team_id: TEAM },
      team: { id: TEAM },
      enterprise: null,
      view: {
        id: viewId,
        callback_id: 'trellis_form',
        private_metadata: JSON.stringify({ channel: sam.dm, threadTs: '1800000999.000001' }),
        blocks: [{ type: 'input', block_id: 'note', optional: false }],
        state: { values: { note: { value: { type: 'plain_text_input', value: 'log planned a trip' } } } },
      },
    });
    const outage = await takeDatabaseDown(db);
    const failed = await postInteraction(world.app.server.url, submission('VOUTAGE1'));
    await settle(world);
    await outage.restore();
    expect(failed.status).toBe(200);
    expect(JSON.parse(failed.text)).toEqual({ response_action: 'errors', errors: { note: 'Trellis couldn’t save this just now. Please press Save again in a moment.' } });
    expect(await db.prisma.processedInbound.count({ where: { messageId: { startsWith: 'view:VOUTAGE1:' } } })).toBe(0);

    const saved = await postInteraction(world.app.server.url, submission('VOUTAGE1'));
    await settle(world);
    expect(saved.status).toBe(200);
    expect(saved.text).toBe('');
    expect(await db.prisma.processedInbound.count({ where: { messageId: { startsWith: 'view:VOUTAGE1:' } } })).toBe(1);
  });
});
