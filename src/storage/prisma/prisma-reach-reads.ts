import { RoleSchema } from '../../core/people/person.ts';
import type { ChatAccountFacts, PersonReachFacts, ReachReads } from '../../core/reach/reach.ts';
import type { SlackRefusal } from '../../core/reach/slack-refusals.ts';
import type { TeamsInstallFailure } from '../../core/reach/teams-install-ports.ts';
import type { SubjectFacts } from '../../core/access/relationships.ts';
import type { Policy } from '../../core/policy/policy-schema.ts';
import type { PrismaClient } from '../db/create-prisma-client.ts';
import { PrismaPeopleFacts } from './prisma-access-relationships.ts';
import { storedPolicy } from './prisma-school-repository.ts';

/** `trellis reach`'s facts: active people, their `platform_identities` rows and any failed Teams install or Slack refusal, in one query. */
export class PrismaReachReads implements ReachReads {
  readonly #prisma: PrismaClient;
  readonly #emailConfigured: boolean;

  /** `emailConfigured`: whether SMTP is set up here (`SMTP_URL`, `SMTP_FROM`), which decides whether the head's named contacts are e-mailed. */
  constructor(prisma: PrismaClient, options: { emailConfigured?: boolean } = {}) {
    this.#prisma = prisma;
    this.#emailConfigured = options.emailConfigured ?? false;
  }

  async headReviewerFacts(schoolId: string): Promise<{ head: SubjectFacts; policy: Pick<Policy, 'headReviewers'>; emailConfigured: boolean } | undefined> {
    // Only the policy is needed: who the head's reviewers are (the term dates play no part in reach).
    const school = await this.#prisma.school.findUnique({ where: { id: schoolId }, select: { slug: true, policy: true } });
    const head = await this.#prisma.person.findFirst({ where: { schoolId, role: 'headteacher', active: true }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], select: { id: true } });
    if (school === null || head === null) return undefined;
    const [facts] = await new PrismaPeopleFacts(this.#prisma).factsOf([head.id]);
    return facts === undefined ? undefined : { head: facts, policy: storedPolicy(school.slug, school.policy), emailConfigured: this.#emailConfigured };
  }

  async activeStaffAccounts(schoolId: string): Promise<PersonReachFacts[]> {
    const rows = await this.#prisma.person.findMany({
      where: { schoolId, active: true, releasedEmail: null },
      orderBy: [{ fullName: 'asc' }, { email: 'asc' }],
      select: {
        id: true,
        email: true,
        fullName: true,
        role: true,
        platformIdentities: { select: { platform: true, reachable: true, conversationRef: true } },
        teamsInstallFailure: { select: { tenantId: true, outcome: true, detail: true, attemptedAt: true } },
        slackReachFailure: { select: { workspace: true, outcome: true, detail: true, attemptedAt: true } },
      },
    });
    return rows.map((row) => ({
      id: row.id,
      email: row.email,
      fullName: row.fullName,
      role: RoleSchema.catch('support').parse(row.role),
      accounts: row.platformIdentities.map(
        (account): ChatAccountFacts => ({ platform: account.platform as ChatAccountFacts['platform'], reachable: account.reachable, hasConversationRef: account.conversationRef !== null }),
      ),
      teamsInstallFailure: row.teamsInstallFailure === null ? undefined : failureOf(row.teamsInstallFailure),
      slackRefusal: row.slackReachFailure === null ? undefined : refusalOf(row.slackReachFailure),
    }));
  }
}

function failureOf(row: { tenantId: string; outcome: string; detail: string; attemptedAt: Date }): TeamsInstallFailure {
  return { tenant: row.tenantId, outcome: row.outcome === 'forbidden' ? 'forbidden' : 'not-found', detail: row.detail, at: row.attemptedAt };
}

function refusalOf(row: { workspace: string | null; outcome: string; detail: string; attemptedAt: Date }): SlackRefusal {
  const outcome = row.outcome === 'not-in-workspace' || row.outcome === 'deactivated' ? row.outcome : 'refused';
  return { workspace: row.workspace ?? undefined, outcome, detail: row.detail, at: row.attemptedAt };
}
