import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../../src/core/time/clock.ts';
import { runDueJobs } from '../../../src/scheduler/job-worker.ts';
import { afterReplyGrace, makeWaitingJobsDue } from '../../core/reminders/support/job-runs.ts';
import { TERMS_2026 } from '../../core/scheduling/scheduling-fixtures.ts';
import { type SeededSchool, seedSchool } from '../../support/seed-school.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import type { RecordedCall } from './support/fake-slack.ts';
import { settle, SlackUser, type SlackWorld, startSlackWorld, textOf } from './support/slack-harness.ts';

/**
 * A check-in booked in a Slack thread: the reply's calendar file is a message of its own, and the
 * last part of the reply's delivery, so a reply whose file never reached Slack is completed by the
 * job engine with that one part.
 */
let db: TestDatabase;
let world: SlackWorld;
let school: SeededSchool;

beforeAll(async () => {
  db = await createTestDatabase();
  school = await seedSchool(db.prisma, 'whmat', [
    { key: 'hana', fullName: 'Hana Head', role: 'headteacher' },
    { key: 'jo', fullName: 'Jo Manager', role: 'leader', lineManager: 'hana' },
    { key: 'sam', fullName: 'Sam Teacher', role: 'teacher', lineManager: 'jo' },
  ]);
  await db.prisma.school.update({ where: { id: school.schoolId }, data: { termDates: TERMS_2026 } });
  world = await startSlackWorld(db, fixedClock('2026-10-05T09:00:00Z'));
  world.fake.startTsAt(new Date('2026-10-05T09:00:00Z'));
});
afterAll(async () => {
  await world?.close();
  await db.drop();
});

const emailOf = async (key: string) => (await db.prisma.person.findUniqueOrThrow({ where: { id: school.ids[key]! } })).email;
const partOf = (call: RecordedCall) => (call.body.metadata as { event_payload?: { key?: string; part?: number; of?: number } } | undefined)?.event_payload;
const isCalendar = (call: RecordedCall) => call.method === 'chat.postMessage' && call.body.text === 'check-in.ics';

describe('a check-in’s calendar file is a part of its reply’s delivery in Slack (004 §6.2 check-ins)', () => {
  it('004 §6.2: with the reply’s messages in the thread and its calendar file missing, a delivery run posts only the calendar, as the last part under the reply’s key; the reply is marked sent after it', async () => {
    const jo = new SlackUser(world, 'UJO', await emailOf('jo'));
    new SlackUser(world, 'USAM', await emailOf('sam'));
    const { ts } = await jo.say('schedule');
    for (const answer of ['1', 'Tue 6 Oct 15:45', '30 min']) expect((await jo.say(answer, ts)).post.status).toBe(200);
    await settle(world);
    // Slack refuses the calendar's message once: the reply's words are in the thread, its file is not.
    world.fake.refuseWhen = (call) => (isCalendar(call) ? 'fatal_error' : undefined);
    const before = world.fake.calls.length;
    expect((await jo.say('submit', ts)).post.status).toBe(200);
    await settle(world);
    world.fake.refuseWhen = undefined;

    const row = await db.prisma.nudgeOutbox.findFirstOrThrow({ where: { key: { startsWith: 'reply:' }, recipientId: school.ids.jo! }, orderBy: { createdAt: 'desc' } });
    const inThread = (from: number) => world.fake.calls.slice(from).filter((call) => call.method === 'chat.postMessage' && call.body.channel === 'DUJO' && call.body.thread_ts === ts && call.response.ok === true);
    const words = inThread(before);
    expect(words.map((call) => partOf(call)?.key)).toEqual(words.map(() => row.key));
    const total = words.length + 1;
    expect(words.map((call) => [partOf(call)?.part, partOf(call)?.of])).toEqual(words.map((_, i) => [i + 1, total]));
    expect(textOf(words[0])).toMatch(/^Booked your check-in with Sam Teacher: Tue 6 Oct, 15:45–16:15 \(30 min\)\./);
    expect(words.some(isCalendar)).toBe(false);
    expect(row.status).toBe('pending');

    const engineFrom = world.fake.calls.length;
    await makeWaitingJobsDue(db.prisma);
    await runDueJobs(db.url, afterReplyGrace(world.app.jobs));
    const sent = inThread(engineFrom);
    expect(sent).toHaveLength(1);
    expect(isCalendar(sent[0]!)).toBe(true);
    expect(partOf(sent[0]!)).toEqual({ key: row.key, part: total, of: total });
    expect(textOf(sent[0])).toMatch(/^\*check-in\.ics\*\n```\nBEGIN:VCALENDAR/);
    expect(await db.prisma.nudgeOutbox.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ status: 'sent' });
    // Sam's invitation went through the queue as well, with its calendar as the last part.
    const toSam = world.fake.calls.filter((call) => call.method === 'chat.postMessage' && call.body.channel === 'DUSAM' && call.response.ok === true);
    expect(toSam.filter(isCalendar).map((call) => [partOf(call)?.part, partOf(call)?.of])).toEqual([[toSam.length, toSam.length]]);

    // Running again sends nothing: every part is there once.
    const again = world.fake.calls.length;
    await makeWaitingJobsDue(db.prisma);
    await runDueJobs(db.url, afterReplyGrace(world.app.jobs));
    expect(inThread(again)).toEqual([]);
  });
});
