import type { ReviewLoadException } from '../../core/roster/review-load.ts';
import { reviewLoadExceptionsOf } from './prisma-review-load-exceptions.ts';
import { randomUUID } from 'node:crypto';
import { relationshipsOn } from '../../core/access/relationships.ts';
import type { IsoDate } from '../../core/calendar/iso-date.ts';
import type { Contract, Flag, Role } from '../../core/people/person.ts';
import type { StaffMember } from '../../core/people/staff-member.ts';
import type { NamedPerson, RosterChanges, RosterOptions, RosterRepository } from '../../core/ports.ts';
import { type ColumnMapping, storedMapping } from '../../core/roster/column-mapping.ts';
import type { RosterRow } from '../../core/roster/parse-roster-csv.ts';
import { isNewPersonForReusedEmail, type PersonUnderEmail } from '../../core/roster/reused-email.ts';
import type { PrismaClient } from '../db/create-prisma-client.ts';
import { fromOptionalDbDate, toDbDate } from './db-date.ts';
import { PrismaPeopleFacts } from './prisma-access-relationships.ts';
import { queueNotificationRows } from './prisma-notification-queue.ts';

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
 * The roster in PostgreSQL. A whole file is applied in one transaction with a fixed number of
 * queries (plus one per changed person), so a 5,000-line file neither half-loads nor crawls.
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

  applyRoster(schoolId: string, rows: readonly RosterRow[], today: string, options: RosterOptions): Promise<RosterChanges> {
    return this.#prisma.$transaction(
      async (tx) => {
        const tell = options.tell;
        const before = tell === undefined ? [] : await staffOf(tx, schoolId, today);
        const changes = await this.#apply(tx, schoolId, rows, today, options);
        // What the core says people are to be told about the change is queued with it (at most once: keyed by its cause).
        if (tell !== undefined) await queueNotificationRows(tx, tell.decide({ before, after: await staffOf(tx, schoolId, today) }), tell.at);
        return changes;
      },
      { timeout: 120_000, maxWait: 10_000 },
    );
  }

  async #apply(tx: Tx, schoolId: string, rows: readonly RosterRow[], today: string, options: RosterOptions): Promise<RosterChanges> {
    const existing = await tx.person.findMany({ where: { schoolId, releasedEmail: null } });
    const byEmail = new Map<string, ExistingPerson>(existing.map((person) => [person.email, person]));

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
    for (const row of rows) if (!idOf.has(row.email)) idOf.set(row.email, randomUUID());

    const creates = rows.filter((row) => !byEmail.has(row.email));
    await tx.person.createMany({ data: creates.map((row) => ({ id: idOf.get(row.email)!, schoolId, ...personFields(row) })) });

    let updated = 0;
    const renamed: RosterChanges['renamed'] = [];
    const returned: NamedPerson[] = [];
    const managerIds: string[] = [];
    const managerOf: (string | null)[] = [];
    for (const row of rows) {
      const id = idOf.get(row.email)!;
      const lineManagerId = row.lineManagerEmail === undefined ? null : idOf.get(row.lineManagerEmail)!;
      const before = byEmail.get(row.email);
      if (before === undefined || before.lineManagerId !== lineManagerId) {
        managerIds.push(id);
        managerOf.push(lineManagerId);
      }
      if (before !== undefined && before.fullName !== row.fullName) renamed.push({ email: row.email, from: before.fullName, to: row.fullName });
      if (before !== undefined && !before.active) returned.push(named(row));
      if (before !== undefined && !samePerson(before, row)) {
        await tx.person.update({ where: { id }, data: personFields(row) });
        updated++;
      } else if (before !== undefined && before.lineManagerId !== lineManagerId) {
        updated++;
      }
    }
    if (managerIds.length > 0) {
      await tx.$executeRaw`UPDATE people AS p SET line_manager_id = v.manager, updated_at = now()
        FROM unnest(${managerIds}::uuid[], ${managerOf}::uuid[]) AS v(id, manager) WHERE p.id = v.id`;
    }
    await syncAssignments(tx, rows, idOf, today);

    const inFile = new Set([...rows.map((row) => row.email), ...options.alsoInFile]);
    const missing = existing.filter((person) => person.active && !inFile.has(person.email));
    const leavers = options.leavers === 'mark' ? missing : [];
    if (leavers.length > 0) {
      await tx.person.updateMany({ where: { id: { in: leavers.map((person) => person.id) } }, data: { active: false, leftOn: toDbDate(options.leftOn) } });
    }
    // An earlier holder of a reused e-mail who was still active leaves too; every released person's
    // chat links go, so the address's new holder can never reach the old records through them.
    const gone = [...leavers, ...released.filter((person) => person.active)].map((person) => person.id);
    const managerLeft = await endWhatLeaversHad(tx, gone, [...gone, ...released.map((person) => person.id)], options.leftOn);

    if (creates.length + updated + leavers.length + released.length > 0) {
      await tx.auditEvent.create({
        data: { schoolId, action: 'roster.imported', subjectType: 'school', subjectId: schoolId, details: { created: creates.length, updated, rows: rows.length, leavers: leavers.length, reusedEmails: released.length, ...(options.by === undefined ? {} : { by: options.by }) } },
      });
    }
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
    };
  }

  findStaff(schoolId: string, on: IsoDate): Promise<StaffMember[]> {
    return staffOf(this.#prisma, schoolId, on);
  }
}

/** The school's staff on a day, in the client or a transaction. */
async function staffOf(db: Tx, schoolId: string, on: IsoDate): Promise<StaffMember[]> {
  const people = await db.person.findMany({ where: { schoolId }, orderBy: { email: 'asc' } });
  // Reviewer, coach and head on the day come from the one relationships model (delegated reviewers first, 002 §25–28).
  const facts = await new PrismaPeopleFacts(db).factsOf(people.map((p) => p.id));
  const relationships = new Map(facts.map((f) => [f.person.id, relationshipsOn(f, on)]));
  return people.map((person) => ({
    id: person.id,
    email: person.email,
    fullName: person.fullName,
    role: person.role as Role,
    department: person.department ?? undefined,
    startDate: fromOptionalDbDate(person.startDate),
    contract: person.contract as Contract,
    contractEnd: fromOptionalDbDate(person.contractEnd),
    cycleRestartedOn: fromOptionalDbDate(person.cycleRestartedOn),
    flags: person.flags as Flag[],
    lineManagerId: person.lineManagerId ?? undefined,
    reviewerId: relationships.get(person.id)?.reviewer?.id,
    coachId: relationships.get(person.id)?.coachId,
    headId: relationships.get(person.id)?.headId,
    active: person.active,
  }));
}

function personFields(row: RosterRow) {
  return {
    email: row.email,
    fullName: row.fullName,
    role: row.role,
    department: row.department ?? null,
    startDate: row.startDate === undefined ? null : toDbDate(row.startDate),
    contract: row.contract,
    contractEnd: row.contractEnd === undefined ? null : toDbDate(row.contractEnd),
    flags: [...row.flags].sort(),
    fte: row.fte ?? null,
    active: true,
    leftOn: null,
  };
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
async function syncAssignments(tx: Tx, rows: readonly RosterRow[], idOf: Map<string, string>, today: string): Promise<void> {
  const revieweeIds = rows.map((row) => idOf.get(row.email)!);
  const current = await tx.reviewerAssignment.findMany({ where: { revieweeId: { in: revieweeIds }, endsOn: null } });
  const currentOf = new Map(current.map((a) => [`${a.revieweeId}:${a.kind}`, a]));
  const toEnd: string[] = [];
  const toStart: { revieweeId: string; reviewerId: string; kind: string; startsOn: Date; reason: string }[] = [];
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
      if (reviewerId !== undefined) toStart.push({ revieweeId, reviewerId, kind, startsOn: toDbDate(today), reason: 'roster' });
    }
  }
  if (toEnd.length > 0) await tx.reviewerAssignment.updateMany({ where: { id: { in: toEnd } }, data: { endsOn: toDbDate(today) } });
  if (toStart.length > 0) await tx.reviewerAssignment.createMany({ data: toStart });
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
