import { AccessGuard } from '../../core/access/access-guard.ts';
import type { AccessLogStore, PeopleFacts, SeenRow } from '../../core/access/access-ports.ts';
import type { AccessLogEntry, GrantFact } from '../../core/access/access-rule.ts';
import type { SubjectFacts } from '../../core/access/relationships.ts';
import { Prisma } from '../../generated/prisma/client.ts';
import { type PrismaClient, type SqlDriver, type SqlOptions, sqlRunnerOf } from '../db/create-prisma-client.ts';
import { factsOfPeople, readPeopleFacts } from '../pg/pg-people-facts.ts';

/** The client or a transaction: the access log is written in the transaction of the read where there is one. */
type Db = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

/**
 * The facts behind who is who, in one query shape every adapter uses (`readPeopleFacts`): the
 * person, their school's trust and default reviewer, their whole assignment history, their
 * school's heads and PM deputies and their trust's leaders. The core (`relationshipsOn`) decides
 * what they mean.
 */
export class PrismaPeopleFacts implements PeopleFacts {
  readonly #db: Db;
  readonly #driver: { driver: SqlDriver; options?: SqlOptions } | undefined;

  /** `driver`, for reads outside any transaction only (a sweep's pages): the facts are read on the `pg` pool, not through Prisma. */
  constructor(db: Db, driver?: { driver: SqlDriver; options?: SqlOptions }) {
    this.#db = db;
    this.#driver = driver;
  }

  factsOf(personIds: readonly string[]): Promise<SubjectFacts[]> {
    return factsOfPeople(sqlRunnerOf(this.#db, this.#driver?.driver), personIds, this.#driver?.options);
  }

  candidatesFor(viewerId: string): Promise<SubjectFacts[]> {
    // The heads of a trust leader's schools too: the policy may name the CEO as the head's reviewer (002 §22–24, 003 §6.3).
    return this.#facts(Prisma.sql`(p.line_manager_id = ${viewerId}::uuid
      OR EXISTS (SELECT 1 FROM reviewer_assignments x WHERE x.reviewee_id = p.id AND x.reviewer_id = ${viewerId}::uuid)
      OR (p.role = 'headteacher' AND EXISTS (SELECT 1 FROM people v JOIN schools vs ON vs.id = v.school_id
        WHERE v.id = ${viewerId}::uuid AND v.role = 'trust-leader' AND v.active AND (v.school_id = p.school_id OR vs.trust_id = s.trust_id))))`);
  }

  closeToViewer(viewerId: string, schoolId: string): Promise<SubjectFacts[]> {
    // Each way of being close is its own indexed look-up, gathered by id (issue 16: as one OR of
    // EXISTS tests it read every person of a 100,000-staff school, 140–480 ms). The ids go in as
    // an array, so each person is one primary-key look-up: as `IN (…)` the planner, expecting
    // thousands, hashed them against a scan of every person (40–125 ms at 100,000 staff).
    return this.#facts(Prisma.sql`p.id = ANY(ARRAY(
      SELECT ${viewerId}::uuid
      UNION SELECT m.id FROM people m WHERE m.school_id = ${schoolId}::uuid AND m.line_manager_id = ${viewerId}::uuid
      UNION SELECT h.id FROM people h WHERE h.school_id = ${schoolId}::uuid AND h.role = 'headteacher'
      UNION SELECT x.reviewee_id FROM reviewer_assignments x JOIN people r ON r.id = x.reviewee_id WHERE x.reviewer_id = ${viewerId}::uuid AND r.school_id = ${schoolId}::uuid
      UNION SELECT g.subject_id FROM access_grants g JOIN people r ON r.id = g.subject_id WHERE g.requester_id = ${viewerId}::uuid AND r.school_id = ${schoolId}::uuid
      UNION (SELECT o.id FROM people o WHERE o.school_id = ${schoolId}::uuid ORDER BY o.id LIMIT 1)))`);
  }

  namedInSchoolOf(viewerId: string, name: string): Promise<SubjectFacts[]> {
    const wanted = name.trim().replace(/^@/, '').toLowerCase();
    if (wanted === '') return Promise.resolve([]);
    return this.#facts(Prisma.sql`p.active AND p.school_id = (SELECT v.school_id FROM people v WHERE v.id = ${viewerId}::uuid)
      AND (lower(p.full_name) = ${wanted} OR split_part(lower(p.full_name), ' ', 1) = ${wanted})`);
  }

  async grantsHeldBy(viewerId: string): Promise<GrantFact[]> {
    const rows = await this.#db.accessGrant.findMany({ where: { requesterId: viewerId, status: 'granted', grantedAt: { not: null } } });
    return rows.flatMap((row) =>
      row.grantedAt === null
        ? []
        : [{ id: row.id, requesterId: row.requesterId, subjectId: row.subjectId, grantedAt: row.grantedAt, expiresAt: row.expiresAt ?? undefined, revokedAt: row.revokedAt ?? undefined }],
    );
  }

  #facts(condition: Prisma.Sql): Promise<SubjectFacts[]> {
    return readPeopleFacts(sqlRunnerOf(this.#db, this.#driver?.driver), condition, this.#driver?.options);
  }
}

/** `access_logs`: who read whose records, when and by which rule (002 §18). */
export class PrismaAccessLogStore implements AccessLogStore {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  async record(entries: readonly AccessLogEntry[]): Promise<void> {
    if (entries.length === 0) return;
    // One statement however many people were read. One row per viewer, person, record, rule,
    // purpose and London day: opening App Home ten times in a day, or a digest naming a reviewee
    // every day of a week, is one line a day in the person's log.
    await this.#db.$executeRaw`
      INSERT INTO access_logs (id, viewer_id, subject_id, grant_id, resource, reason, purpose, at)
      SELECT gen_random_uuid(), e.viewer_id, e.subject_id, e.grant_id, e.resource, e.reason, e.purpose, e.at
      FROM unnest(${entries.map((e) => e.viewerId)}::uuid[], ${entries.map((e) => e.subjectId)}::uuid[], ${entries.map((e) => e.grantId ?? null)}::uuid[],
        ${entries.map((e) => e.resource)}::text[], ${entries.map((e) => e.reason)}::text[], ${entries.map((e) => e.purpose ?? null)}::text[],
        ${entries.map((e) => e.at)}::timestamptz[], ${entries.map((e) => e.day)}::date[])
        AS e(viewer_id, subject_id, grant_id, resource, reason, purpose, at, day)
      WHERE NOT EXISTS (
        SELECT 1 FROM access_logs l WHERE l.subject_id = e.subject_id
          AND l.at >= (e.day::timestamp AT TIME ZONE 'Europe/London') AND l.at < ((e.day + 1)::timestamp AT TIME ZONE 'Europe/London')
          AND l.viewer_id = e.viewer_id AND l.resource = e.resource AND l.reason = e.reason AND l.purpose IS NOT DISTINCT FROM e.purpose)`;
  }

  async seenBy(subjectId: string, limit: number): Promise<SeenRow[]> {
    const [rows, exports] = await Promise.all([
      this.#db.accessLog.findMany({
        where: { subjectId, viewerId: { not: subjectId } },
        orderBy: { at: 'desc' },
        take: limit,
        select: { resource: true, reason: true, purpose: true, at: true, viewer: { select: { fullName: true } } },
      }),
      // An administrator's export from the command line is a read by someone else too; the person's own `my-records` (via chat) is not.
      this.#db.auditEvent.findMany({
        where: { action: 'records.exported', subjectType: 'person', subjectId, details: { path: ['via'], equals: 'cli' } },
        orderBy: { at: 'desc' },
        take: limit,
        select: { at: true },
      }),
    ]);
    const seen: SeenRow[] = [
      ...rows.map((row) => ({ viewerName: row.viewer.fullName, resource: row.resource, reason: row.reason, purpose: row.purpose ?? undefined, at: row.at })),
      ...exports.map((row) => ({ viewerName: 'An administrator', resource: 'all', reason: 'subject-access-request', at: row.at, administratorExport: true })),
    ];
    return seen.sort((a, b) => b.at.getTime() - a.at.getTime()).slice(0, limit);
  }
}

/** The access rule over this database (or transaction): the guard every read of another person's records goes through, and the log it writes. */
export function prismaAccess(db: Db): { guard: AccessGuard; log: PrismaAccessLogStore } {
  const log = new PrismaAccessLogStore(db);
  return { guard: new AccessGuard(new PrismaPeopleFacts(db), log), log };
}
