import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOT_ON_ROSTER } from '../../../src/core/bot/trellis-bot.ts';
import { NOT_YOUR_THREAD } from '../../../src/core/conversations/engine/run-turn.ts';
import { fixedClock } from '../../../src/core/time/clock.ts';
import { PrismaIdentityStore } from '../../../src/storage/prisma/prisma-identity-store.ts';
import { makeWaitingJobsDue } from '../../core/reminders/support/job-runs.ts';
import { type SeededSchool, seedSchool } from '../../support/seed-school.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import type { RecordedCall } from './support/fake-slack.ts';
import { deliverQueued, nextReplies, SlackUser, type SlackWorld, settle, startSlackWorld, TEAM, textOf, threadMessages } from './support/slack-harness.ts';

let db: TestDatabase;
let world: SlackWorld;
let school: SeededSchool;
let slug: string;
const clock = fixedClock('2026-10-05T09:00:00Z');
const OTHER_TEAM = 'TOTHER0001';

beforeAll(async () => {
  db = await createTestDatabase();
  school = await seedSchool(db.prisma, 'thomas-alleyne', [
    { key: 'head', fullName: 'Hana Head', role: 'headteacher' },
    { key: 'sam', fullName: 'Sam Science', role: 'teacher', lineManager: 'head' },
    { key: 'ola', fullName: 'Ola Owens', role: 'teacher', lineManager: 'head' },
  ]);
  slug = (await db.prisma.school.findUniqueOrThrow({ where: { id: school.schoolId } })).slug;
  world = await startSlackWorld(db, clock);
});
afterAll(async () => {
  await world.close();
  await db.drop();
});

const linksOf = (personId: string) => db.prisma.platformIdentity.findMany({ where: { personId }, orderBy: { createdAt: 'asc' } });
const postsTo = (channel: string) => world.fake.callsOf('chat.postMessage').filter((c) => c.body.channel === channel);

describe('a Slack account is linked to a person only from their school’s workspace', () => {
  it('with no workspace recorded (a single-school install), someone in another workspace claiming a colleague’s e-mail is not linked; the bot’s own workspace is', async () => {
    const impostor = new SlackUser(world, 'UIMPOSTOR', `sam@${slug}.example`, OTHER_TEAM);
    await impostor.say('status');
    await settle(world);
    expect(await linksOf(school.ids.sam!)).toEqual([]);
    expect(textOf(postsTo(impostor.dm).at(-1))).toContain(NOT_ON_ROSTER.slice(0, 40));

    const sam = new SlackUser(world, 'USAM', `sam@${slug}.example`);
    await sam.say('status');
    await settle(world);
    expect((await linksOf(school.ids.sam!)).map((l) => [l.tenantId, l.platformUserId])).toEqual([[TEAM, 'USAM']]);
  });

  it('once the school records its workspaces, accounts link only from those, and a link from anywhere else is dropped', async () => {
    const identities = new PrismaIdentityStore(db.prisma);
    expect(await identities.recordWorkspace(school.schoolId, 'slack', OTHER_TEAM)).toEqual({ added: true, unlinked: 1 });
    // Sam's link from the bot's own workspace is no longer one of the school's: it is dropped at
    // once (no digest goes there), and he is not linked again from there at his next message.
    const sam = new SlackUser(world, 'USAM', `sam@${slug}.example`);
    await sam.say('status');
    await settle(world);
    expect(await linksOf(school.ids.sam!)).toEqual([]);
    expect(textOf(postsTo(sam.dm).at(-1))).toContain(NOT_ON_ROSTER.slice(0, 40));

    const ola = new SlackUser(world, 'UOLA', `ola@${slug}.example`, OTHER_TEAM);
    await ola.say('status');
    await settle(world);
    expect((await linksOf(school.ids.ola!)).map((l) => [l.tenantId, l.platformUserId])).toEqual([[OTHER_TEAM, 'UOLA']]);
    await db.prisma.schoolChatWorkspace.deleteMany({});
  });
});

describe('a person gaining a second linked account is told on the first', () => {
  it('links the second account and queues one message, with the link, that the job engine delivers to the first account’s DM, once', async () => {
    const head = new SlackUser(world, 'UHEAD', `head@${slug}.example`);
    await head.say('status');
    await settle(world);
    const before = postsTo(head.dm).length;

    const second = new SlackUser(world, 'UHEAD2', `head@${slug}.example`);
    await second.say('status');
    await second.say('help');
    await settle(world);
    expect((await linksOf(school.ids.head!)).map((l) => l.platformUserId).sort()).toEqual(['UHEAD', 'UHEAD2']);
    // Queued with the link, not sent by the turn.
    expect(postsTo(head.dm).slice(before).map(textOf).join('\n')).not.toMatch(/just linked/);
    const row = await db.prisma.nudgeOutbox.findUniqueOrThrow({ where: { key: `second-account:${school.ids.head!}:slack:${TEAM}:UHEAD2` } });
    expect(row).toMatchObject({ recipientId: school.ids.head!, status: 'pending', payload: { account: { platform: 'slack', tenant: TEAM, userId: 'UHEAD' } } });

    await deliverQueued(world);
    await deliverQueued(world);
    const told = postsTo(head.dm).slice(before).map(textOf).filter((text) => /just linked/.test(text));
    expect(told).toHaveLength(1);
    expect(told[0]).toMatch(/A Slack account was just linked to your Trellis growth records \(Slack workspace T123ABC456, user UHEAD2\)/);
    expect(await db.prisma.nudgeOutbox.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ status: 'sent' });
    // The new account hears nothing about it; it simply works.
    expect(postsTo(second.dm).map(textOf).join('\n')).not.toMatch(/just linked/);
  });

  it('Slack answering 500 to the note for the earlier account: it is retried and reaches that account exactly once', async () => {
    const sam = new SlackUser(world, 'USAM2', `sam@${slug}.example`);
    await sam.say('status');
    await settle(world);
    const second = new SlackUser(world, 'USAM3', `sam@${slug}.example`);
    await second.say('status');
    await settle(world);
    const row = await db.prisma.nudgeOutbox.findUniqueOrThrow({ where: { key: `second-account:${school.ids.sam!}:slack:${TEAM}:USAM3` } });

    const toSam = (call: RecordedCall) => call.method === 'chat.postMessage' && call.body.channel === sam.dm;
    const accepted = () => world.fake.callsOf('chat.postMessage').filter((call) => toSam(call) && call.response.ok === true && /just linked/.test(textOf(call)));
    world.fake.failWhen = toSam;
    await deliverQueued(world);
    world.fake.failWhen = undefined;
    expect(await db.prisma.nudgeOutbox.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ status: 'pending', attempts: 1, lastError: expect.stringMatching(/\S/) });
    expect(accepted()).toEqual([]);
    // The job engine's retry is the only retry: Slack's client did not post it again by itself.
    expect(world.fake.callsOf('chat.postMessage').filter((call) => toSam(call) && call.response.ok !== true)).toHaveLength(1);

    // Time passing for the job engine: the back-off is over.
    expect(await makeWaitingJobsDue(db.prisma)).toBe(1);
    await deliverQueued(world);
    await deliverQueued(world);
    expect(accepted()).toHaveLength(1);
    expect(textOf(accepted()[0])).toMatch(/user USAM3\)/);
    expect(await db.prisma.nudgeOutbox.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ status: 'sent' });
    expect(postsTo(second.dm).map(textOf).join('\n')).not.toMatch(/just linked/);
  });
});

describe('a lost answer on the note for the earlier account', () => {
  it('Slack posting the note but its answer being lost: the note is looked up in that account’s DM and counted sent, not posted again', async () => {
    // Ola's link from the other workspace is gone: UOLA5 is the one account she had.
    await db.prisma.platformIdentity.deleteMany({ where: { personId: school.ids.ola! } });
    // Slack's ts is its own clock: from the test's moment on, so the lookup's window finds the post.
    world.fake.startTsAt(clock.now());
    const ola = new SlackUser(world, 'UOLA5', `ola@${slug}.example`);
    await ola.say('status');
    await settle(world);
    await new SlackUser(world, 'UOLA6', `ola@${slug}.example`).say('status');
    await settle(world);
    const row = await db.prisma.nudgeOutbox.findUniqueOrThrow({ where: { key: `second-account:${school.ids.ola!}:slack:${TEAM}:UOLA6` } });
    expect(row.payload).toMatchObject({ account: { platform: 'slack', tenant: TEAM, userId: 'UOLA5' } });
    const toOla = (call: RecordedCall) => call.method === 'chat.postMessage' && call.body.channel === ola.dm && /just linked/.test(textOf(call));
    world.fake.dropWhen = toOla;
    await deliverQueued(world);
    world.fake.dropWhen = undefined;
    await deliverQueued(world);
    expect(world.fake.callsOf('chat.postMessage').filter(toOla)).toHaveLength(1);
    expect(await db.prisma.nudgeOutbox.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ status: 'sent', attempts: 0 });
  });
});

describe('a thread belongs to the person who opened it', () => {
  it('a reply carrying someone else’s thread key (a forged event) changes nothing in their dialog', async () => {
    const ola = new SlackUser(world, 'UOLA3', `ola@${slug}.example`);
    const started = await ola.say('reflect');
    await nextReplies(world, started.ts, 0);
    await settle(world);
    const threadKey = `${ola.dm}:${started.ts}`;
    const before = await db.prisma.conversation.findUniqueOrThrow({ where: { tenant_threadKey: { tenant: TEAM, threadKey } } });

    const sam = new SlackUser(world, 'USAM4', `sam@${slug}.example`);
    // Sam's event names Ola's DM channel and thread.
    const envelope = await sam.say('Secure', started.ts, { eventId: 'EvForged1', channel: ola.dm });
    expect(envelope.post.status).toBe(200);
    await settle(world);
    const after = await db.prisma.conversation.findUniqueOrThrow({ where: { tenant_threadKey: { tenant: TEAM, threadKey } } });
    expect(after).toEqual(before);
    expect(textOf(threadMessages(world.fake, started.ts).at(-1))).toContain(NOT_YOUR_THREAD);
  });

  it('a button press naming someone else’s thread changes nothing either', async () => {
    const ola = new SlackUser(world, 'UOLA3', `ola@${slug}.example`);
    const started = await ola.say('reflect');
    await nextReplies(world, started.ts, 0);
    await settle(world);
    const threadKey = `${ola.dm}:${started.ts}`;
    const before = await db.prisma.conversation.findUniqueOrThrow({ where: { tenant_threadKey: { tenant: TEAM, threadKey } } });
    const question = threadMessages(world.fake, started.ts).find((m) => ((m.body.blocks ?? []) as { type: string }[]).some((b) => b.type === 'actions'))!;
    const value = ((question.body.blocks as { type: string; elements?: { value: string }[] }[]).find((b) => b.type === 'actions')!.elements![0]!).value;

    const sam = new SlackUser(world, 'USAM4', `sam@${slug}.example`);
    const pressed = await sam.press(question, value);
    expect(pressed.status).toBe(200);
    await settle(world);
    expect(await db.prisma.conversation.findUniqueOrThrow({ where: { tenant_threadKey: { tenant: TEAM, threadKey } } })).toEqual(before);
  });
});
