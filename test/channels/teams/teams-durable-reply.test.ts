import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, startApp } from '../../../src/compose-app.ts';
import { loadConfig } from '../../../src/config/load-config.ts';
import { NOT_SAVED } from '../../../src/core/bot/trellis-bot.ts';
import { fixedClock } from '../../../src/core/time/clock.ts';
import { silentLogger } from '../../../src/logging/logger.ts';
import { runDueJobs } from '../../../src/scheduler/job-worker.ts';
import { afterReplyGrace, makeWaitingJobsDue } from '../../core/reminders/support/job-runs.ts';
import { type SeededSchool, seedSchool } from '../../support/seed-school.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { FakeBotConnector, type RecordedActivity } from './support/fake-bot-connector.ts';
import { executeActivity, messageActivity, teamsUser } from './support/teams-activities.ts';
import { TENANT, teamsTestEnv } from './support/teams-test-env.ts';

const CARD = 'application/vnd.microsoft.card.adaptive';
let db: TestDatabase;
let connector: FakeBotConnector;
let app: RunningApp;
let school: SeededSchool;
const tom = teamsUser('tom');

beforeAll(async () => {
  db = await createTestDatabase();
  connector = new FakeBotConnector();
  await connector.start();
  school = await seedSchool(db.prisma, 'kingsmead', [
    { key: 'lm', fullName: 'Lena Manager', role: 'leader' },
    { key: 'tom', fullName: 'Tom Teacher', role: 'teacher', lineManager: 'lm' },
  ]);
  const slug = (await db.prisma.school.findUniqueOrThrow({ where: { id: school.schoolId } })).slug;
  connector.members.set(tom.id, `tom@${slug}.example`);
  app = await startApp(loadConfig(teamsTestEnv(db.url)), fixedClock('2026-10-05T09:00:00Z'), silentLogger, { scheduler: false });
});

afterAll(async () => {
  await app?.close();
  await connector?.close();
  await db?.drop();
});

const post = async (activity: Record<string, unknown>) => (await fetch(`${app.server.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) })).status;

type Card = { body: { text?: string }[]; actions?: { verb: string; data: Record<string, unknown> }[] };
const cardOf = (sent: RecordedActivity): Card | undefined => sent.activity.attachments?.find((a) => a.contentType === CARD)?.content as Card | undefined;

describe('Teams: a reply the Bot Connector would not take is sent later by the job engine, and carries on the dialog', () => {
  it('the Bot Connector failing every send after the turn committed: the person is not told it was lost, and the saved reply arrives once the job runs, its buttons still answering the dialog', async () => {
    connector.failing.add(tom.conversationId);
    // The message is saved (200), though nothing could be said back.
    expect(await post(messageActivity(tom, TENANT, connector.url, 'durable-1', 'reflect'))).toBe(200);
    const row = await db.prisma.nudgeOutbox.findFirstOrThrow({ where: { key: { startsWith: 'reply:teams:' } } });
    expect(row).toMatchObject({ key: `reply:teams:${TENANT}:durable-1`, status: 'pending' });
    expect(connector.to(tom.conversationId)).toEqual([]);
    connector.failing.delete(tom.conversationId);

    // The grace period passing: the job engine sends the reply over Tom's stored conversation.
    await makeWaitingJobsDue(db.prisma);
    await runDueJobs(db.url, afterReplyGrace(app.jobs));
    const delivered = connector.to(tom.conversationId);
    expect(delivered.map((s) => s.activity.text)).not.toContain(NOT_SAVED);
    // The reply's last card is its question, as the reply in the request would have shown it.
    const card = delivered
      .map(cardOf)
      .filter((c) => (c?.actions ?? []).length > 0)
      .at(-1);
    expect(JSON.stringify(card?.body)).toMatch(/Where are you with this one?/);
    expect((await db.prisma.nudgeOutbox.findUniqueOrThrow({ where: { id: row.id } })).status).toBe('sent');
    // Running the jobs again sends nothing more.
    await runDueJobs(db.url, afterReplyGrace(app.jobs));
    expect(connector.to(tom.conversationId)).toHaveLength(delivered.length);

    // A button on the recovered reply answers the dialog it belongs to.
    const action = card!.actions![0]!;
    expect(action.data.run).toBe('self-reflection:durable-1');
    const sentCard = delivered.find((s) => cardOf(s) === card)!;
    const before = await db.prisma.conversation.findFirstOrThrow({ where: { personId: school.ids.tom! } });
    expect(await post(executeActivity(tom, TENANT, connector.url, 'durable-2', { verb: action.verb, data: action.data }, sentCard.id))).toBe(200);
    const after = await db.prisma.conversation.findFirstOrThrow({ where: { personId: school.ids.tom! } });
    expect(after.step).not.toBe(before.step);
  });

  it('`status` typed while the Bot Connector fails every send: its reply is saved with the message, sent once by the job engine, and the same activity again is not answered twice', async () => {
    connector.failing.add(tom.conversationId);
    const before = connector.to(tom.conversationId).length;
    expect(await post(messageActivity(tom, TENANT, connector.url, 'durable-status', 'status'))).toBe(200);
    const row = await db.prisma.nudgeOutbox.findUniqueOrThrow({ where: { key: `reply:teams:${TENANT}:durable-status` } });
    expect(row.status).toBe('pending');
    connector.failing.delete(tom.conversationId);
    // Teams posting the same activity again: nothing said now, nothing saved twice.
    expect(await post(messageActivity(tom, TENANT, connector.url, 'durable-status', 'status'))).toBe(200);
    expect(connector.to(tom.conversationId)).toHaveLength(before);
    await makeWaitingJobsDue(db.prisma);
    await runDueJobs(db.url, afterReplyGrace(app.jobs));
    const delivered = connector.to(tom.conversationId).slice(before);
    expect(delivered.length).toBeGreaterThan(0);
    expect((await db.prisma.nudgeOutbox.findUniqueOrThrow({ where: { id: row.id } })).status).toBe('sent');
    await runDueJobs(db.url, afterReplyGrace(app.jobs));
    expect(connector.to(tom.conversationId).slice(before)).toHaveLength(delivered.length);
  });

  it('Teams took each reply but its answer was lost: the Bot Connector cannot be asked whether it has an activity, so the job engine sends it again — measured, every lost answer is one reply shown twice (the floor)', async () => {
    const LOST = 5;
    const before = connector.to(tom.conversationId).length;
    connector.losing.add(tom.conversationId);
    for (let i = 0; i < LOST; i++) expect(await post(messageActivity(tom, TENANT, connector.url, `lost-answer-${i}`, 'status'))).toBe(200);
    connector.losing.delete(tom.conversationId);
    const taken = connector.to(tom.conversationId).length - before;
    expect(taken).toBeGreaterThanOrEqual(LOST);
    await makeWaitingJobsDue(db.prisma);
    await runDueJobs(db.url, afterReplyGrace(app.jobs));
    const keys = Array.from({ length: LOST }, (_, i) => `reply:teams:${TENANT}:lost-answer-${i}`);
    const rows = await db.prisma.nudgeOutbox.findMany({ where: { key: { in: keys } } });
    expect(rows.map((row) => row.status)).toEqual(keys.map(() => 'sent'));
    // Each status reply is one activity here, so every activity beyond the first LOST is a second copy.
    const shown = connector.to(tom.conversationId).slice(before);
    const duplicated = shown.length - taken;
    console.log(`Teams, answer lost after the Bot Connector took the reply: ${LOST} replies, ${taken} activities taken, ${duplicated} sent again by the job engine`);
    expect(duplicated).toBe(taken);
  });
});
