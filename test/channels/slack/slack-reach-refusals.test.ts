import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlackChannel } from '../../../src/channels/slack/slack-channel.ts';
import { parseTermDates } from '../../../src/core/calendar/term-dates.ts';
import { fixedClock } from '../../../src/core/time/clock.ts';
import { runTrellisWith } from '../../support/run-cli.ts';
import { type SeededSchool, seedSchool } from '../../support/seed-school.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { SlackUser, type SlackWorld, settle, startSlackWorld, TEAM } from './support/slack-harness.ts';

let db: TestDatabase;
let world: SlackWorld;
let school: SeededSchool;
let slug: string;
const clock = fixedClock('2026-10-05T09:00:00Z');
const hello = [{ type: 'text' as const, text: 'Your plan is waiting for you.' }];

beforeAll(async () => {
  db = await createTestDatabase();
  school = await seedSchool(db.prisma, 'thomas-alleyne', [
    { key: 'head', fullName: 'Hana Head', role: 'headteacher' },
    { key: 'nia', fullName: 'Nia Nowhere', role: 'teacher', lineManager: 'head' },
    { key: 'dev', fullName: 'Dev Deactivated', role: 'teacher', lineManager: 'head' },
    { key: 'ina', fullName: 'Ina Inactive', role: 'teacher', lineManager: 'head' },
    { key: 'ola', fullName: 'Ola Owens', role: 'teacher', lineManager: 'head' },
  ]);
  // `trellis reach` reads the school as the CLI does, term dates and all.
  const terms = parseTermDates(readFileSync(join(import.meta.dirname, '../../../config/terms/england-2026-28.yaml'), 'utf8'), 'england-2026-28.yaml');
  if (!terms.ok) throw new Error('the term dates fixture does not parse');
  slug = (await db.prisma.school.update({ where: { id: school.schoolId }, data: { termDates: terms.value } })).slug;
  world = await startSlackWorld(db, clock);
  world.fake.addUser({ id: 'UHEAD', email: `head@${slug}.example`, teamId: TEAM });
  world.fake.addUser({ id: 'UDEV', email: `dev@${slug}.example`, teamId: TEAM, deleted: true });
  world.fake.addUser({ id: 'UINA', email: `ina@${slug}.example`, teamId: TEAM });
});
afterAll(async () => {
  await world.close();
  await db.drop();
});

function slack(): SlackChannel {
  const channel = world.app.channels.find((c) => c.name === 'slack');
  if (!(channel instanceof SlackChannel)) throw new Error('the Slack channel is not running');
  return channel;
}

const refusalOf = (key: string) => db.prisma.slackReachFailure.findUnique({ where: { personId: school.ids[key]! } });
const reach = () => runTrellisWith({ databaseUrl: db.url, at: '2026-10-05T09:00:00Z' }, 'reach', '--school', slug);
const lineOf = (stdout: string, key: string) => stdout.split('\n').find((line) => line.includes(`<${key}@${slug}.example>`));

describe('reach from what Slack said', () => {
  it('someone Slack finds no user for is recorded as not in the workspace, and trellis reach says so', async () => {
    const sent = await slack().sendTo(school.ids.nia!, hello, 'reach:nia:1');
    expect(sent).toMatchObject({ ok: false, unreachable: true });
    expect(await refusalOf('nia')).toMatchObject({ outcome: 'not-in-workspace', detail: 'Slack answered users_not_found to users.lookupByEmail', attemptedAt: clock.now() });
    const { code, stdout } = await reach();
    expect(code).toBe(0);
    expect(lineOf(stdout, 'nia')).toContain('Slack: no, not in the Slack workspace (no user with their e-mail there); Slack answered users_not_found to users.lookupByEmail.');
  });

  it('someone whose Slack user is deactivated is not linked, is recorded as deactivated, and trellis reach says so', async () => {
    const sent = await slack().sendTo(school.ids.dev!, hello, 'reach:dev:1');
    expect(sent).toMatchObject({ ok: false, unreachable: true, error: 'Slack: their account is deactivated' });
    expect(await db.prisma.platformIdentity.count({ where: { personId: school.ids.dev! } })).toBe(0);
    expect(world.fake.callsOf('chat.postMessage').filter((call) => call.body.channel === 'DUDEV')).toEqual([]);
    expect(await refusalOf('dev')).toMatchObject({ outcome: 'deactivated', workspace: TEAM });
    expect(lineOf((await reach()).stdout, 'dev')).toContain(`Slack: no, Slack account deactivated; workspace ${TEAM}, Slack answered users.lookupByEmail with their user marked deleted (deactivated).`);
  });

  it('a send Slack refuses with account_inactive to a linked account is recorded as deactivated, and a later send that works clears it', async () => {
    expect(await slack().sendTo(school.ids.ina!, hello, 'reach:ina:1')).toEqual({ ok: true });
    expect(await db.prisma.platformIdentity.count({ where: { personId: school.ids.ina! } })).toBe(1);
    expect(lineOf((await reach()).stdout, 'ina')).toContain('Slack: yes.');

    world.fake.refuseWhen = (call) => (call.method === 'chat.postMessage' && call.body.channel === 'DUINA' ? 'account_inactive' : undefined);
    const refused = await slack().sendTo(school.ids.ina!, hello, 'reach:ina:2');
    world.fake.refuseWhen = undefined;
    expect(refused).toMatchObject({ ok: false, unreachable: true, error: 'Slack: account_inactive' });
    expect(await refusalOf('ina')).toMatchObject({ outcome: 'deactivated', workspace: TEAM, detail: 'Slack answered account_inactive to a message' });
    expect(lineOf((await reach()).stdout, 'ina')).toContain(`Slack: no, Slack account deactivated; workspace ${TEAM}, Slack answered account_inactive to a message.`);

    expect(await slack().sendTo(school.ids.ina!, hello, 'reach:ina:3')).toEqual({ ok: true });
    expect(await refusalOf('ina')).toBeNull();
    expect(lineOf((await reach()).stdout, 'ina')).toContain('Slack: yes.');
  });

  it('a message to one account of theirs that Slack refuses with channel_not_found is recorded as refused, and the next that works clears it', async () => {
    const account = { platform: 'slack' as const, tenant: TEAM, userId: 'UINA' };
    world.fake.refuseWhen = (call) => (call.method === 'chat.postMessage' && call.body.channel === 'DUINA' ? 'channel_not_found' : undefined);
    const refused = await slack().sendToAccount(school.ids.ina!, account, hello, 'reach:ina:account:1');
    world.fake.refuseWhen = undefined;
    expect(refused).toMatchObject({ ok: false, error: 'Slack: channel_not_found' });
    expect(await refusalOf('ina')).toMatchObject({ outcome: 'refused', workspace: TEAM, detail: 'Slack answered channel_not_found to a message' });
    expect(lineOf((await reach()).stdout, 'ina')).toContain(`Slack: no, Slack refused messages to them; workspace ${TEAM}, Slack answered channel_not_found to a message.`);

    expect(await slack().sendToAccount(school.ids.ina!, account, hello, 'reach:ina:account:2')).toEqual({ ok: true });
    expect(await refusalOf('ina')).toBeNull();
  });

  it('someone not in the workspace who joins later is linked at the next send, and the refusal is cleared', async () => {
    expect(await refusalOf('nia')).not.toBeNull();
    world.fake.addUser({ id: 'UNIA', email: `nia@${slug}.example`, teamId: TEAM });
    expect(await slack().sendTo(school.ids.nia!, hello, 'reach:nia:2')).toEqual({ ok: true });
    expect(await refusalOf('nia')).toBeNull();
    const { stdout } = await reach();
    expect(lineOf(stdout, 'nia')).toContain('Slack: yes.');
    expect(stdout.split('\n').find((line) => line.startsWith('Slack reaches'))).toBe('Slack reaches 2 of 5, Teams 0 of 5; 2 by at least one, 3 by neither.');
  });

  it('someone recorded as not in the workspace who then writes to Trellis from Slack is linked, and the refusal is cleared', async () => {
    await slack().sendTo(school.ids.ola!, hello, 'reach:ola:1');
    expect(await refusalOf('ola')).toMatchObject({ outcome: 'not-in-workspace' });
    const ola = new SlackUser(world, 'UOLA', `ola@${slug}.example`);
    await ola.say('status');
    await settle(world);
    expect(await db.prisma.platformIdentity.count({ where: { personId: school.ids.ola! } })).toBe(1);
    expect(await refusalOf('ola')).toBeNull();
    expect(lineOf((await reach()).stdout, 'ola')).toContain('Slack: yes.');
  });

  it('a deactivated user reactivated in Slack is linked at the next send, and the refusal is cleared', async () => {
    world.fake.users.get('UDEV')!.deleted = false;
    expect(await slack().sendTo(school.ids.dev!, hello, 'reach:dev:2')).toEqual({ ok: true });
    expect(await refusalOf('dev')).toBeNull();
    expect(lineOf((await reach()).stdout, 'dev')).toContain('Slack: yes.');
  });
});
