import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/time/clock.ts';
import { PrismaIdentityStore } from '../../src/storage/prisma/prisma-identity-store.ts';
import { PrismaSlackInstallations } from '../../src/storage/prisma/prisma-slack-installations.ts';
import { runTrellisWith } from '../support/run-cli.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { type AdminWorld, ConsoleClient, seedSchools, startAdminWorld } from './support/admin-world.ts';

// Schools from seedSchools: alpha and gamma in trust "north", beta in trust "south".
const NOW = '2026-11-23T10:00:00Z';
const ALPHA_ADMIN = { sub: 'alpha-admin', email: 'ops@alpha.example' };
const TRUST_ADMIN = { sub: 'north-lead', email: 'it@north.example' };
const BETA_ADMIN = { sub: 'beta-admin', email: 'office@beta.example' };

let db: TestDatabase;
let world: AdminWorld;

const grantsOf = async (email: string) =>
  (await db.prisma.adminGrant.findMany({ where: { email }, include: { school: { select: { slug: true } }, trust: { select: { slug: true } } } })).map((g) => g.school?.slug ?? `trust:${g.trust?.slug}`).sort();
const auditOf = (action: string, email: string) => db.prisma.auditEvent.findMany({ where: { action, details: { path: ['email'], equals: email } } });

beforeAll(async () => {
  db = await createTestDatabase();
  await seedSchools(db.url, NOW);
  for (const [email, scope] of [
    [ALPHA_ADMIN.email, ['--school', 'alpha']],
    [TRUST_ADMIN.email, ['--trust', 'north']],
    [BETA_ADMIN.email, ['--school', 'beta']],
  ] as const) {
    expect((await runTrellisWith({ databaseUrl: db.url, at: NOW }, 'admins', 'add', email, ...scope)).code).toBe(0);
  }
  world = await startAdminWorld(db.url, fixedClock(NOW), { slackOAuth: true });
});
afterAll(async () => {
  await world?.close();
  await db?.drop();
});

async function postAdmins(client: ConsoleClient, slug: string, fields: Record<string, string>): Promise<Response> {
  return client.post(`/admin/schools/${slug}/admins`, new URLSearchParams({ csrf: await client.csrf(`/admin/schools/${slug}/admins`), ...fields }));
}

describe('naming administrators in the console', () => {
  it('a school administrator sees the school’s administrators (its own and its trust’s) and names one by e-mail, audited as trellis admins add is, with who did it', async () => {
    const client = new ConsoleClient(world.url);
    await client.signedIn(world.provider, ALPHA_ADMIN);
    const list = await (await client.get('/admin/schools/alpha/admins')).text();
    expect(list).toContain('ops@alpha.example (you)');
    expect(list).toContain('it@north.example');
    expect(list).toContain('Every school of');
    // Not a trust administrator: no choice of the whole trust, and the trust's grant is not theirs to remove.
    expect(list).not.toContain('name="level" value="trust"');
    expect(list).toContain('A trust administrator can remove this');

    const added = await postAdmins(client, 'alpha', { action: 'add', email: ' Bursar@Alpha.example ', level: 'school' });
    expect(added.status).toBe(200);
    expect(await added.text()).toContain('bursar@alpha.example can now use the admin console for Alpha Academy.');
    expect(await grantsOf('bursar@alpha.example')).toEqual(['alpha']);
    const audit = await auditOf('admin.added', 'bursar@alpha.example');
    expect(audit.map((a) => [a.subjectType, a.details])).toEqual([['school', { email: 'bursar@alpha.example', by: 'ops@alpha.example' }]]);

    const bad = await postAdmins(client, 'alpha', { action: 'add', email: 'not an address', level: 'school' });
    expect(bad.status).toBe(400);
    const badPage = await bad.text();
    expect(badPage).toContain('is not an e-mail address');
    expect(badPage).toContain('aria-invalid="true"');
  });

  it('an administrator of school A cannot see or change school B’s administrators (404, nothing written)', async () => {
    const client = new ConsoleClient(world.url);
    await client.signedIn(world.provider, ALPHA_ADMIN);
    for (const page of ['/admins', '/chat']) {
      const response = await client.get(`/admin/schools/beta${page}`);
      expect(response.status).toBe(404);
      expect(await response.text()).not.toContain('office@beta.example');
    }
    const csrf = await client.csrf('/admin/schools/alpha/admins');
    const add = await client.post('/admin/schools/beta/admins', new URLSearchParams({ csrf, action: 'add', email: 'mole@alpha.example', level: 'school' }));
    expect(add.status).toBe(404);
    const remove = await client.post('/admin/schools/beta/admins', new URLSearchParams({ csrf, action: 'remove', email: 'office@beta.example', level: 'school' }));
    expect(remove.status).toBe(404);
    // Asking for the trust from a school they administer does not reach the trust either.
    const trust = await client.post('/admin/schools/alpha/admins', new URLSearchParams({ csrf, action: 'add', email: 'mole@alpha.example', level: 'trust' }));
    expect(trust.status).toBe(400);
    expect(await grantsOf('mole@alpha.example')).toEqual([]);
    expect(await grantsOf('office@beta.example')).toEqual(['beta']);
  });

  it('a POST without the session’s CSRF token or from another origin names nobody', async () => {
    const client = new ConsoleClient(world.url);
    await client.signedIn(world.provider, ALPHA_ADMIN);
    const guessed = await client.post('/admin/schools/alpha/admins', new URLSearchParams({ csrf: 'guessed', action: 'add', email: 'x1@alpha.example', level: 'school' }));
    expect(guessed.status).toBe(403);
    const token = await client.csrf('/admin/schools/alpha/admins');
    const crossSite = await client.post('/admin/schools/alpha/admins', new URLSearchParams({ csrf: token, action: 'add', email: 'x1@alpha.example', level: 'school' }), { origin: 'https://evil.example' });
    expect(crossSite.status).toBe(403);
    expect(await grantsOf('x1@alpha.example')).toEqual([]);
  });

  it('removing an administrator ends their console sessions at once and is audited with who did it', async () => {
    const bursar = new ConsoleClient(world.url);
    await bursar.signedIn(world.provider, { sub: 'bursar', email: 'bursar@alpha.example' });
    expect((await bursar.get('/admin/schools/alpha')).status).toBe(200);
    const client = new ConsoleClient(world.url);
    await client.signedIn(world.provider, ALPHA_ADMIN);
    const removed = await postAdmins(client, 'alpha', { action: 'remove', email: 'bursar@alpha.example', level: 'school' });
    expect(removed.status).toBe(200);
    expect(await removed.text()).toContain('bursar@alpha.example can no longer use the admin console for Alpha Academy');
    expect(await grantsOf('bursar@alpha.example')).toEqual([]);
    expect((await auditOf('admin.removed', 'bursar@alpha.example')).map((a) => a.details)).toEqual([{ email: 'bursar@alpha.example', by: 'ops@alpha.example' }]);
    const next = await bursar.get('/admin/schools/alpha');
    expect(next.status).toBe(303);
    expect(await db.prisma.adminSession.count({ where: { email: 'bursar@alpha.example', endedAt: null } })).toBe(0);
  });

  it('the last administrator of a school cannot remove themselves; with another named, they can, and are signed out', async () => {
    const beta = new ConsoleClient(world.url);
    await beta.signedIn(world.provider, BETA_ADMIN);
    const refused = await postAdmins(beta, 'beta', { action: 'remove', email: BETA_ADMIN.email, level: 'school' });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('You are the last administrator of Beta School');
    expect(await grantsOf(BETA_ADMIN.email)).toEqual(['beta']);

    expect((await postAdmins(beta, 'beta', { action: 'add', email: 'head@beta.example', level: 'school' })).status).toBe(200);
    const left = await postAdmins(beta, 'beta', { action: 'remove', email: BETA_ADMIN.email, level: 'school' });
    expect(left.status).toBe(303);
    expect(left.headers.get('location')).toBe('/admin?signed-out');
    expect(await grantsOf(BETA_ADMIN.email)).toEqual([]);
    expect((await beta.get('/admin/schools/beta')).status).toBe(303);
  });

  it('a trust administrator names and removes an administrator of the whole trust, and of one of its schools', async () => {
    const lead = new ConsoleClient(world.url);
    await lead.signedIn(world.provider, TRUST_ADMIN);
    const page = await (await lead.get('/admin/schools/gamma/admins')).text();
    expect(page).toContain('name="level" value="trust"');
    expect((await postAdmins(lead, 'gamma', { action: 'add', email: 'deputy@north.example', level: 'trust' })).status).toBe(200);
    expect((await postAdmins(lead, 'gamma', { action: 'add', email: 'office@gamma.example', level: 'school' })).status).toBe(200);
    expect(await grantsOf('deputy@north.example')).toEqual(['trust:north']);
    expect(await grantsOf('office@gamma.example')).toEqual(['gamma']);
    const trustAudit = await auditOf('admin.added', 'deputy@north.example');
    expect(trustAudit.map((a) => [a.subjectType, a.schoolId])).toEqual([['trust', null]]);
    // The deputy now administers alpha too (same trust), and a school administrator there sees them but cannot remove them.
    const alpha = new ConsoleClient(world.url);
    await alpha.signedIn(world.provider, ALPHA_ADMIN);
    expect((await postAdmins(alpha, 'alpha', { action: 'remove', email: 'deputy@north.example', level: 'trust' })).status).toBe(400);
    expect(await grantsOf('deputy@north.example')).toEqual(['trust:north']);
    expect((await postAdmins(lead, 'gamma', { action: 'remove', email: 'deputy@north.example', level: 'trust' })).status).toBe(200);
    expect(await grantsOf('deputy@north.example')).toEqual([]);
  });
});

describe('the chat workspaces page', () => {
  it('lists the Slack workspaces / Grid orgs and Teams tenants bound to the school with when each was recorded and installed, never a token, and links to Add to Slack', async () => {
    const alpha = await db.prisma.school.findUniqueOrThrow({ where: { slug: 'alpha' } });
    const identities = new PrismaIdentityStore(db.prisma);
    await identities.recordWorkspace(alpha.id, 'slack', 'TALPHAWS01');
    await identities.recordWorkspace(alpha.id, 'slack', 'E0GRIDORG9');
    await identities.recordWorkspace(alpha.id, 'teams', '11111111-2222-3333-4444-555555555555');
    // Installed through Add to Slack by someone whose Slack account is linked to alpha's head.
    const sealed = new PrismaSlackInstallations(db.prisma, Buffer.from('a3f1c2d4e5b60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90', 'hex'));
    await sealed.save({ key: 'TALPHAWS01', teamId: 'TALPHAWS01', enterpriseId: 'E0OTHERORG', orgWide: false, secret: JSON.stringify({ bot: { token: 'xoxb-never-shown' } }), installedBy: 'UINSTALLER' });
    const head = await db.prisma.person.findFirstOrThrow({ where: { email: 'head@alpha.example' } });
    await db.prisma.platformIdentity.create({ data: { personId: head.id, platform: 'slack', tenantId: 'TALPHAWS01', platformUserId: 'UINSTALLER' } });
    await db.prisma.teamsTenant.create({ data: { tenantId: '11111111-2222-3333-4444-555555555555', catalogAppId: 'catalog-app' } });

    const client = new ConsoleClient(world.url);
    await client.signedIn(world.provider, ALPHA_ADMIN);
    const response = await client.get('/admin/schools/alpha/chat');
    expect(response.status).toBe(200);
    const page = await response.text();
    expect(page).toContain('TALPHAWS01');
    expect(page).toMatch(/Installed in workspace TALPHAWS01 of Enterprise Grid org E0OTHERORG on \d{1,2} [A-Z][a-z]{2} 20\d\d by Head of alpha \(UINSTALLER\)/);
    expect(page).toContain('E0GRIDORG9');
    expect(page).toContain('Not installed through “Add to Slack”');
    expect(page).toContain('11111111-2222-3333-4444-555555555555');
    expect(page).toContain('Trellis installs its app for staff through Microsoft Graph');
    expect(page).toContain('href="/slack/install"');
    expect(page).not.toContain('xoxb');
    expect(page).not.toContain('sealed');
    // Gamma shares alpha's trust, so alpha's workspaces serve it too, and say so; beta (another trust) has none.
    const lead = new ConsoleClient(world.url);
    await lead.signedIn(world.provider, TRUST_ADMIN);
    const gamma = await (await lead.get('/admin/schools/gamma/chat')).text();
    expect(gamma).toContain('TALPHAWS01');
    expect(gamma).toContain('for Alpha Academy (same trust)');
    const beta = new ConsoleClient(world.url);
    // Beta's administrator named in the last-administrator test above.
    await beta.signedIn(world.provider, { sub: 'beta-head', email: 'head@beta.example' });
    const betaPage = await (await beta.get('/admin/schools/beta/chat')).text();
    expect(betaPage).not.toContain('TALPHAWS01');
    expect(betaPage).toContain('None recorded for this school or its trust.');
  });
});

describe('recording chat workspaces in the console', () => {
  const TENANT = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';
  const recorded = async (platform: string, tenantId: string) =>
    (await db.prisma.schoolChatWorkspace.findMany({ where: { platform, tenantId }, include: { school: { select: { slug: true } } } })).map((w) => w.school.slug).sort();
  const auditFor = (action: string, tenant: string) => db.prisma.auditEvent.findMany({ where: { action, details: { path: ['tenant'], equals: tenant } }, orderBy: { at: 'asc' } });
  const postChat = async (client: ConsoleClient, slug: string, fields: Record<string, string>) =>
    client.post(`/admin/schools/${slug}/chat`, new URLSearchParams({ csrf: await client.csrf(`/admin/schools/${slug}/chat`), ...fields }));

  it('a school administrator records a Slack workspace id for the school and removes it, each through the command line’s storage calls and audited with who did it', async () => {
    const client = new ConsoleClient(world.url);
    await client.signedIn(world.provider, ALPHA_ADMIN);
    const added = await postChat(client, 'alpha', { action: 'add', platform: 'slack', id: ' TALPHANEW7 ' });
    expect(added.status).toBe(200);
    const page = await added.text();
    expect(page).toContain('Slack workspace TALPHANEW7 is now recorded for Alpha Academy');
    expect(page).toContain('<code>TALPHANEW7</code>');
    expect(await recorded('slack', 'TALPHANEW7')).toEqual(['alpha']);
    const again = await postChat(client, 'alpha', { action: 'add', platform: 'slack', id: 'TALPHANEW7' });
    expect(await again.text()).toContain('was already recorded for Alpha Academy');
    const alpha = await db.prisma.school.findUniqueOrThrow({ where: { slug: 'alpha' } });
    expect((await auditFor('chat-workspace.recorded', 'TALPHANEW7')).map((a) => [a.schoolId, a.details])).toEqual([[alpha.id, { platform: 'slack', tenant: 'TALPHANEW7', by: ALPHA_ADMIN.email }]]);

    const removed = await postChat(client, 'alpha', { action: 'remove', platform: 'slack', id: 'TALPHANEW7', level: 'school' });
    expect(removed.status).toBe(200);
    expect(await removed.text()).toContain('Slack workspace TALPHANEW7 is no longer recorded for Alpha Academy');
    expect(await recorded('slack', 'TALPHANEW7')).toEqual([]);
    expect((await auditFor('chat-workspace.removed', 'TALPHANEW7')).map((a) => a.details)).toEqual([{ platform: 'slack', tenant: 'TALPHANEW7', by: ALPHA_ADMIN.email }]);
    // The command line's record writes the same event, without a console administrator.
    expect((await runTrellisWith({ databaseUrl: db.url, at: NOW }, 'school', 'set', 'alpha', '--slack-team', 'TALPHACLI8')).code).toBe(0);
    expect((await auditFor('chat-workspace.recorded', 'TALPHACLI8')).map((a) => a.details)).toEqual([{ platform: 'slack', tenant: 'TALPHACLI8' }]);
  });

  it('a trust administrator registers a Teams tenant for every school of the trust and removes it; a school administrator may only for their school', async () => {
    const alphaAdmin = new ConsoleClient(world.url);
    await alphaAdmin.signedIn(world.provider, ALPHA_ADMIN);
    expect(await (await alphaAdmin.get('/admin/schools/alpha/chat')).text()).not.toContain('name="level" value="trust"');
    const refused = await postChat(alphaAdmin, 'alpha', { action: 'add', platform: 'teams', id: TENANT, level: 'trust' });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('Only an administrator of the trust can record a Teams tenant for the whole trust.');
    expect(await recorded('teams', TENANT)).toEqual([]);

    const lead = new ConsoleClient(world.url);
    await lead.signedIn(world.provider, TRUST_ADMIN);
    const added = await postChat(lead, 'gamma', { action: 'add', platform: 'teams', id: TENANT.toUpperCase(), level: 'trust' });
    expect(added.status).toBe(200);
    expect(await added.text()).toContain(`Teams tenant ${TENANT} is now recorded for every school of`);
    expect(await recorded('teams', TENANT)).toEqual(['alpha', 'gamma']);
    expect((await auditFor('chat-workspace.recorded', TENANT)).map((a) => (a.details as { by?: string }).by)).toEqual([TRUST_ADMIN.email, TRUST_ADMIN.email]);
    // As trellis teams tenants lists it: registered for both schools.
    const listed = await runTrellisWith({ databaseUrl: db.url, at: NOW }, 'teams', 'tenants', '--json');
    expect(JSON.parse(listed.stdout).find((t: { tenantId: string }) => t.tenantId === TENANT)?.schools).toEqual(['alpha', 'gamma']);

    const removed = await postChat(lead, 'gamma', { action: 'remove', platform: 'teams', id: TENANT, level: 'trust' });
    expect(removed.status).toBe(200);
    expect(await recorded('teams', TENANT)).toEqual([]);
    expect(await auditFor('chat-workspace.removed', TENANT)).toHaveLength(2);
  });

  it('an id that is not a Slack T…/E… id or a Teams tenant GUID is shown on its own field, and nothing is written', async () => {
    const client = new ConsoleClient(world.url);
    await client.signedIn(world.provider, ALPHA_ADMIN);
    const before = await db.prisma.schoolChatWorkspace.count();
    const slack = await postChat(client, 'alpha', { action: 'add', platform: 'slack', id: 'https://alpha.slack.com' });
    expect(slack.status).toBe(400);
    const slackPage = await slack.text();
    expect(slackPage).toContain('<p class="problem" role="alert" id="slack-problem">“https://alpha.slack.com” is not a Slack workspace id (T…) or Enterprise Grid org id (E…)');
    expect(slackPage).toMatch(/id="slack-id"[^>]*value="https:\/\/alpha.slack.com"[^>]*aria-describedby="slack-hint slack-problem" aria-invalid="true"/);
    expect(slackPage).not.toContain('id="teams-problem"');
    const teams = await postChat(client, 'alpha', { action: 'add', platform: 'teams', id: 'contoso.onmicrosoft.com' });
    expect(teams.status).toBe(400);
    const teamsPage = await teams.text();
    expect(teamsPage).toContain('id="teams-problem">“contoso.onmicrosoft.com” is not a Microsoft Entra tenant id (a GUID');
    expect(teamsPage).toMatch(/id="teams-id"[^>]*aria-invalid="true"/);
    expect(teamsPage).not.toContain('id="slack-problem"');
    expect(await db.prisma.schoolChatWorkspace.count()).toBe(before);
  });

  it('school A’s administrator gets 404 recording or removing a workspace for school B, and a POST without the CSRF token or from another origin records nothing', async () => {
    const beta = await db.prisma.school.findUniqueOrThrow({ where: { slug: 'beta' } });
    await new PrismaIdentityStore(db.prisma).recordWorkspace(beta.id, 'slack', 'TBETAWS001');
    const client = new ConsoleClient(world.url);
    await client.signedIn(world.provider, ALPHA_ADMIN);
    const csrf = await client.csrf('/admin/schools/alpha/chat');
    const add = await client.post('/admin/schools/beta/chat', new URLSearchParams({ csrf, action: 'add', platform: 'slack', id: 'TMOLE00001' }));
    expect(add.status).toBe(404);
    const remove = await client.post('/admin/schools/beta/chat', new URLSearchParams({ csrf, action: 'remove', platform: 'slack', id: 'TBETAWS001', level: 'school' }));
    expect(remove.status).toBe(404);
    expect(await recorded('slack', 'TMOLE00001')).toEqual([]);
    expect(await recorded('slack', 'TBETAWS001')).toEqual(['beta']);
    const guessed = await client.post('/admin/schools/alpha/chat', new URLSearchParams({ csrf: 'guessed', action: 'add', platform: 'slack', id: 'TMOLE00002' }));
    expect(guessed.status).toBe(403);
    const crossSite = await client.post('/admin/schools/alpha/chat', new URLSearchParams({ csrf, action: 'add', platform: 'slack', id: 'TMOLE00002' }), { origin: 'https://evil.example' });
    expect(crossSite.status).toBe(403);
    expect(await recorded('slack', 'TMOLE00002')).toEqual([]);
  });
});
