import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fillManifest, packageEnvProblems } from '../../src/channels/teams/app-package.ts';
import { type RunningApp, startApp } from '../../src/compose-app.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { NOT_ON_ROSTER } from '../../src/core/bot/trellis-bot.ts';
import { fixedClock } from '../../src/core/time/clock.ts';
import { silentLogger } from '../../src/logging/logger.ts';
import { rosterCsv } from '../admin-console/support/admin-world.ts';
import { FakeBotConnector } from '../channels/teams/support/fake-bot-connector.ts';
import { FakeGraph } from '../channels/teams/support/fake-graph.ts';
import { messageActivity, teamsUser } from '../channels/teams/support/teams-activities.ts';
import { teamsTestEnv } from '../channels/teams/support/teams-test-env.ts';
import { runTrellisWith } from '../support/run-cli.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

// docs/teams.md ("Install it: one Trellis, many tenants") followed as a new provider and school
// administrator would, against the real app and CLI with Microsoft's sign-in service, Graph and the
// Bot Connector faked on loopback: the variables, registering the tenant, loading staff, the
// proactive install, and who is reached.
const ROOT = join(import.meta.dirname, '../..');
const GUIDE = join(ROOT, 'docs/teams.md');
const NOW = '2026-10-05T09:00:00Z';
/** The guide's placeholders, as real ids. */
const IDS: Record<string, string> = {
  '1b2c3d4e-…-tenant': '1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d',
  '5a6b7c8d-…-tenant': '5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d',
  '9f8e7d6c-…-appid': '9f8e7d6c-5b4a-4392-8180-7f6e5d4c3b2a',
};
const TENANT = IDS['1b2c3d4e-…-tenant']!;

let db: TestDatabase;
let graph: FakeGraph;
let connector: FakeBotConnector;
let guide: string;
let env: Record<string, string>;
let app: RunningApp | undefined;

const section = (heading: string) => guide.slice(guide.indexOf(heading), guide.indexOf('\n### ', guide.indexOf(heading) + 1));
const blocksOf = (text: string) => [...text.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
/** A code block's commands as typed: comments and `npx` dropped, placeholders given real ids. */
const commandsOf = (block: string) =>
  block
    .split('\n')
    .map((line) => line.replace(/\s#.*$/, '').trim())
    .filter((line) => line.startsWith('trellis ') || line.startsWith('npx trellis '))
    .map((line) => line.replace(/^(npx\s+)?trellis\s+/, '').replace(/[0-9a-f]{8}-…-(tenant|appid)/g, (id) => IDS[id] ?? id).split(/\s+/));
const cli = (...argv: string[]) => runTrellisWith({ databaseUrl: db.url, at: NOW, env }, ...argv);

beforeAll(async () => {
  guide = await readFile(GUIDE, 'utf8');
  db = await createTestDatabase();
  graph = new FakeGraph();
  connector = new FakeBotConnector();
  await Promise.all([graph.start(), connector.start()]);
  env = { ...teamsTestEnv(db.url), TEAMS_GRAPH_LOGIN_URL: graph.loginUrl, TEAMS_GRAPH_URL: graph.graphUrl, TEAMS_SERVICE_URL: connector.url };
});
afterAll(async () => {
  await app?.close();
  await Promise.all([graph?.close(), connector?.close()]);
  await db?.drop();
});

describe('docs/teams.md, many tenants, step by step', () => {
  it('step A4 and the variables table: the three variables A4 starts Trellis with turn Teams on, without any one of them Trellis refuses to start, and the Graph and connector variables are the ones it reads', () => {
    const started = /```sh\n\s*(TEAMS_[\s\S]*?) npm start\n/.exec(section('### A.'))![1]!;
    const a4 = [...started.matchAll(/([A-Z_]+)=/g)].map((m) => m[1]!);
    expect(a4.sort()).toEqual(['TEAMS_CLIENT_ID', 'TEAMS_CLIENT_SECRET', 'TEAMS_TENANT_ID']);
    const rows = [...guide.matchAll(/^\| (`[A-Z_]+`(?:, `[A-Z_]+`)*) \|/gm)].map((m) => [...m[1]!.matchAll(/`([A-Z_]+)`/g)].map((n) => n[1]!));
    expect(rows[0]!.sort()).toEqual(a4);
    expect(rows.flat().sort()).toEqual(['TEAMS_CLIENT_ID', 'TEAMS_CLIENT_SECRET', 'TEAMS_GRAPH_LOGIN_URL', 'TEAMS_GRAPH_URL', 'TEAMS_SERVICE_URL', 'TEAMS_TENANT_ID']);

    const values: Record<string, string> = { TEAMS_CLIENT_ID: '00000000-0000-4000-8000-000000000001', TEAMS_CLIENT_SECRET: 'secret', TEAMS_TENANT_ID: '72f988bf-86f1-41af-91ab-2d7cd011db47' };
    const config = loadConfig({ DATABASE_URL: db.url, ...values, TEAMS_GRAPH_URL: 'https://graph.example/v1.0', TEAMS_GRAPH_LOGIN_URL: 'https://login.example', TEAMS_SERVICE_URL: 'https://smba.trafficmanager.net/emea/' });
    expect(config.teams).toMatchObject({ clientId: values.TEAMS_CLIENT_ID, tenantId: values.TEAMS_TENANT_ID, graph: { graphUrl: 'https://graph.example/v1.0', loginUrl: 'https://login.example', serviceUrl: 'https://smba.trafficmanager.net/emea/' } });
    for (const name of a4) {
      const without: Record<string, string> = { DATABASE_URL: db.url, ...values };
      delete without[name];
      expect(() => loadConfig(without)).toThrow(name);
    }
  });

  it('step A5 and B1: the package names the bot and the domain, and its manifest id is the externalId the guide filters the catalogue by', async () => {
    const scripts = (JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts['teams:package']).toBeDefined();
    expect(section('### A.')).toContain('npm run teams:package');
    const template = await readFile(join(ROOT, 'manifests/teams/manifest.json'), 'utf8');
    const clientId = '00000000-0000-4000-8000-000000000001';
    const appId = '00000000-0000-4000-8000-0000000000aa';
    expect(packageEnvProblems({ TEAMS_CLIENT_ID: clientId, TRELLIS_DOMAIN: 'trellis.example.org' })).toEqual([]);
    const plain = fillManifest(template, { TEAMS_CLIENT_ID: clientId, TRELLIS_DOMAIN: 'trellis.example.org' });
    expect(plain).toMatchObject({ id: clientId, bots: [{ botId: clientId }], validDomains: ['trellis.example.org'] });
    // With TEAMS_APP_ID the manifest id (Graph's externalId) is that, not the bot id: B1 says so.
    expect(fillManifest(template, { TEAMS_CLIENT_ID: clientId, TEAMS_APP_ID: appId })).toMatchObject({ id: appId, bots: [{ botId: clientId }] });
    expect(section('### B.')).toMatch(/externalId eq '<manifest id>'`,\s+where the manifest id is `TEAMS_APP_ID` when the package was built with it, else `TEAMS_CLIENT_ID`/);
  });

  it('steps C1–C4: the guide’s commands register the tenant, the import installs the app through Graph, install reaches the rest, and trellis reach and a message show everyone reached', async () => {
    // A trust already in Trellis, for C1's --trust line.
    expect((await cli('school', 'set', 'tpat-one', '--policy', 'tpat', '--terms', join(ROOT, 'config/terms/england-2026-28.yaml'), '--trust', 'tpat')).code).toBe(0);
    // B2: the tenant's administrator granted consent; Graph knows the staff except t2 (not yet given a Microsoft 365 account).
    graph.consented.add(TENANT);
    for (const key of ['head', 'hod', 't1']) graph.users.set(`${TENANT}:${key}@kingsmead.example`, `aad-${key}`);

    // C1, as typed (run from the repository, where config/terms is).
    const [register, load, install] = blocksOf(section('### C.'));
    const registerCommands = commandsOf(register!);
    expect(registerCommands.map((argv) => argv.slice(0, 3).join(' '))).toEqual(['school set kingsmead', 'teams tenants add', 'teams tenants add', 'teams tenants']);
    for (const argv of registerCommands) {
      const run = await runTrellisWith({ databaseUrl: db.url, at: NOW, env }, ...argv.map((arg) => (arg.startsWith('config/') ? join(ROOT, arg) : arg)));
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
    }
    const listed = JSON.parse((await cli('teams', 'tenants', '--json')).stdout) as { tenantId: string; schools: string[]; catalogAppId?: string }[];
    expect(listed).toEqual([
      { tenantId: TENANT, schools: ['kingsmead'], catalogAppId: IDS['9f8e7d6c-…-appid'] },
      { tenantId: IDS['5a6b7c8d-…-tenant'], schools: ['tpat-one'] },
    ]);

    // C2: staff loaded with their Microsoft 365 e-mail; the import installs the app for those Graph knows.
    const dir = await mkdtemp(join(tmpdir(), 'trellis-teams-guide-'));
    await writeFile(join(dir, 'staff.csv'), rosterCsv('kingsmead', ['t1', 't2']));
    const [importArgv] = commandsOf(load!);
    expect(importArgv!.slice(0, 2)).toEqual(['import', 'roster']);
    const imported = await cli(...importArgv!.map((arg) => (arg === 'staff.csv' ? join(dir, 'staff.csv') : arg)));
    expect(imported.stderr).toBe('');
    expect(imported.stdout).toMatch(/^Teams: 3 installed, 1 could not be reached \(trellis reach says why\)\.$/m);
    expect((await cli('reach', '--school', 'kingsmead')).stdout).toMatch(/<t2@kingsmead\.example>.*Teams: no, Microsoft Graph could not find them or the app \(404/);

    // C3: t2 now has an account; the dry run names only them and calls nothing, the install reaches them.
    graph.users.set(`${TENANT}:t2@kingsmead.example`, 'aad-t2');
    const [dryRun, real] = commandsOf(install!);
    const calls = graph.requests.length;
    const planned = await cli(...dryRun!);
    expect(planned.code).toBe(0);
    expect(planned.stdout).toMatch(/<t2@kingsmead\.example>: would be installed\./);
    expect(planned.stdout).not.toContain('<t1@kingsmead.example>');
    expect(graph.requests.length).toBe(calls);
    const installed = await cli(...real!);
    expect(installed.stderr).toBe('');
    expect(installed.code).toBe(0);
    // Each installed once: the import's three, then t2.
    expect(graph.accepted).toEqual([...graph.accepted.slice(0, 3).sort(), 'aad-t2']);
    expect(graph.accepted.slice(0, 3).sort()).toEqual(['aad-head', 'aad-hod', 'aad-t1']);

    // C4: everyone is reached in Teams.
    const reach = await cli('reach', '--school', 'kingsmead');
    expect(reach.code).toBe(0);
    for (const key of ['head', 'hod', 't1', 't2']) expect(reach.stdout.split('\n').find((line) => line.includes(`<${key}@kingsmead.example>`))).toMatch(/Teams: yes\.$/);

    // And someone in the tenant who writes to Trellis is answered as themselves, from the one process serving it.
    app = await startApp(loadConfig(env), fixedClock(NOW), silentLogger, { scheduler: false });
    const t1 = teamsUser('t1');
    connector.members.set(t1.id, 't1@kingsmead.example');
    const status = await fetch(`${app.server.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(messageActivity(t1, TENANT, connector.url, 'guide-1', 'status')) });
    expect(status.status).toBe(200);
    const replies = connector.to(t1.conversationId).map((sent) => sent.activity.text ?? JSON.stringify(sent.activity.attachments));
    expect(replies.length).toBeGreaterThan(0);
    expect(replies).not.toContain(NOT_ON_ROSTER);
  });
});
