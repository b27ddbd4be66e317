import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOT_SET_UP } from '../../../src/core/bot/workspace-binding.ts';
import { fixedClock } from '../../../src/core/time/clock.ts';
import { PrismaIdentityStore } from '../../../src/storage/prisma/prisma-identity-store.ts';
import { type SeededSchool, seedSchool } from '../../support/seed-school.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import type { FakeInstall } from './support/fake-slack.ts';
import { SlackUser, type SlackWorld, settle, startSlackOAuthWorld, textOf } from './support/slack-harness.ts';
import { addToSlack, digestFor, installEvent } from './support/install-flow.ts';

// Enterprise Grid: one org (GRID_A) whose two workspaces each installed Trellis on their own, and
// another org (GRID_B) that installed it org-wide. One process serves all three.
let db: TestDatabase;
let world: SlackWorld;
let north: SeededSchool;
let south: SeededSchool;
let west: SeededSchool;
let east: SeededSchool;
const clock = fixedClock('2026-10-05T09:00:00Z');

const GRID_A = 'E0GRIDAAAA';
const TEAM_NORTH = 'TNORTH0001';
const TEAM_SOUTH = 'TSOUTH0001';
const GRID_B = 'E0GRIDBBBB';
const NORTH: FakeInstall = { teamId: TEAM_NORTH, teamName: 'North staff', enterpriseId: GRID_A, enterpriseName: 'Trust A', isEnterpriseInstall: false, botToken: 'xoxb-north', botUserId: 'UBOTN' };
const SOUTH: FakeInstall = { teamId: TEAM_SOUTH, teamName: 'South staff', enterpriseId: GRID_A, enterpriseName: 'Trust A', isEnterpriseInstall: false, botToken: 'xoxb-south', botUserId: 'UBOTS' };
const WEST_ORG: FakeInstall = { enterpriseId: GRID_B, enterpriseName: 'Trust B', isEnterpriseInstall: true, botToken: 'xoxb-grid-b', botUserId: 'UBOTB' };

const emailOf = async (school: SeededSchool, key: string) => (await db.prisma.person.findUniqueOrThrow({ where: { id: school.ids[key]! } })).email;
const postsTo = (channel: string) => world.fake.callsOf('chat.postMessage').filter((c) => c.body.channel === channel);
const linksOf = async (personId: string) => (await db.prisma.platformIdentity.findMany({ where: { personId } })).map((l) => [l.tenantId, l.platformUserId]);
const installKeys = async () => (await db.prisma.slackInstallation.findMany({ orderBy: { installKey: 'asc' } })).map((r) => [r.installKey, r.teamId, r.enterpriseId, r.isEnterpriseInstall]);

beforeAll(async () => {
  db = await createTestDatabase();
  north = await seedSchool(db.prisma, 'kingsmead', [
    { key: 'head', fullName: 'Nia Head', role: 'headteacher' },
    { key: 'nat', fullName: 'Nat Teacher', role: 'teacher', lineManager: 'head' },
  ]);
  south = await seedSchool(db.prisma, 'thomas-alleyne', [
    { key: 'head', fullName: 'Sam Head', role: 'headteacher' },
    { key: 'sol', fullName: 'Sol Teacher', role: 'teacher', lineManager: 'head' },
  ]);
  west = await seedSchool(db.prisma, 'whmat', [
    { key: 'head', fullName: 'Wyn Head', role: 'headteacher' },
    { key: 'wil', fullName: 'Wil Teacher', role: 'teacher', lineManager: 'head' },
  ]);
  east = await seedSchool(db.prisma, 'tpat', [{ key: 'head', fullName: 'Eve Head', role: 'headteacher' }]);
  const identities = new PrismaIdentityStore(db.prisma);
  // What each install's page tells the administrator to record: the workspace, or the org for an org-wide install.
  await identities.recordWorkspace(north.schoolId, 'slack', TEAM_NORTH);
  await identities.recordWorkspace(south.schoolId, 'slack', TEAM_SOUTH);
  await identities.recordWorkspace(west.schoolId, 'slack', GRID_B);
  // Against the install pages' advice: the org's id, where the org has no org-wide install.
  await identities.recordWorkspace(east.schoolId, 'slack', GRID_A);
  world = await startSlackOAuthWorld(db, clock);
});
afterAll(async () => {
  await world?.close();
  await db?.drop();
});

describe('Enterprise Grid: workspaces of one org installed on their own, beside another org installed org-wide', () => {
  it('each per-workspace install is stored under its team id and the org-wide one under its org id; each install page names the id to record', async () => {
    const pages = [(await addToSlack(world, 'code-north', NORTH)).finish, (await addToSlack(world, 'code-south', SOUTH)).finish, (await addToSlack(world, 'code-west', WEST_ORG)).finish];
    expect(pages.map((p) => p.status)).toEqual([200, 200, 200]);
    const texts = await Promise.all(pages.map((p) => p.text()));
    expect(texts[0]).toContain(`--slack-team ${TEAM_NORTH}`);
    expect(texts[1]).toContain(`--slack-team ${TEAM_SOUTH}`);
    expect(texts[2]).toContain(`--slack-team ${GRID_B}`);
    expect(await installKeys()).toEqual([
      [GRID_B, null, GRID_B, true],
      [TEAM_NORTH, TEAM_NORTH, GRID_A, false],
      [TEAM_SOUTH, TEAM_SOUTH, GRID_A, false],
    ]);
  });

  it('people in each workspace of the org are answered with their own workspace’s token and linked under its team id; the org-wide install’s people under the org', async () => {
    const nat = new SlackUser(world, 'WNAT', await emailOf(north, 'nat'), TEAM_NORTH, GRID_A, false);
    const sol = new SlackUser(world, 'WSOL', await emailOf(south, 'sol'), TEAM_SOUTH, GRID_A, false);
    const wil = new SlackUser(world, 'WWIL', await emailOf(west, 'wil'), 'TWESTWS01', GRID_B);
    for (const user of [nat, sol, wil]) expect((await user.say('status')).post.status).toBe(200);
    await settle(world);

    const tokensFor = (user: SlackUser) => new Set(world.fake.calls.filter((c) => c.body.user === user.id || c.body.channel === user.dm).map((c) => c.token));
    expect(tokensFor(nat)).toEqual(new Set(['xoxb-north']));
    expect(tokensFor(sol)).toEqual(new Set(['xoxb-south']));
    expect(tokensFor(wil)).toEqual(new Set(['xoxb-grid-b']));
    for (const user of [nat, sol, wil]) expect(textOf(postsTo(user.dm).at(-1))).not.toContain(NOT_SET_UP.slice(0, 40));
    expect(await linksOf(north.ids.nat!)).toEqual([[TEAM_NORTH, 'WNAT']]);
    expect(await linksOf(south.ids.sol!)).toEqual([[TEAM_SOUTH, 'WSOL']]);
    expect(await linksOf(west.ids.wil!)).toEqual([[GRID_B, 'WWIL']]);
  });

  it('/growth from a workspace of the org is answered for that workspace', async () => {
    const natHead = new SlackUser(world, 'WNIAHEAD', await emailOf(north, 'head'), TEAM_NORTH, GRID_A, false);
    const before = world.fake.responses.length;
    expect((await natHead.command('status')).status).toBe(200);
    await settle(world);
    const replies = world.fake.responses.slice(before);
    expect(replies.length).toBeGreaterThan(0);
    expect(String(replies[0]!.body.text)).not.toContain(NOT_SET_UP.slice(0, 40));
    expect(await linksOf(north.ids.head!)).toEqual([[TEAM_NORTH, 'WNIAHEAD']]);
  });

  it('someone in the north workspace claiming the e-mail of a south colleague is not linked, though both workspaces are in one org', async () => {
    const impostor = new SlackUser(world, 'WIMPOSTOR', await emailOf(south, 'head'), TEAM_NORTH, GRID_A, false);
    await impostor.say('status');
    await settle(world);
    expect(await linksOf(south.ids.head!)).toEqual([]);
  });

  it('a digest to someone never linked looks them up in their own school’s workspace with its token, and links them under its team id', async () => {
    const slack = world.app.channels.find((c) => c.name === 'slack')!;
    // Sam (south's head) is a member of the south workspace; the north install cannot see him.
    world.fake.addUser({ id: 'WSAMHEAD', email: await emailOf(south, 'head'), teamId: TEAM_SOUTH, enterpriseId: GRID_A });
    const sam = { id: south.ids.head!, email: await emailOf(south, 'head') };
    expect(await slack.deliverDigest(digestFor(sam, '2026-10-05'))).toEqual({ ok: true });
    expect(world.fake.callsOf('users.lookupByEmail').filter((c) => c.body.email === sam.email).map((c) => c.token)).toEqual(['xoxb-south']);
    expect(postsTo('DWSAMHEAD').at(-1)!.token).toBe('xoxb-south');
    expect(await linksOf(sam.id)).toEqual([[TEAM_SOUTH, 'WSAMHEAD']]);
  });

  it('a school that recorded the org’s id, where only workspaces of the org installed on their own, borrows neither workspace’s token', async () => {
    world.fake.addUser({ id: 'WEVE', email: await emailOf(east, 'head'), teamId: TEAM_NORTH, enterpriseId: GRID_A });
    const eve = { id: east.ids.head!, email: await emailOf(east, 'head') };
    const slack = world.app.channels.find((c) => c.name === 'slack')!;
    expect(await slack.deliverDigest(digestFor(eve, '2026-10-05'))).toMatchObject({ ok: false, unreachable: true });
    expect(world.fake.callsOf('users.lookupByEmail').filter((c) => c.body.email === eve.email)).toEqual([]);
    expect(await linksOf(eve.id)).toEqual([]);
  });

  it('app_uninstalled from one workspace of the org forgets that install only: the other workspace and the other org are still served', async () => {
    const gone = await installEvent(world, { team: TEAM_NORTH, enterprise: GRID_A }, { type: 'app_uninstalled' }, 'EvUNINSTALLNORTH');
    expect(gone.status).toBe(200);
    await settle(world);
    expect((await installKeys()).map((k) => k[0])).toEqual([GRID_B, TEAM_SOUTH]);

    const nat = await new SlackUser(world, 'WNAT', await emailOf(north, 'nat'), TEAM_NORTH, GRID_A, false).say('status');
    expect(nat.post.status).toBe(401);
    const sol = new SlackUser(world, 'WSOL', await emailOf(south, 'sol'), TEAM_SOUTH, GRID_A, false);
    const wil = new SlackUser(world, 'WWIL', await emailOf(west, 'wil'), 'TWESTWS01', GRID_B);
    for (const user of [sol, wil]) expect((await user.say('status')).post.status).toBe(200);
    await settle(world);
    expect(postsTo(sol.dm).at(-1)!.token).toBe('xoxb-south');
    expect(postsTo(wil.dm).at(-1)!.token).toBe('xoxb-grid-b');
    // Nat's account is in the uninstalled workspace: no other install's token is borrowed for him.
    const delivery = await world.app.router.deliver(digestFor({ id: north.ids.nat!, email: await emailOf(north, 'nat') }, '2026-10-06'));
    expect(delivery).toMatchObject({ ok: false, permanent: true });
    expect(world.fake.callsOf('chat.postMessage').filter((c) => c.body.channel === 'DWNAT' && c.token !== 'xoxb-north')).toEqual([]);
  });

  it('tokens_revoked for the bot in the south workspace forgets that install only; the org-wide install of the other org stays', async () => {
    const revoked = await installEvent(world, { team: TEAM_SOUTH, enterprise: GRID_A }, { type: 'tokens_revoked', tokens: { bot: ['UBOTS'] } }, 'EvREVOKESOUTH');
    expect(revoked.status).toBe(200);
    await settle(world);
    expect((await installKeys()).map((k) => k[0])).toEqual([GRID_B]);
    const wil = new SlackUser(world, 'WWIL', await emailOf(west, 'wil'), 'TWESTWS01', GRID_B);
    expect((await wil.say('status')).post.status).toBe(200);
  });
});
