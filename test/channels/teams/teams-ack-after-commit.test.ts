import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, startApp } from '../../../src/compose-app.ts';
import { loadConfig } from '../../../src/config/load-config.ts';
import { NOT_SAVED } from '../../../src/core/bot/trellis-bot.ts';
import { fixedClock } from '../../../src/core/time/clock.ts';
import { silentLogger } from '../../../src/logging/logger.ts';
import { type SeededSchool, seedSchool } from '../../support/seed-school.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { takeDatabaseDown } from '../support/database-outage.ts';
import { FakeBotConnector } from './support/fake-bot-connector.ts';
import { messageActivity, teamsUser } from './support/teams-activities.ts';
import { TENANT, teamsTestEnv } from './support/teams-test-env.ts';


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
  const env = teamsTestEnv(db.url);
  app = await startApp(loadConfig(env), fixedClock('2026-10-05T09:00:00Z'), silentLogger, { scheduler: false });
});

afterAll(async () => {
  await app?.close();
  await connector?.close();
  await db?.drop();
});

const post = async (activity: Record<string, unknown>) => (await fetch(`${app.server.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) })).status;

describe('Teams: the POST is answered after the turn commits', () => {
  it('answers 200 only once the diary line is stored', async () => {
    const before = await db.prisma.diaryEntry.count({ where: { personId: school.ids.tom! } });
    expect(await post(messageActivity(tom, TENANT, connector.url, 'commit-1', 'log team-taught a Year 9 lesson'))).toBe(200);
    expect(await db.prisma.diaryEntry.count({ where: { personId: school.ids.tom! } })).toBe(before + 1);
  });

  it('with PostgreSQL down the POST gets a 5xx and the person is told it was not saved; a redelivery after recovery is applied exactly once and answered once', async () => {
    const diary = await db.prisma.diaryEntry.count({ where: { personId: school.ids.tom! } });
    const sent = connector.sent.length;
    const outage = await takeDatabaseDown(db);
    const failed = await post(messageActivity(tom, TENANT, connector.url, 'outage-1', 'log coached a colleague on questioning'));
    await outage.restore();
    expect(failed).toBeGreaterThanOrEqual(500);
    // Teams does not redeliver a message, so the person is told to send it again.
    expect(connector.sent.slice(sent).map((s) => s.activity.text)).toEqual([NOT_SAVED]);
    const told = connector.sent.length;

    expect(await post(messageActivity(tom, TENANT, connector.url, 'outage-1', 'log coached a colleague on questioning'))).toBe(200);
    expect(await post(messageActivity(tom, TENANT, connector.url, 'outage-1', 'log coached a colleague on questioning'))).toBe(200);
    expect(await db.prisma.diaryEntry.count({ where: { personId: school.ids.tom! } })).toBe(diary + 1);
    expect(await db.prisma.processedInbound.count({ where: { messageId: 'outage-1' } })).toBe(1);
    expect(connector.sent.slice(told).filter((s) => /diary/i.test(s.activity.text ?? ''))).toHaveLength(1);
  });
});
