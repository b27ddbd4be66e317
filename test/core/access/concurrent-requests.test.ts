import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessRequests } from '../../../src/core/access/access-requests.ts';
import { ReviewerChanges } from '../../../src/core/access/reviewer-changes.ts';
import type { Actor } from '../../../src/core/bot/bot-ports.ts';
import type { TrellisBot } from '../../../src/core/bot/trellis-bot.ts';
import type { Effect, ThreadOpener } from '../../../src/core/bot/turn-flow.ts';
import { messageText } from '../../../src/core/conversations/engine/outgoing-message.ts';
import { fixedClock } from '../../../src/core/time/clock.ts';
import { PrismaPeopleFacts, prismaAccess } from '../../../src/storage/prisma/prisma-access-relationships.ts';
import { PrismaAccessRequestStore } from '../../../src/storage/prisma/prisma-access-requests.ts';
import { PrismaSentReplies } from '../../../src/storage/prisma/prisma-notification-queue.ts';
import { PrismaReportReads } from '../../../src/storage/prisma/prisma-report-reads.ts';
import { PrismaReviewerChangeStore } from '../../../src/storage/prisma/prisma-reviewer-changes.ts';
import { storageBot } from '../../support/records-bot.ts';
import { type SeededSchool, seedSchool } from '../../support/seed-school.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { knownPerson } from '../reports/report-fixture.ts';

/** Monday 23 November 2026, 10:00 London. */
const NOW = new Date('2026-11-23T10:00:00Z');
const COPIES = 4;

let db: TestDatabase;
let s: SeededSchool;
let bot: TrellisBot;
let max: Actor;
let tess: Actor;

const noThreads: ThreadOpener = { openThread: () => Promise.reject(new Error('no dialog should start here')) };

beforeAll(async () => {
  db = await createTestDatabase();
  s = await seedSchool(db.prisma, 'thomas-alleyne', [
    { key: 'hana', fullName: 'Hana Head', role: 'headteacher', obligations: [] },
    { key: 'rita', fullName: 'Rita Reviewer', role: 'teacher', lineManager: 'hana', obligations: [] },
    { key: 'max', fullName: 'Max Manager', role: 'teacher', lineManager: 'hana', obligations: [] },
    { key: 'tess', fullName: 'Tess Teacher', role: 'teacher', lineManager: 'max', obligations: [] },
  ]);
  await db.prisma.reviewerAssignment.create({ data: { revieweeId: s.ids.tess!, reviewerId: s.ids.rita!, kind: 'reviewer', startsOn: new Date('2026-09-01'), reason: 'delegated by the head (002 §25)' } });
  const facts = new PrismaPeopleFacts(db.prisma);
  bot = storageBot(db.prisma, fixedClock(NOW), {
    replies: new PrismaSentReplies(db.prisma),
    access: new AccessRequests({ facts, store: new PrismaAccessRequestStore(db.prisma), guard: prismaAccess(db.prisma).guard, reads: new PrismaReportReads(db.prisma) }),
    reviewerChanges: new ReviewerChanges({ facts, store: new PrismaReviewerChangeStore(db.prisma) }),
  });
  max = { person: await knownPerson(db.prisma, s.ids.max!), account: { platform: 'slack', tenant: 'T1', userId: 'U-max' } };
  tess = { person: await knownPerson(db.prisma, s.ids.tess!), account: { platform: 'slack', tenant: 'T1', userId: 'U-tess' } };
});
afterAll(() => db.drop());

/** The same words typed `COPIES` times, each its own inbound message, all turns running at once against the database. */
async function atOnce(actor: Actor, text: string): Promise<string[]> {
  const ids = Array.from({ length: COPIES }, () => randomUUID());
  const results = await Promise.all(ids.map((id) => bot.commandFlow(actor, text, id, noThreads, { prefix: '', replyTo: { conversation: `D-${actor.account.userId}` } })));
  const texts: string[] = [];
  for (const [i, effects] of results.entries()) {
    const reply = effects.find((e): e is Extract<Effect, { kind: 'reply' }> => e.kind === 'reply');
    expect(reply?.replyKey).toBe(`reply:slack:T1:${ids[i]}`);
    // Each copy's answer is saved with it, so each message is answered once, even after a crash.
    const row = await db.prisma.nudgeOutbox.findUniqueOrThrow({ where: { key: reply!.replyKey! } });
    const saved = (row.payload as { messages: { type: 'text'; text: string }[] }).messages.map(messageText).join('\n');
    expect(saved).toBe(reply!.messages.map(messageText).join('\n'));
    texts.push(saved);
  }
  return texts;
}

/** Rows queued to the head (and anyone else asked) under a notification key starting with `prefix`. */
async function asked(prefix: string): Promise<number> {
  return db.prisma.nudgeOutbox.count({ where: { key: { startsWith: prefix } } });
}

describe('two copies of a request arriving at the same instant make one request', () => {
  it('002 §18: four copies of `request-access` at once save one request, ask the head once, and answer every copy: one “has gone”, the rest “is with the head”', async () => {
    const texts = await atOnce(max, 'request-access Tess Teacher: to plan her timetable support');
    const requests = await db.prisma.accessGrant.findMany({ where: { requesterId: s.ids.max!, subjectId: s.ids.tess! } });
    expect(requests.map((r) => r.status)).toEqual(['requested']);
    expect(await asked(`notify:access:${requests[0]!.id}:asked:`)).toBe(1);
    expect(await db.prisma.nudgeOutbox.count({ where: { key: { startsWith: 'notify:access:' } } })).toBe(1);
    expect(texts.filter((t) => t.startsWith('Your request to see Tess Teacher’s plan has gone to the head to decide. '))).toHaveLength(1);
    expect(texts.filter((t) => t.startsWith('Your request to see Tess Teacher’s plan, made Mon 23 Nov, is with the head to decide; I haven’t') && t.includes('I haven’t sent it again'))).toHaveLength(COPIES - 1);
  });

  it('002 §27: four copies of `change-reviewer` at once save one request, ask the head once, and answer every copy: one “has gone”, the rest “is with the head”', async () => {
    const texts = await atOnce(tess, 'change-reviewer we teach different key stages');
    const requests = await db.prisma.reviewerChangeRequest.findMany({ where: { revieweeId: s.ids.tess! } });
    expect(requests.map((r) => r.status)).toEqual(['requested']);
    expect(await asked(`notify:reviewer-change:${requests[0]!.id}:asked:`)).toBe(1);
    expect(await db.prisma.nudgeOutbox.count({ where: { key: { startsWith: 'notify:reviewer-change:' } } })).toBe(1);
    expect(texts.filter((t) => t.startsWith('Your request for a different reviewer has gone to the head to decide. '))).toHaveLength(1);
    expect(texts.filter((t) => t.startsWith('Your request for a different reviewer, made Mon 23 Nov, is with the head to decide; '))).toHaveLength(COPIES - 1);
  });

  it('002 §27: once the waiting request is decided, a new request is a new request', async () => {
    const waiting = await db.prisma.reviewerChangeRequest.findFirstOrThrow({ where: { revieweeId: s.ids.tess!, status: 'requested' } });
    await db.prisma.reviewerChangeRequest.update({ where: { id: waiting.id }, data: { status: 'declined', decisionNote: 'the concern can be met by a second observer' } });
    const texts = await atOnce(tess, 'change-reviewer we still teach different key stages');
    expect(await db.prisma.reviewerChangeRequest.count({ where: { revieweeId: s.ids.tess!, status: 'requested' } })).toBe(1);
    expect(await db.prisma.reviewerChangeRequest.count({ where: { revieweeId: s.ids.tess! } })).toBe(2);
    expect(texts.filter((t) => t.includes("has gone to the head"))).toHaveLength(1);
  });
});
