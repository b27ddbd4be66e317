import type { ReviewLoadException } from '../../core/roster/review-load.ts';
import { reviewLoadExceptionsOf } from './review-load-exception-reads.ts';
import { relationshipsOn } from '../../core/access/relationships.ts';
import type { IsoDate } from '../../core/calendar/iso-date.ts';
import type { Contract, Flag, Role } from '../../core/people/person.ts';
import type { StaffMember } from '../../core/people/staff-member.ts';
import type { AppliedRoster, NamedPerson, RosterChanges, RosterComparison, RosterOptions, RosterRepository, RosterTouched } from '../../core/ports.ts';
import { type ColumnMapping, storedMapping } from '../../core/roster/column-mapping.ts';
import type { RosterRow } from '../../core/roster/parse-roster-csv.ts';
import { isNewPersonForReusedEmail, type PersonUnderEmail } from '../../core/roster/reused-email.ts';
import { Prisma } from '../../generated/prisma/client.ts';
import { driverOf, type PrismaClient, rawRows, type SqlDriver, type SqlOptions } from '../db/create-prisma-client.ts';
import { forgetQueryArguments } from '../db/forget-query-arguments.ts';
import { fromOptionalDbDate, toDbDate } from './db-date.ts';
import { PrismaPeopleFacts } from './prisma-access-relationships.ts';
import { queueNotificationRows } from './prisma-notification-queue.ts';
import { timeOrderedId } from './time-ordered-id.ts';

type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

interface ExistingPerson {
  id: string;
  email: string;
  fullName: string;
  role: string;
  department: string | null;
  startDate: Date | null;
  contract: string;
  contractEnd: Date | null;
  flags: string[];
  fte: number | null;
  lineManagerId: string | null;
  active: boolean;
  leftOn: Date | null;
}

/**
 * The roster in PostgreSQL. A whole file is applied in one transaction, a page of rows at a time
 * (`ROSTER_PAGE`): each step is one set-based statement per page (`unnest` arrays), never one per
 * person, and only the file's own people are read, by e-mail, so a 50,000-line file neither
 * half-loads nor holds the school in memory.
 */
export class PrismaRosterRepository implements RosterRepository {
  readonly #prisma: PrismaClient;

  constructor(prisma: PrismaClient) {
    this.#prisma = prisma;
  }

  async columnMapping(schoolId: string): Promise<ColumnMapping | undefined> {
    const school = await this.#prisma.school.findUnique({ where: { id: schoolId }, select: { rosterColumnMap: true } });
    return storedMapping(school?.rosterColumnMap);
  }

  async rememberColumnMapping(schoolId: string, mapping: ColumnMapping): Promise<void> {
    await this.#prisma.school.update({ where: { id: schoolId }, data: { rosterColumnMap: mapping } });
  }

  reviewLoadExceptions(schoolId: string): Promise<ReviewLoadException[]> {
    return reviewLoadExceptionsOf(this.#prisma, schoolId);
  }

  /** Prisma's history of query arguments (the file's pages of people) is emptied afterwards, as after each page of obligations. */
  async applyRoster(schoolId: string, rows: readonly RosterRow[], today: string, options: RosterOptions): Promise<AppliedRoster> {
    try {
      return await this.#prisma.$transaction((tx) => this.#apply(tx, schoolId, rows, today, options), { timeout: 120_000, maxWait: 10_000 });
    } finally {
      forgetQueryArguments();
    }
  }

  async compareRoster(schoolId: string, emails: readonly string[]): Promise<RosterComparison> {
    const known = await existingByEmail(this.#prisma, schoolId, emails);
    const notInFile = await activeNotIn(this.#prisma, schoolId, emails);
    return { onRoster: new Set(known.keys()), notInFile: notInFile.map(named) };
  }

  async activeStaffIds(schoolId: string): Promise<string[]> {
    const rows = await this.#prisma.$queryRaw<{ id: string }[]>`SELECT id::text AS id FROM people WHERE school_id = ${schoolId}::uuid AND active ORDER BY email`;
    return rows.map((row) => row.id);
  }

  async activeStaffCount(schoolId: string): Promise<number> {
    const [row] = await this.#prisma.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM people WHERE school_id = ${schoolId}::uuid AND active`;
    return row?.n ?? 0;
  }

  async reviewLoadStaff(schoolId: string, on: IsoDate, max: number): Promise<StaffMember[]> {
    // Anyone whose true reviewer (a delegated one first, else the line manager) has more than
    // `max` reviewees is line manager or assigned reviewer of more than `max` people: only those
    // reviewers and the people they could review are read, and the one rule counts them.
    const rows = await this.#prisma.$queryRaw<{ id: string }[]>`
      WITH links AS (
        SELECT p.id AS reviewee, p.line_manager_id AS reviewer FROM people p WHERE p.school_id = ${schoolId}::uuid AND p.active AND p.line_manager_id IS NOT NULL
        UNION
        SELECT a.reviewee_id, a.reviewer_id FROM reviewer_assignments a JOIN people p ON p.id = a.reviewee_id
          WHERE p.school_id = ${schoolId}::uuid AND p.active AND a.kind = 'reviewer' AND (a.ends_on IS NULL OR a.ends_on >= ${on}::date)),
      busy AS (SELECT reviewer FROM links GROUP BY reviewer HAVING count(DISTINCT reviewee) > ${max})
      SELECT reviewer AS id FROM busy UNION SELECT l.reviewee FROM links l JOIN busy b ON b.reviewer = l.reviewer`;
    const staff: StaffMember[] = [];
    for (const page of pages(rows.map((row) => row.id))) staff.push(...(await staffOf(this.#prisma, schoolId, on, page, driverOf(this.#prisma))));
    return staff;
  }

  async #apply(tx: Tx, schoolId: string, rows: readonly RosterRow[], today: string, options: RosterOptions): Promise<AppliedRoster> {
    // The file's people as stored, looked up by e-mail a page at a time; people the file does not
    // name are never read here (the leavers are found by one query below).
    const byEmail = await existingByEmail(tx, schoolId, rows.map((row) => row.email));

    // A reused e-mail given to a new person: the earlier holder keeps their records under a
    // released address, and the row becomes a new person with nothing of theirs.
    const reusedEmails: RosterChanges['reusedEmails'] = [];
    const released: ExistingPerson[] = [];
    for (const row of rows) {
      const before = byEmail.get(row.email);
      if (before === undefined || !isNewPersonForReusedEmail(underEmail(before), row)) continue;
      reusedEmails.push({ email: row.email, previous: before.fullName, now: row.fullName });
      released.push(before);
      byEmail.delete(row.email);
    }
    if (released.length > 0) {
      const ids = released.map((person) => person.id);
      await tx.$executeRaw`UPDATE people SET released_email = email, email = email || '#released-' || id::text,
          left_on = CASE WHEN active THEN ${toDbDate(options.leftOn)}::date ELSE left_on END, active = false, updated_at = now()
        WHERE id = ANY(${ids}::uuid[])`;
    }

    const idOf = new Map<string, string>([...byEmail.values()].map((person) => [person.email, person.id]));
    for (const row of rows) if (!idOf.has(row.email)) idOf.set(row.email, timeOrderedId());
    const managerIdOf = (row: RosterRow) => (row.lineManagerEmail === undefined ? null : idOf.get(row.lineManagerEmail)!);

    // Moves to a new post are looked for only among people whose role or line manager the file
    // changes (and the people they name), read before and after the writes.
    const tell = options.tell;
    const moved = tell === undefined ? [] : rows.flatMap((row) => {
      const before = byEmail.get(row.email);
      return before?.active && (before.role !== row.role || before.lineManagerId !== managerIdOf(row)) ? [before] : [];
    });
    const movedIds = [...new Set(moved.flatMap((person) => [person.id, ...(person.lineManagerId === null ? [] : [person.lineManagerId])]))];
    const staffBefore = moved.length === 0 ? [] : await staffAround(tx, schoolId, movedIds, today);

    // New people go in with their line manager already set wherever that manager exists by then
    // (on the roster, or new and written in this page or an earlier one: `managersFirst`).
    const creates = managersFirst(rows.filter((row) => !byEmail.has(row.email)));
    const writtenBy = new Map(creates.map((row, at) => [row.email, Math.floor(at / ROSTER_PAGE)]));
    const managerAtInsert = (row: RosterRow): string | null => {
      const manager = row.lineManagerEmail;
      if (manager === undefined) return null;
      const page = writtenBy.get(manager);
      return page === undefined || page <= writtenBy.get(row.email)! ? idOf.get(manager)! : null;
    };
    const changed = rows.filter((row) => {
      const before = byEmail.get(row.email);
      return before !== undefined && !samePerson(before, row);
    });
    const managerChanges = rows.filter((row) => {
      const before = byEmail.get(row.email);
      return before === undefined ? managerAtInsert(row) !== managerIdOf(row) : before.lineManagerId !== managerIdOf(row);
    });
    for (const page of forgottenPages(creates)) await insertPeople(tx, schoolId, page, idOf, page.map(managerAtInsert));
    for (const page of forgottenPages(changed)) await updatePeople(tx, page, idOf);
    // Line managers after everyone exists, so a manager on a later page is there to point at.
    for (const page of forgottenPages(managerChanges)) {
      await tx.$executeRaw`UPDATE people AS p SET line_manager_id = v.manager, updated_at = now()
        FROM unnest(${page.map((row) => idOf.get(row.email)!)}::uuid[], ${page.map(managerIdOf)}::uuid[]) AS v(id, manager) WHERE p.id = v.id`;
    }
    const renamed: RosterChanges['renamed'] = [];
    const returned: NamedPerson[] = [];
    for (const row of rows) {
      const before = byEmail.get(row.email);
      if (before === undefined) continue;
      if (before.fullName !== row.fullName) renamed.push({ email: row.email, from: before.fullName, to: row.fullName });
      if (!before.active) returned.push(named(row));
    }
    const changedEmails = new Set(changed.map((row) => row.email));
    const updated = changed.length + managerChanges.filter((row) => byEmail.has(row.email) && !changedEmails.has(row.email)).length;
    const assigned = new Set<string>();
    for (const page of forgottenPages(rows)) for (const id of await syncAssignments(tx, page, idOf, today)) assigned.add(id);

    const inFile = [...new Set([...rows.map((row) => row.email), ...options.alsoInFile])];
    const missing = await activeNotIn(tx, schoolId, inFile);
    const leavers = options.leavers === 'mark' ? missing : [];
    if (leavers.length > 0) {
      await tx.person.updateMany({ where: { id: { in: leavers.map((person) => person.id) } }, data: { active: false, leftOn: toDbDate(options.leftOn) } });
    }
    // An earlier holder of a reused e-mail who was still active leaves too; every released person's
    // chat links go, so the address's new holder can never reach the old records through them.
    const gone = [...leavers.map((person) => person.id), ...released.filter((person) => person.active).map((person) => person.id)];
    const managerLeft = await endWhatLeaversHad(tx, gone, [...gone, ...released.map((person) => person.id)], options.leftOn);

    if (tell !== undefined && moved.length > 0) {
      const staffAfter = await staffAround(tx, schoolId, movedIds, today);
      const names = await staffAround(tx, schoolId, [...new Set([...staffBefore, ...staffAfter].flatMap((p) => [p.reviewerId, p.coachId, p.headId, p.lineManagerId]).filter((id): id is string => id !== undefined && !movedIds.includes(id)))], today);
      // What the core says people are to be told about the change is queued with it (at most once: keyed by its cause).
      await queueNotificationRows(tx, tell.decide({ before: [...staffBefore, ...names], after: [...staffAfter, ...names] }), tell.at);
    }

    if (creates.length + updated + leavers.length + released.length > 0) {
      await tx.auditEvent.create({
        data: { schoolId, action: 'roster.imported', subjectType: 'school', subjectId: schoolId, details: { created: creates.length, updated, rows: rows.length, leavers: leavers.length, reusedEmails: released.length, ...(options.by === undefined ? {} : { by: options.by }) } },
      });
    }
    // Whose obligations the import may have changed: everyone when someone left, an address was
    // reused or a head's line changed (the head owns items of everyone's plan); else the people
    // whose line or reviewer assignments changed, and those whose line manager left.
    const headChanged = [...creates, ...changed, ...managerChanges].some((row) => HEAD_ROLES.has(row.role)) || changed.some((row) => HEAD_ROLES.has(byEmail.get(row.email)!.role));
    const touched: RosterTouched =
      gone.length > 0 || released.length > 0 || headChanged
        ? 'everyone'
        : [...new Set([...creates, ...changed, ...managerChanges].map((row) => idOf.get(row.email)!).concat([...assigned]))];
    return {
      created: creates.length,
      updated,
      unchanged: rows.length - creates.length - updated,
      notInFile: missing.map(named),
      leaversMarked: leavers.map(named),
      returned,
      reusedEmails,
      renamed,
      managerLeft,
      touched,
    };
  }

  findStaff(schoolId: string, on: IsoDate, ids?: readonly string[]): Promise<StaffMember[]> {
    return staffOf(this.#prisma, schoolId, on, ids, driverOf(this.#prisma));
  }
}

/** The school's staff on a day (or only those of `ids`), in the client or a transaction. */
async function staffOf(db: Tx, schoolId: string, on: IsoDate, ids?: readonly string[], driver?: SqlDriver): Promise<StaffMember[]> {
  if (ids?.length === 0) return [];
  // Read as text, on the `pg` pool when outside a transaction: a roster's first load reads its
  // 50,000 people a page at a time, and Prisma's model query was most of each page's read in Node.
  const people = await rawRows<PersonRow>(db, driver, Prisma.sql`SELECT id::text AS id, email, full_name, role, department, start_date::text AS start_date, contract,
      contract_end::text AS contract_end, cycle_restarted_on::text AS cycle_restarted_on, flags, line_manager_id::text AS line_manager_id, active
    FROM people WHERE school_id = ${schoolId}::uuid${ids === undefined ? Prisma.empty : Prisma.sql` AND id = ANY(${[...ids]}::uuid[])`} ORDER BY email`, ONCE);
  // Reviewer, coach and head on the day come from the one relationships model (delegated reviewers first, 002 §25–28).
  const facts = await new PrismaPeopleFacts(db, driver === undefined ? undefined : { driver, options: ONCE }).factsOf(people.map((p) => p.id));
  const relationships = new Map(facts.map((f) => [f.person.id, relationshipsOn(f, on)]));
  return people.map((person) => ({
    id: person.id,
    email: person.email,
    fullName: person.full_name,
    role: person.role as Role,
    department: person.department ?? undefined,
    startDate: person.start_date ?? undefined,
    contract: person.contract as Contract,
    contractEnd: person.contract_end ?? undefined,
    cycleRestartedOn: person.cycle_restarted_on ?? undefined,
    flags: person.flags as Flag[],
    lineManagerId: person.line_manager_id ?? undefined,
    reviewerId: relationships.get(person.id)?.reviewer?.id,
    coachId: relationships.get(person.id)?.coachId,
    headId: relationships.get(person.id)?.headId,
    active: person.active,
  }));
}

/** A page's arrays of ids change every time: each read is planned for its own values, never as a prepared statement's generic plan. */
const ONCE: SqlOptions = { prepare: false };

interface PersonRow {
  id: string;
  email: string;
  full_name: string;
  role: string;
  department: string | null;
  start_date: string | null;
  contract: string;
  contract_end: string | null;
  cycle_restarted_on: string | null;
  flags: string[];
  line_manager_id: string | null;
  active: boolean;
}

/** Rows a statement handles at once: every step of an import is a few statements per page, never one per row. */
export const ROSTER_PAGE = 2000;

const HEAD_ROLES = new Set<string>(['headteacher', 'trust-leader']);

function* pages<T>(items: readonly T[]): Generator<T[]> {
  for (let at = 0; at < items.length; at += ROSTER_PAGE) yield items.slice(at, at + ROSTER_PAGE);
}

/**
 * The pages of a roster's rows, Prisma's history of query arguments emptied after each one is
 * done: the history keeps the last 100 statements' arguments, which by the end of a 50,000-staff
 * file's people were the whole file again as arrays of e-mails, names and ids.
 */
function* forgottenPages<T>(items: readonly T[]): Generator<T[]> {
  for (const page of pages(items)) {
    yield page;
    forgetQueryArguments();
  }
}

/** The school's current people with these e-mails (released addresses aside), read a page at a time. */
async function existingByEmail(db: Tx, schoolId: string, emails: readonly string[]): Promise<Map<string, ExistingPerson>> {
  const found = new Map<string, ExistingPerson>();
  for (const page of forgottenPages(emails)) {
    const rows = await db.$queryRaw<ExistingPerson[]>`
      SELECT id::text AS id, email, full_name AS "fullName", role, department, start_date AS "startDate", contract, contract_end AS "contractEnd",
        flags, fte, line_manager_id::text AS "lineManagerId", active, left_on AS "leftOn"
      FROM people WHERE school_id = ${schoolId}::uuid AND released_email IS NULL AND email = ANY(${page}::text[])`;
    for (const row of rows) found.set(row.email, row);
  }
  return found;
}

/** Active people of the school whose e-mail is none of these: the leavers, if the import marks them. */
function activeNotIn(db: Tx, schoolId: string, emails: readonly string[]): Promise<{ id: string; email: string; fullName: string; active: boolean }[]> {
  // An anti-join against the file's e-mails (hashed once), not `<> ALL`, which compares every person with every e-mail.
  return db.$queryRaw`SELECT p.id::text AS id, p.email, p.full_name AS "fullName", p.active FROM people p
    LEFT JOIN unnest(${[...emails]}::text[]) AS f(email) ON f.email = p.email
    WHERE p.school_id = ${schoolId}::uuid AND p.released_email IS NULL AND p.active AND f.email IS NULL ORDER BY p.email`;
}

/** Staff on a day for these people, a page at a time. */
async function staffAround(db: Tx, schoolId: string, ids: readonly string[], on: IsoDate): Promise<StaffMember[]> {
  const staff: StaffMember[] = [];
  for (const page of pages(ids)) staff.push(...(await staffOf(db, schoolId, on, page)));
  return staff;
}

/** The rows' columns as arrays, for one `unnest` statement per page. */
function columnsOf(rows: readonly RosterRow[], idOf: ReadonlyMap<string, string>) {
  return {
    ids: rows.map((row) => idOf.get(row.email)!),
    emails: rows.map((row) => row.email),
    names: rows.map((row) => row.fullName),
    roles: rows.map((row) => row.role),
    departments: rows.map((row) => row.department ?? null),
    starts: rows.map((row) => row.startDate ?? null),
    contracts: rows.map((row) => row.contract),
    ends: rows.map((row) => row.contractEnd ?? null),
    flags: rows.map((row) => [...row.flags].sort().join(';')),
    ftes: rows.map((row) => row.fte ?? null),
  };
}

async function insertPeople(tx: Tx, schoolId: string, rows: readonly RosterRow[], idOf: ReadonlyMap<string, string>, managers: readonly (string | null)[]): Promise<void> {
  const c = columnsOf(rows, idOf);
  await tx.$executeRaw`INSERT INTO people (id, school_id, email, full_name, role, department, start_date, contract, contract_end, flags, fte, line_manager_id, active, created_at, updated_at)
    SELECT id, ${schoolId}::uuid, email, full_name, role, department, start_date, contract, contract_end, coalesce(string_to_array(nullif(flags, ''), ';'), '{}'), fte, manager, true, now(), now()
    FROM unnest(${c.ids}::uuid[], ${c.emails}::text[], ${c.names}::text[], ${c.roles}::text[], ${c.departments}::text[], ${c.starts}::date[], ${c.contracts}::text[],
      ${c.ends}::date[], ${c.flags}::text[], ${c.ftes}::float8[], ${[...managers]}::uuid[]) AS v(id, email, full_name, role, department, start_date, contract, contract_end, flags, fte, manager)`;
}

/**
 * New people ordered so that a new line manager comes before the people they manage (a loop of
 * managers, which the file may hold, keeps its last link for the update after the inserts).
 */
function managersFirst(creates: readonly RosterRow[]): RosterRow[] {
  const byEmail = new Map(creates.map((row) => [row.email, row]));
  const placed = new Set<string>();
  const ordered: RosterRow[] = [];
  for (const row of creates) {
    const chain: RosterRow[] = [];
    const seen = new Set<string>();
    for (let at: RosterRow | undefined = row; at !== undefined && !placed.has(at.email) && !seen.has(at.email); at = at.lineManagerEmail === undefined ? undefined : byEmail.get(at.lineManagerEmail)) {
      chain.push(at);
      seen.add(at.email);
    }
    for (const link of chain.reverse()) {
      placed.add(link.email);
      ordered.push(link);
    }
  }
  return ordered;
}

async function updatePeople(tx: Tx, rows: readonly RosterRow[], idOf: ReadonlyMap<string, string>): Promise<void> {
  const c = columnsOf(rows, idOf);
  await tx.$executeRaw`UPDATE people AS p SET full_name = v.full_name, role = v.role, department = v.department, start_date = v.start_date, contract = v.contract,
      contract_end = v.contract_end, flags = coalesce(string_to_array(nullif(v.flags, ''), ';'), '{}'), fte = v.fte, active = true, left_on = NULL, updated_at = now()
    FROM unnest(${c.ids}::uuid[], ${c.names}::text[], ${c.roles}::text[], ${c.departments}::text[], ${c.starts}::date[], ${c.contracts}::text[],
      ${c.ends}::date[], ${c.flags}::text[], ${c.ftes}::float8[]) AS v(id, full_name, role, department, start_date, contract, contract_end, flags, fte)
    WHERE p.id = v.id`;
}

function samePerson(before: ExistingPerson, row: RosterRow): boolean {
  return (
    before.fullName === row.fullName &&
    before.role === row.role &&
    before.department === (row.department ?? null) &&
    fromOptionalDbDate(before.startDate) === row.startDate &&
    before.contract === row.contract &&
    fromOptionalDbDate(before.contractEnd) === row.contractEnd &&
    before.flags.join(';') === [...row.flags].sort().join(';') &&
    before.fte === (row.fte ?? null) &&
    before.active
  );
}

/**
 * Keeps reviewer and coach assignments in step with the file. The line manager is the reviewer by
 * default; a reviewer chosen for a reason (002 §27, 004 §3.10) survives re-imports. Changes end
 * the old assignment and start a new one, so the history of who reviewed whom is kept (002 §29).
 */
async function syncAssignments(tx: Tx, rows: readonly RosterRow[], idOf: Map<string, string>, today: string): Promise<string[]> {
  const revieweeIds = rows.map((row) => idOf.get(row.email)!);
  const current = await tx.$queryRaw<{ id: string; revieweeId: string; reviewerId: string; kind: string; reason: string | null }[]>`
    SELECT id::text AS id, reviewee_id::text AS "revieweeId", reviewer_id::text AS "reviewerId", kind, reason
    FROM reviewer_assignments WHERE reviewee_id = ANY(${revieweeIds}::uuid[]) AND ends_on IS NULL`;
  const currentOf = new Map(current.map((a) => [`${a.revieweeId}:${a.kind}`, a]));
  const toEnd: string[] = [];
  const toStart: { revieweeId: string; reviewerId: string; kind: string }[] = [];
  const changedFor: string[] = [];
  for (const row of rows) {
    const revieweeId = idOf.get(row.email)!;
    const wanted: [string, string | undefined][] = [
      ['reviewer', row.lineManagerEmail === undefined ? undefined : idOf.get(row.lineManagerEmail)],
      ['coach', row.coachEmail === undefined ? undefined : idOf.get(row.coachEmail)],
    ];
    for (const [kind, reviewerId] of wanted) {
      const now = currentOf.get(`${revieweeId}:${kind}`);
      if (now?.reviewerId === reviewerId) continue;
      if (now !== undefined && kind === 'reviewer' && now.reason !== 'roster' && now.reason !== null) continue;
      if (now !== undefined) toEnd.push(now.id);
      if (reviewerId !== undefined) toStart.push({ revieweeId, reviewerId, kind });
      changedFor.push(revieweeId);
    }
  }
  if (toEnd.length > 0) await tx.$executeRaw`UPDATE reviewer_assignments SET ends_on = ${toDbDate(today)}::date WHERE id = ANY(${toEnd}::uuid[])`;
  if (toStart.length > 0) {
    await tx.$executeRaw`INSERT INTO reviewer_assignments (id, reviewee_id, reviewer_id, kind, starts_on, reason, created_at)
      SELECT id, reviewee_id, reviewer_id, kind, ${toDbDate(today)}::date, 'roster', now()
      FROM unnest(${toStart.map(() => timeOrderedId())}::uuid[], ${toStart.map((a) => a.revieweeId)}::uuid[], ${toStart.map((a) => a.reviewerId)}::uuid[], ${toStart.map((a) => a.kind)}::text[])
        AS v(id, reviewee_id, reviewer_id, kind)`;
  }
  return changedFor;
}

function named(person: { email: string; fullName: string }): NamedPerson {
  return { email: person.email, fullName: person.fullName };
}

function underEmail(person: ExistingPerson): PersonUnderEmail {
  return { fullName: person.fullName, startDate: fromOptionalDbDate(person.startDate), active: person.active, leftOn: fromOptionalDbDate(person.leftOn) };
}

/**
 * What ends when people leave on a day: their reviewer and coach assignments, as reviewee and as
 * reviewer (ended that day, so the history stays and their reviewees fall back by the one
 * relationships rule); their open obligations (those not yet due removed, so a return re-plans
 * them; overdue ones closed as not applicable, since they can no longer be done; records already
 * made stay for retention); and their chat links (`unlinkIds`), so nothing more is sent to them.
 * People staying whose line manager left and whom the file gave no other lose that link, and are
 * returned to be named.
 */
async function endWhatLeaversHad(tx: Tx, leaverIds: readonly string[], unlinkIds: readonly string[], leftOn: string): Promise<NamedPerson[]> {
  if (unlinkIds.length > 0) await tx.platformIdentity.deleteMany({ where: { personId: { in: [...unlinkIds] } } });
  if (leaverIds.length === 0) return [];
  const ids = [...leaverIds];
  const day = toDbDate(leftOn);
  await tx.reviewerAssignment.updateMany({ where: { endsOn: null, OR: [{ revieweeId: { in: ids } }, { reviewerId: { in: ids } }] }, data: { endsOn: day } });
  await tx.obligation.deleteMany({ where: { personId: { in: ids }, status: 'open', dueOn: { gte: day } } });
  await tx.obligation.updateMany({ where: { personId: { in: ids }, status: 'open' }, data: { status: 'not-applicable', note: `Left on ${leftOn}` } });
  await tx.nudgeOutbox.deleteMany({ where: { recipientId: { in: ids }, status: 'pending' } });
  const orphans = await tx.person.findMany({ where: { lineManagerId: { in: ids }, active: true }, select: { id: true, email: true, fullName: true }, orderBy: { email: 'asc' } });
  if (orphans.length > 0) await tx.person.updateMany({ where: { id: { in: orphans.map((person) => person.id) } }, data: { lineManagerId: null } });
  return orphans.map(named);
}
