import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationTransaction } from '../../src/core/conversations/conversation-ports.ts';
import { parseDialogState } from '../../src/core/conversations/engine/dialog-state.ts';
import { say } from '../../src/core/conversations/engine/outgoing-message.ts';
import { ConversationEngine } from '../../src/core/conversations/engine/run-turn.ts';
import { ALL_DIALOGS } from '../../src/core/conversations/dialogs/all-dialogs.ts';
import { fixedClock } from '../../src/core/time/clock.ts';
import { createPrismaClient, driverOf } from '../../src/storage/db/create-prisma-client.ts';
import { PrismaConversationStore } from '../../src/storage/prisma/prisma-conversation-store.ts';
import { countingClient } from '../support/counting-client.ts';
import { type SeededSchool, seedSchool } from '../support/seed-school.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

let db: TestDatabase;
let s: SeededSchool;
const clock = fixedClock('2026-10-05T09:00:00Z');

beforeAll(async () => {
  db = await createTestDatabase();
  s = await seedSchool(db.prisma, 'whmat', [
    { key: 'tara', fullName: 'Tara Teacher', role: 'teacher' },
    { key: 'rey', fullName: 'Rey Racer', role: 'teacher' },
    { key: 'nia', fullName: 'Nia New', role: 'teacher' },
    { key: 'ola', fullName: 'Ola Other', role: 'teacher' },
  ]);
});
afterAll(() => db.drop());

/** A thread of `personKey`'s in Slack, its self-reflection started (004 §4.2: every answer free text), and a way to send into it. */
async function reflectionThread(personKey: string, engine = new ConversationEngine({ store: new PrismaConversationStore(db.prisma), clock, dialogs: ALL_DIALOGS })) {
  const tenant = `T-${randomUUID()}`;
  const threadKey = `D1:${randomUUID()}`;
  const personId = s.ids[personKey]!;
  const send = (text: string, messageId: string = randomUUID(), via = engine) =>
    via.handle({ tenant, platform: 'slack', threadKey, personId, messageId, input: { kind: 'text', text }, replyTo: { userId: 'U1', conversation: 'D1', thread: threadKey } });
  await send('reflect');
  const row = () => db.prisma.conversation.findUniqueOrThrow({ where: { tenant_threadKey: { tenant, threadKey } } });
  const trail = async () => parseDialogState({ ...(await row()), version: (await row()).dialogVersion, data: (await row()).values })?.trail ?? [];
  return { tenant, threadKey, send, row, trail };
}

describe('a quick turn: an answer in a dialog under way, without a transaction', () => {
  it('a self-reflection answer is two statements on the driver (read, then state + claim + reply in one), no BEGIN or COMMIT, none through Prisma, the tenth as the first, and no job for its reply', async () => {
    // Statements on the driver are counted in counter.driver; the rest went through Prisma.
    const { client, counter, driver } = countingClient(db.prisma);
    const throughPrisma = () => counter.statements - counter.driver;
    const engine = new ConversationEngine({ store: new PrismaConversationStore(client, driver), clock, dialogs: ALL_DIALOGS });
    const thread = await reflectionThread('tara', engine);
    const perTurn: [number, number][] = [];
    for (let i = 1; i <= 10; i++) {
      const [driverBefore, prismaBefore] = [counter.driver, throughPrisma()];
      const result = await thread.send(`Answer ${i}: pupils explain their reasoning and I model it live`);
      expect(result.replyKey).toBeDefined();
      perTurn.push([counter.driver - driverBefore, throughPrisma() - prismaBefore]);
    }
    expect(perTurn, JSON.stringify(perTurn)).toEqual(Array.from({ length: 10 }, () => [2, 0]));
    expect(await thread.trail()).toHaveLength(10);
    const saved = await db.prisma.nudgeOutbox.findMany({ where: { recipientId: s.ids.tara!, key: { startsWith: 'reply:' } }, select: { key: true, status: true, sendingSince: true } });
    expect(saved).toHaveLength(11);
    // Each reply saved as being sent, with no delivery job: one is made only if it is still unsent past the grace.
    expect(saved.every((row) => row.status === 'pending' && row.sendingSince !== null)).toBe(true);
    const [jobs] = await db.prisma.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM graphile_worker.jobs WHERE key = ANY(${saved.map((row) => row.key)}::text[])`;
    expect(jobs?.n).toBe(0);
  });

  it('its two statements are prepared once on their connection and only run after that, not parsed and planned for every message', async () => {
    const own = createPrismaClient(db.url);
    try {
      const thread = await reflectionThread('tara', new ConversationEngine({ store: new PrismaConversationStore(own), clock, dialogs: ALL_DIALOGS }));
      for (let i = 1; i <= 4; i++) await thread.send(`Prepared answer ${i}: pupils explain their reasoning`);
      // One turn at a time: the pool hands the same connection back, whose prepared statements these are.
      const { rows } = await driverOf(own)!.query<{ statement: string }>('SELECT statement FROM pg_prepared_statements ORDER BY prepare_time', []);
      const prepared = rows.map((row) => row.statement.trim().replace(/\s+/g, ' '));
      const read = prepared.filter((text) => text.startsWith('WITH conversation AS ( SELECT xmin'));
      const write = prepared.filter((text) => text.startsWith('WITH saved AS ( UPDATE conversations'));
      expect([read.length, write.length]).toEqual([1, 1]);
    } finally {
      await own.$disconnect();
    }
  });

  it('twelve answers sent into one thread at once are each applied exactly once, each with its reply', async () => {
    const thread = await reflectionThread('rey');
    const ids = Array.from({ length: 12 }, () => randomUUID());
    const results = await Promise.all(ids.map((id, i) => thread.send(`Concurrent answer ${i}: modelling and questioning`, id)));
    expect(results.filter((r) => r.duplicate)).toHaveLength(0);
    // The twelve applied one after another (losers of a race ran again under the lock): the trail has all twelve.
    expect(await thread.trail()).toHaveLength(12);
    expect(await db.prisma.processedInbound.count({ where: { messageId: { in: ids } } })).toBe(12);
    const keys = results.map((r) => r.replyKey!);
    expect(new Set(keys).size).toBe(12);
    expect(await db.prisma.nudgeOutbox.count({ where: { key: { in: keys } } })).toBe(12);
  });

  it('the same message delivered six times at once is applied once: one claim, one step, one reply', async () => {
    const thread = await reflectionThread('rey');
    const id = randomUUID();
    const engines = Array.from({ length: 6 }, () => new ConversationEngine({ store: new PrismaConversationStore(db.prisma), clock, dialogs: ALL_DIALOGS }));
    const results = await Promise.all(engines.map((engine) => thread.send('An answer delivered again and again', id, engine)));
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    expect(await thread.trail()).toHaveLength(1);
    expect(await db.prisma.processedInbound.count({ where: { messageId: id } })).toBe(1);
    expect(await db.prisma.nudgeOutbox.count({ where: { key: results.find((r) => !r.duplicate)!.replyKey! } })).toBe(1);
  });

  it('a message claimed meanwhile by a turn that left the thread as it was is not applied again: the write aborts whole and the turn is a duplicate', async () => {
    const thread = await reflectionThread('tara');
    const before = await thread.row();
    const store = new PrismaConversationStore(db.prisma);
    const id = randomUUID();
    const turn = { tenant: thread.tenant, platform: 'slack', threadKey: thread.threadKey, personId: s.ids.tara!, messageId: id, today: '2026-10-05' as const };
    let runs = 0;
    const outcome = await store.transaction(async (tx: ConversationTransaction) => {
      runs++;
      const opened = await tx.openTurn(turn);
      if (!opened.claimed) return 'duplicate';
      // Between the quick turn's read and its write, the same message is applied elsewhere without touching the thread.
      if (runs === 1) await db.prisma.processedInbound.create({ data: { tenant: thread.tenant, platform: 'slack', messageId: id } });
      const state = parseDialogState(opened.conversation!)!;
      await tx.saveTurn(
        { tenant: thread.tenant, threadKey: thread.threadKey, platform: 'slack', personId: s.ids.tara! },
        { ...state, step: 'moved-on' },
        { key: `reply:test:${id}`, personId: s.ids.tara!, messages: [say('never sent')], account: { platform: 'slack', tenant: thread.tenant, userId: 'U1' } },
        clock.now(),
      );
      return 'applied';
    });
    expect([outcome, runs]).toEqual(['duplicate', 2]);
    const after = await thread.row();
    expect([after.step, after.updatedAt.getTime()]).toEqual([before.step, before.updatedAt.getTime()]);
    expect(await db.prisma.nudgeOutbox.count({ where: { key: `reply:test:${id}` } })).toBe(0);
  });

  it('a dialog started in a thread just opened is two statements on the driver (read, then thread + claim + reply in one), none through Prisma, and is applied once (its speaker has nothing under way elsewhere)', async () => {
    // Statements on the driver are counted in counter.driver; the rest went through Prisma.
    const { client, counter, driver } = countingClient(db.prisma);
    const throughPrisma = () => counter.statements - counter.driver;
    const engine = new ConversationEngine({ store: new PrismaConversationStore(client, driver), clock, dialogs: ALL_DIALOGS });
    const tenant = `T-${randomUUID()}`;
    const start = (threadKey: string, messageId: string, opensThread: boolean) =>
      engine.handle({ tenant, platform: 'slack', threadKey, personId: s.ids.nia!, messageId, input: { kind: 'text', text: 'reflect' }, replyTo: { userId: 'U2', conversation: 'D2', thread: threadKey } }, { opensThread });
    const first = `D2:${randomUUID()}`;
    const opened = await start(first, 'start-1', true);
    expect([counter.driver, throughPrisma(), opened.duplicate, opened.messages.length > 0, opened.replyKey !== undefined]).toEqual([2, 0, false, true, true]);
    const row = await db.prisma.conversation.findUniqueOrThrow({ where: { tenant_threadKey: { tenant, threadKey: first } } });
    expect([row.dialogId, row.status, row.personId]).toEqual(['self-reflection', 'active', s.ids.nia]);
    expect(await db.prisma.processedInbound.count({ where: { tenant, messageId: 'start-1' } })).toBe(1);
    // The same start without the hint tries the quick read first, finds no thread, and takes the lock.
    await start(`D2:${randomUUID()}`, 'start-2', false);
    expect([counter.driver, throughPrisma() > 0]).toEqual([3, true]);
    const again = await start(`D2:${randomUUID()}`, 'start-1', true);
    expect(again.duplicate).toBe(true);
  });

  it('an opening while the speaker has a dialog under way elsewhere looks for it under the lock (the draft moves to the new thread), and is applied once', async () => {
    const engine = new ConversationEngine({ store: new PrismaConversationStore(db.prisma), clock, dialogs: ALL_DIALOGS });
    const tenant = `T-${randomUUID()}`;
    const start = (threadKey: string, messageId: string) =>
      engine.handle({ tenant, platform: 'slack', threadKey, personId: s.ids.tara!, messageId, input: { kind: 'text', text: 'reflect' }, replyTo: { userId: 'U1', conversation: 'D1', thread: threadKey } }, { opensThread: true });
    const [older, newer] = [`D1:${randomUUID()}`, `D1:${randomUUID()}`];
    await start(older, randomUUID());
    await start(newer, randomUUID());
    const rows = await db.prisma.conversation.findMany({ where: { tenant }, orderBy: { createdAt: 'asc' } });
    expect(rows.map((r) => [r.threadKey, r.status])).toEqual([
      [older, 'moved'],
      [newer, 'active'],
    ]);
  });

  it('fifty openings of the same message in fifty new threads at once: one thread, one claim, one reply', async () => {
    const engine = new ConversationEngine({ store: new PrismaConversationStore(db.prisma), clock, dialogs: ALL_DIALOGS });
    const tenant = `T-${randomUUID()}`;
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        engine.handle(
          { tenant, platform: 'slack', threadKey: `D3:${i}`, personId: s.ids.rey!, messageId: 'same-start', input: { kind: 'text', text: 'reflect' }, replyTo: { userId: 'U2', conversation: 'D3', thread: `D3:${i}` } },
          { opensThread: true },
        ),
      ),
    );
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    expect(await db.prisma.conversation.count({ where: { tenant } })).toBe(1);
    expect(await db.prisma.processedInbound.count({ where: { tenant, messageId: 'same-start' } })).toBe(1);
    expect(await db.prisma.nudgeOutbox.count({ where: { key: { contains: 'same-start' } } })).toBe(1);
  });

  it('the same opening delivered twice into the same new thread at once is applied once', async () => {
    const engine = new ConversationEngine({ store: new PrismaConversationStore(db.prisma), clock, dialogs: ALL_DIALOGS });
    const tenant = `T-${randomUUID()}`;
    const threadKey = `D4:${randomUUID()}`;
    const start = (messageId: string) =>
      engine.handle({ tenant, platform: 'slack', threadKey, personId: s.ids.rey!, messageId, input: { kind: 'text', text: 'reflect' }, replyTo: { userId: 'U2', conversation: 'D4', thread: threadKey } }, { opensThread: true });
    const results = await Promise.all([start('open-a'), start('open-a'), start('open-a')]);
    expect(results.map((r) => r.duplicate).sort()).toEqual([false, true, true]);
    expect(await db.prisma.processedInbound.count({ where: { tenant } })).toBe(1);
  });

  it('a first contact in a school the process already holds is not sent the school’s policy and term dates again', async () => {
    const driver = driverOf(db.prisma)!;
    const documentsSent: boolean[] = [];
    const watching = {
      async query<R extends object>(text: string, values: readonly unknown[]) {
        const result = await driver.query<R>(text, values);
        const person = (result.rows[0] as { person?: { policy?: unknown } | null } | undefined)?.person;
        if (person !== undefined && person !== null) documentsSent.push(person.policy !== null);
        return result;
      },
    };
    const engine = new ConversationEngine({ store: new PrismaConversationStore(db.prisma, watching), clock, dialogs: ALL_DIALOGS });
    const tenant = `T-${randomUUID()}`;
    const start = (personKey: string) => {
      const threadKey = `D5:${randomUUID()}`;
      return engine.handle(
        { tenant, platform: 'slack', threadKey, personId: s.ids[personKey]!, messageId: randomUUID(), input: { kind: 'text', text: 'reflect' }, replyTo: { userId: 'U5', conversation: 'D5', thread: threadKey } },
        { opensThread: true },
      );
    };
    const opened = [await start('nia'), await start('ola')];
    expect(opened.map((o) => o.messages.length > 0)).toEqual([true, true]);
    // The process's first turn reads the school; the next person in it, never seen before, does not.
    expect(documentsSent.slice(0, 1)).toEqual([true]);
    expect(documentsSent.at(-1)).toBe(false);
  });

  it('a turn that writes a record (the growth diary’s line) runs in the locked transaction and is applied once', async () => {
    const engine = new ConversationEngine({ store: new PrismaConversationStore(db.prisma), clock, dialogs: ALL_DIALOGS });
    const tenant = `T-${randomUUID()}`;
    const threadKey = `D1:${randomUUID()}`;
    const send = (text: string, messageId = randomUUID()) => engine.handle({ tenant, platform: 'slack', threadKey, personId: s.ids.tara!, messageId, input: { kind: 'text', text } });
    await send('log');
    const id = randomUUID();
    const [first, again] = [await send('Tried think-pair-share with 9X', id), await send('Tried think-pair-share with 9X', id)];
    expect([first.duplicate, again.duplicate]).toEqual([false, true]);
    expect(await db.prisma.diaryEntry.count({ where: { body: 'Tried think-pair-share with 9X' } })).toBe(1);
  });
});
