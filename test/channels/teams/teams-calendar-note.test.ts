import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, startApp } from '../../../src/compose-app.ts';
import { loadConfig } from '../../../src/config/load-config.ts';
import { fixedClock } from '../../../src/core/time/clock.ts';
import { silentLogger } from '../../../src/logging/logger.ts';
import { runDueJobs } from '../../../src/scheduler/job-worker.ts';
import { afterReplyGrace, makeWaitingJobsDue } from '../../core/reminders/support/job-runs.ts';
import { TERMS_2026 } from '../../core/scheduling/scheduling-fixtures.ts';
import { type SeededSchool, seedSchool } from '../../support/seed-school.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { FakeBotConnector } from './support/fake-bot-connector.ts';
import { messageActivity, teamsUser } from './support/teams-activities.ts';
import { TENANT, teamsTestEnv } from './support/teams-test-env.ts';

/**
 * Teams sends a reply's calendar file as a note of its own after the reply. The Bot Connector
 * cannot be asked what it already has, so a reply whose note never went is sent again whole by
 * the job engine: the note is never lost, and the reply's words are shown twice (the Teams floor).
 */
let db: TestDatabase;
let connector: FakeBotConnector;
let app: RunningApp;
let school: SeededSchool;
const jo = teamsUser('jo');

beforeAll(async () => {
  db = await createTestDatabase();
  connector = new FakeBotConnector();
  await connector.start();
  school = await seedSchool(db.prisma, 'whmat', [
    { key: 'hana', fullName: 'Hana Head', role: 'headteacher' },
    { key: 'jo', fullName: 'Jo Manager', role: 'leader', lineManager: 'hana' },
    { key: 'sam', fullName: 'Sam Teacher', role: 'teacher', lineManager: 'jo' },
  ]);
  await db.prisma.school.update({ where: { id: school.schoolId }, data: { termDates: TERMS_2026 } });
  const slug = (await db.prisma.school.findUniqueOrThrow({ where: { id: school.schoolId } })).slug;
  connector.members.set(jo.id, `jo@${slug}.example`);
  app = await startApp(loadConfig(teamsTestEnv(db.url)), fixedClock('2026-10-05T09:00:00Z'), silentLogger, { scheduler: false });
});

afterAll(async () => {
  await app?.close();
  await connector?.close();
  await db?.drop();
});

const post = async (id: string, text: string) => (await fetch(`${app.server.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(messageActivity(jo, TENANT, connector.url, id, text)) })).status;
const isNote = (text: string | undefined) => text?.startsWith('📅 check-in.ics') === true;
const isBooked = (text: string | undefined) => text?.startsWith('Booked your check-in with Sam Teacher') === true;

describe('a check-in’s calendar note in Teams (004 §6.2 check-ins)', () => {
  it('004 §6.2: the Bot Connector refusing the calendar note after the reply: the reply is not marked sent, and the job engine sends it again with the note — the note once, the words twice (Teams cannot look a sent activity up)', async () => {
    for (const [i, text] of ['schedule', '1', 'Tue 6 Oct 15:45', '30 min'].entries()) expect(await post(`cal-${i}`, text)).toBe(200);
    connector.failWhen = (_conversation, activity) => isNote(activity.text);
    const before = connector.to(jo.conversationId).length;
    expect(await post('cal-submit', 'submit')).toBe(200);
    connector.failWhen = undefined;
    const live = connector.to(jo.conversationId).slice(before);
    expect(live.filter((sent) => isBooked(sent.activity.text))).toHaveLength(1);
    expect(live.filter((sent) => isNote(sent.activity.text))).toEqual([]);
    const row = await db.prisma.nudgeOutbox.findFirstOrThrow({ where: { key: `reply:teams:${TENANT}:cal-submit` } });
    expect(row.status).toBe('pending');

    await makeWaitingJobsDue(db.prisma);
    await runDueJobs(db.url, afterReplyGrace(app.jobs));
    const all = connector.to(jo.conversationId).slice(before);
    // The engine's copy carries the note on the booking's own message.
    expect(all.filter((sent) => isBooked(sent.activity.text))).toHaveLength(2);
    expect(all.filter((sent) => sent.activity.text?.includes('📅 check-in.ics') === true)).toHaveLength(1);
    expect(await db.prisma.nudgeOutbox.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ status: 'sent' });
  });
});
