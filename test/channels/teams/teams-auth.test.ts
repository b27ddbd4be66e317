import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, startApp } from '../../../src/compose-app.ts';
import { loadConfig } from '../../../src/config/load-config.ts';
import { fixedClock } from '../../../src/core/time/clock.ts';
import { silentLogger } from '../../../src/logging/logger.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { FakeBotConnector } from './support/fake-bot-connector.ts';
import { messageActivity, teamsUser } from './support/teams-activities.ts';
import { TENANT, teamsTestEnv } from './support/teams-test-env.ts';


let db: TestDatabase;
let connector: FakeBotConnector;
let app: RunningApp;

beforeAll(async () => {
  db = await createTestDatabase();
  connector = new FakeBotConnector();
  await connector.start();
  const env = teamsTestEnv(db.url, { auth: true });
  app = await startApp(loadConfig(env), fixedClock('2026-10-05T09:00:00Z'), silentLogger, { scheduler: false });
});

afterAll(async () => {
  await app?.close();
  await connector?.close();
  await db?.drop();
});

describe('Bot Framework authentication on /api/messages (issue 7)', () => {
  const activity = () => JSON.stringify(messageActivity(teamsUser('tom'), TENANT, connector.url, 'auth-1', 'status'));

  it('answers 401 to a request without a token, and nothing reaches the bot', async () => {
    const response = await fetch(`${app.server.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: activity() });
    expect(response.status).toBe(401);
    expect(connector.sent).toHaveLength(0);
    expect(connector.memberLookups).toHaveLength(0);
  });

  it('answers 401 to a token that is not a valid Bot Framework JWT', async () => {
    const response = await fetch(`${app.server.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer not-a-real-token' }, body: activity() });
    expect(response.status).toBe(401);
    expect(connector.sent).toHaveLength(0);
  });

  it('refuses TEAMS_SKIP_AUTH when NODE_ENV=production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', TEAMS_CLIENT_ID: 'a', TEAMS_CLIENT_SECRET: 'b', TEAMS_TENANT_ID: 'c', TEAMS_SKIP_AUTH: 'true' })).toThrow(/TEAMS_SKIP_AUTH is refused when NODE_ENV=production/);
  });
});
