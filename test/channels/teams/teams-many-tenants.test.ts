import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { GraphClient } from '../../../src/channels/teams/graph-client.ts';
import { installForSchool, teamsInstallerOf } from '../../../src/channels/teams/proactive-install.ts';
import { type RunningApp, startApp } from '../../../src/compose-app.ts';
import { loadConfig } from '../../../src/config/load-config.ts';
import { NOT_ON_ROSTER } from '../../../src/core/bot/trellis-bot.ts';
import { reachReport } from '../../../src/core/reach/reach.ts';
import type { DigestMessage } from '../../../src/core/reminders/compose-digest.ts';
import { fixedClock } from '../../../src/core/time/clock.ts';
import { silentLogger } from '../../../src/logging/logger.ts';
import { PrismaTeamsTenants } from '../../../src/storage/prisma/prisma-teams-tenants.ts';
import { runTrellisWith } from '../../support/run-cli.ts';
import { type SeededSchool, seedSchool } from '../../support/seed-school.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { FakeBotConnector } from './support/fake-bot-connector.ts';
import { FakeGraph } from './support/fake-graph.ts';
import { messageActivity, teamsUser } from './support/teams-activities.ts';
import { TENANT, teamsTestEnv } from './support/teams-test-env.ts';

/** Kingsmead's tenant is the configured one (TENANT); Thomas Alleyne's is another; a third serves nobody. */
const ALLEYNE_TENANT = '5f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b';
const STRANGER_TENANT = '0c2b8e3d-1111-4222-8333-444455556666';
const CATALOG_APP = 'a1b2c3d4-0000-4000-8000-00000000cafe';

let db: TestDatabase;
let connector: FakeBotConnector;
let graph: FakeGraph;
let app: RunningApp;
let kingsmead: SeededSchool;
let alleyne: SeededSchool;
let env: Record<string, string>;
const slugs: Record<string, string> = {};
const waits: number[] = [];
const kim = teamsUser('kim');
const hana = teamsUser('hana');
/** An account in Kingsmead's tenant claiming an Alleyne teacher's e-mail. */
const borrower = teamsUser('borrower');

const emailOf = (school: 'kingsmead' | 'alleyne', key: string) => `${key}@${slugs[school]}.example`;
const post = async (activity: Record<string, unknown>) => (await fetch(`${app.server.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) })).status;
const trellis = (...argv: string[]) => runTrellisWith({ databaseUrl: db.url, at: '2026-10-05T09:00:00Z', env }, ...argv);
const textsTo = (conversationId: string) => connector.to(conversationId).map((s) => s.activity.text ?? '');

beforeAll(async () => {
  db = await createTestDatabase();
  connector = new FakeBotConnector();
  graph = new FakeGraph();
  await Promise.all([connector.start(), graph.start()]);
  kingsmead = await seedSchool(db.prisma, 'kingsmead', [
    { key: 'kh', fullName: 'Kay Head', role: 'headteacher' },
    { key: 'kim', fullName: 'Kim Teacher', role: 'teacher', lineManager: 'kh' },
  ]);
  alleyne = await seedSchool(db.prisma, 'thomas-alleyne', [
    { key: 'hana', fullName: 'Hana Head', role: 'headteacher' },
    { key: 'nia', fullName: 'Nia New', role: 'teacher', lineManager: 'hana' },
    { key: 'hal', fullName: 'Hal Had-it', role: 'teacher', lineManager: 'hana' },
    { key: 'bo', fullName: 'Bo Blocked', role: 'teacher', lineManager: 'hana' },
    { key: 'gus', fullName: 'Gus Ghost', role: 'teacher', lineManager: 'hana' },
  ]);
  for (const [name, school] of [['kingsmead', kingsmead], ['alleyne', alleyne]] as const) {
    slugs[name] = (await db.prisma.school.findUniqueOrThrow({ where: { id: school.schoolId } })).slug;
  }
  connector.members.set(kim.id, emailOf('kingsmead', 'kim'));
  connector.members.set(hana.id, emailOf('alleyne', 'hana'));
  connector.members.set(borrower.id, emailOf('alleyne', 'nia'));
  // Graph knows Alleyne's staff in their tenant, except Gus; Hal already has the app; an app
  // permission policy blocks it for Bo.
  graph.consented.add(ALLEYNE_TENANT);
  for (const key of ['hana', 'nia', 'hal', 'bo']) graph.users.set(`${ALLEYNE_TENANT}:${emailOf('alleyne', key)}`, `aad-${key}`);
  graph.installed.add(`${ALLEYNE_TENANT}:aad-hal`);
  graph.forbidden.add('aad-bo');
  env = {
    ...teamsTestEnv(db.url),
    TEAMS_GRAPH_LOGIN_URL: graph.loginUrl,
    TEAMS_GRAPH_URL: graph.graphUrl,
    TEAMS_SERVICE_URL: connector.url,
  };
  // Each tenant registered to its school (what `trellis teams tenants add` does; test/cli/teams-cli.test.ts runs the command).
  const tenants = new PrismaTeamsTenants(db.prisma);
  await tenants.register(kingsmead.schoolId, TENANT, undefined);
  await tenants.register(alleyne.schoolId, ALLEYNE_TENANT, CATALOG_APP);
  app = await startApp(loadConfig(env), fixedClock('2026-10-05T09:00:00Z'), silentLogger, { scheduler: false });
});

afterAll(async () => {
  await app?.close();
  await Promise.all([connector?.close(), graph?.close()]);
  await db?.drop();
});

describe('one Trellis serves many Teams tenants, each registered to a school', () => {
  it('answers people in two registered tenants from one process and links each to their own school', async () => {
    expect(await post(messageActivity(kim, TENANT, connector.url, 'kim-1', 'status'))).toBe(200);
    expect(await post(messageActivity(hana, ALLEYNE_TENANT, connector.url, 'hana-1', 'status'))).toBe(200);
    expect(textsTo(kim.conversationId).length).toBeGreaterThan(0);
    expect(textsTo(hana.conversationId).length).toBeGreaterThan(0);
    expect(textsTo(hana.conversationId)).not.toContain(NOT_ON_ROSTER);
    const links = await db.prisma.platformIdentity.findMany({ select: { personId: true, tenantId: true }, orderBy: { tenantId: 'asc' } });
    expect(links).toEqual(
      expect.arrayContaining([
        { personId: kingsmead.ids.kim!, tenantId: TENANT },
        { personId: alleyne.ids.hana!, tenantId: ALLEYNE_TENANT },
      ]),
    );
  });

  it('refuses a third tenant no school registered with a 403, looking up, storing and sending nothing', async () => {
    const lookups = connector.memberLookups.length;
    const sent = connector.sent.length;
    const stranger = teamsUser('stranger');
    expect(await post(messageActivity(stranger, STRANGER_TENANT, connector.url, 'stranger-1', 'status'))).toBe(403);
    expect(connector.memberLookups.length).toBe(lookups);
    expect(connector.sent.length).toBe(sent);
    expect(await db.prisma.platformIdentity.count({ where: { tenantId: STRANGER_TENANT } })).toBe(0);
  });

  it('does not link an account in one school’s tenant to a person of another school claiming their e-mail', async () => {
    expect(await post(messageActivity(borrower, TENANT, connector.url, 'borrow-1', 'status'))).toBe(200);
    expect(textsTo(borrower.conversationId)).toEqual([NOT_ON_ROSTER]);
    expect(await db.prisma.platformIdentity.count({ where: { personId: alleyne.ids.nia! } })).toBe(0);
  });

  it('lists the tenants with the schools they serve and their Graph set-up', async () => {
    const { code, stdout } = await trellis('teams', 'tenants');
    expect(code).toBe(0);
    expect(stdout).toContain(`${TENANT}: serves ${slugs.kingsmead}; no Graph install`);
    expect(stdout).toContain(`${ALLEYNE_TENANT}: serves ${slugs.alleyne}; Graph install with catalogue app ${CATALOG_APP}`);
  });
});

describe('installing the app through Microsoft Graph for staff who never opened it', () => {
  it('installs it for those Teams cannot reach, takes 409 as already installed, keeps 403 and 404 as reasons, and waits out a 429 without sleeping', async () => {
    graph.throttleInstalls = 1;
    const installer = teamsInstallerOf(app, new PrismaTeamsTenants(db.prisma), { wait: async (ms) => void waits.push(ms) })!;
    const report = await installForSchool(installer, alleyne.schoolId);

    const outcomes = Object.fromEntries(report.people.map((p) => [p.email.split('@')[0], p.outcome]));
    expect(outcomes).toEqual({
      hana: { kind: 'reachable' },
      nia: { kind: 'installed', tenant: ALLEYNE_TENANT },
      hal: { kind: 'already-installed', tenant: ALLEYNE_TENANT },
      bo: { kind: 'forbidden', tenant: ALLEYNE_TENANT, detail: expect.stringMatching(/Graph answered 403 \(Forbidden\) to POST \/users\/aad-bo\/teamwork\/installedApps/) },
      gus: { kind: 'not-found', tenant: ALLEYNE_TENANT, detail: expect.stringContaining(emailOf('alleyne', 'gus')) },
    });
    // The 429's Retry-After (7 s) was honoured through the injected wait, once.
    expect(waits).toEqual([7000]);
    // One app-only token for the tenant (client credentials for Graph), reused for every call.
    expect(graph.tokenRequests).toEqual([{ tenant: ALLEYNE_TENANT, clientId: env.TEAMS_CLIENT_ID!, scope: 'https://graph.microsoft.com/.default', grantType: 'client_credentials' }]);
    expect(graph.requests).toContain(`GET /v1.0/users/aad-nia/teamwork/installedApps/install-aad-nia/chat`);
    // Nia and Hal are linked in Alleyne's tenant with the chat Graph gave as their conversation.
    for (const key of ['nia', 'hal']) {
      const identity = await db.prisma.platformIdentity.findFirstOrThrow({ where: { personId: alleyne.ids[key]! } });
      expect(identity).toMatchObject({ tenantId: ALLEYNE_TENANT, platformUserId: `aad-${key}`, reachable: true, conversationRef: { serviceUrl: connector.url, conversationId: FakeGraph.chatIdOf(`aad-${key}`), tenantId: ALLEYNE_TENANT } });
    }
    expect(await db.prisma.teamsInstallFailure.count()).toBe(2);
  });

  it('trellis reach then says who cannot be reached in Teams and why', async () => {
    const report = await reachReport(app.services.reach, alleyne.schoolId);
    const teams = Object.fromEntries(report.people.map((p) => [p.email.split('@')[0], p.teams]));
    expect(teams.nia).toEqual({ reachable: true, how: 'personal chat with Trellis in Teams' });
    expect(teams.hal).toEqual({ reachable: true, how: 'personal chat with Trellis in Teams' });
    expect(teams.bo).toMatchObject({ reachable: false, reason: expect.stringMatching(/^Microsoft Graph refused to install Trellis for them \(403/) });
    expect(teams.gus).toMatchObject({ reachable: false, reason: expect.stringMatching(/^Microsoft Graph could not find them or the app \(404/) });
    expect(report.totals.teams).toBe(3);
  });

  it('the newly installed person then receives a reminder digest through the Bot Connector, in the chat Graph gave', async () => {
    const message: DigestMessage = {
      recipientId: alleyne.ids.nia!,
      date: '2026-10-05',
      title: 'Your growth cycle: 1 thing',
      items: [{ obligationKey: 'ob-nia', label: 'Self-reflection', dueOn: '2026-10-16', rule: 'test', state: 'due-soon', point: 'due-in-10', actions: [{ label: 'Start', value: 'start:ob-nia' }] }],
    };
    const result = await app.router.deliver({ key: 'digest:nia:2026-10-05', recipient: { id: alleyne.ids.nia!, email: emailOf('alleyne', 'nia'), fullName: 'Nia New' }, message });
    expect(result).toEqual({ ok: true });
    const received = connector.to(FakeGraph.chatIdOf('aad-nia'));
    expect(received).toHaveLength(1);
    expect(JSON.stringify(received[0]!.activity)).toContain('Your growth cycle: 1 thing');
  });

  it('a second run leaves the reachable alone and tries only those still unreachable', async () => {
    graph.forbidden.delete('aad-bo');
    const installer = teamsInstallerOf(app, new PrismaTeamsTenants(db.prisma), { wait: async (ms) => void waits.push(ms) })!;
    const report = await installForSchool(installer, alleyne.schoolId);
    expect(report.people.filter((p) => p.outcome.kind !== 'reachable').map((p) => [p.fullName, p.outcome.kind])).toEqual([
      ['Bo Blocked', 'installed'],
      ['Gus Ghost', 'not-found'],
    ]);
    // An install that works clears the reason kept before.
    expect(await db.prisma.teamsInstallFailure.findUnique({ where: { personId: alleyne.ids.bo! } })).toBeNull();
  });

  it('installs for several people at once (at most the concurrency asked for), and in a 429 storm every call to the tenant waits out Retry-After: everyone installed once, nobody twice', async () => {
    const STORM_TENANT = '7a7a7a7a-1234-4abc-8def-0123456789ab';
    const staff = Array.from({ length: 24 }, (_, i) => ({ key: `s${i}`, fullName: `Storm Teacher ${i}`, role: 'teacher' as const, lineManager: 'sh' }));
    const storm = await seedSchool(db.prisma, 'kingsmead', [{ key: 'sh', fullName: 'Sam Head', role: 'headteacher' }, ...staff]);
    const slug = (await db.prisma.school.findUniqueOrThrow({ where: { id: storm.schoolId } })).slug;
    graph.consented.add(STORM_TENANT);
    for (const key of ['sh', ...staff.map((s) => s.key)]) graph.users.set(`${STORM_TENANT}:${key}@${slug}.example`, `aad-storm-${key}`);
    await new PrismaTeamsTenants(db.prisma).register(storm.schoolId, STORM_TENANT, CATALOG_APP);
    const accepted = graph.accepted.length;
    const tokens = graph.tokenRequests.length;
    graph.maxInFlight = 0;
    // The first 6 installs are held until 6 are waiting at once; the 30 installs after them are told to wait (a storm).
    graph.holdInstalls = 6;
    graph.throttleInstalls = 30;
    graph.retryAfterSeconds = 3;
    const stormWaits: number[] = [];
    const installer = teamsInstallerOf(app, new PrismaTeamsTenants(db.prisma), { wait: async (ms) => void stormWaits.push(ms) })!;

    const report = await installForSchool(installer, storm.schoolId, { concurrency: 6 });

    expect(report.people).toHaveLength(25);
    expect(report.people.map((p) => p.fullName)).toEqual(['Sam Head', ...staff.map((s) => s.fullName)].sort((a, b) => a.localeCompare(b, 'en-GB')));
    expect(report.people.every((p) => p.outcome.kind === 'installed')).toBe(true);
    const installed = graph.accepted.slice(accepted);
    expect(installed).toHaveLength(25);
    expect(new Set(installed).size).toBe(25);
    expect(graph.conflicts.filter((id) => id.startsWith('aad-storm-'))).toEqual([]);
    // Six ran side by side (the hold released only once six were waiting), never more.
    expect(graph.maxInFlight).toBe(6);
    // Every wait was Graph's Retry-After (calls throttled together share one pause: the Graph client's test below).
    expect(graph.throttleInstalls).toBe(0);
    expect(stormWaits.length).toBeGreaterThan(0);
    expect(stormWaits.length).toBeLessThanOrEqual(30);
    expect(new Set(stormWaits)).toEqual(new Set([3000]));
    graph.retryAfterSeconds = 7;
    // One token for the tenant, shared by the six installs that asked for it at once.
    expect(graph.tokenRequests.slice(tokens)).toHaveLength(1);
    for (const person of report.people) {
      const identity = await db.prisma.platformIdentity.findFirstOrThrow({ where: { personId: person.id } });
      expect(identity).toMatchObject({ tenantId: STORM_TENANT, conversationRef: { conversationId: FakeGraph.chatIdOf(identity.platformUserId) } });
    }
  });

  it('names a tenant that gives Trellis no token (admin consent not granted) and tries nobody there', async () => {
    await new PrismaTeamsTenants(db.prisma).register(kingsmead.schoolId, TENANT, CATALOG_APP);
    const installer = teamsInstallerOf(app, new PrismaTeamsTenants(db.prisma))!;
    const report = await installForSchool(installer, kingsmead.schoolId);
    expect(report.tenantProblems).toEqual([{ tenant: TENANT, detail: expect.stringMatching(/refused an app-only token .*unauthorized_client AADSTS700016.*admin consent/) }]);
    expect(report.people.find((p) => p.fullName === 'Kay Head')?.outcome).toEqual({ kind: 'failed', detail: 'no tenant Trellis can sign in to' });
    expect(await db.prisma.teamsInstallFailure.count({ where: { tenantId: TENANT } })).toBe(0);
  });
});

describe('the Graph client', () => {
  it('gives up on a throttle whose Retry-After is longer than it will wait, rather than sleeping', async () => {
    graph.throttleInstalls = 1;
    graph.retryAfterSeconds = 3600;
    const paused: number[] = [];
    const client = new GraphClient({ clientId: 'c', clientSecret: 's', loginUrl: graph.loginUrl, graphUrl: graph.graphUrl, clock: fixedClock('2026-10-05T09:00:00Z'), wait: async (ms) => void paused.push(ms) });
    await expect(client.install(ALLEYNE_TENANT, 'aad-gus-not-a-user', CATALOG_APP)).rejects.toMatchObject({ status: 404 });
    await expect(client.install(ALLEYNE_TENANT, 'aad-nia', CATALOG_APP)).rejects.toMatchObject({ status: 429, message: expect.stringMatching(/still throttled after 1 attempt/) });
    expect(paused).toEqual([]);
    graph.retryAfterSeconds = 7;
  });

  it('while Graph has told one call to wait, other calls to that tenant wait out the same pause before sending anything, and add none of their own', async () => {
    graph.throttleInstalls = 1;
    const paused: number[] = [];
    let release = () => {};
    const wait = (ms: number) => {
      paused.push(ms);
      return new Promise<void>((resolve) => {
        release = resolve;
      });
    };
    const client = new GraphClient({ clientId: 'c', clientSecret: 's', loginUrl: graph.loginUrl, graphUrl: graph.graphUrl, clock: fixedClock('2026-10-05T09:00:00Z'), wait });
    const installing = client.install(ALLEYNE_TENANT, 'aad-hana', CATALOG_APP);
    await vi.waitFor(() => expect(paused).toEqual([7000]));
    const before = graph.requests.length;
    const looking = client.userId(ALLEYNE_TENANT, emailOf('alleyne', 'nia'));
    for (let turn = 0; turn < 50; turn++) await new Promise((resolve) => setImmediate(resolve));
    expect(graph.requests.slice(before)).toEqual([]);
    release();
    await expect(installing).resolves.toBe('installed');
    await expect(looking).resolves.toBe('aad-nia');
    expect(paused).toEqual([7000]);
  });

  it('turns a Graph it cannot reach into a plain failure for this run, not a crash', async () => {
    const client = new GraphClient({ clientId: 'c', clientSecret: 's', loginUrl: 'http://127.0.0.1:9', graphUrl: graph.graphUrl, clock: fixedClock('2026-10-05T09:00:00Z'), wait: async () => {} });
    await expect(client.userId(ALLEYNE_TENANT, 'nia@example.org')).rejects.toMatchObject({ name: 'GraphError', status: 0, stage: 'sign-in', message: expect.stringMatching(/^could not reach Microsoft sign-in for tenant /) });
  });
});
