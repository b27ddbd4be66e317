import { AccessGuard } from '../../core/access/access-guard.ts';
import { relationshipsOn } from '../../core/access/relationships.ts';
import type { IsoDate } from '../../core/calendar/iso-date.ts';
import type {
  ConversationStore,
  ConversationTransaction,
  CycleRef,
  DialogPerson,
  DialogReads,
  PersonRef,
  PlanStatus,
  StoredConversation,
  StoredPlan,
  ThreadRef,
} from '../../core/conversations/conversation-ports.ts';
import { type DialogState, storedDataOf } from '../../core/conversations/engine/dialog-state.ts';
import { knownFlags, RoleSchema } from '../../core/people/person.ts';
import type { Prisma } from '../../generated/prisma/client.ts';
import type { PrismaClient } from '../db/create-prisma-client.ts';
import { fromDbDate, toDbDate } from './db-date.ts';
import { PrismaAccessLogStore, PrismaPeopleFacts } from './prisma-access-relationships.ts';
import { PrismaDialogRecords, PrismaRecordReads } from './prisma-dialog-records.ts';
import { PrismaTransactionNotificationQueue } from './prisma-notification-queue.ts';

type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

/**
 * Conversation state in PostgreSQL. Each turn runs in one transaction: the processed_inbound
 * marker, the conversation row (locked FOR UPDATE so two turns in one thread queue up) and any
 * records a finished dialog writes commit together, so a crash or a retried delivery can never
 * apply half a turn or the same turn twice.
 */
export class PrismaConversationStore implements ConversationStore {
  readonly #prisma: PrismaClient;

  constructor(prisma: PrismaClient) {
    this.#prisma = prisma;
  }

  transaction<T>(work: (tx: ConversationTransaction) => Promise<T>): Promise<T> {
    return this.#prisma.$transaction((tx) => work(new PrismaConversationTransaction(tx)), { maxWait: 10_000, timeout: 30_000 });
  }
}

class PrismaConversationTransaction implements ConversationTransaction {
  readonly #tx: Tx;
  readonly reads: DialogReads;
  readonly records: PrismaDialogRecords;
  readonly notifications: PrismaTransactionNotificationQueue;

  constructor(tx: Tx) {
    this.#tx = tx;
    this.reads = new PrismaDialogReads(tx);
    this.records = new PrismaDialogRecords(tx);
    this.notifications = new PrismaTransactionNotificationQueue(tx);
  }

  async claimInbound(tenant: string, platform: string, messageId: string): Promise<boolean> {
    // ON CONFLICT DO NOTHING: a concurrent duplicate waits for the first to commit, then sees 0 rows.
    const { count } = await this.#tx.processedInbound.createMany({ data: [{ tenant, platform, messageId }], skipDuplicates: true });
    return count === 1;
  }

  async loadConversation(tenant: string, threadKey: string): Promise<StoredConversation | undefined> {
    const rows = await this.#tx.$queryRaw<{ person_id: string | null; dialog_id: string; dialog_version: number; step: string; status: string; values: unknown }[]>`
      SELECT person_id::text AS person_id, dialog_id, dialog_version, step, status, "values" FROM conversations
      WHERE tenant = ${tenant} AND thread_key = ${threadKey} FOR UPDATE`;
    const row = rows[0];
    return row === undefined ? undefined : { personId: row.person_id ?? undefined, dialogId: row.dialog_id, version: row.dialog_version, step: row.step, status: row.status, data: row.values };
  }

  async findLiveDraft(thread: ThreadRef, dialogId: string, colleague?: string): Promise<{ thread: ThreadRef; conversation: StoredConversation } | undefined> {
    // By person: in this workspace, or on another platform they use (a draft started in Slack
    // resumes when the same person starts it in Teams). Another workspace of the same platform is
    // another installation and keeps its own drafts.
    const rows = await this.#tx.$queryRaw<{ tenant: string; platform: string; thread_key: string; dialog_id: string; dialog_version: number; step: string; status: string; values: unknown }[]>`
      SELECT tenant, platform, thread_key, dialog_id, dialog_version, step, status, "values" FROM conversations
      WHERE person_id = ${thread.personId}::uuid AND dialog_id = ${dialogId} AND status IN ('active', 'paused')
        AND ((tenant = ${thread.tenant} AND platform = ${thread.platform} AND thread_key <> ${thread.threadKey}) OR platform <> ${thread.platform})
        AND (${colleague ?? null}::text IS NULL OR "values"->'values'->>'colleague' = ${colleague ?? null}::text)
      ORDER BY updated_at DESC LIMIT 1 FOR UPDATE`;
    const row = rows[0];
    if (row === undefined) return undefined;
    return {
      thread: { tenant: row.tenant, platform: row.platform, threadKey: row.thread_key, personId: thread.personId },
      conversation: { dialogId: row.dialog_id, version: row.dialog_version, step: row.step, status: row.status, data: row.values },
    };
  }

  async findLiveDrafts(thread: ThreadRef): Promise<{ threadKey: string; conversation: StoredConversation }[]> {
    const rows = await this.#tx.$queryRaw<{ thread_key: string; dialog_id: string; dialog_version: number; step: string; status: string; values: unknown }[]>`
      SELECT thread_key, dialog_id, dialog_version, step, status, "values" FROM conversations
      WHERE person_id = ${thread.personId}::uuid AND tenant = ${thread.tenant} AND platform = ${thread.platform}
        AND status IN ('active', 'paused') AND thread_key <> ${thread.threadKey}
      ORDER BY updated_at DESC LIMIT 10 FOR UPDATE`;
    return rows.map((row) => ({ threadKey: row.thread_key, conversation: { dialogId: row.dialog_id, version: row.dialog_version, step: row.step, status: row.status, data: row.values } }));
  }

  async saveConversation(thread: ThreadRef, state: DialogState): Promise<void> {
    const fields = {
      platform: thread.platform,
      personId: thread.personId,
      dialogId: state.dialogId,
      dialogVersion: state.version,
      step: state.step,
      status: state.status,
      values: storedDataOf(state) as Prisma.InputJsonValue,
    };
    await this.#tx.conversation.upsert({
      where: { tenant_threadKey: { tenant: thread.tenant, threadKey: thread.threadKey } },
      create: { tenant: thread.tenant, threadKey: thread.threadKey, ...fields },
      update: fields,
    });
  }
}

const PLAN_STATUSES: readonly PlanStatus[] = ['draft', 'submitted', 'agreed', 'changes-requested'];

function toStoredPlan(plan: { id: string; cycleId: string; personId: string; status: string; summary: string | null; details: unknown; person: { fullName: string } }): StoredPlan {
  const status = PLAN_STATUSES.find((s) => s === plan.status) ?? 'draft';
  return { id: plan.id, cycleId: plan.cycleId, personId: plan.personId, personName: plan.person.fullName, status, summary: plan.summary ?? undefined, details: plan.details };
}

class PrismaDialogReads extends PrismaRecordReads implements DialogReads {
  readonly #tx: Tx;

  constructor(tx: Tx) {
    super(tx);
    this.#tx = tx;
  }

  async person(personId: string): Promise<DialogPerson | undefined> {
    const row = await this.#tx.person.findUnique({
      where: { id: personId },
      select: { id: true, schoolId: true, fullName: true, role: true, flags: true, fte: true, startDate: true, active: true, school: { select: { policy: true, updatedAt: true } } },
    });
    const role = RoleSchema.safeParse(row?.role);
    if (row === null || !row.active || !role.success) return undefined;
    return {
      id: row.id,
      schoolId: row.schoolId,
      fullName: row.fullName,
      role: role.data,
      flags: knownFlags(row.flags),
      fte: row.fte ?? undefined,
      startDate: row.startDate === null ? undefined : fromDbDate(row.startDate),
      policy: row.school.policy,
      policyStamp: row.school.updatedAt.toISOString(),
    };
  }

  async activeCycle(personId: string, today: IsoDate): Promise<CycleRef | undefined> {
    const day = toDbDate(today);
    const cycle =
      (await this.#tx.cycle.findFirst({ where: { personId, status: 'active', startsOn: { lte: day }, endsOn: { gte: day } }, orderBy: { startsOn: 'desc' } })) ??
      (await this.#tx.cycle.findFirst({ where: { personId, status: 'active' }, orderBy: { academicYear: 'desc' } }));
    return cycle === null ? undefined : { id: cycle.id, academicYear: cycle.academicYear, startsOn: fromDbDate(cycle.startsOn), endsOn: fromDbDate(cycle.endsOn) };
  }

  async excludedCycle(personId: string, today: IsoDate): Promise<(CycleRef & { reason: string }) | undefined> {
    const day = toDbDate(today);
    const cycle = await this.#tx.cycle.findFirst({ where: { personId, status: 'excluded', startsOn: { lte: day }, endsOn: { gte: day } }, orderBy: { startsOn: 'desc' } });
    if (cycle === null) return undefined;
    const reason = cycle.exclusionReason ?? 'The policy does not cover you this year';
    return { id: cycle.id, academicYear: cycle.academicYear, startsOn: fromDbDate(cycle.startsOn), endsOn: fromDbDate(cycle.endsOn), reason };
  }

  async reviewerOf(personId: string, today: IsoDate): Promise<PersonRef | undefined> {
    const [facts] = await new PrismaPeopleFacts(this.#tx).factsOf([personId]);
    const reviewerId = facts === undefined ? undefined : relationshipsOn(facts, today).reviewer?.id;
    if (reviewerId === undefined) return undefined;
    const reviewer = await this.#tx.person.findUnique({ where: { id: reviewerId }, select: { id: true, fullName: true } });
    return reviewer ?? undefined;
  }

  async planForCycle(cycleId: string): Promise<StoredPlan | undefined> {
    const plan = await this.#tx.growthPlan.findUnique({ where: { cycleId }, include: { person: { select: { fullName: true } } } });
    return plan === null ? undefined : toStoredPlan(plan);
  }

  async plansAwaitingAgreement(reviewerId: string, today: IsoDate, now: Date): Promise<StoredPlan[]> {
    const reviewees = (await this.revieweesOf(reviewerId, today)).filter((c) => c.relation === 'reviewer');
    const submitted = await this.#tx.growthPlan.findMany({
      where: { status: 'submitted', personId: { in: reviewees.map((r) => r.id) } },
      include: { person: { select: { fullName: true } } },
      orderBy: { submittedAt: 'asc' },
    });
    // The plans are read here, in the turn's transaction: the access rule decides again and logs each read.
    const guard = new AccessGuard(new PrismaPeopleFacts(this.#tx), new PrismaAccessLogStore(this.#tx));
    const readable = await guard.readable(reviewerId, submitted.map((p) => p.personId), 'growth-plan', now);
    return submitted.filter((p) => readable.has(p.personId)).map(toStoredPlan);
  }
}
