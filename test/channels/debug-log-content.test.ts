import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, startApp } from '../../src/compose-app.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { fixedClock } from '../../src/core/time/clock.ts';
import { consoleLogger } from '../../src/logging/logger.ts';
import { seedSchool } from '../support/seed-school.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { fixture, postEvent } from './slack/support/signed-requests.ts';
import { nextReplies, SlackUser, type SlackWorld, settle, startSlackWorld, TEAM } from './slack/support/slack-harness.ts';
import { FakeBotConnector } from './teams/support/fake-bot-connector.ts';
import { messageActivity, teamsUser } from './teams/support/teams-activities.ts';

/** A phrase that appears only in what people type, so finding it in a log line means content was logged. */
const SECRET = 'PURPLE-OCTOPUS-7';
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const clock = fixedClock('2026-10-05T09:00:00Z');

let db: TestDatabase;
let slug: string;
const lines: string[] = [];
const log = consoleLogger('debug', (line) => lines.push(line), 'json');

beforeAll(async () => {
  db = await createTestDatabase();
  const school = await seedSchool(db.prisma, 'kingsmead', [
    { key: 'lm', fullName: 'Lena Manager', role: 'leader' },
    { key: 'tom', fullName: 'Tom Teacher', role: 'teacher', lineManager: 'lm' },
  ]);
  slug = (await db.prisma.school.findUniqueOrThrow({ where: { id: school.schoolId } })).slug;
});
afterAll(() => db.drop());

describe('LOG_LEVEL=debug never logs message content', () => {
  it('Slack: a dialog, a diary line, a slash command and an ignored event log debug lines, none with what was typed or replied', async () => {
    const world: SlackWorld = await startSlackWorld(db, clock, log);
    try {
      const tom = new SlackUser(world, 'UTOM', `tom@${slug}.example`);
      const started = await tom.say('reflect');
      await nextReplies(world, started.ts, 0);
      await tom.say(`log ${SECRET} in a thread`, started.ts);
      await tom.say(`${SECRET} as an answer`, started.ts);
      await tom.command(`log ${SECRET} from the command`);
      // A message in a channel (not a DM) is ignored with a debug line.
      const envelope = fixture<{ event: Record<string, unknown> }>('slack_event_message_im.json');
      await postEvent(world.app.server.url, { ...envelope, team_id: TEAM, event_id: 'EvChannel1', event: { ...envelope.event, channel_type: 'channel', text: SECRET } });
      await settle(world);
      expect(world.fake.calls.some((c) => JSON.stringify(c.body).includes(SECRET))).toBe(true);
    } finally {
      await world.close();
    }
    expect(lines.filter((line) => (JSON.parse(line) as { level: string }).level === 'debug').length).toBeGreaterThan(0);
    expect(lines.filter((line) => line.includes(SECRET))).toEqual([]);
  });

  it('Teams: a diary line and a dialog reply log nothing of what was typed', async () => {
    const connector = new FakeBotConnector();
    await connector.start();
    const tom = teamsUser('tom');
    connector.members.set(tom.id, `tom@${slug}.example`);
    const env = { DATABASE_URL: db.url, PORT: '0', LOG_LEVEL: 'debug', TEAMS_CLIENT_ID: '00000000-0000-4000-8000-000000000001', TEAMS_CLIENT_SECRET: 'test-secret', TEAMS_TENANT_ID: TENANT, TEAMS_SKIP_AUTH: 'true', TEAMS_ALLOW_LOOPBACK_SERVICE_URL: 'true' };
    const app: RunningApp = await startApp(loadConfig(env), clock, log, { scheduler: false });
    try {
      const post = (id: string, text: string) => fetch(`${app.server.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(messageActivity(tom, TENANT, connector.url, id, text)) });
      expect((await post('d-1', `log ${SECRET} in Teams`)).status).toBe(200);
      expect((await post('d-2', 'reflect')).status).toBe(200);
      expect((await post('d-3', `${SECRET} as an answer`)).status).toBe(200);
      expect(connector.sent.some((s) => JSON.stringify(s.activity).includes(SECRET))).toBe(true);
    } finally {
      await app.close();
      await connector.close();
    }
    expect(lines.filter((line) => line.includes(SECRET))).toEqual([]);
  });
});
