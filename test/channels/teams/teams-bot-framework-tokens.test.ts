import { InboundActivityTokenValidator } from '@microsoft/teams.apps/dist/middleware/index.js';
import { PUBLIC, withOverrides } from '@microsoft/teams.api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, startApp } from '../../../src/compose-app.ts';
import { loadConfig } from '../../../src/config/load-config.ts';
import { fixedClock } from '../../../src/core/time/clock.ts';
import { silentLogger } from '../../../src/logging/logger.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { FakeBotConnector } from './support/fake-bot-connector.ts';
import { FakeMicrosoftLogin } from './support/fake-microsoft-login.ts';
import { messageActivity, teamsUser } from './support/teams-activities.ts';
import { TENANT, teamsTestEnv } from './support/teams-test-env.ts';

const BOT_FRAMEWORK_ISSUER = 'https://api.botframework.com';
/** The tenant the Bot Framework Emulator's tokens come from. */
const EMULATOR_TENANT = 'd6d49420-f39b-4df7-a1dc-d59a935871db';
const OTHER_TENANT = '11111111-2222-4333-8444-555555555555';

let db: TestDatabase;
let connector: FakeBotConnector;
let login: FakeMicrosoftLogin;
let app: RunningApp;
let clientId: string;

beforeAll(async () => {
  db = await createTestDatabase();
  connector = new FakeBotConnector();
  await connector.start();
  login = new FakeMicrosoftLogin();
  await login.start();
  const env: Record<string, string> = { ...teamsTestEnv(db.url, { auth: true }), TEAMS_LOGIN_URL: login.url };
  clientId = env.TEAMS_CLIENT_ID!;
  app = await startApp(loadConfig(env), fixedClock('2026-10-05T09:00:00Z'), silentLogger, { scheduler: false });
});

afterAll(async () => {
  await app?.close();
  await login?.close();
  await connector?.close();
  await db?.drop();
});

const now = () => Math.floor(Date.now() / 1000);

/** A typing activity: the SDK has no handler for it, so an authenticated one is simply 200 and nothing is sent. */
function typingActivity(): Record<string, unknown> {
  const { text: _text, ...activity } = messageActivity(teamsUser('tom'), TENANT, connector.url, `typing-${Math.random()}`, '');
  return { ...activity, type: 'typing' };
}

/** What the Bot Framework Connector sends: its issuer, this bot as the audience, the serviceUrl it posts from. */
function botFrameworkClaims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { iss: BOT_FRAMEWORK_ISSUER, aud: clientId, serviceurl: connector.url, iat: now() - 60, nbf: now() - 60, exp: now() + 3600, ...overrides };
}

/** An Entra access token for this app, as any tenant where the app has a service principal can obtain one. */
function entraClaims(tenant: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { iss: `${login.url}/${tenant}/v2.0`, tid: tenant, aud: clientId, iat: now() - 60, nbf: now() - 60, exp: now() + 3600, ...overrides };
}

async function post(token: string | undefined, activity = typingActivity()): Promise<{ status: number; body: string }> {
  const response = await fetch(`${app.server.url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
    body: JSON.stringify(activity),
  });
  return { status: response.status, body: await response.text() };
}

describe('Teams accepts Bot Framework tokens only (signing keys from a fake Microsoft sign-in on loopback)', () => {
  it('a token the Bot Framework issued for this bot, signed with its published key, is accepted', async () => {
    const answer = await post(login.token(botFrameworkClaims(), 'bot-framework'));
    expect(answer.status).toBe(200);
    expect(login.fetched).toContain('/v1/.well-known/keys');
  });

  it('an Entra token for this app from another tenant is refused with 401, though the SDK on its own would take it', async () => {
    const token = login.token(entraClaims(OTHER_TENANT), 'entra');
    const cloud = withOverrides(PUBLIC, { loginEndpoint: login.url, openIdMetadataUrl: `${login.url}/v1/.well-known/openidconfiguration` });
    // The SDK's own validator treats an Entra issuer as an agentic-identity token and checks only its tenant's keys and the audience.
    const sdkAlone = new InboundActivityTokenValidator(clientId, TENANT, undefined, undefined, cloud);
    await expect(sdkAlone.check(`Bearer ${token}`, { serviceUrl: connector.url })).resolves.toMatchObject({ appId: clientId });

    const answer = await post(token);
    expect(answer).toEqual({ status: 401, body: JSON.stringify({ error: 'only Bot Framework tokens are accepted' }) });
  });

  it('a Bot Framework Emulator token (issued by its Entra tenant) is refused with 401', async () => {
    const v1 = login.token(entraClaims(EMULATOR_TENANT, { iss: `https://sts.windows.net/${EMULATOR_TENANT}/` }), 'entra');
    const v2 = login.token(entraClaims(EMULATOR_TENANT), 'entra');
    expect((await post(v1)).status).toBe(401);
    expect((await post(v2)).status).toBe(401);
  });

  it('an Entra token for another audience (Microsoft Graph) is refused with 401', async () => {
    expect((await post(login.token(entraClaims(TENANT, { aud: 'https://graph.microsoft.com' }), 'entra'))).status).toBe(401);
  });

  it('what the SDK checks on a Bot Framework token: another bot’s audience, a key the Bot Framework does not publish, expiry, and a serviceurl claim that is not the activity’s are each 401', async () => {
    expect((await post(login.token(botFrameworkClaims({ aud: '00000000-0000-4000-8000-0000000000ff' }), 'bot-framework'))).status).toBe(401);
    expect((await post(login.token(botFrameworkClaims(), 'unpublished'))).status).toBe(401);
    expect((await post(login.token(botFrameworkClaims({ iat: now() - 7200, nbf: now() - 7200, exp: now() - 3600 }), 'bot-framework'))).status).toBe(401);
    expect((await post(login.token(botFrameworkClaims({ serviceurl: 'https://smba.trafficmanager.net/emea/' }), 'bot-framework'))).status).toBe(401);
  });

  it('a message with any refused token reaches nobody: nothing sent, no member looked up', async () => {
    const message = messageActivity(teamsUser('tom'), TENANT, connector.url, 'entra-message', 'status');
    expect((await post(login.token(entraClaims(OTHER_TENANT), 'entra'), message)).status).toBe(401);
    expect((await post(undefined, message)).status).toBe(401);
    expect(connector.sent).toHaveLength(0);
    expect(connector.memberLookups).toHaveLength(0);
  });

  it('TEAMS_LOGIN_URL, which replaces Microsoft’s signing keys, is refused when NODE_ENV=production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgresql://x/y', TEAMS_LOGIN_URL: 'http://127.0.0.1:1' })).toThrow(/TEAMS_LOGIN_URL is refused when NODE_ENV=production/);
  });
});
