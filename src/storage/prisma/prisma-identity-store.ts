import type { IdentityStore, KnownPerson, PlatformAccount, StoredAccount } from '../../core/bot/bot-ports.ts';
import { RoleSchema } from '../../core/people/person.ts';
import type { Prisma } from '../../generated/prisma/client.ts';
import type { PrismaClient } from '../db/create-prisma-client.ts';

const PERSON_FIELDS = { id: true, schoolId: true, fullName: true, email: true, role: true, department: true, active: true } as const;

type PersonRow = { id: string; schoolId: string; fullName: string; email: string; role: string; department: string | null; active: boolean };

function toKnownPerson(row: PersonRow): KnownPerson {
  return { id: row.id, schoolId: row.schoolId, fullName: row.fullName, email: row.email, role: RoleSchema.catch('support').parse(row.role), department: row.department ?? undefined, active: row.active };
}

const accountKey = (account: PlatformAccount) => ({ platform_tenantId_platformUserId: { platform: account.platform, tenantId: account.tenant, platformUserId: account.userId } });

/** Chat accounts ↔ roster people, in `platform_identities`. */
export class PrismaIdentityStore implements IdentityStore {
  readonly #prisma: PrismaClient;

  constructor(prisma: PrismaClient) {
    this.#prisma = prisma;
  }

  async findByAccount(account: PlatformAccount): Promise<KnownPerson | undefined> {
    const row = await this.#prisma.platformIdentity.findUnique({ where: accountKey(account), select: { person: { select: PERSON_FIELDS } } });
    return row === null ? undefined : toKnownPerson(row.person);
  }

  async linkByEmail(account: PlatformAccount, email: string, now: Date): Promise<KnownPerson | undefined> {
    // One e-mail may be on two schools' rosters (someone who works across a trust); the most
    // recently updated active row is the one they are working from.
    const person = await this.#prisma.person.findFirst({ where: { email: email.toLowerCase(), active: true }, orderBy: { updatedAt: 'desc' }, select: PERSON_FIELDS });
    if (person === null) return undefined;
    await this.#prisma.platformIdentity.upsert({
      where: accountKey(account),
      create: { personId: person.id, platform: account.platform, tenantId: account.tenant, platformUserId: account.userId, lastSeenAt: now },
      update: { personId: person.id, reachable: true, lastSeenAt: now },
    });
    return toKnownPerson(person);
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

  async markUnreachable(account: PlatformAccount, now: Date): Promise<void> {
    await this.#prisma.platformIdentity.updateMany({ where: { platform: account.platform, tenantId: account.tenant, platformUserId: account.userId }, data: { reachable: false, updatedAt: now } });
  }

  async accountsOf(personId: string): Promise<StoredAccount[]> {
    const rows = await this.#prisma.platformIdentity.findMany({ where: { personId }, orderBy: { lastSeenAt: { sort: 'desc', nulls: 'last' } } });
    return rows.map((row) => ({
      platform: row.platform as StoredAccount['platform'],
      tenant: row.tenantId,
      userId: row.platformUserId,
      conversationRef: row.conversationRef ?? undefined,
      reachable: row.reachable,
    }));
  }

  async personById(personId: string): Promise<KnownPerson | undefined> {
    const row = await this.#prisma.person.findUnique({ where: { id: personId }, select: PERSON_FIELDS });
    return row === null ? undefined : toKnownPerson(row);
  }
}
