import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliveryMetadata, SlackChannel } from '../../../src/channels/slack/slack-channel.ts';
import { say } from '../../../src/core/conversations/engine/outgoing-message.ts';
import type { DigestDelivery } from '../../../src/core/reminders/reminder-ports.ts';
import { fixedClock } from '../../../src/core/time/clock.ts';
import { seedSchool, type SeededSchool } from '../../support/seed-school.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { type SlackWorld, startSlackWorld } from './support/slack-harness.ts';

/**
 * Slack has no idempotency key on chat.postMessage: each delivery carries its key as message
 * metadata, and a retry after a crash mid-send asks the router, which asks Slack's DM history.
 */
let db: TestDatabase;
let world: SlackWorld;
let school: SeededSchool;
let slug: string;
const moment = new Date('2026-10-05T09:00:00Z');

beforeAll(async () => {
  db = await createTestDatabase();
  school = await seedSchool(db.prisma, 'thomas-alleyne', [
    { key: 'head', fullName: 'Hana Head', role: 'headteacher' },
    { key: 'sam', fullName: 'Sam Science', role: 'teacher', lineManager: 'head' },
  ]);
  slug = (await db.prisma.school.findUniqueOrThrow({ where: { id: school.schoolId } })).slug;
  world = await startSlackWorld(db, fixedClock(moment));
  world.fake.startTsAt(moment);
  world.fake.addUser({ id: 'USAM', email: `sam@${slug}.example`, teamId: 'T123ABC456' });
});
afterAll(async () => {
  await world.close();
  await db.drop();
});

function digestFor(date: string, items = 1): DigestDelivery {
  const sam = school.ids.sam!;
  return {
    key: `digest:${sam}:${date}`,
    recipient: { id: sam, email: `sam@${slug}.example`, fullName: 'Sam Science' },
    message: {
      recipientId: sam,
      date,
      title: `Your growth cycle: ${items} things`,
      items: Array.from({ length: items }, (_, i) => ({ obligationKey: `k${i}`, label: 'Self-reflection', dueOn: '2026-10-16', rule: '002 §12', state: 'due-soon' as const, point: 'due-in-7', actions: [{ label: 'Start', value: `start:k${i}` }] })),
    },
  };
}

const metadataOf = (call: { body: Record<string, unknown> } | undefined) => call?.body.metadata;

describe('Slack delivery keys (at most once across a lost response)', () => {
  it('a digest is posted with its key as trellis_delivery metadata, and a normal send looks nothing up', async () => {
    const history = world.fake.callsOf('conversations.history').length;
    expect(await world.app.router.deliver(digestFor('2026-10-05'))).toEqual({ ok: true });
    const posted = world.fake.callsOf('chat.postMessage').at(-1);
    expect(metadataOf(posted)).toEqual({ event_type: 'trellis_delivery', event_payload: { key: `digest:${school.ids.sam}:2026-10-05`, part: 1, of: 1 } });
    expect(world.fake.callsOf('conversations.history')).toHaveLength(history);
  });

  it('the router asks Slack: a posted digest is found by its key in the DM since the attempt began, with one history call', async () => {
    await world.app.router.deliver(digestFor('2026-10-06'));
    const history = world.fake.callsOf('conversations.history').length;
    expect(await world.app.router.wasDelivered(digestFor('2026-10-06'), new Date(moment.getTime() - 1000))).toBe(true);
    const calls = world.fake.callsOf('conversations.history').slice(history);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.body).toMatchObject({ channel: 'DUSAM', include_all_metadata: 'true', limit: '20' });
  });

  it('a digest never posted is not found, nor one posted long before the attempt began (the lookup reads back only a few minutes)', async () => {
    expect(await world.app.router.wasDelivered(digestFor('2026-10-12'), moment)).toBe(false);
    await world.app.router.deliver(digestFor('2026-10-07'));
    expect(await world.app.router.wasDelivered(digestFor('2026-10-07'), new Date(moment.getTime() + 3_600_000))).toBe(false);
  });

  it('someone Slack does not reach: the router cannot tell (undefined), so the digest is sent again rather than lost', async () => {
    const stranger = await db.prisma.person.create({ data: { schoolId: school.schoolId, email: 'nobody-on-slack@example.org', fullName: 'No Slack', role: 'teacher' } });
    const delivery = { ...digestFor('2026-10-05'), key: `digest:${stranger.id}:2026-10-05`, recipient: { id: stranger.id, email: stranger.email, fullName: stranger.fullName } };
    expect(await world.app.router.wasDelivered(delivery, moment)).toBeUndefined();
  });

  it('a digest long enough for two messages numbers its parts; one whose last part Slack never got is not delivered (sent again, not half-lost)', async () => {
    const long = digestFor('2026-10-08', 30);
    const before = world.fake.callsOf('chat.postMessage').length;
    await world.app.router.deliver(long);
    const parts = world.fake.callsOf('chat.postMessage').slice(before).map((call) => (metadataOf(call) as { event_payload: { part: number; of: number } }).event_payload);
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.map((p) => `${p.part}/${p.of}`)).toEqual(parts.map((_, i) => `${i + 1}/${parts.length}`));
    expect(await world.app.router.wasDelivered(long, moment)).toBe(true);
    // The next long digest: Slack takes its first message, then rate-limits the second.
    const cut = digestFor('2026-10-09', 30);
    world.fake.onCall = (call) => {
      if (call.method !== 'chat.postMessage') return;
      world.fake.rateLimit('chat.postMessage', 1, 30);
      world.fake.onCall = undefined;
    };
    expect(await world.app.router.deliver(cut)).toMatchObject({ ok: false, retryAfterSeconds: 30 });
    expect(await world.app.router.wasDelivered(cut, moment)).toBe(false);
  });

  it('a saved reply found part-way under another numbering (sent as two posts before a turn’s messages were joined into one) is sent whole again: a copy rather than a part lost', async () => {
    const slack = world.app.channels.find((channel): channel is SlackChannel => channel instanceof SlackChannel)!;
    const key = 'reply:slack:T123ABC456:EvOldNumbering';
    const thread = '1790000000.000100';
    // What the previous rendering got out before the crash: the first of its two posts.
    await new WebClient('xoxb-test', { slackApiUrl: `${world.fake.url}/api/` }).chat.postMessage({ channel: 'DUSAM', thread_ts: thread, text: 'Thanks — noted.', metadata: deliveryMetadata(key, 1, 2) as never });
    const before = world.fake.callsOf('chat.postMessage').length;
    const delivery = await slack.sendToAccount(school.ids.sam!, { platform: 'slack', tenant: 'T123ABC456', userId: 'USAM' }, [say('Thanks — noted.'), say('What next?')], key, { conversation: 'DUSAM', thread });
    expect(delivery.ok).toBe(true);
    const sent = world.fake.callsOf('chat.postMessage').slice(before);
    expect(sent.map((call) => [call.body.text, (metadataOf(call) as { event_payload: { part: number; of: number } }).event_payload.of])).toEqual([['Thanks — noted.\nWhat next?', 1]]);
  });

  it('a digest Slack took whose answer was lost (the connection cut): the channel finds it by its key and reports it delivered, posted once', async () => {
    const before = world.fake.callsOf('chat.postMessage').length;
    const history = world.fake.callsOf('conversations.history').length;
    world.fake.dropWhen = (call) => call.method === 'chat.postMessage';
    try {
      expect(await world.app.router.deliver(digestFor('2026-10-13'))).toEqual({ ok: true });
    } finally {
      world.fake.dropWhen = undefined;
    }
    expect(world.fake.callsOf('chat.postMessage').slice(before)).toHaveLength(1);
    expect(world.fake.callsOf('conversations.history').slice(history)).toHaveLength(1);
  });

  it('a digest whose post failed with an answer (a Slack error) is not looked up: it was not posted', async () => {
    const history = world.fake.callsOf('conversations.history').length;
    world.fake.rateLimit('chat.postMessage', 1, 30);
    expect(await world.app.router.deliver(digestFor('2026-10-14'))).toMatchObject({ ok: false, retryAfterSeconds: 30 });
    expect(world.fake.callsOf('conversations.history')).toHaveLength(history);
  });

  it('a message to someone else sent with a key (a notification) carries it too', async () => {
    expect(await world.app.router.sendTo(school.ids.sam!, [{ type: 'text', text: 'A plan awaits you' }], 'Ev1:notify:0')).toEqual({ ok: true });
    expect(metadataOf(world.fake.callsOf('chat.postMessage').at(-1))).toEqual({ event_type: 'trellis_delivery', event_payload: { key: 'Ev1:notify:0', part: 1, of: 1 } });
  });
});
