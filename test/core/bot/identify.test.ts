import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlatformAccount } from '../../../src/core/bot/bot-ports.ts';
import { TrellisBot } from '../../../src/core/bot/trellis-bot.ts';
import { ALL_DIALOGS } from '../../../src/core/conversations/dialogs/all-dialogs.ts';
import { ConversationEngine } from '../../../src/core/conversations/engine/run-turn.ts';
import { ObligationReminderActions } from '../../../src/core/reminders/reminder-actions.ts';
import { CycleReports } from '../../../src/core/reports/cycle-reports.ts';
import { fixedClock } from '../../../src/core/time/clock.ts';
import { PrismaConversationStore } from '../../../src/storage/prisma/prisma-conversation-store.ts';
import { PrismaIdentityStore } from '../../../src/storage/prisma/prisma-identity-store.ts';
import { PrismaReminderActionsStore } from '../../../src/storage/prisma/prisma-reminder-actions-store.ts';
import { PrismaReportReads } from '../../../src/storage/prisma/prisma-report-reads.ts';
import { prismaAccess } from '../../../src/storage/prisma/prisma-access-relationships.ts';
import { type SeededSchool, seedSchool } from '../../support/seed-school.ts';
import { countingClient } from '../../support/counting-client.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';

const NOW = new Date('2026-11-23T10:00:00Z');

let db: TestDatabase;
let s: SeededSchool;
let bot: TrellisBot;
let slug: string;

beforeAll(async () => {
  db = await createTestDatabase();
  s = await seedSchool(db.prisma, 'tpat', [
    { key: 'tia', fullName: 'Tia Teacher', role: 'teacher' },
    { key: 'sam', fullName: 'Sam Scholar', role: 'teacher' },
    { key: 'lee', fullName: 'Lee Leaver', role: 'teacher' },
  ]);
  slug = (await db.prisma.school.findUniqueOrThrow({ where: { id: s.schoolId } })).slug;
  bot = botWithIdentities(new PrismaIdentityStore(db.prisma));
});
afterAll(() => db.drop());

/** The bot at NOW over the test database, with `identities` as given (a counting client's, in the statement tests). */
function botWithIdentities(identities: PrismaIdentityStore): TrellisBot {
  const clock = fixedClock(NOW);
  return new TrellisBot({
    engine: new ConversationEngine({ store: new PrismaConversationStore(db.prisma), clock, dialogs: ALL_DIALOGS }),
    dialogs: ALL_DIALOGS,
    identities,
    reports: new CycleReports(new PrismaReportReads(db.prisma), prismaAccess(db.prisma)),
    actions: new ObligationReminderActions(new PrismaReminderActionsStore(db.prisma)),
    clock,
  });
}

/** The e-mail look-up a channel would make (Slack users.info, Teams member info), counting calls. */
function lookup(email: string | undefined) {
  const calls = { count: 0 };
  return {
    calls,
    fn: async () => {
      calls.count++;
      return email;
    },
  };
}

const identitiesOf = (account: PlatformAccount) =>
  db.prisma.platformIdentity.findMany({ where: { platform: account.platform, tenantId: account.tenant, platformUserId: account.userId } });

describe('TrellisBot.identify', () => {
  it('links an account by e-mail (case and spaces ignored) once, then finds it without asking for the e-mail again', async () => {
    const account: PlatformAccount = { platform: 'slack', tenant: 'T1', userId: 'U-TIA' };
    const first = lookup(`  TIA@${slug.toUpperCase()}.example `);
    expect((await bot.identify(account, first.fn))?.id).toBe(s.ids.tia);
    expect(first.calls.count).toBe(1);
    const rows = await identitiesOf(account);
    expect(rows.map((r) => [r.personId, r.reachable, r.lastSeenAt?.toISOString()])).toEqual([[s.ids.tia, true, NOW.toISOString()]]);
    const again = lookup('someone-else@example.com');
    expect((await bot.identify(account, again.fn))?.fullName).toBe('Tia Teacher');
    expect(again.calls.count).toBe(0);
  });

  it('keeps accounts apart by tenant: the same user id in another workspace is a different account', async () => {
    const elsewhere: PlatformAccount = { platform: 'slack', tenant: 'T2', userId: 'U-TIA' };
    expect(await bot.identify(elsewhere, lookup(undefined).fn)).toBeUndefined();
    expect(await identitiesOf(elsewhere)).toEqual([]);
  });

  it('an unknown e-mail, a blank one or none at all gives undefined and stores nothing', async () => {
    for (const email of ['stranger@nowhere.example', '   ', undefined]) {
      const account: PlatformAccount = { platform: 'teams', tenant: 'tenant-1', userId: `aad-${String(email)}` };
      expect(await bot.identify(account, lookup(email).fn)).toBeUndefined();
      expect(await identitiesOf(account)).toEqual([]);
    }
    expect(await db.prisma.platformIdentity.count({ where: { platform: 'teams' } })).toBe(0);
  });

  it('drops a link to someone who has left and looks the account up again (a reused account reaches the new holder)', async () => {
    const account: PlatformAccount = { platform: 'slack', tenant: 'T1', userId: 'U-REUSED' };
    expect((await bot.identify(account, lookup(`lee@${slug}.example`).fn))?.id).toBe(s.ids.lee);
    await db.prisma.person.update({ where: { id: s.ids.lee! }, data: { active: false } });
    const now = lookup(`sam@${slug}.example`);
    expect((await bot.identify(account, now.fn))?.id).toBe(s.ids.sam);
    expect(now.calls.count).toBe(1);
    expect((await identitiesOf(account)).map((r) => r.personId)).toEqual([s.ids.sam]);
  });

  it('a leaver whose own account is looked up again is not re-linked: undefined, and the stale link is gone', async () => {
    const account: PlatformAccount = { platform: 'slack', tenant: 'T1', userId: 'U-LEE' };
    await db.prisma.person.update({ where: { id: s.ids.lee! }, data: { active: true } });
    expect((await bot.identify(account, lookup(`lee@${slug}.example`).fn))?.id).toBe(s.ids.lee);
    await db.prisma.person.update({ where: { id: s.ids.lee! }, data: { active: false } });
    expect(await bot.identify(account, lookup(`lee@${slug}.example`).fn)).toBeUndefined();
    expect(await identitiesOf(account)).toEqual([]);
  });
});

describe('the notes an account change queues, in the change’s own transaction', () => {
  const note = (personId: string, key: string) => [{ personId, messages: [{ type: 'text' as const, text: 'Tia has removed Trellis.' }], key }];

  it('marking an account unreachable queues the line manager’s note only when it changes it, and once per account even after a reinstall', async () => {
    const identities = new PrismaIdentityStore(db.prisma);
    const account: PlatformAccount = { platform: 'teams', tenant: 'tenant-1', userId: 'aad-tia' };
    await identities.link(account, s.ids.tia!, NOW);
    const key = 'unreachable:teams:tenant-1:aad-tia';
    await identities.markUnreachable(account, NOW, note(s.ids.sam!, key));
    await identities.markUnreachable(account, NOW, note(s.ids.sam!, key));
    expect((await identitiesOf(account)).map((r) => r.reachable)).toEqual([false]);
    expect(await db.prisma.nudgeOutbox.findMany({ where: { key }, select: { recipientId: true, status: true } })).toEqual([{ recipientId: s.ids.sam!, status: 'pending' }]);
    await identities.saveConversationRef(account, { conversation: { id: 'a:1' } }, NOW);
    await identities.markUnreachable(account, NOW, note(s.ids.sam!, key));
    expect(await db.prisma.nudgeOutbox.count({ where: { key } })).toBe(1);
  });

  it('a note that cannot be queued leaves no link either: the link and its note are one transaction', async () => {
    const identities = new PrismaIdentityStore(db.prisma);
    const account: PlatformAccount = { platform: 'slack', tenant: 'T1', userId: 'U-TIA-2' };
    const key = 'second-account:tia:slack:T1:U-TIA-2';
    // A recipient id the database cannot read makes the note's INSERT fail inside the link's transaction.
    await expect(identities.link(account, s.ids.tia!, NOW, note('not-a-person-id', key))).rejects.toThrow();
    expect(await db.prisma.nudgeOutbox.count({ where: { key } })).toBe(0);
    expect(await identitiesOf(account)).toEqual([]);
  });
});

describe('a linked account on every message', () => {
  it('is recognised in one statement that also reads the workspaces its school and trust recorded: a sister school’s workspace admits it, an unrecorded one unlinks it', async () => {
    const trust = await db.prisma.trust.create({ data: { slug: `trust-${NOW.getTime()}`, name: 'A trust' } });
    const home = await seedSchool(db.prisma, 'whmat', [{ key: 'wyn', fullName: 'Wyn Worker', role: 'teacher' }]);
    const sister = await seedSchool(db.prisma, 'whmat', []);
    await db.prisma.school.updateMany({ where: { id: { in: [home.schoolId, sister.schoolId] } }, data: { trustId: trust.id } });
    await db.prisma.schoolChatWorkspace.createMany({ data: [{ schoolId: sister.schoolId, platform: 'slack', tenantId: 'T-SISTER' }] });
    const identities = new PrismaIdentityStore(db.prisma);
    const inSister: PlatformAccount = { platform: 'slack', tenant: 'T-SISTER', userId: 'U-WYN' };
    const elsewhere: PlatformAccount = { platform: 'slack', tenant: 'T-OTHER', userId: 'U-WYN' };
    await identities.link(inSister, home.ids.wyn!, NOW);
    await identities.link(elsewhere, home.ids.wyn!, NOW);

    const { client, counter, driver } = countingClient(db.prisma);
    const counted = botWithIdentities(new PrismaIdentityStore(client));
    const never = lookup(undefined);
    expect((await counted.identify(inSister, never.fn))?.id).toBe(home.ids.wyn);
    expect(counter.statements).toBe(1);
    expect(never.calls.count).toBe(0);
    // The same look-up on the pg pool under the client, as the app makes it: one statement there, none through Prisma.
    const onPool = botWithIdentities(new PrismaIdentityStore(client, driver));
    const [onDriver, throughPrisma] = [counter.driver, counter.statements - counter.driver];
    expect((await onPool.identify(inSister, never.fn))?.id).toBe(home.ids.wyn);
    expect([counter.driver - onDriver, counter.statements - counter.driver - throughPrisma]).toEqual([1, 0]);
    expect(await counted.identify(elsewhere, never.fn)).toBeUndefined();
    expect(await identitiesOf(elsewhere)).toEqual([]);
    expect((await identitiesOf(inSister)).map((r) => r.personId)).toEqual([home.ids.wyn]);
  });

  it('a first contact is found by e-mail and linked in three statements, all on the pool (the person with their workspaces and accounts in one; the link and the forgotten Slack refusals in one), with the refusal gone', async () => {
    const first = await seedSchool(db.prisma, 'whmat', [
      { key: 'fay', fullName: 'Fay First', role: 'teacher' },
      { key: 'finn', fullName: 'Finn First', role: 'teacher' },
    ]);
    const slugOf = (await db.prisma.school.findUniqueOrThrow({ where: { id: first.schoolId } })).slug;
    await db.prisma.slackReachFailure.create({ data: { personId: first.ids.fay!, outcome: 'not-in-workspace', detail: 'users.lookupByEmail users_not_found', attemptedAt: NOW } });
    const { client, counter, driver } = countingClient(db.prisma);
    const counted = botWithIdentities(new PrismaIdentityStore(client));
    const account: PlatformAccount = { platform: 'slack', tenant: 'T-FIRST', userId: 'U-FAY' };
    expect((await counted.identify(account, lookup(`fay@${slugOf}.example`).fn))?.id).toBe(first.ids.fay);
    // The link (none); the e-mail with the school's workspaces and the person's other accounts; the link.
    expect(counter.statements).toBe(3);
    expect((await identitiesOf(account)).map((r) => [r.personId, r.reachable, r.lastSeenAt?.toISOString()])).toEqual([[first.ids.fay, true, NOW.toISOString()]]);
    expect(await db.prisma.slackReachFailure.count({ where: { personId: first.ids.fay! } })).toBe(0);
    // As the app makes it, on the pg pool under the client: the same three there, none through Prisma.
    const onPool = botWithIdentities(new PrismaIdentityStore(client, driver));
    const [onDriver, throughPrisma] = [counter.driver, counter.statements - counter.driver];
    const finn: PlatformAccount = { platform: 'slack', tenant: 'T-FIRST', userId: 'U-FINN' };
    expect((await onPool.identify(finn, lookup(`finn@${slugOf}.example`).fn))?.id).toBe(first.ids.finn);
    expect([counter.driver - onDriver, counter.statements - counter.driver - throughPrisma]).toEqual([3, 0]);
  });
});
