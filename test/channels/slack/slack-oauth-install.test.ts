import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requiredScopes } from '../../../src/channels/slack/slack-scopes.ts';
import { NOT_ON_ROSTER } from '../../../src/core/bot/trellis-bot.ts';
import { NOT_SET_UP } from '../../../src/core/bot/workspace-binding.ts';
import { fixedClock } from '../../../src/core/time/clock.ts';
import { PrismaIdentityStore } from '../../../src/storage/prisma/prisma-identity-store.ts';
import { type SeededSchool, seedSchool } from '../../support/seed-school.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { FAKE_CLIENT_ID, type FakeInstall } from './support/fake-slack.ts';
import { SlackUser, type SlackWorld, settle, startSlackOAuthWorld, textOf } from './support/slack-harness.ts';
import { addToSlack, digestFor, installEvent } from './support/install-flow.ts';

let db: TestDatabase;
let world: SlackWorld;
let kingsmead: SeededSchool;
let alleyne: SeededSchool;
const clock = fixedClock('2026-10-05T09:00:00Z');

const TEAM_A = 'TKINGSMEAD1';
const TEAM_B = 'TALLEYNE01';
const TEAM_UNBOUND = 'TNOBODY001';
const GRID = 'E0GRIDORG1';
const INSTALL_A: FakeInstall = { teamId: TEAM_A, teamName: 'Kingsmead staff', botToken: 'xoxb-kingsmead-token', botUserId: 'UBOTA' };
const INSTALL_B: FakeInstall = { teamId: TEAM_B, teamName: 'Thomas Alleyne staff', botToken: 'xoxb-alleyne-token', botUserId: 'UBOTB' };

const emailOf = async (school: SeededSchool, key: string) => (await db.prisma.person.findUniqueOrThrow({ where: { id: school.ids[key]! } })).email;
const postsTo = (channel: string) => world.fake.callsOf('chat.postMessage').filter((c) => c.body.channel === channel);
const linksOf = (personId: string) => db.prisma.platformIdentity.findMany({ where: { personId } });

beforeAll(async () => {
  db = await createTestDatabase();
  kingsmead = await seedSchool(db.prisma, 'kingsmead', [
    { key: 'head', fullName: 'Kit Head', role: 'headteacher' },
    { key: 'kai', fullName: 'Kai Teacher', role: 'teacher', lineManager: 'head' },
  ]);
  alleyne = await seedSchool(db.prisma, 'thomas-alleyne', [
    { key: 'head', fullName: 'Hana Head', role: 'headteacher' },
    { key: 'bea', fullName: 'Bea Teacher', role: 'teacher', lineManager: 'head' },
    { key: 'bo', fullName: 'Bo Teacher', role: 'teacher', lineManager: 'head' },
  ]);
  const identities = new PrismaIdentityStore(db.prisma);
  await identities.recordWorkspace(kingsmead.schoolId, 'slack', TEAM_A);
  await identities.recordWorkspace(alleyne.schoolId, 'slack', TEAM_B);
  world = await startSlackOAuthWorld(db, clock);
});
afterAll(async () => {
  await world?.close();
  await db?.drop();
});

describe('Add to Slack installs Trellis in a workspace through OAuth v2', () => {
  it('/slack/install sends the administrator to Slack with exactly the scopes Trellis uses and a signed state; the redirect back stores the install with its token encrypted', async () => {
    const { start, finish, state } = await addToSlack(world, 'code-a', INSTALL_A);
    expect(start.status).toBe(302);
    const consent = new URL(start.headers.get('location')!);
    expect(`${consent.origin}${consent.pathname}`).toBe(`${world.fake.url}/oauth/v2/authorize`);
    expect(consent.searchParams.get('client_id')).toBe(FAKE_CLIENT_ID);
    expect(consent.searchParams.get('scope')?.split(',')).toEqual(requiredScopes());
    expect(state.length).toBeGreaterThan(20);

    expect(finish.status).toBe(200);
    const page = await finish.text();
    expect(page).toContain('Kingsmead staff');
    expect(page).toContain(`trellis school set YOUR-SCHOOL --slack-team ${TEAM_A}`);
    expect(world.fake.callsOf('oauth.v2.access')).toHaveLength(1);

    const rows = await db.prisma.slackInstallation.findMany();
    expect(rows.map((r) => [r.installKey, r.teamId, r.isEnterpriseInstall])).toEqual([[TEAM_A, TEAM_A, false]]);
    // The token is nowhere in the row as stored: not in the sealed column, not in any other.
    const stored = await db.prisma.$queryRaw<{ text: string }[]>`SELECT row_to_json(s)::text AS text FROM slack_installations s`;
    expect(stored).toHaveLength(1);
    expect(stored[0]!.text).not.toContain('xoxb-kingsmead-token');
    expect(stored[0]!.text).not.toContain('kingsmead-token');
    expect(rows[0]!.secret).toMatch(/^v1\./);
    // Who installed it is in the audit trail beside the sealed row, for the console's chat workspaces page.
    const installed = await db.prisma.auditEvent.findMany({ where: { action: 'slack.installed', subjectId: TEAM_A } });
    expect(installed.map((e) => e.details)).toEqual([{ installedBy: 'UINSTALLER' }]);
  });

  it('a redirect whose state was not issued to this browser installs nothing and shows a plain page', async () => {
    const before = await db.prisma.slackInstallation.count();
    const forged = await addToSlack(world, 'code-forged', { teamId: 'TFORGED01', botToken: 'xoxb-forged', botUserId: 'UBOTF' }, { state: 'not-a-state-we-issued' });
    expect(forged.finish.status).toBe(400);
    const page = await forged.finish.text();
    expect(page).toContain('Trellis was not installed');
    expect(page).not.toMatch(/at .*\.(js|ts):\d+/);
    expect(await db.prisma.slackInstallation.count()).toBe(before);
  });

  it('an Enterprise Grid org-wide install is stored under the enterprise id, and its members are served with its token', async () => {
    await addToSlack(world, 'code-grid', { enterpriseId: GRID, enterpriseName: 'Grid Trust', isEnterpriseInstall: true, botToken: 'xoxb-grid-token', botUserId: 'UBOTG' });
    const row = await db.prisma.slackInstallation.findUniqueOrThrow({ where: { installKey: GRID } });
    expect([row.teamId, row.enterpriseId, row.isEnterpriseInstall]).toEqual([null, GRID, true]);
    await new PrismaIdentityStore(db.prisma).recordWorkspace(kingsmead.schoolId, 'slack', GRID);
    const head = new SlackUser(world, 'WKITHEAD', await emailOf(kingsmead, 'head'), 'TGRIDWS01', GRID);
    const sent = await head.say('status');
    expect(sent.post.status).toBe(200);
    await settle(world);
    const reply = postsTo(head.dm).at(-1)!;
    expect(reply.token).toBe('xoxb-grid-token');
    expect((await linksOf(kingsmead.ids.head!)).map((l) => [l.tenantId, l.platformUserId])).toEqual([[GRID, 'WKITHEAD']]);
  });
});

describe('one process serves several workspaces, each with its own token', () => {
  it('people in two workspaces are answered with their own workspace’s token, and linked only to their own school', async () => {
    await addToSlack(world, 'code-b', INSTALL_B);
    const kai = new SlackUser(world, 'UKAI', await emailOf(kingsmead, 'kai'), TEAM_A);
    const bea = new SlackUser(world, 'UBEA', await emailOf(alleyne, 'bea'), TEAM_B);
    expect((await kai.say('status')).post.status).toBe(200);
    expect((await bea.say('status')).post.status).toBe(200);
    await settle(world);

    expect(world.fake.calls.filter((c) => c.body.user === 'UKAI' || c.body.channel === kai.dm).map((c) => c.token)).toEqual(expect.arrayContaining(['xoxb-kingsmead-token']));
    expect(new Set(world.fake.calls.filter((c) => c.body.user === 'UKAI' || c.body.channel === kai.dm).map((c) => c.token))).toEqual(new Set(['xoxb-kingsmead-token']));
    expect(new Set(world.fake.calls.filter((c) => c.body.user === 'UBEA' || c.body.channel === bea.dm).map((c) => c.token))).toEqual(new Set(['xoxb-alleyne-token']));
    expect(textOf(postsTo(kai.dm).at(-1))).not.toContain(NOT_ON_ROSTER.slice(0, 30));
    expect((await linksOf(kingsmead.ids.kai!)).map((l) => [l.tenantId, l.platformUserId])).toEqual([[TEAM_A, 'UKAI']]);
    expect((await linksOf(alleyne.ids.bea!)).map((l) => [l.tenantId, l.platformUserId])).toEqual([[TEAM_B, 'UBEA']]);
  });

  it('someone in one workspace claiming the e-mail of a colleague at the other school is not linked', async () => {
    const impostor = new SlackUser(world, 'UIMPOSTOR', await emailOf(alleyne, 'bo'), TEAM_A);
    await impostor.say('status');
    await settle(world);
    expect(await linksOf(alleyne.ids.bo!)).toEqual([]);
    expect(textOf(postsTo(impostor.dm).at(-1))).toContain(NOT_ON_ROSTER.slice(0, 40));
  });

  it('digests go out with the token of the workspace the person’s account is in; someone not yet linked is found in their school’s workspace', async () => {
    const slack = world.app.channels.find((c) => c.name === 'slack')!;
    // Kai is linked (he wrote in from TEAM_A); Bo has never written, and is looked up by e-mail in
    // the workspace recorded for his school only.
    new SlackUser(world, 'UBO', await emailOf(alleyne, 'bo'), TEAM_B);
    const kai = { id: kingsmead.ids.kai!, email: await emailOf(kingsmead, 'kai') };
    const bo = { id: alleyne.ids.bo!, email: await emailOf(alleyne, 'bo') };
    expect(await slack.deliverDigest(digestFor(kai, '2026-10-05'))).toEqual({ ok: true });
    expect(await slack.deliverDigest(digestFor(bo, '2026-10-05'))).toEqual({ ok: true });

    expect(postsTo('DUKAI').at(-1)!.token).toBe('xoxb-kingsmead-token');
    expect(postsTo('DUBO').at(-1)!.token).toBe('xoxb-alleyne-token');
    const lookups = world.fake.callsOf('users.lookupByEmail').filter((c) => c.body.email === bo.email);
    expect(lookups.map((c) => c.token)).toEqual(['xoxb-alleyne-token']);
    expect((await linksOf(bo.id)).map((l) => [l.tenantId, l.platformUserId])).toEqual([[TEAM_B, 'UBO']]);
  });

  it('someone their school’s workspace has no user for is recorded as not in that workspace, for trellis reach', async () => {
    const slack = world.app.channels.find((c) => c.name === 'slack')!;
    const head = { id: alleyne.ids.head!, email: await emailOf(alleyne, 'head') };
    expect(await slack.deliverDigest(digestFor(head, '2026-10-05'))).toMatchObject({ ok: false, unreachable: true });
    expect(world.fake.callsOf('users.lookupByEmail').filter((c) => c.body.email === head.email).map((c) => c.token)).toEqual(['xoxb-alleyne-token']);
    expect(await db.prisma.slackReachFailure.findUnique({ where: { personId: head.id } })).toMatchObject({ workspace: TEAM_B, outcome: 'not-in-workspace', detail: 'Slack answered users_not_found to users.lookupByEmail' });
  });
});

describe('a workspace that is installed but bound to no school', () => {
  it('gets a plain “not set up for Trellis yet” reply with its own token, and nobody is linked', async () => {
    await addToSlack(world, 'code-unbound', { teamId: TEAM_UNBOUND, teamName: 'Somewhere else', botToken: 'xoxb-unbound-token', botUserId: 'UBOTU' });
    // Their e-mail is a real Kingsmead person's: still nothing is linked from an unbound workspace.
    const stranger = new SlackUser(world, 'USTRANGER', await emailOf(kingsmead, 'head'), TEAM_UNBOUND);
    expect((await stranger.say('status')).post.status).toBe(200);
    await settle(world);
    const reply = postsTo(stranger.dm).at(-1)!;
    expect(textOf(reply)).toContain(NOT_SET_UP.slice(0, 50));
    expect(reply.token).toBe('xoxb-unbound-token');
    expect(await db.prisma.platformIdentity.count({ where: { tenantId: TEAM_UNBOUND } })).toBe(0);
    expect(world.fake.callsOf('users.info').filter((c) => c.body.user === 'USTRANGER')).toEqual([]);
  });

  it('/growth from there gets the same plain reply, privately', async () => {
    const stranger = new SlackUser(world, 'USTRANGER2', await emailOf(kingsmead, 'kai'), TEAM_UNBOUND);
    const before = world.fake.responses.length;
    expect((await stranger.command('status')).status).toBe(200);
    await settle(world);
    const replies = world.fake.responses.slice(before);
    expect(replies).toHaveLength(1);
    expect(replies[0]!.body).toMatchObject({ response_type: 'ephemeral' });
    expect(String(replies[0]!.body.text)).toContain(NOT_SET_UP.slice(0, 50));
    expect(await db.prisma.platformIdentity.count({ where: { tenantId: TEAM_UNBOUND } })).toBe(0);
  });
});

describe('requests from a workspace Trellis is not installed in are refused', () => {
  it('a signed event from a workspace with no install gets 401 and nothing is done or posted', async () => {
    const outsider = new SlackUser(world, 'UOUTSIDER', await emailOf(kingsmead, 'kai'), 'TNEVERINST');
    const callsBefore = world.fake.calls.length;
    const sent = await outsider.say('status');
    await settle(world);
    expect(sent.post.status).toBe(401);
    expect(world.fake.calls.length).toBe(callsBefore);
    expect(await db.prisma.platformIdentity.count({ where: { tenantId: 'TNEVERINST' } })).toBe(0);
  });
});

describe('uninstalling', () => {
  it('app_uninstalled forgets the install: later requests from that workspace are refused and messages to its people fail for good', async () => {
    const bea = { id: alleyne.ids.bea!, email: await emailOf(alleyne, 'bea') };
    const gone = await installEvent(world, { team: TEAM_B }, { type: 'app_uninstalled' }, 'EvUNINSTALLB');
    expect(gone.status).toBe(200);
    await settle(world);
    expect(await db.prisma.slackInstallation.findUnique({ where: { installKey: TEAM_B } })).toBeNull();
    expect(await db.prisma.slackInstallation.findUnique({ where: { installKey: TEAM_A } })).not.toBeNull();

    const posted = world.fake.callsOf('chat.postMessage').length;
    const again = await new SlackUser(world, 'UBEA', bea.email, TEAM_B).say('status');
    await settle(world);
    expect(again.post.status).toBe(401);
    expect(world.fake.callsOf('chat.postMessage').length).toBe(posted);

    // The router finds no channel that reaches Bea now: a dead letter at once, not retried with a dead token.
    const delivery = await world.app.router.deliver(digestFor(bea, '2026-10-06'));
    expect(delivery).toMatchObject({ ok: false, permanent: true });
    expect(delivery.ok ? '' : delivery.error).toContain(`not installed in workspace ${TEAM_B}`);
    expect(world.fake.callsOf('chat.postMessage').length).toBe(posted);
  });

  it('tokens_revoked for the bot forgets the install too; one for user tokens only changes nothing', async () => {
    const userOnly = await installEvent(world, { team: TEAM_A }, { type: 'tokens_revoked', tokens: { oauth: ['UINSTALLER'], bot: [] } }, 'EvREVOKEUSER');
    expect(userOnly.status).toBe(200);
    await settle(world);
    expect(await db.prisma.slackInstallation.findUnique({ where: { installKey: TEAM_A } })).not.toBeNull();

    const bot = await installEvent(world, { team: TEAM_A }, { type: 'tokens_revoked', tokens: { bot: ['UBOTA'] } }, 'EvREVOKEBOT');
    expect(bot.status).toBe(200);
    await settle(world);
    expect(await db.prisma.slackInstallation.findUnique({ where: { installKey: TEAM_A } })).toBeNull();
    const kai = await new SlackUser(world, 'UKAI', await emailOf(kingsmead, 'kai'), TEAM_A).say('status');
    expect(kai.post.status).toBe(401);
  });

  it('installing again after an uninstall serves the workspace once more, with the new token', async () => {
    await addToSlack(world, 'code-b-again', { ...INSTALL_B, botToken: 'xoxb-alleyne-second' });
    const bea = new SlackUser(world, 'UBEA', await emailOf(alleyne, 'bea'), TEAM_B);
    expect((await bea.say('status')).post.status).toBe(200);
    await settle(world);
    expect(postsTo(bea.dm).at(-1)!.token).toBe('xoxb-alleyne-second');
  });
});
