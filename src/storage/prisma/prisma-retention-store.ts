import { keyNotifications } from '../../core/notifications/notification-queue.ts';
import type { DestroyedRecords, DestroyOutcome, DestroyRequest, RetentionStore } from '../../core/retention/retention-ports.ts';
import { Prisma } from '../../generated/prisma/client.ts';
import type { PrismaClient } from '../db/create-prisma-client.ts';
import { queueNotificationRows } from './prisma-notification-queue.ts';
import { identifier } from './prisma-records-store.ts';

type Tx = Prisma.TransactionClient;
/** What each DELETE … RETURNING gives back: the record's id, whose it was and its academic year. */
type Gone = { id: string; subject: string | null; year: number };

/** The academic year (2019 = 2019/20) of a date or instant, in London: years turn on 1 September. */
function academicYear(expression: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`(EXTRACT(YEAR FROM ${expression})::int - CASE WHEN EXTRACT(MONTH FROM ${expression}) < 9 THEN 1 ELSE 0 END)`;
}
const london = (column: string): Prisma.Sql => Prisma.sql`(t.${identifier(column)} AT TIME ZONE 'Europe/London')`;

/**
 * Tables whose rows hang off a cycle (`cycle_id`): they go with their cycle's year. `subject` is the
 * column naming whose record it is (the observer's, for a peer observation they made).
 */
export const CYCLE_CHILDREN: readonly { table: string; subject: string }[] = [
  ...[
    'obligations',
    'self_reflections',
    'growth_plans',
    'check_in_meetings',
    'check_ins',
    'diary_entries',
    'feedback_records',
    'observations',
    'end_of_cycle_reviews',
    'appeals',
    'pay_threshold_applications',
  ].map((table) => ({ table, subject: 'person_id' })),
  { table: 'peer_observations', subject: 'observer_id' },
]

/**
 * Rows that point at a leaver and would go with their roster row (ON DELETE CASCADE): each is
 * logged before it goes, under the year the leaver left.
 */
export const LEAVER_ROWS: readonly { table: string; columns: readonly string[]; subject: string }[] = [
  { table: 'platform_identities', columns: ['person_id'], subject: 'person_id' },
  { table: 'teams_install_failures', columns: ['person_id'], subject: 'person_id' },
  { table: 'slack_reach_failures', columns: ['person_id'], subject: 'person_id' },
  { table: 'conversations', columns: ['person_id'], subject: 'person_id' },
  { table: 'nudge_outbox', columns: ['recipient_id'], subject: 'recipient_id' },
  { table: 'reminders', columns: ['recipient_id'], subject: 'recipient_id' },
  { table: 'access_logs', columns: ['subject_id', 'viewer_id'], subject: 'subject_id' },
  { table: 'access_grants', columns: ['subject_id', 'requester_id', 'granted_by_id'], subject: 'subject_id' },
  { table: 'reviewer_assignments', columns: ['reviewee_id', 'reviewer_id'], subject: 'reviewee_id' },
  { table: 'reviewer_change_requests', columns: ['reviewee_id', 'reviewer_id', 'decided_by_id', 'new_reviewer_id'], subject: 'reviewee_id' },
];

class DryRun extends Error {
  constructor(readonly destroyed: DestroyedRecords) {
    super('dry run: rolled back');
  }
}

/**
 * Retention in PostgreSQL: each kind of record is deleted with one `DELETE … RETURNING`, children
 * before parents so no cascade removes anything unlogged, and each returned row becomes a
 * deletion-log row (kind, id, whose, year, rule — no content). All in one transaction; a dry run
 * does exactly the same and rolls back, so what it reports is what a real run would destroy.
 */
export class PrismaRetentionStore implements RetentionStore {
  readonly #prisma: PrismaClient;

  constructor(prisma: PrismaClient) {
    this.#prisma = prisma;
  }

  async destroyExpired(request: DestroyRequest): Promise<DestroyOutcome> {
    try {
      return await this.#prisma.$transaction(
        async (tx) => {
          const destroyed = await destroyIn(tx, request);
          if (request.dryRun) throw new DryRun(destroyed);
          const { tellHeads } = request;
          if (tellHeads === undefined || destroyed.total === 0) return { destroyed, told: [] };
          // The heads' summary is queued in this transaction: it exists exactly when the records are gone.
          const told = await tx.person.findMany({ where: { schoolId: request.schoolId, role: 'headteacher', active: true }, select: { id: true, fullName: true }, orderBy: { fullName: 'asc' } });
          const messages = tellHeads.message(destroyed);
          await queueNotificationRows(tx, keyNotifications(tellHeads.cause, told.map((head) => ({ personId: head.id, messages }))), request.now);
          return { destroyed, told };
        },
        { timeout: 120_000 },
      );
    } catch (error) {
      if (error instanceof DryRun) return { destroyed: error.destroyed, told: [] };
      throw error;
    }
  }
}

async function destroyIn(tx: Tx, request: DestroyRequest): Promise<DestroyedRecords> {
  const { schoolId, expiredThroughYear: through, personId } = request;
  const byKind: DestroyedRecords['byKind'] = [];
  const subjects = new Set<string>();
  const log = async (kind: string, sql: Prisma.Sql): Promise<void> => {
    const rows = await tx.$queryRaw<Gone[]>(sql);
    if (rows.length === 0) return;
    await tx.deletionLog.createMany({
      data: rows.map((row) => ({
        schoolId,
        kind,
        recordId: row.id,
        subjectPersonId: row.subject,
        cycleYear: row.year,
        reason: request.reason,
        rule: request.rule,
        deletedAt: request.now,
      })),
    });
    for (const row of rows) if (row.subject !== null) subjects.add(row.subject);
    const existing = byKind.find((k) => k.kind === kind);
    if (existing === undefined) byKind.push({ kind, count: rows.length });
    else existing.count += rows.length;
  };
  const whose = (column: Prisma.Sql): Prisma.Sql => (personId === undefined ? Prisma.sql`TRUE` : Prisma.sql`${column} = ${personId}::uuid`);
  const expiredCycle = Prisma.sql`c.school_id = ${schoolId}::uuid AND c.academic_year <= ${through} AND ${whose(Prisma.sql`c.person_id`)}`;

  // A cycle's records, children first: reminders about its deadlines, its plan's goals, then each table.
  await log(
    'reminders',
    Prisma.sql`DELETE FROM reminders t USING obligations o, cycles c WHERE t.obligation_id = o.id AND o.cycle_id = c.id AND ${expiredCycle}
      RETURNING t.id, t.recipient_id AS subject, c.academic_year AS year`,
  );
  await log(
    'plan_goals',
    Prisma.sql`DELETE FROM plan_goals t USING growth_plans g, cycles c WHERE t.plan_id = g.id AND g.cycle_id = c.id AND ${expiredCycle}
      RETURNING t.id, g.person_id AS subject, c.academic_year AS year`,
  );
  for (const { table, subject } of CYCLE_CHILDREN) {
    await log(
      table,
      Prisma.sql`DELETE FROM ${identifier(table)} t USING cycles c WHERE t.cycle_id = c.id AND ${expiredCycle} RETURNING t.id, t.${identifier(subject)} AS subject, c.academic_year AS year`,
    );
  }
  await log(
    'pay_threshold_applications',
    Prisma.sql`DELETE FROM pay_threshold_applications t USING people p WHERE t.person_id = p.id AND p.school_id = ${schoolId}::uuid AND t.cycle_id IS NULL
      AND t.academic_year <= ${through} AND ${whose(Prisma.sql`t.person_id`)} RETURNING t.id, t.person_id AS subject, t.academic_year AS year`,
  );
  await log('cycles', Prisma.sql`DELETE FROM cycles c WHERE ${expiredCycle} RETURNING c.id, c.person_id AS subject, c.academic_year AS year`);

  // Records dated in a year of their own.
  const dated = async (table: string, subject: string, person: Prisma.Sql, date: Prisma.Sql, extra: Prisma.Sql = Prisma.sql`TRUE`): Promise<void> => {
    const year = academicYear(date);
    await log(
      table,
      Prisma.sql`DELETE FROM ${identifier(table)} t USING people p WHERE ${person} = p.id AND p.school_id = ${schoolId}::uuid AND ${year} <= ${through}
        AND ${extra} AND ${whose(Prisma.sql`t.${identifier(subject)}`)} RETURNING t.id, t.${identifier(subject)} AS subject, ${year} AS year`,
    );
  };
  await dated('reminders', 'recipient_id', Prisma.sql`t.recipient_id`, london('created_at'));
  await dated('nudge_outbox', 'recipient_id', Prisma.sql`t.recipient_id`, london('created_at'));
  await dated('access_logs', 'subject_id', Prisma.sql`t.subject_id`, london('at'));
  await dated('access_grants', 'subject_id', Prisma.sql`t.subject_id`, Prisma.sql`(COALESCE(t.revoked_at, t.expires_at, t.granted_at) AT TIME ZONE 'Europe/London')`);
  await dated('conversations', 'person_id', Prisma.sql`t.person_id`, london('updated_at'));
  await dated('reviewer_change_requests', 'reviewee_id', Prisma.sql`t.reviewee_id`, Prisma.sql`(COALESCE(t.decided_at, t.requested_at) AT TIME ZONE 'Europe/London')`);
  await dated('reviewer_assignments', 'reviewee_id', Prisma.sql`t.reviewee_id`, Prisma.sql`t.ends_on`, Prisma.sql`t.ends_on IS NOT NULL`);
  const auditYear = academicYear(london('at'));
  await log(
    'audit_events',
    Prisma.sql`DELETE FROM audit_events t WHERE (t.school_id = ${schoolId}::uuid OR (t.school_id IS NULL AND t.actor_id IN (SELECT id FROM people WHERE school_id = ${schoolId}::uuid)))
      AND ${auditYear} <= ${through} AND ${whose(Prisma.sql`t.actor_id`)} RETURNING t.id, t.actor_id AS subject, ${auditYear} AS year`,
  );

  // Leavers with nothing left: their roster row and what points at it (a request never removes the requester).
  let leavers = 0;
  if (personId === undefined) {
    const leftYear = academicYear(Prisma.sql`COALESCE(p.left_on, p.contract_end, (p.updated_at AT TIME ZONE 'Europe/London')::date)`);
    const gone = await tx.$queryRaw<{ id: string }[]>`
      SELECT p.id FROM people p
      WHERE p.school_id = ${schoolId}::uuid AND NOT p.active AND ${leftYear} <= ${through}
        AND NOT EXISTS (SELECT 1 FROM cycles c WHERE c.person_id = p.id)
        AND NOT EXISTS (SELECT 1 FROM pay_threshold_applications a WHERE a.person_id = p.id)`;
    const ids = gone.map((g) => g.id);
    if (ids.length > 0) {
      for (const spec of LEAVER_ROWS) {
        const pointsAt = Prisma.join(
          spec.columns.map((column) => Prisma.sql`t.${identifier(column)} = p.id`),
          ' OR ',
        );
        await log(
          spec.table,
          Prisma.sql`DELETE FROM ${identifier(spec.table)} t USING people p WHERE p.id = ANY(${ids}::uuid[]) AND (${pointsAt})
            RETURNING t.id, t.${identifier(spec.subject)} AS subject, ${leftYear} AS year`,
        );
      }
      await log('people', Prisma.sql`DELETE FROM people p WHERE p.id = ANY(${ids}::uuid[]) RETURNING p.id, p.id AS subject, ${leftYear} AS year`);
      leavers = ids.length;
    }
  }
  return { byKind, total: byKind.reduce((sum, k) => sum + k.count, 0), people: subjects.size, leavers };
}
