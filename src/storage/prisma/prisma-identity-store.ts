import type { QueuedNotification } from '../../core/notifications/notification-queue.ts';
import type { ChatPlatform, IdentityStore, KnownPerson, LinkedPerson, MessageInThread, PlatformAccount, StoredAccount } from '../../core/bot/bot-ports.ts';
import type { TurnReadAhead } from '../../core/conversations/conversation-ports.ts';
import { RoleSchema } from '../../core/people/person.ts';
import { Prisma } from '../../generated/prisma/client.ts';
import { driverOf, type PrismaClient, rawRows, type SqlDriver } from '../db/create-prisma-client.ts';
import type { PrismaConversationStore } from './prisma-conversation-store.ts';
import { queueNotificationRows } from './prisma-notification-queue.ts';

const PERSON_FIELDS = { id: true, schoolId: true, fullName: true, email: true, role: true, department: true, active: true } as const;

type PersonRow = { id: string; schoolId: string; fullName: string; email: string; role: string; department: string | null; active: boolean };

/** A role the roster no longer knows reads as support staff; built once (it is read on every message). */
const ROLE_OR_SUPPORT = RoleSchema.catch('support');

function toKnownPerson(row: PersonRow): KnownPerson {
  return { id: row.id, schoolId: row.schoolId, fullName: row.fullName, email: row.email, role: ROLE_OR_SUPPORT.parse(row.role), department: row.department ?? undefined, active: row.active };
}


/** A linked account as a row gives it (a table row, or the JSON a first contact's look-up builds). */
interface AccountJson {
  platform: string;
  tenant: string;
  userId: string;
  conversationRef: unknown;
  reachable: boolean;
}

function storedAccountOf(row: AccountJson): StoredAccount {
  return { platform: row.platform as StoredAccount['platform'], tenant: row.tenant, userId: row.userId, conversationRef: row.conversationRef ?? undefined, reachable: row.reachable };
}

/** The workspaces or tenants recorded on `platform` for the school row `s` and the other schools of its trust. */
function recordedWorkspaces(platform: string): Prisma.Sql {
  return Prisma.sql`ARRAY(SELECT DISTINCT w.tenant_id FROM school_chat_workspaces w JOIN schools ws ON ws.id = w.school_id
    WHERE w.platform = ${platform} AND (ws.id = s.id OR ws.trust_id = s.trust_id))`;
}

/**
 * The account linked to the person (or moved to them), reachable and seen now; for a Slack account,
 * whatever Slack refused before about this person no longer holds. One statement.
 */
function linkStatement(account: PlatformAccount, personId: string, now: Date): Prisma.Sql {
  return Prisma.sql`
    WITH linked AS (
      INSERT INTO platform_identities (id, person_id, platform, tenant_id, platform_user_id, reachable, last_seen_at, created_at, updated_at)
      VALUES (gen_random_uuid(), ${personId}::uuid, ${account.platform}, ${account.tenant}, ${account.userId}, true, ${now}, now(), now())
      ON CONFLICT (platform, tenant_id, platform_user_id) DO UPDATE SET person_id = EXCLUDED.person_id, reachable = true, last_seen_at = EXCLUDED.last_seen_at, updated_at = now()
      RETURNING person_id
    )
    DELETE FROM slack_reach_failures f USING linked WHERE ${account.platform}::text = 'slack' AND f.person_id = linked.person_id`;
}

/**
 * The person linked to the account with the workspaces their school and trust recorded on its
 * platform (what `workspacesOf` reads): at most one row.
 */
function linkedPersonSql(account: PlatformAccount): Prisma.Sql {
  return Prisma.sql`
      SELECT p.id::text AS id, p.school_id::text AS school_id, p.full_name AS "fullName", p.email, p.role, p.department, p.active,
        ${recordedWorkspaces(account.platform)} AS workspaces
      FROM platform_identities i JOIN people p ON p.id = i.person_id JOIN schools s ON s.id = p.school_id
      WHERE i.platform = ${account.platform} AND i.tenant_id = ${account.tenant} AND i.platform_user_id = ${account.userId}`;
}

type LinkedRow = Omit<PersonRow, 'schoolId'> & { school_id: string; workspaces: string[] };

const linkedOf = (row: LinkedRow): LinkedPerson => ({ person: toKnownPerson({ ...row, schoolId: row.school_id }), workspaces: row.workspaces });

/** Chat accounts ↔ roster people, in `platform_identities`. */
export class PrismaIdentityStore implements IdentityStore {
  readonly #prisma: PrismaClient;
  readonly #driver: SqlDriver | undefined;
  readonly #turns: Pick<PrismaConversationStore, 'readAhead'> | undefined;

  /**
   * `driver`: where the look-up every message makes goes (the client's own pool by default), else
   * through Prisma. `turns`: the store serving the conversation turns, with which a message in a
   * thread is looked up and its turn read in one statement (`findByAccount` given the thread).
   */
  constructor(prisma: PrismaClient, driver: SqlDriver | undefined = driverOf(prisma), turns?: Pick<PrismaConversationStore, 'readAhead'>) {
    this.#prisma = prisma;
    this.#driver = driver;
    this.#turns = turns;
  }

  async findByAccount(account: PlatformAccount, thread?: MessageInThread): Promise<(LinkedPerson & { turnRead?: TurnReadAhead | undefined }) | undefined> {
    // A message in a thread: who wrote it and the first read of its turn, one statement for both.
    const ahead = thread === undefined || this.#driver === undefined ? undefined : await this.#turns?.readAhead<LinkedRow>(linkedPersonSql(account), account, thread);
    if (ahead !== undefined) return ahead.who === undefined ? undefined : { ...linkedOf(ahead.who), turnRead: ahead.turnRead };
    // One statement for every message: the link, its person, and their school's and trust's workspaces, instead of four round trips.
    const rows = await rawRows<LinkedRow>(this.#prisma, this.#driver, linkedPersonSql(account));
    const row = rows[0];
    return row === undefined ? undefined : linkedOf(row);
  }

  async findActiveByEmail(email: string, platform: ChatPlatform): Promise<(LinkedPerson & { accounts: StoredAccount[] }) | undefined> {
    // One e-mail may be on two schools' rosters (someone who works across a trust); the most
    // recently updated active row is the one they are working from. `people_email_idx` finds it:
    // e-mails are stored lower-cased (the roster parser), so no expression index is needed. One
    // statement, on the pool: the person, the workspaces their school and trust recorded (what
    // `workspacesOf` reads) and the accounts already theirs (what `accountsOf` reads, in its order).
    const rows = await rawRows<Omit<PersonRow, 'schoolId'> & { school_id: string; workspaces: string[]; accounts: AccountJson[] }>(this.#prisma, this.#driver, Prisma.sql`
      SELECT p.id::text AS id, p.school_id::text AS school_id, p.full_name AS "fullName", p.email, p.role, p.department, p.active,
        ${recordedWorkspaces(platform)} AS workspaces,
        COALESCE((SELECT json_agg(json_build_object('platform', i.platform, 'tenant', i.tenant_id, 'userId', i.platform_user_id, 'conversationRef', i.conversation_ref, 'reachable', i.reachable)
          ORDER BY i.last_seen_at DESC NULLS LAST) FROM platform_identities i WHERE i.person_id = p.id), '[]'::json) AS accounts
      FROM people p JOIN schools s ON s.id = p.school_id
      WHERE p.email = ${email.toLowerCase()} AND p.active
      ORDER BY p.updated_at DESC LIMIT 1`);
    const row = rows[0];
    if (row === undefined) return undefined;
    return { person: toKnownPerson({ ...row, schoolId: row.school_id }), workspaces: row.workspaces, accounts: row.accounts.map(storedAccountOf) };
  }

  async link(account: PlatformAccount, personId: string, now: Date, notify: readonly QueuedNotification[] = []): Promise<void> {
    // A first contact's link is one statement on the pool; only a note to an earlier account needs a transaction around it.
    if (notify.length === 0) {
      await rawRows(this.#prisma, this.#driver, linkStatement(account, personId, now));
      return;
    }
    await this.#prisma.$transaction(async (tx) => {
      await tx.$executeRaw(linkStatement(account, personId, now));
      await queueNotificationRows(tx, notify, now);
    });
  }

  async workspacesOf(schoolId: string, platform: ChatPlatform): Promise<string[]> {
    const rows = await this.#prisma.$queryRaw<{ workspaces: string[] }[]>`SELECT ${recordedWorkspaces(platform)} AS workspaces FROM schools s WHERE s.id = ${schoolId}::uuid`;
    return rows[0]?.workspaces ?? [];
  }

  async recordedWorkspaces(platform: ChatPlatform): Promise<string[]> {
    const rows = await this.#prisma.schoolChatWorkspace.findMany({ where: { platform }, select: { tenantId: true }, distinct: ['tenantId'] });
    return rows.map((row) => row.tenantId);
  }

  /**
   * Records that a school's staff use this workspace or tenant (`trellis school set
   * --slack-team/--teams-tenant`), and drops the links of the school's and its trust's people
   * from any workspace on that platform no longer theirs, so nothing more is sent there.
   */
  async recordWorkspace(schoolId: string, platform: Exclude<ChatPlatform, 'local'>, tenant: string, by?: string): Promise<{ added: boolean; unlinked: number }> {
    return this.#prisma.$transaction(async (tx) => {
      const created = await tx.schoolChatWorkspace.createMany({ data: [{ schoolId, platform, tenantId: tenant }], skipDuplicates: true });
      if (created.count > 0) await tx.auditEvent.create({ data: workspaceAudit(CHAT_WORKSPACE_RECORDED, schoolId, platform, tenant, by) });
      const school = await tx.school.findUniqueOrThrow({ where: { id: schoolId }, select: { trustId: true } });
      const schools = school.trustId === null ? [schoolId] : (await tx.school.findMany({ where: { trustId: school.trustId }, select: { id: true } })).map((s) => s.id);
      const recorded = (await tx.schoolChatWorkspace.findMany({ where: { platform, schoolId: { in: schools } }, select: { tenantId: true } })).map((w) => w.tenantId);
      const dropped = await tx.platformIdentity.deleteMany({ where: { platform, tenantId: { notIn: recorded }, person: { schoolId: { in: schools } } } });
      return { added: created.count > 0, unlinked: dropped.count };
    });
  }

  /**
   * Forgets that a school's staff use this workspace or tenant (`trellis teams tenants remove`, the
   * console's chat workspaces page): accounts of the school's and its trust's people there are
   * unlinked unless another school of the trust still records it, and a Teams tenant nobody records
   * any more loses its Graph set-up (`teams_tenants`).
   */
  async forgetWorkspace(schoolId: string, platform: Exclude<ChatPlatform, 'local'>, tenant: string, by?: string): Promise<{ removed: boolean; unlinked: number }> {
    return this.#prisma.$transaction(async (tx) => {
      const removed = await tx.schoolChatWorkspace.deleteMany({ where: { schoolId, platform, tenantId: tenant } });
      if (removed.count === 0) return { removed: false, unlinked: 0 };
      await tx.auditEvent.create({ data: workspaceAudit(CHAT_WORKSPACE_REMOVED, schoolId, platform, tenant, by) });
      const school = await tx.school.findUniqueOrThrow({ where: { id: schoolId }, select: { trustId: true } });
      const schools = school.trustId === null ? [schoolId] : (await tx.school.findMany({ where: { trustId: school.trustId }, select: { id: true } })).map((s) => s.id);
      const stillServed = (await tx.schoolChatWorkspace.count({ where: { platform, tenantId: tenant, schoolId: { in: schools } } })) > 0;
      if (stillServed) return { removed: true, unlinked: 0 };
      const dropped = await tx.platformIdentity.deleteMany({ where: { platform, tenantId: tenant, person: { schoolId: { in: schools } } } });
      // Nobody registers the tenant any more: its Graph set-up goes with it.
      if (platform === 'teams' && (await tx.schoolChatWorkspace.count({ where: { platform, tenantId: tenant } })) === 0) await tx.teamsTenant.deleteMany({ where: { tenantId: tenant } });
      return { removed: true, unlinked: dropped.count };
    });
  }

  async unlink(account: PlatformAccount): Promise<void> {
    await this.#prisma.platformIdentity.deleteMany({ where: { platform: account.platform, tenantId: account.tenant, platformUserId: account.userId } });
  }

  async saveConversationRef(account: PlatformAccount, ref: unknown, now: Date): Promise<void> {
    await this.#prisma.platformIdentity.updateMany({
      where: { platform: account.platform, tenantId: account.tenant, platformUserId: account.userId },
      data: { conversationRef: ref as Prisma.InputJsonValue, reachable: true, lastSeenAt: now },
    });
  }

  async markUnreachable(account: PlatformAccount, now: Date, notify: readonly QueuedNotification[] = []): Promise<void> {
    await this.#prisma.$transaction(async (tx) => {
      const where = { platform: account.platform, tenantId: account.tenant, platformUserId: account.userId };
      const changed = await tx.platformIdentity.updateMany({ where: { ...where, reachable: true }, data: { reachable: false, updatedAt: now } });
      if (changed.count > 0) await queueNotificationRows(tx, notify, now);
    });
  }

  async accountsOf(personId: string): Promise<StoredAccount[]> {
    const rows = await this.#prisma.platformIdentity.findMany({ where: { personId }, orderBy: { lastSeenAt: { sort: 'desc', nulls: 'last' } } });
    return rows.map((row) => storedAccountOf({ platform: row.platform, tenant: row.tenantId, userId: row.platformUserId, conversationRef: row.conversationRef, reachable: row.reachable }));
  }

  async personById(personId: string): Promise<KnownPerson | undefined> {
    const row = await this.#prisma.person.findUnique({ where: { id: personId }, select: PERSON_FIELDS });
    return row === null ? undefined : toKnownPerson(row);
  }
}

/** The audit actions of a workspace or tenant recorded for a school, and forgotten. */
export const CHAT_WORKSPACE_RECORDED = 'chat-workspace.recorded';
export const CHAT_WORKSPACE_REMOVED = 'chat-workspace.removed';

/** `by`: the administrator who did it in the console (absent from the command line). */
function workspaceAudit(action: string, schoolId: string, platform: string, tenant: string, by: string | undefined) {
  return { schoolId, action, subjectType: 'school', subjectId: schoolId, details: { platform, tenant, ...(by === undefined ? {} : { by }) } };
}
