import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isBotFrameworkServiceUrl } from '../../../src/channels/teams/teams-sdk-host.ts';
import { type RunningApp, startApp } from '../../../src/compose-app.ts';
import { loadConfig } from '../../../src/config/load-config.ts';
import { fixedClock } from '../../../src/core/time/clock.ts';
import { silentLogger } from '../../../src/logging/logger.ts';
import { PrismaIdentityStore } from '../../../src/storage/prisma/prisma-identity-store.ts';
import { type SeededSchool, seedSchool } from '../../support/seed-school.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { FakeBotConnector } from './support/fake-bot-connector.ts';
import { executeActivity, messageActivity, teamsUser } from './support/teams-activities.ts';
import { TENANT, teamsTestEnv } from './support/teams-test-env.ts';

const OTHER_TENANT = '0c2b8e3d-1111-4222-8333-444455556666';

let db: TestDatabase;
let connector: FakeBotConnector;
let app: RunningApp;
let school: SeededSchool;
const tom = teamsUser('tom');
const ana = teamsUser('ana');

beforeAll(async () => {
  db = await createTestDatabase();
  connector = new FakeBotConnector();
  await connector.start();
  school = await seedSchool(db.prisma, 'kingsmead', [
    { key: 'lm', fullName: 'Lena Manager', role: 'leader' },
    { key: 'tom', fullName: 'Tom Teacher', role: 'teacher', lineManager: 'lm' },
    { key: 'ana', fullName: 'Ana Teacher', role: 'teacher', lineManager: 'lm' },
  ]);
  const slug = (await db.prisma.school.findUniqueOrThrow({ where: { id: school.schoolId } })).slug;
  connector.members.set(tom.id, `tom@${slug}.example`);
  connector.members.set(ana.id, `ana@${slug}.example`);
  const env = teamsTestEnv(db.url);
  app = await startApp(loadConfig(env), fixedClock('2026-10-05T09:00:00Z'), silentLogger, { scheduler: false });
});

afterAll(async () => {
  await app?.close();
  await connector?.close();
  await db?.drop();
});

const post = async (activity: Record<string, unknown>) => (await fetch(`${app.server.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) })).status;

describe('Teams activities are accepted only from the configured tenant(s) and Bot Framework hosts', () => {
  it('an activity from another tenant gets 403: nothing is looked up, stored or sent', async () => {
    const status = await post(messageActivity(tom, OTHER_TENANT, connector.url, 'other-1', 'status'));
    expect(status).toBe(403);
    expect(connector.memberLookups).toHaveLength(0);
    expect(connector.sent).toHaveLength(0);
    expect(await db.prisma.platformIdentity.count()).toBe(0);
  });

  it('an activity naming a serviceUrl that is not a Bot Framework host gets 400, so no reply (with our token) goes there', async () => {
    const status = await post(messageActivity(tom, TENANT, 'https://evil.example/', 'evil-1', 'status'));
    expect(status).toBe(400);
    expect(connector.sent).toHaveLength(0);
  });

  it('knows the Bot Framework hosts: *.botframework.com and smba.trafficmanager.net over https, loopback only when allowed for tests', () => {
    for (const url of ['https://smba.trafficmanager.net/emea/', 'https://smba.trafficmanager.net/amer/', 'https://europe.webchat.botframework.com/', 'https://api.botframework.com']) {
      expect(isBotFrameworkServiceUrl(url, false)).toBe(true);
    }
    for (const url of ['http://smba.trafficmanager.net/emea/', 'https://smba.trafficmanager.net.evil.example/', 'https://botframework.com.evil.example/', 'https://evilbotframework.com/', 'https://evil.example/smba.trafficmanager.net', 'https://user@smba.trafficmanager.net/', 'javascript:alert(1)', 'not a url', 'http://127.0.0.1:3978/']) {
      expect(isBotFrameworkServiceUrl(url, false)).toBe(false);
    }
    expect(isBotFrameworkServiceUrl('http://127.0.0.1:3978/', true)).toBe(true);
    expect(isBotFrameworkServiceUrl('http://localhost:3978/', true)).toBe(true);
    expect(isBotFrameworkServiceUrl('http://10.0.0.5:3978/', true)).toBe(false);
  });

  it('a card press naming someone else’s dialog (their conversation and run) changes nothing in it', async () => {
    expect(await post(messageActivity(tom, TENANT, connector.url, 'own-1', 'reflect'))).toBe(200);
    const card = connector.to(tom.conversationId).map((s) => s.activity.attachments?.[0]?.content as { actions?: { verb: string; data: Record<string, unknown> }[] } | undefined).findLast((c) => c?.actions?.some((a) => a.verb === 'trellis.choice'));
    const action = card!.actions!.find((a) => a.verb === 'trellis.choice')!;
    const threadKey = `${tom.conversationId}:${String(action.data.run)}`;
    const before = await db.prisma.conversation.findUniqueOrThrow({ where: { tenant_threadKey: { tenant: TENANT, threadKey } } });

    const forged = { ...executeActivity(ana, TENANT, connector.url, 'forged-1', { verb: action.verb, data: action.data }, 'card-1'), conversation: { conversationType: 'personal', tenantId: TENANT, id: tom.conversationId } };
    expect(await post(forged)).toBe(200);
    expect(await db.prisma.conversation.findUniqueOrThrow({ where: { tenant_threadKey: { tenant: TENANT, threadKey } } })).toEqual(before);
  });

  it('a tenant recorded for the school is accepted too, its people are linked from it, and their links from elsewhere are dropped', async () => {
    expect(await db.prisma.platformIdentity.count({ where: { tenantId: TENANT } })).toBeGreaterThan(0);
    expect(await new PrismaIdentityStore(db.prisma).recordWorkspace(school.schoolId, 'teams', OTHER_TENANT)).toMatchObject({ added: true });
    // Nothing more is sent to an account the school no longer vouches for.
    expect(await db.prisma.platformIdentity.count({ where: { tenantId: TENANT } })).toBe(0);
    expect(await post(messageActivity(ana, OTHER_TENANT, connector.url, 'recorded-1', 'status'))).toBe(200);
    expect((await db.prisma.platformIdentity.findMany({ where: { personId: school.ids.ana! } })).map((i) => i.tenantId)).toEqual([OTHER_TENANT]);
    // With a tenant recorded, the school's people link from its recorded tenants only: Tom's
    // account in the configured tenant is not one of them.
    expect(await post(messageActivity(tom, TENANT, connector.url, 'home-1', 'status'))).toBe(200);
    expect(await db.prisma.platformIdentity.count({ where: { personId: school.ids.tom! } })).toBe(0);
  });
});
