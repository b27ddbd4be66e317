import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeBotConnector } from '../channels/teams/support/fake-bot-connector.ts';
import { FakeGraph } from '../channels/teams/support/fake-graph.ts';
import { teamsTestEnv } from '../channels/teams/support/teams-test-env.ts';
import { runTrellisWith } from '../support/run-cli.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

const ROSTER = join(import.meta.dirname, '../fixtures/rosters/small-school.csv');
const TERMS = join(import.meta.dirname, '../../config/terms/england-2026-28.yaml');
const SCHOOL_TENANT = '5f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b';
const CATALOG_APP = 'a1b2c3d4-0000-4000-8000-00000000cafe';

let db: TestDatabase;
let graph: FakeGraph;
let connector: FakeBotConnector;
let env: Record<string, string>;
const trellis = (...argv: string[]) => runTrellisWith({ databaseUrl: db.url, at: '2026-09-07T09:00:00Z', env }, ...argv);

beforeAll(async () => {
  db = await createTestDatabase();
  graph = new FakeGraph();
  connector = new FakeBotConnector();
  await Promise.all([graph.start(), connector.start()]);
  graph.consented.add(SCHOOL_TENANT);
  graph.users.set(`${SCHOOL_TENANT}:head@school.example`, 'aad-head');
  graph.users.set(`${SCHOOL_TENANT}:deputy@school.example`, 'aad-deputy');
  graph.users.set(`${SCHOOL_TENANT}:t1@school.example`, 'aad-t1');
  // Ta1's sign-in name differs from her school address: Graph finds her by mail.
  graph.users.set(`${SCHOOL_TENANT}:ta1@school.example`, 'aad-ta1');
  graph.mailOnly.add(`${SCHOOL_TENANT}:ta1@school.example`);
  graph.installed.add(`${SCHOOL_TENANT}:aad-deputy`);
  graph.forbidden.add('aad-t1');
  env = { ...teamsTestEnv(db.url), TEAMS_GRAPH_LOGIN_URL: graph.loginUrl, TEAMS_GRAPH_URL: graph.graphUrl, TEAMS_SERVICE_URL: connector.url };
  expect((await trellis('school', 'set', 'washwood', '--policy', 'whmat', '--terms', TERMS)).code).toBe(0);
});

afterAll(async () => {
  await Promise.all([graph?.close(), connector?.close()]);
  await db?.drop();
});

describe('trellis teams', () => {
  it('refuses what is not a tenant id or catalogue id, or an unknown school, in plain words', async () => {
    const bad = await trellis('teams', 'tenants', 'add', '--school', 'washwood', 'contoso.onmicrosoft.com');
    expect(bad).toMatchObject({ code: 1, stderr: expect.stringMatching(/^The tenant must be a Microsoft Entra tenant id \(a GUID/) });
    const badApp = await trellis('teams', 'tenants', 'add', '--school', 'washwood', SCHOOL_TENANT, '--catalog-app-id', 'com.trellis.app');
    expect(badApp).toMatchObject({ code: 1, stderr: expect.stringMatching(/--catalog-app-id must be the app's id in the tenant's app catalogue/) });
    const unknown = await trellis('teams', 'tenants', 'add', '--school', 'nowhere', SCHOOL_TENANT);
    expect(unknown).toMatchObject({ code: 1, stderr: expect.stringMatching(/There is no school "nowhere"/) });
    const noSchool = await trellis('teams', 'install');
    expect(noSchool).toMatchObject({ code: 1, stderr: expect.stringMatching(/Give the school with --school/) });
    const tooMany = await trellis('teams', 'install', '--school', 'washwood', '--concurrency', '50');
    expect(tooMany).toMatchObject({ code: 1, stderr: expect.stringMatching(/^--concurrency should be a whole number from 1 to 8 \(people installed at once\): got 50\./) });
    // Chats made through Graph get our Bot Framework token: only Microsoft's connector may be named.
    const elsewhere = await runTrellisWith({ databaseUrl: db.url, env: { ...env, TEAMS_ALLOW_LOOPBACK_SERVICE_URL: 'false', TEAMS_SERVICE_URL: 'https://connector.evil.example/' } }, 'teams', 'install', '--school', 'washwood');
    expect(elsewhere).toMatchObject({ code: 1, stderr: expect.stringMatching(/^TEAMS_SERVICE_URL must be a Bot Framework host/) });
    expect(`${bad.stderr}${badApp.stderr}${unknown.stderr}${elsewhere.stderr}`).not.toMatch(/at .*\.(ts|js)/);
  });

  it('says what to do when the school has no tenant with Graph set up', async () => {
    const { code, stderr } = await trellis('teams', 'install', '--school', 'washwood');
    expect(code).toBe(1);
    expect(stderr).toMatch(/No Teams tenant of "washwood" has Graph install set up: trellis teams tenants add --school washwood TENANT-ID --catalog-app-id APP-ID/);
  });

  it('registers a tenant with its catalogue app and lists it', async () => {
    const added = await trellis('teams', 'tenants', 'add', '--school', 'washwood', SCHOOL_TENANT.toUpperCase(), '--catalog-app-id', CATALOG_APP);
    expect(added.stderr).toBe('');
    expect(added.stdout).toContain(`Registered Teams tenant ${SCHOOL_TENANT} for "washwood"`);
    expect((await trellis('teams', 'tenants', 'add', '--school', 'washwood', SCHOOL_TENANT)).stdout).toContain('was already registered');
    const listed = await trellis('teams', 'tenants', '--json');
    expect(JSON.parse(listed.stdout)).toEqual([{ tenantId: SCHOOL_TENANT, schools: ['washwood'], catalogAppId: CATALOG_APP }]);
  });

  it('a roster import installs the app through Graph for the new staff, and trellis reach then gives the reasons for those it could not', async () => {
    const imported = await trellis('import', 'roster', ROSTER, '--school', 'washwood');
    expect(imported.stderr).toBe('');
    expect(imported.stdout).toMatch(/^Teams: 2 installed, 1 already had it, 6 could not be reached \(trellis reach says why\)\.$/m);
    expect(graph.requests.filter((r) => r.startsWith('POST /v1.0/users/')).sort()).toEqual(['deputy', 'head', 't1', 'ta1'].map((key) => `POST /v1.0/users/aad-${key}/teamwork/installedApps`));
    const reach = await trellis('reach', '--school', 'washwood');
    const lineOf = (email: string) => reach.stdout.split('\n').find((line) => line.includes(`<${email}>`));
    expect(lineOf('head@school.example')).toMatch(/Teams: yes\.$/);
    expect(lineOf('deputy@school.example')).toMatch(/Teams: yes\.$/);
    expect(lineOf('ta1@school.example')).toMatch(/Teams: yes\.$/);
    expect(lineOf('t1@school.example')).toMatch(/Teams: no, Microsoft Graph refused to install Trellis for them \(403.*tenant 5f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b, Graph answered 403 \(Forbidden\)/);
    expect(lineOf('t2@school.example')).toMatch(/Teams: no, Microsoft Graph could not find them or the app \(404.*no user with the e-mail t2@school\.example in the tenant\.$/);
  });

  it('the people installed then get their reminder digest from the sweep, in the chat Graph gave, through the Bot Connector', async () => {
    const swept = await runTrellisWith({ databaseUrl: db.url, env }, 'sweep', '--at', '2026-10-15T16:00:00+01:00', '--school', 'washwood');
    expect(swept.code).toBe(0);
    // How many items each digest carries is the reminder planner's business (calm-cadence tests);
    // here: everyone installed gets theirs, and the two Graph could not install do not.
    const digestOf = (email: string) => swept.stdout.split('\n').find((line) => line.startsWith(`2026-10-15 ${email}: `));
    for (const email of ['head@school.example', 'deputy@school.example', 'ta1@school.example']) expect(digestOf(email)).toMatch(/: \d+ items? — Your growth cycle/);
    expect(swept.stdout).toMatch(/t1@school\.example: not sent \(no channel can reach them/);
    // Each digest went to the one-on-one chat Graph named, as an Adaptive Card.
    expect(connector.sent.map((sent) => sent.conversationId).sort()).toEqual([FakeGraph.chatIdOf('aad-deputy'), FakeGraph.chatIdOf('aad-head'), FakeGraph.chatIdOf('aad-ta1')]);
    for (const sent of connector.sent) expect(JSON.stringify(sent.activity.attachments)).toContain('Your growth cycle');
  });

  it('a dry run lists who would be installed and calls nothing', async () => {
    const before = graph.requests.length;
    const { code, stdout } = await trellis('teams', 'install', '--school', 'washwood', '--dry-run');
    expect(code).toBe(0);
    expect(stdout).toContain(`Would install Trellis in Teams for the staff of "washwood" whom Teams cannot reach yet (tenants ${SCHOOL_TENANT}):`);
    expect(stdout).toMatch(/ <t1@school\.example>: would be installed\./);
    expect(stdout).not.toContain('<head@school.example>');
    expect(stdout).toMatch(/^6 to install, 3 already reachable\.$/m);
    expect(graph.requests.length).toBe(before);
  });

  it('removes a registration: its people are unlinked there and its Graph set-up goes', async () => {
    expect(await db.prisma.platformIdentity.count({ where: { tenantId: SCHOOL_TENANT } })).toBe(3);
    const removed = await trellis('teams', 'tenants', 'remove', '--school', 'washwood', SCHOOL_TENANT);
    expect(removed.stdout).toContain(`Removed Teams tenant ${SCHOOL_TENANT} from "washwood"; unlinked 3 account(s) of its people there.`);
    expect(await db.prisma.platformIdentity.count({ where: { tenantId: SCHOOL_TENANT } })).toBe(0);
    expect(await db.prisma.teamsTenant.count()).toBe(0);
    expect((await trellis('teams', 'tenants')).stdout).toMatch(/No Teams tenant is registered for a school/);
    const again = await trellis('teams', 'tenants', 'remove', '--school', 'washwood', SCHOOL_TENANT);
    expect(again).toMatchObject({ code: 1, stderr: expect.stringMatching(/is not registered for "washwood"/) });
  });

  it('registers a tenant for a whole trust (each of its schools) and removes it the same way', async () => {
    const TRUST_TENANT = '7a6b5c4d-3e2f-4a1b-8c9d-0e1f2a3b4c5d';
    for (const slug of ['alum-rock', 'ward-end']) expect((await trellis('school', 'set', slug, '--policy', 'whmat', '--terms', TERMS, '--trust', 'acme')).code).toBe(0);
    const added = await trellis('teams', 'tenants', 'add', '--trust', 'acme', TRUST_TENANT);
    expect(added.stdout).toContain(`Registered Teams tenant ${TRUST_TENANT} for "alum-rock"`);
    expect(added.stdout).toContain(`Registered Teams tenant ${TRUST_TENANT} for "ward-end"`);
    expect((await trellis('teams', 'tenants')).stdout).toContain(`${TRUST_TENANT}: serves alum-rock, ward-end; no Graph install`);
    const both = await trellis('teams', 'tenants', 'add', '--trust', 'acme', '--school', 'alum-rock', TRUST_TENANT);
    expect(both).toMatchObject({ code: 1, stderr: expect.stringMatching(/Give the school with --school, or the trust with --trust/) });
    const nowhere = await trellis('teams', 'tenants', 'add', '--trust', 'nowhere', TRUST_TENANT);
    expect(nowhere).toMatchObject({ code: 1, stderr: expect.stringMatching(/There is no trust "nowhere" with schools/) });
    const removed = await trellis('teams', 'tenants', 'remove', '--trust', 'acme', TRUST_TENANT);
    expect(removed.stdout.trim().split('\n')).toHaveLength(2);
    expect(await db.prisma.schoolChatWorkspace.count({ where: { tenantId: TRUST_TENANT } })).toBe(0);
  });
});
