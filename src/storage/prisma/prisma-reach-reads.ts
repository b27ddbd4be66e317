import { RoleSchema } from '../../core/people/person.ts';
import type { ChatAccountFacts, PersonReachFacts, ReachReads } from '../../core/reach/reach.ts';
import type { PrismaClient } from '../db/create-prisma-client.ts';

/** `trellis reach`'s facts: active people and their `platform_identities` rows, in one query. */
export class PrismaReachReads implements ReachReads {
  readonly #prisma: PrismaClient;

  constructor(prisma: PrismaClient) {
    this.#prisma = prisma;
  }

  async activeStaffAccounts(schoolId: string): Promise<PersonReachFacts[]> {
    const rows = await this.#prisma.person.findMany({
      where: { schoolId, active: true, releasedEmail: null },
      orderBy: [{ fullName: 'asc' }, { email: 'asc' }],
      select: { email: true, fullName: true, role: true, platformIdentities: { select: { platform: true, reachable: true, conversationRef: true } } },
    });
    return rows.map((row) => ({
      email: row.email,
      fullName: row.fullName,
      role: RoleSchema.catch('support').parse(row.role),
      accounts: row.platformIdentities.map(
        (account): ChatAccountFacts => ({ platform: account.platform as ChatAccountFacts['platform'], reachable: account.reachable, hasConversationRef: account.conversationRef !== null }),
      ),
    }));
  }
}
