import type { PeopleFacts } from '../../core/access/access-ports.ts';
import type { AssignmentFact, SubjectFacts } from '../../core/access/relationships.ts';
import { knownFlags, RoleSchema } from '../../core/people/person.ts';
import { HEAD_REVIEWER_MEMBERS, type HeadReviewerMember } from '../../core/policy/policy-schema.ts';
import { storedHeadReviewerContacts } from '../../core/schools/head-reviewer-contacts.ts';
import { type SqlFragment, type SqlOptions, type SqlRunner, sql } from '../db/sql.ts';

/**
 * The facts behind who is who for the people `condition` picks (alias `p` for people, `s` for their
 * school), in the one query shape every adapter uses. The core (`relationshipsOn`) decides what
 * they mean.
 */
export async function readPeopleFacts(runner: SqlRunner, condition: SqlFragment, options?: SqlOptions): Promise<SubjectFacts[]> {
  // One row a school, not a person: the school's policy parts and its heads, PM deputies and
  // trust leaders are sent and parsed once, with the school's people as one JSON list (issue 16:
  // as columns of every person's row they made the head's 5,001 close colleagues at 100,000
  // staff 601-byte rows sorted on disk, and each row's policy parts were parsed again in Node).
  // Heads, deputies and trust leaders are gathered once per school, assignments once per person,
  // so the query costs the same few scans for one person as for a school of 600.
  const statement = sql`
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
  const rows = await runner.rows<SchoolFactRow>(statement, options);
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

/** The facts of these people, in the order `readPeopleFacts` gives (by name, then id). */
export function factsOfPeople(runner: SqlRunner, personIds: readonly string[], options?: SqlOptions): Promise<SubjectFacts[]> {
  if (personIds.length === 0) return Promise.resolve([]);
  return readPeopleFacts(runner, sql`p.id = ANY(${[...new Set(personIds)]}::uuid[])`, options);
}

/** People's facts on the `pg` pool alone (`trellis sweep`'s storage): what the sweep asks of `PeopleFacts`. */
export class PgPeopleFacts implements Pick<PeopleFacts, 'factsOf'> {
  readonly #runner: SqlRunner;
  readonly #options: SqlOptions | undefined;

  constructor(runner: SqlRunner, options?: SqlOptions) {
    this.#runner = runner;
    this.#options = options;
  }

  factsOf(personIds: readonly string[]): Promise<SubjectFacts[]> {
    return factsOfPeople(this.#runner, personIds, this.#options);
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

