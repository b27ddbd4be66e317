import { AccessGuard } from '../../core/access/access-guard.ts';
import type { AccessLogStore, PeopleFacts, SeenRow } from '../../core/access/access-ports.ts';
import type { AccessLogEntry, GrantFact } from '../../core/access/access-rule.ts';
import type { AssignmentFact, SubjectFacts } from '../../core/access/relationships.ts';
import { knownFlags, RoleSchema } from '../../core/people/person.ts';
import { HEAD_REVIEWER_MEMBERS, type HeadReviewerMember } from '../../core/policy/policy-schema.ts';
import { storedHeadReviewerContacts } from '../../core/schools/head-reviewer-contacts.ts';
import { Prisma } from '../../generated/prisma/client.ts';
import { type PrismaClient, rawRows, type SqlDriver, type SqlOptions } from '../db/create-prisma-client.ts';

/** The client or a transaction: the access log is written in the transaction of the read where there is one. */
type Db = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

/**
 * The facts behind who is who, in one query shape every adapter uses: the person, their school's
 * trust and default reviewer, their whole assignment history, their school's heads and PM
 * deputies and their trust's leaders. The core (`relationshipsOn`) decides what they mean.
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
    if (personIds.length === 0) return Promise.resolve([]);
    return this.#facts(Prisma.sql`p.id = ANY(${[...new Set(personIds)]}::uuid[])`);
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

  async #facts(condition: Prisma.Sql): Promise<SubjectFacts[]> {
    // One row a school, not a person: the school's policy parts and its heads, PM deputies and
    // trust leaders are sent and parsed once, with the school's people as one JSON list (issue 16:
    // as columns of every person's row they made the head's 5,001 close colleagues at 100,000
    // staff 601-byte rows sorted on disk, and each row's policy parts were parsed again in Node).
    // Heads, deputies and trust leaders are gathered once per school, assignments once per person,
    // so the query costs the same few scans for one person as for a school of 600.
    const sql = Prisma.sql`
      WITH subj AS MATERIALIZED (
        SELECT p.id, p.full_name, p.email, p.school_id, p.role, p.flags, p.fte, p.department, p.line_manager_id, p.active,
          row_number() OVER (ORDER BY p.full_name, p.id) AS ord
        FROM people p JOIN schools s ON s.id = p.school_id
        WHERE ${condition}),
      sch AS (SELECT DISTINCT subj.school_id, s.trust_id FROM subj JOIN schools s ON s.id = subj.school_id),
      heads AS (
        SELECT h.school_id, array_agg(h.id::text ORDER BY h.created_at, h.id) AS ids FROM people h
        WHERE h.school_id IN (SELECT school_id FROM sch) AND h.role = 'headteacher' AND h.active GROUP BY h.school_id),
      deputies AS (
        SELECT d.school_id, array_agg(d.id::text ORDER BY d.created_at, d.id) AS ids FROM people d
        WHERE d.school_id IN (SELECT school_id FROM sch) AND 'pm-deputy' = ANY(d.flags) AND d.active GROUP BY d.school_id),
      leaders AS (
        SELECT sch.school_id, array_agg(t.id::text ORDER BY t.created_at, t.id) AS ids FROM sch
        JOIN people t ON t.role = 'trust-leader' AND t.active JOIN schools ts ON ts.id = t.school_id
        WHERE t.school_id = sch.school_id OR ts.trust_id = sch.trust_id GROUP BY sch.school_id),
      asg AS (
        SELECT a.reviewee_id, json_agg(json_build_object('kind', a.kind, 'personId', a.reviewer_id::text, 'startsOn', to_char(a.starts_on, 'YYYY-MM-DD'),
            'endsOn', to_char(a.ends_on, 'YYYY-MM-DD'), 'reason', a.reason) ORDER BY a.starts_on, a.created_at) AS list
        FROM reviewer_assignments a WHERE a.reviewee_id IN (SELECT id FROM subj) GROUP BY a.reviewee_id),
      people_of AS (
        SELECT subj.school_id, json_agg(json_build_object('id', subj.id::text, 'fullName', subj.full_name, 'email', subj.email, 'role', subj.role,
            'flags', subj.flags, 'fte', subj.fte, 'department', subj.department, 'lineManagerId', subj.line_manager_id::text, 'active', subj.active,
            'ord', subj.ord, 'assignments', coalesce(asg.list, '[]'::json)) ORDER BY subj.ord) AS people
        FROM subj LEFT JOIN asg ON asg.reviewee_id = subj.id GROUP BY subj.school_id)
      SELECT sch.school_id::text AS school_id, sch.trust_id::text AS trust_id,
        coalesce(s.policy->'reviewers'->>'defaultReviewer', 'line-manager') AS default_reviewer,
        s.policy->'confidentiality' AS confidentiality, s.policy->'reviewers' AS reviewers, s.policy->'headReviewers' AS head_reviewers, s.head_reviewer_contacts,
        coalesce(heads.ids, '{}') AS head_ids, coalesce(deputies.ids, '{}') AS deputy_ids, coalesce(leaders.ids, '{}') AS trust_leader_ids, people_of.people
      FROM sch
      JOIN schools s ON s.id = sch.school_id
      JOIN people_of ON people_of.school_id = sch.school_id
      LEFT JOIN heads ON heads.school_id = sch.school_id
      LEFT JOIN deputies ON deputies.school_id = sch.school_id
      LEFT JOIN leaders ON leaders.school_id = sch.school_id`;
    const rows = await rawRows<SchoolFactRow>(this.#db, this.#driver?.driver, sql, this.#driver?.options);
    const ordered: { ord: number; facts: SubjectFacts }[] = [];
    for (const school of rows) {
      // What is the same for every person of the school is made once and shared.
      const shared = {
        defaultReviewer: school.default_reviewer === 'coach' ? ('coach' as const) : ('line-manager' as const),
        headIds: school.head_ids,
        deputyIds: school.deputy_ids,
        trustLeaderIds: school.trust_leader_ids,
        confidentiality: confidentialityOf(school.confidentiality),
        reviewerChanges: reviewerChangesOf(school.reviewers),
        headReviewers: headReviewersPolicyOf(school.head_reviewers),
        headReviewerContacts: storedHeadReviewerContacts(school.head_reviewer_contacts),
      };
      const people = typeof school.people === 'string' ? (JSON.parse(school.people) as PersonFactJson[]) : school.people;
      for (const row of people) {
        const role = RoleSchema.safeParse(row.role);
        if (!role.success) continue;
        ordered.push({
          ord: Number(row.ord),
          facts: {
            person: {
              id: row.id,
              fullName: row.fullName,
              email: row.email ?? undefined,
              schoolId: school.school_id,
              trustId: school.trust_id ?? undefined,
              role: role.data,
              flags: knownFlags(row.flags ?? []),
              fte: row.fte ?? undefined,
              department: row.department ?? undefined,
              lineManagerId: row.lineManagerId ?? undefined,
              active: row.active,
            },
            assignments: row.assignments.flatMap((a): AssignmentFact[] =>
              a.kind === 'reviewer' || a.kind === 'coach' ? [{ kind: a.kind, personId: a.personId, startsOn: a.startsOn, endsOn: a.endsOn ?? undefined, reason: a.reason ?? undefined }] : [],
            ),
            ...shared,
          },
        });
      }
    }
    // By name, then id, across schools as within one.
    if (rows.length > 1) ordered.sort((a, b) => a.ord - b.ord);
    return ordered.map((o) => o.facts);
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

/** The policy's confidentiality block as stored (the policy was validated when the school was set). */
function confidentialityOf(value: unknown): SubjectFacts['confidentiality'] {
  if (typeof value !== 'object' || value === null) return undefined;
  const c = value as Record<string, unknown>;
  return { lineManagerAccessOnRequest: c.lineManagerAccessOnRequest === true, tellRevieweeWhoWasGrantedAccess: c.tellRevieweeWhoWasGrantedAccess === true, rule: typeof c.rule === 'string' ? c.rule : '' };
}

/** The policy's reviewer-change rules as stored (the policy was validated when the school was set). */
function reviewerChangesOf(value: unknown): SubjectFacts['reviewerChanges'] {
  if (typeof value !== 'object' || value === null) return undefined;
  const r = value as Record<string, unknown>;
  const status = r.replacementStatusAtLeastLineManager as Record<string, unknown> | undefined;
  const replacementStatusAtLeastLineManager = typeof status === 'object' && status !== null && typeof status.rule === 'string' ? { rule: status.rule } : undefined;
  return { revieweeMayRequestChange: r.revieweeMayRequestChange === true, changingReviewerRestartsCycle: false, replacementStatusAtLeastLineManager, rule: typeof r.rule === 'string' ? r.rule : '' };
}

/** The policy's head's reviewers as stored (002 §22–24, 003 §6.3, 004 §9.1); members this version does not know are left out. */
function headReviewersPolicyOf(value: unknown): SubjectFacts['headReviewers'] {
  if (typeof value !== 'object' || value === null) return undefined;
  const h = value as Record<string, unknown>;
  const isMember = (m: unknown): m is HeadReviewerMember => (HEAD_REVIEWER_MEMBERS as readonly unknown[]).includes(m);
  const members = Array.isArray(h.members) ? h.members.filter(isMember) : [];
  if (members.length === 0) return undefined;
  return { members, ...(isMember(h.chair) ? { chair: h.chair } : {}), rule: typeof h.rule === 'string' ? h.rule : '' };
}

interface PersonFactJson {
  id: string;
  fullName: string;
  email: string | null;
  role: string;
  flags: string[] | null;
  fte: number | null;
  department: string | null;
  lineManagerId: string | null;
  active: boolean;
  ord: number;
  assignments: { kind: string; personId: string; startsOn: string; endsOn: string | null; reason: string | null }[];
}

interface SchoolFactRow {
  school_id: string;
  trust_id: string | null;
  default_reviewer: string;
  confidentiality: unknown;
  reviewers: unknown;
  head_reviewers: unknown;
  head_reviewer_contacts: unknown;
  head_ids: string[];
  deputy_ids: string[];
  trust_leader_ids: string[];
  /** The school's people, by name then id. */
  people: PersonFactJson[] | string;
}

/** The access rule over this database (or transaction): the guard every read of another person's records goes through, and the log it writes. */
export function prismaAccess(db: Db): { guard: AccessGuard; log: PrismaAccessLogStore } {
  const log = new PrismaAccessLogStore(db);
  return { guard: new AccessGuard(new PrismaPeopleFacts(db), log), log };
}
