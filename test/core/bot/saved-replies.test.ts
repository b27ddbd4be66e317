import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../../src/core/bot/bot-ports.ts';
import type { TrellisBot } from '../../../src/core/bot/trellis-bot.ts';
import type { Effect, ThreadOpener } from '../../../src/core/bot/turn-flow.ts';
import { messageText, say } from '../../../src/core/conversations/engine/outgoing-message.ts';
import { fixedClock } from '../../../src/core/time/clock.ts';
import { ReviewerChanges } from '../../../src/core/access/reviewer-changes.ts';
import { PrismaPeopleFacts } from '../../../src/storage/prisma/prisma-access-relationships.ts';
import { PrismaAccessRequestStore } from '../../../src/storage/prisma/prisma-access-requests.ts';
import { PrismaSentReplies } from '../../../src/storage/prisma/prisma-notification-queue.ts';
import { PrismaReviewerChangeStore } from '../../../src/storage/prisma/prisma-reviewer-changes.ts';
import { PrismaReminderActionsStore } from '../../../src/storage/prisma/prisma-reminder-actions-store.ts';
import { storageBot } from '../../support/records-bot.ts';
import { type SeededSchool, seedSchool } from '../../support/seed-school.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { knownPerson } from '../reports/report-fixture.ts';

/** Monday 23 November 2026, 10:00 London. */
const NOW = new Date('2026-11-23T10:00:00Z');
const DM = { conversation: 'DMO', thread: '1700000000.000100' };

let db: TestDatabase;
let s: SeededSchool;
let bot: TrellisBot;
let mo: Actor;
let tia: Actor;

/** Commands and buttons here start no dialog: a thread asked for is a failure. */
const noThreads: ThreadOpener = {
  openThread: () => Promise.reject(new Error('no dialog should start here')),
};

beforeAll(async () => {
  db = await createTestDatabase();
  s = await seedSchool(db.prisma, 'thomas-alleyne', [
    { key: 'head', fullName: 'Hugh Head', role: 'headteacher', obligations: [] },
    { key: 'mo', fullName: 'Mo Manager', role: 'teacher', lineManager: 'head', obligations: [] },
    {
      key: 'tia',
      fullName: 'Tia Teacher',
      role: 'teacher',
      lineManager: 'mo',
      obligations: [
        { kind: 'check-in', label: 'Autumn check-in', dueOn: '2026-12-11', ownerRole: 'reviewer' },
        { kind: 'feedback', label: 'Feedback conversation', dueOn: '2027-01-29', ownerRole: 'reviewer' },
        { kind: 'interim-review', label: 'Interim review', dueOn: '2027-03-26', ownerRole: 'reviewer' },
        { kind: 'check-in', label: 'Spring check-in', dueOn: '2027-03-01', ownerRole: 'reviewer' },
      ],
    },
  ]);
  bot = storageBot(db.prisma, fixedClock(NOW), {
    replies: new PrismaSentReplies(db.prisma),
    reviewerChanges: new ReviewerChanges({ facts: new PrismaPeopleFacts(db.prisma), store: new PrismaReviewerChangeStore(db.prisma) }),
  });
  mo = { person: await knownPerson(db.prisma, s.ids.mo!), account: { platform: 'slack', tenant: 'T1', userId: 'U-mo' } };
  tia = { person: await knownPerson(db.prisma, s.ids.tia!), account: { platform: 'slack', tenant: 'T1', userId: 'U-tia' } };
});
afterAll(() => db.drop());

async function keyOf(label: string): Promise<string> {
  return (await db.prisma.obligation.findFirstOrThrow({ where: { personId: s.ids.tia!, label } })).key;
}

async function statusOf(label: string): Promise<string> {
  return (await db.prisma.obligation.findFirstOrThrow({ where: { personId: s.ids.tia!, label } })).status;
}

/** The saved reply under `key`: its text, where it goes, whether it is marked as being sent, and its jobs (none: one is made only for a reply still unsent past the grace). */
async function saved(key: string) {
  const row = await db.prisma.nudgeOutbox.findUnique({ where: { key } });
  if (row === null) return undefined;
  const [jobs] = await db.prisma.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM graphile_worker._private_jobs WHERE key = ${key}`;
  const payload = row.payload as { messages: { type: 'text'; text: string }[]; account: unknown; place?: unknown };
  return { text: payload.messages.map(messageText).join('\n'), account: payload.account, place: payload.place, status: row.status, sending: row.sendingSince !== null, jobs: jobs?.n ?? 0 };
}

function onlyReply(effects: readonly Effect[]): Extract<Effect, { kind: 'reply' }> {
  expect(effects.map((e) => e.kind)).toEqual(['reply']);
  return effects[0] as Extract<Effect, { kind: 'reply' }>;
}

describe('replies to commands outside a dialog’s thread are saved and sent once', () => {
  it('`status` typed in the DM: its reply is saved where the channel answers, keyed by the message and claimed, and the same message again is not answered twice', async () => {
    const messageId = randomUUID();
    const reply = onlyReply(await bot.commandFlow(tia, 'status', messageId, noThreads, { prefix: '', replyTo: DM }));
    expect(reply.replyKey).toBe(`reply:slack:T1:${messageId}`);
    expect(await saved(reply.replyKey!)).toEqual({
      text: reply.messages.map(messageText).join('\n'),
      account: tia.account,
      place: DM,
      status: 'pending',
      sending: true,
      jobs: 0,
    });
    expect(await db.prisma.processedInbound.count({ where: { tenant: 'T1', messageId } })).toBe(1);
    // Slack delivers the same event again (the answer to the first was lost): nothing to show, the first reply stands.
    expect(await bot.commandFlow(tia, 'status', messageId, noThreads, { prefix: '', replyTo: DM })).toEqual([]);
    expect(await db.prisma.nudgeOutbox.count({ where: { key: reply.replyKey! } })).toBe(1);
  });

  it('rendering a saved command reply reports it sent: its row is sent, and it never had a job', async () => {
    const effects = await bot.commandFlow(tia, 'help', randomUUID(), noThreads, { prefix: '', replyTo: DM });
    const reply = onlyReply(effects);
    await bot.render(effects, { render: async () => undefined });
    expect(await saved(reply.replyKey!)).toMatchObject({ status: 'sent', sending: false, jobs: 0 });
  });

  it('a Slack slash command’s ephemeral answer is saved too, with its response_url as its place, and the command claimed', async () => {
    const messageId = `command:${randomUUID()}`;
    const place = { conversation: 'C2147483705', ephemeral: { url: 'https://hooks.slack.com/commands/T1/1/abc', until: '2026-11-23T10:30:00.000Z' } };
    const reply = onlyReply(await bot.commandFlow(tia, 'status', messageId, noThreads, { prefix: '/growth ', replyTo: place }));
    expect(reply.replyKey).toBe(`reply:slack:T1:${messageId}`);
    expect(await saved(reply.replyKey!)).toMatchObject({ place, status: 'pending', sending: true, jobs: 0 });
    expect(await db.prisma.processedInbound.count({ where: { tenant: 'T1', messageId } })).toBe(1);
  });

  it('an answer with no place to be found again (the playground’s, which is its HTTP response) is shown only: nothing saved, nothing claimed', async () => {
    const messageId = `command:${randomUUID()}`;
    const reply = onlyReply(await bot.commandFlow(tia, 'status', messageId, noThreads, { prefix: '' }));
    expect(reply.replyKey).toBeUndefined();
    expect(await saved(`reply:slack:T1:${messageId}`)).toBeUndefined();
    expect(await db.prisma.processedInbound.count({ where: { tenant: 'T1', messageId } })).toBe(0);
  });

  it('`log` (the growth diary) saves its reply in the diary line’s turn, and a retried message is not answered again', async () => {
    const messageId = randomUUID();
    const reply = onlyReply(await bot.commandFlow(tia, 'log Tried think-pair-share with 9X', messageId, noThreads, { prefix: '', replyTo: DM }));
    expect(reply.replyKey).toBe(`reply:slack:T1:${messageId}`);
    expect(await saved(reply.replyKey!)).toMatchObject({ place: DM, status: 'pending', jobs: 0 });
    expect(await bot.commandFlow(tia, 'log Tried think-pair-share with 9X', messageId, noThreads, { prefix: '', replyTo: DM })).toEqual([]);
    expect(await db.prisma.nudgeOutbox.count({ where: { key: reply.replyKey! } })).toBe(1);
  });
});

describe('a command that changes something in a transaction of its own', () => {
  it('002 §27: `change-reviewer` delivered again after its reply was saved is not applied again: one request, one reply', async () => {
    const messageId = randomUUID();
    const text = 'change-reviewer we teach different key stages';
    const reply = onlyReply(await bot.commandFlow(tia, text, messageId, noThreads, { prefix: '', replyTo: DM }));
    expect((await saved(reply.replyKey!))?.text).toMatch(/^Your request for a different reviewer has gone to the head to decide/);
    expect(await bot.commandFlow(tia, text, messageId, noThreads, { prefix: '', replyTo: DM })).toEqual([]);
    expect(await db.prisma.reviewerChangeRequest.count({ where: { revieweeId: s.ids.tia! } })).toBe(1);
  });
});

describe('an access request (002 §18) saves its reply in the transaction that saves it', () => {
  it('002 §18: a request whose reply cannot be saved is not saved either', async () => {
    const store = new PrismaAccessRequestStore(db.prisma);
    const broken = { key: `reply:slack:T1:${randomUUID()}`, personId: 'not-a-person', account: mo.account, place: { conversation: 'DMO' }, messages: [say('Your request has gone to the head.')] };
    await expect(store.create({ requesterId: s.ids.mo!, subjectId: s.ids.tia!, reason: 'timetable support', at: NOW, notify: () => [], reply: () => broken })).rejects.toThrow();
    expect(await db.prisma.accessGrant.count({ where: { subjectId: s.ids.tia! } })).toBe(0);
    const reply = { ...broken, personId: s.ids.mo! };
    await store.create({ requesterId: s.ids.mo!, subjectId: s.ids.tia!, reason: 'timetable support', at: NOW, notify: () => [], reply: () => reply });
    expect(await db.prisma.accessGrant.count({ where: { subjectId: s.ids.tia! } })).toBe(1);
    expect(await saved(reply.key)).toMatchObject({ text: 'Your request has gone to the head.', status: 'pending', jobs: 0 });
  });
});

describe('a request for another reviewer (002 §27) saves its reply in the transaction that saves it', () => {
  it('002 §27: a request whose reply cannot be saved is not saved either', async () => {
    const store = new PrismaReviewerChangeStore(db.prisma);
    const before = await db.prisma.reviewerChangeRequest.count();
    const broken = { key: `reply:slack:T1:${randomUUID()}`, personId: 'not-a-person', account: tia.account, place: DM, messages: [say('Your request has gone to the head.')] };
    await expect(store.create({ revieweeId: s.ids.tia!, reason: 'different key stages', at: NOW, notify: () => [], reply: () => broken })).rejects.toThrow();
    expect(await db.prisma.reviewerChangeRequest.count()).toBe(before);
  });
});

describe('replies to reminder buttons are saved with the change they answer', () => {
  it('Done on a check-in: the obligation is marked and the reply saved together; the same press again shows nothing and changes nothing', async () => {
    const messageId = `action:${randomUUID()}`;
    const value = `done:${await keyOf('Autumn check-in')}`;
    const reply = onlyReply(await bot.actFlow(mo, value, messageId, noThreads, undefined, { conversation: 'DMO' }));
    expect(await statusOf('Autumn check-in')).toBe('done');
    expect(await saved(reply.replyKey!)).toEqual({
      text: 'Marked done: “Autumn check-in” (Tia Teacher). Thank you.',
      account: mo.account,
      place: { conversation: 'DMO' },
      status: 'pending',
      sending: true,
      jobs: 0,
    });
    expect(await bot.actFlow(mo, value, messageId, noThreads, undefined, { conversation: 'DMO' })).toEqual([]);
    expect(await db.prisma.auditEvent.count({ where: { action: 'obligation.done', subjectType: 'obligation' } })).toBe(1);
    // A new press on it, now done, is answered (and saved) in its own right.
    const again = onlyReply(await bot.actFlow(mo, value, `action:${randomUUID()}`, noThreads, undefined, { conversation: 'DMO' }));
    expect((await saved(again.replyKey!))?.text).toBe('“Autumn check-in” (Tia Teacher) is already done — nothing to change.');
  });

  it('Snooze and Not applicable save their replies with their changes too', async () => {
    const snooze = onlyReply(await bot.actFlow(mo, `snooze:${await keyOf('Feedback conversation')}`, `view:${randomUUID()}`, noThreads, { until: '2026-12-01' }, { conversation: 'DMO' }));
    expect(await statusOf('Feedback conversation')).toBe('snoozed');
    expect((await saved(snooze.replyKey!))?.text).toMatch(/^Snoozed until .*“Feedback conversation” \(Tia Teacher\)/);
    const naEffects = await bot.actFlow(mo, `na:${await keyOf('Interim review')}`, `view:${randomUUID()}`, noThreads, { reason: 'Long-term absence' }, { conversation: 'DMO' });
    // Tia is told through the queue; the flow says so after the reply.
    expect(naEffects.slice(1)).toEqual([{ kind: 'notified', personId: s.ids.tia }]);
    const na = onlyReply(naEffects.slice(0, 1));
    expect(await statusOf('Interim review')).toBe('not-applicable');
    expect((await saved(na.replyKey!))?.text).toBe('Marked not applicable: “Interim review” (Tia Teacher). I’ve let Tia Teacher know.');
  });

  it('the change and its reply are one transaction: a reply that cannot be saved leaves the obligation as it was', async () => {
    const row = await db.prisma.obligation.findFirstOrThrow({ where: { personId: s.ids.tia!, label: 'Spring check-in' } });
    const store = new PrismaReminderActionsStore(db.prisma);
    const broken = { key: `reply:slack:T1:${randomUUID()}`, personId: 'not-a-person', account: mo.account, place: { conversation: 'DMO' }, messages: [say('Marked done.')] };
    await expect(store.markDone({ obligationId: row.id, schoolId: s.schoolId, actorId: s.ids.mo!, at: NOW, reply: broken })).rejects.toThrow();
    expect((await db.prisma.obligation.findUniqueOrThrow({ where: { id: row.id } })).status).toBe('open');
    expect(await db.prisma.auditEvent.count({ where: { subjectId: row.id } })).toBe(0);
  });
});
