import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlatformAccount } from '../../../src/core/bot/bot-ports.ts';
import { type ThreadPlace, TrellisBot } from '../../../src/core/bot/trellis-bot.ts';
import { ALL_DIALOGS } from '../../../src/core/conversations/dialogs/all-dialogs.ts';
import { ConversationEngine } from '../../../src/core/conversations/engine/run-turn.ts';
import { ObligationReminderActions } from '../../../src/core/reminders/reminder-actions.ts';
import { CycleReports } from '../../../src/core/reports/cycle-reports.ts';
import { fixedClock } from '../../../src/core/time/clock.ts';
import { driverOf, type PrismaClient, type SqlDriver } from '../../../src/storage/db/create-prisma-client.ts';
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

/**
 * The bot as the app builds it: the identity store reading a thread's turn ahead through the store
 * that serves the turns, both on `client` and `driver` (a counting client's, in the statement tests).
 */
function threadBot(client: PrismaClient, driver: SqlDriver | undefined): TrellisBot {
  const clock = fixedClock(NOW);
  const turns = new PrismaConversationStore(client, driver);
  return new TrellisBot({
    engine: new ConversationEngine({ store: turns, clock, dialogs: ALL_DIALOGS }),
    dialogs: ALL_DIALOGS,
    identities: new PrismaIdentityStore(client, driver, turns),
    reports: new CycleReports(new PrismaReportReads(db.prisma), prismaAccess(db.prisma)),
    actions: new ObligationReminderActions(new PrismaReminderActionsStore(db.prisma)),
    clock,
  });
}

/** A Slack DM thread's place for a message in it, replied to in that thread. */
const inThread = (threadKey: string, messageId: string): ThreadPlace => ({ threadKey, messageId, replyTo: { conversation: threadKey.split(':')[0]!, thread: threadKey.split(':')[1]! } });

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

  it('a reply in a dialog’s thread is two statements in all, on the pool: who wrote it read with the turn’s first read, then the turn’s write (three when looked up apart)', async () => {
    const school = await seedSchool(db.prisma, 'whmat', [{ key: 'tess', fullName: 'Tess Thread', role: 'teacher' }]);
    await db.prisma.schoolChatWorkspace.create({ data: { schoolId: school.schoolId, platform: 'slack', tenantId: 'T-THREAD' } });
    const account: PlatformAccount = { platform: 'slack', tenant: 'T-THREAD', userId: 'U-TESS' };
    await new PrismaIdentityStore(db.prisma).link(account, school.ids.tess!, NOW);
    const { client, counter, driver } = countingClient(db.prisma);
    const threaded = threadBot(client, driver);
    const never = lookup(undefined);
    const threadKey = 'DTESS:1800000000.000100';
    const started = await threaded.startDialog((await threaded.actor(account, never.fn))!, inThread(threadKey, 'Ev-start'), { trigger: 'reflect' });
    expect(started.conversation?.dialogId).toBe('self-reflection');
    const counted = async (turn: () => Promise<unknown>) => {
      const [onDriver, throughPrisma] = [counter.driver, counter.statements - counter.driver];
      const result = await turn();
      return { result, statements: [counter.driver - onDriver, counter.statements - counter.driver - throughPrisma] };
    };
    const answer = (n: number, withThread: boolean) =>
      counted(async () => {
        const place = inThread(threadKey, `Ev-${n}`);
        const actor = await threaded.actor(account, never.fn, withThread ? { thread: place } : {});
        return (await threaded.messageFlow(actor!, place, { kind: 'text', text: `Answer ${n}: pupils explain their reasoning and I model it live` })).result;
      });
    // Looked up on its own, as a command outside a thread is: the look-up, then the turn's read and write.
    const apart = await answer(1, false);
    expect(apart.statements).toEqual([3, 0]);
    const perTurn: number[][] = [];
    for (let n = 2; n <= 6; n++) {
      const { result, statements } = await answer(n, true);
      expect(result).toMatchObject({ duplicate: false, replyKey: `reply:slack:T-THREAD:Ev-${n}` });
      perTurn.push(statements);
    }
    expect(perTurn, JSON.stringify(perTurn)).toEqual(Array.from({ length: 5 }, () => [2, 0]));
    // Every answer was applied, once, each with its reply.
    const row = await db.prisma.conversation.findUniqueOrThrow({ where: { tenant_threadKey: { tenant: 'T-THREAD', threadKey } } });
    expect((row.values as { trail: unknown[] }).trail).toHaveLength(6);
    expect(await db.prisma.nudgeOutbox.count({ where: { key: { startsWith: 'reply:slack:T-THREAD:Ev-' } } })).toBe(7);
    // The same message delivered again: the one read finds it claimed, and nothing is written.
    const again = await answer(6, true);
    expect([again.result, again.statements]).toEqual([{ messages: [], duplicate: true }, [1, 0]]);
    expect(never.calls.count).toBe(0);
  });

  it('a read made ahead is used only by the turn it was made for: another message in the thread reads its own, and is applied', async () => {
    const school = await seedSchool(db.prisma, 'whmat', [{ key: 'ula', fullName: 'Ula Ahead', role: 'teacher' }]);
    await db.prisma.schoolChatWorkspace.create({ data: { schoolId: school.schoolId, platform: 'slack', tenantId: 'T-AHEAD' } });
    const account: PlatformAccount = { platform: 'slack', tenant: 'T-AHEAD', userId: 'U-ULA' };
    await new PrismaIdentityStore(db.prisma).link(account, school.ids.ula!, NOW);
    const { client, counter, driver } = countingClient(db.prisma);
    const threaded = threadBot(client, driver);
    const threadKey = 'DULA:1800000000.000200';
    await threaded.startDialog((await threaded.actor(account, lookup(undefined).fn))!, inThread(threadKey, 'Ev-ula-start'), { trigger: 'reflect' });
    const actor = await threaded.actor(account, lookup(undefined).fn, { thread: inThread(threadKey, 'Ev-ula-1') });
    expect(actor?.turnRead).toBeDefined();
    const before = counter.driver;
    const other = await threaded.messageFlow(actor!, inThread(threadKey, 'Ev-ula-2'), { kind: 'text', text: 'Answer: pupils explain their reasoning' });
    expect([other.result.duplicate, other.result.replyKey, counter.driver - before]).toEqual([false, 'reply:slack:T-AHEAD:Ev-ula-2', 2]);
    // The read made for Ev-ula-1 saw the thread before Ev-ula-2's answer: used now it would be stale, so the turn reads afresh (or runs under the lock).
    const first = await threaded.messageFlow(actor!, inThread(threadKey, 'Ev-ula-1'), { kind: 'text', text: 'Next I will try live modelling' });
    expect(first.result.duplicate).toBe(false);
    const row = await db.prisma.conversation.findUniqueOrThrow({ where: { tenant_threadKey: { tenant: 'T-AHEAD', threadKey } } });
    expect((row.values as { trail: unknown[] }).trail).toHaveLength(2);
  });

  it('given a thread, who someone is is decided as without one: a leaver’s link is dropped and looked up by e-mail, an unrecorded workspace is refused and unlinked, a first contact is linked', async () => {
    const school = await seedSchool(db.prisma, 'whmat', [
      { key: 'val', fullName: 'Val Leaver', role: 'teacher' },
      { key: 'wes', fullName: 'Wes Newcomer', role: 'teacher' },
    ]);
    const slugOf = (await db.prisma.school.findUniqueOrThrow({ where: { id: school.schoolId } })).slug;
    await db.prisma.schoolChatWorkspace.create({ data: { schoolId: school.schoolId, platform: 'slack', tenantId: 'T-DECIDE' } });
    const threaded = threadBot(db.prisma, driverOf(db.prisma));
    const place = inThread('DX:1800000000.000300', 'Ev-decide');
    // A leaver's account, reused by a newcomer: the link is dropped and the e-mail decides.
    const reused: PlatformAccount = { platform: 'slack', tenant: 'T-DECIDE', userId: 'U-REUSED-2' };
    await new PrismaIdentityStore(db.prisma).link(reused, school.ids.val!, NOW);
    await db.prisma.person.update({ where: { id: school.ids.val! }, data: { active: false } });
    const byEmail = lookup(`wes@${slugOf}.example`);
    const actor = await threaded.actor(reused, byEmail.fn, { thread: place });
    expect([actor?.person.id, actor?.turnRead, byEmail.calls.count]).toEqual([school.ids.wes, undefined, 1]);
    expect((await identitiesOf(reused)).map((r) => r.personId)).toEqual([school.ids.wes]);
    // From a workspace the school has not recorded: refused, and the link is gone.
    const elsewhere: PlatformAccount = { platform: 'slack', tenant: 'T-ELSEWHERE', userId: 'U-WES' };
    await new PrismaIdentityStore(db.prisma).link(elsewhere, school.ids.wes!, NOW);
    expect(await threaded.actor(elsewhere, lookup(`wes@${slugOf}.example`).fn, { thread: place })).toBeUndefined();
    expect(await identitiesOf(elsewhere)).toEqual([]);
    // Nobody linked and no e-mail: nobody, and nothing stored.
    const stranger: PlatformAccount = { platform: 'slack', tenant: 'T-DECIDE', userId: 'U-STRANGER' };
    expect(await threaded.actor(stranger, lookup(undefined).fn, { thread: place })).toBeUndefined();
    expect(await identitiesOf(stranger)).toEqual([]);
  });
});
