import type { DeadlineObligation } from '../../core/deadlines/deadline-obligation.ts';
import type { ObligationRepository, SyncedCycles } from '../../core/ports.ts';
import type { PlannedCycle, PlannedObligation } from '../../core/timeline/plan-obligations.ts';
import { Prisma } from '../../generated/prisma/client.ts';
import { type PrismaClient, type SqlTransaction, type SqlTransactions, transactionsOf } from '../db/create-prisma-client.ts';
import { forgetQueryArguments } from '../db/forget-query-arguments.ts';
import { LONGEST_TRANSACTION_MS } from '../db/transaction-limits.ts';
import { saveDeadlineObligations } from './prisma-reminder-store.ts';
import { timeOrderedId } from './time-ordered-id.ts';

/**
 * Cycles and obligations in PostgreSQL. Syncing is idempotent: rows are matched on their
 * deterministic key, open ones follow the plan, and anything done, snoozed or marked not
 * applicable is never rewritten, because that is someone's record.
 */
export class PrismaObligationRepository implements ObligationRepository {
  readonly #prisma: PrismaClient;
  readonly #transactions: SqlTransactions | undefined;

  /**
   * `transactions`: where a page's transaction runs, on a connection of the `pg` pool so that its
   * obligations go in by `COPY` (the client's own pool by default); none, and pages run in Prisma's
   * transactions instead.
   */
  constructor(prisma: PrismaClient, transactions: SqlTransactions | undefined = transactionsOf(prisma)) {
    this.#prisma = prisma;
    this.#transactions = transactions;
  }

  /**
   * A page's cycles and obligations in one transaction. Afterwards Prisma's history of query
   * arguments is emptied (`forgetQueryArguments`): it would otherwise keep the page's arrays of
   * thousands of keys and labels for the next 100 statements, a dozen pages of a roster import.
   */
  async syncCycles(schoolId: string, cycles: readonly PlannedCycle[]): Promise<SyncedCycles> {
    try {
      return await this.#syncCycles(schoolId, cycles);
    } finally {
      forgetQueryArguments();
    }
  }

  #syncCycles(schoolId: string, cycles: readonly PlannedCycle[]): Promise<SyncedCycles> {
    const options = { timeout: LONGEST_TRANSACTION_MS, maxWait: 10_000 };
    if (this.#transactions !== undefined) return this.#transactions.transaction((tx) => syncPage(poolStatements(tx), schoolId, cycles), { timeoutMs: options.timeout });
    return this.#prisma.$transaction((tx) => syncPage(prismaStatements(tx), schoolId, cycles), options);
  }

  async plannedCount(schoolId: string, academicYear: number): Promise<number> {
    const [row] = await this.#prisma.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM obligations o JOIN people p ON p.id = o.person_id
      WHERE p.school_id = ${schoolId}::uuid AND p.active AND o.key LIKE p.id::text || ':' || ${String(academicYear)} || ':%'`;
    return row?.n ?? 0;
  }

  async unplanned(schoolId: string, academicYear: number): Promise<string[]> {
    const rows = await this.#prisma.$queryRaw<{ id: string }[]>`SELECT p.id::text AS id FROM people p
      WHERE p.school_id = ${schoolId}::uuid AND p.active AND NOT EXISTS (SELECT 1 FROM cycles c WHERE c.person_id = p.id AND c.academic_year = ${academicYear})`;
    return rows.map((row) => row.id);
  }

  async cycleIdsOf(personIds: readonly string[], academicYear: number): Promise<Map<string, string>> {
    if (personIds.length === 0) return new Map();
    const cycles = await this.#prisma.cycle.findMany({ where: { personId: { in: [...personIds] }, academicYear }, select: { id: true, personId: true } });
    return new Map(cycles.map((cycle) => [cycle.personId, cycle.id]));
  }

  addDeadlines(deadlines: readonly DeadlineObligation[]): Promise<number> {
    return saveDeadlineObligations(this.#prisma, deadlines);
  }
}

type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

/** A new obligation of a page, as written: the plan's fields with its cycle and person. */
export type NewObligation = ReturnType<typeof obligationFields> & { cycleId: string; personId: string };

/** The statements of one page's transaction, on whichever connection carries it. */
interface PageStatements {
  rows<R extends object>(sql: Prisma.Sql): Promise<R[]>;
  /** A write; the rows it changed. */
  write(sql: Prisma.Sql): Promise<number>;
  insertObligations(rows: readonly NewObligation[]): Promise<void>;
}

/** A page on a connection of its own from the client's pool: its new obligations go in by `COPY`. */
function poolStatements(tx: SqlTransaction): PageStatements {
  return {
    rows: async <R extends object>(sql: Prisma.Sql) => (await tx.query<R>(sql.text, sql.values)).rows,
    write: async (sql) => (await tx.query(sql.text, sql.values)).rowCount ?? 0,
    insertObligations: (rows) => copyObligations(tx, rows),
  };
}

/** A page in a Prisma transaction (a client with no `pg` pool of its own, such as one wrapped by `$extends`). */
function prismaStatements(tx: Tx): PageStatements {
  return {
    rows: <R extends object>(sql: Prisma.Sql) => tx.$queryRaw<R[]>(sql),
    write: (sql) => tx.$executeRaw(sql),
    insertObligations: (rows) => insertObligations(tx, rows),
  };
}

/**
 * One page's cycles and obligations: rows are matched on their deterministic key, open ones
 * follow the plan, and anything done, snoozed or marked not applicable is never rewritten.
 * Dates are read as ISO text, the core's own form.
 */
async function syncPage(sql: PageStatements, schoolId: string, cycles: readonly PlannedCycle[]): Promise<SyncedCycles> {
  const changes: SyncedCycles = { created: 0, updated: 0, removed: 0, unchanged: 0, planned: 0 };
  const years = [...new Set(cycles.map((cycle) => cycle.academicYear))];
  const personIds = cycles.map((cycle) => cycle.personId);
  const existingCycles = await sql.rows<StoredCycle>(Prisma.sql`SELECT id::text AS id, person_id::text AS "personId", academic_year AS "academicYear",
      starts_on::text AS "startsOn", ends_on::text AS "endsOn", status, exclusion_reason AS "exclusionReason"
    FROM cycles WHERE person_id = ANY(${personIds}::uuid[]) AND academic_year = ANY(${years}::int[])`);
  const cycleIdOf = new Map(existingCycles.map((c) => [`${c.personId}:${c.academicYear}`, c.id]));
  const newCycles = cycles.filter((c) => !cycleIdOf.has(`${c.personId}:${c.academicYear}`));
  for (const cycle of newCycles) cycleIdOf.set(`${cycle.personId}:${cycle.academicYear}`, timeOrderedId());
  await insertCycles(sql, schoolId, newCycles.map((c) => ({ id: cycleIdOf.get(`${c.personId}:${c.academicYear}`)!, ...cycleFields(c) })));
  const plannedOf = new Map(cycles.map((c) => [`${c.personId}:${c.academicYear}`, c]));
  const cycleUpdates = existingCycles.flatMap((cycle) => {
    const planned = plannedOf.get(`${cycle.personId}:${cycle.academicYear}`);
    if (planned === undefined) return [];
    const fields = cycleFields(planned);
    const differs = cycle.status !== fields.status || cycle.exclusionReason !== fields.exclusionReason || cycle.startsOn !== planned.start || cycle.endsOn !== planned.end;
    return cycle.status !== 'closed' && differs ? [{ id: cycle.id, ...fields }] : [];
  });
  await updateCycles(sql, cycleUpdates);

  // Cycles made just now have no obligations yet: a first load reads none.
  const existing =
    existingCycles.length === 0
      ? []
      : await sql.rows<StoredObligation>(Prisma.sql`SELECT id::text AS id, key, status, kind, label, optional, opens_on::text AS "opensOn", due_on::text AS "dueOn",
          owner_role AS "ownerRole", owner_person_id::text AS "ownerPersonId", rule
        FROM obligations WHERE cycle_id = ANY(${existingCycles.map((c) => c.id)}::uuid[])`);
  const byKey = new Map(existing.map((o) => [o.key, o]));
  const plannedKeys = new Set<string>();
  const creates: NewObligation[] = [];
  const updates: (ReturnType<typeof obligationFields> & { id: string })[] = [];
  for (const cycle of cycles) {
    const cycleId = cycleIdOf.get(`${cycle.personId}:${cycle.academicYear}`)!;
    for (const planned of cycle.obligations) {
      // Only stored obligations can go stale: a first load, with none, keeps no set of its keys.
      if (existing.length > 0) plannedKeys.add(planned.key);
      const before = byKey.get(planned.key);
      if (before === undefined) {
        creates.push({ cycleId, personId: cycle.personId, ...obligationFields(planned) });
      } else if (before.status !== 'open' || sameObligation(before, planned)) {
        changes.unchanged++;
      } else {
        updates.push({ id: before.id, ...obligationFields(planned) });
      }
    }
  }
  await sql.insertObligations(creates);
  await updateObligations(sql, updates);
  changes.created = creates.length;
  changes.updated = updates.length;
  // Only obligations the plan itself made (keys `<person>:<year>:…`) can go stale: deadlines
  // started by events (an appeal window, a booked check-in) are not in the plan and must stay.
  const plannedPrefixes = new Set(cycles.map((c) => `${c.personId}:${c.academicYear}:`));
  const fromPlan = (key: string) => plannedPrefixes.has(`${key.split(':', 2).join(':')}:`);
  const stale = existing.filter((o) => o.status === 'open' && !plannedKeys.has(o.key) && fromPlan(o.key)).map((o) => o.id);
  if (stale.length > 0) changes.removed = await sql.write(Prisma.sql`DELETE FROM obligations WHERE id = ANY(${stale}::uuid[])`);
  changes.planned = existing.filter((o) => fromPlan(o.key)).length + changes.created - changes.removed;
  return changes;
}

interface StoredCycle {
  id: string;
  personId: string;
  academicYear: number;
  startsOn: string;
  endsOn: string;
  status: string;
  exclusionReason: string | null;
}

interface StoredObligation {
  id: string;
  key: string;
  status: string;
  kind: string;
  label: string;
  optional: boolean;
  opensOn: string;
  dueOn: string;
  ownerRole: string;
  ownerPersonId: string | null;
  rule: string;
}

/**
 * Bulk inserts as one statement over arrays (`unnest`): a first roster import writes tens of
 * thousands of obligations, and per-row parameters would make that many round trips.
 */
async function insertCycles(sql: PageStatements, schoolId: string, rows: (ReturnType<typeof cycleFields> & { id: string })[]): Promise<void> {
  if (rows.length === 0) return;
  await sql.write(Prisma.sql`INSERT INTO cycles (id, school_id, person_id, academic_year, starts_on, ends_on, status, exclusion_reason, created_at, updated_at)
    SELECT id, ${schoolId}::uuid, person_id, academic_year, starts_on, ends_on, status, exclusion_reason, now(), now()
    FROM unnest(${rows.map((r) => r.id)}::uuid[], ${rows.map((r) => r.personId)}::uuid[], ${rows.map((r) => r.academicYear)}::int[],
      ${rows.map((r) => r.startsOn)}::date[], ${rows.map((r) => r.endsOn)}::date[], ${rows.map((r) => r.status)}::text[],
      ${rows.map((r) => r.exclusionReason)}::text[]) AS v(id, person_id, academic_year, starts_on, ends_on, status, exclusion_reason)`);
}

/** New obligations in one `unnest` statement: the path of a page in a Prisma transaction. */
async function insertObligations(tx: Tx, rows: readonly NewObligation[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.$executeRaw`INSERT INTO obligations (id, key, cycle_id, person_id, kind, label, optional, opens_on, due_on, owner_role, owner_person_id, rule, status, created_at, updated_at)
    SELECT id, key, cycle_id, person_id, kind, label, optional, opens_on, due_on, owner_role, owner_person_id, rule, 'open', now(), now()
    FROM unnest(${rows.map(() => timeOrderedId())}::uuid[], ${rows.map((r) => r.key)}::text[], ${rows.map((r) => r.cycleId)}::uuid[], ${rows.map((r) => r.personId)}::uuid[],
      ${rows.map((r) => r.kind)}::text[], ${rows.map((r) => r.label)}::text[], ${rows.map((r) => r.optional)}::boolean[],
      ${rows.map((r) => r.opensOn)}::date[], ${rows.map((r) => r.dueOn)}::date[], ${rows.map((r) => r.ownerRole)}::text[],
      ${rows.map((r) => r.ownerPersonId)}::uuid[], ${rows.map((r) => r.rule)}::text[])
      AS v(id, key, cycle_id, person_id, kind, label, optional, opens_on, due_on, owner_role, owner_person_id, rule)`;
}

/** New obligations by `COPY … FROM STDIN` on `tx`'s connection: the path of a page on the pool. */
export async function copyObligations(tx: SqlTransaction, rows: readonly NewObligation[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.copyIn(`COPY obligations (${COPY_COLUMNS.join(', ')}) FROM STDIN`, copyRows(rows, tx.now));
}

/** The columns a page's new obligations are copied into, in the order `copyRows` writes them. */
const COPY_COLUMNS = ['id', 'key', 'cycle_id', 'person_id', 'kind', 'label', 'optional', 'opens_on', 'due_on', 'owner_role', 'owner_person_id', 'rule', 'status', 'created_at', 'updated_at'];

/**
 * New obligations as `COPY` text-format lines, the same rows the `unnest` insert writes: new ids,
 * status open, created and updated at the transaction's `now`. The same statement a row would be
 * refused by (a key already taken, a cycle of another person) refuses the whole COPY.
 */
function* copyRows(rows: readonly NewObligation[], now: string): Generator<string> {
  // A page's kinds, labels, owners' roles and rules are a few dozen texts repeated thousands of times: each is escaped once.
  const escaped = new Map<string, string>();
  const text = (value: string): string => {
    let line = escaped.get(value);
    if (line === undefined) {
      line = copyText(value);
      escaped.set(value, line);
    }
    return line;
  };
  const end = `\topen\t${now}\t${now}\n`;
  for (const r of rows) {
    yield `${timeOrderedId()}\t${copyText(r.key)}\t${r.cycleId}\t${r.personId}\t${text(r.kind)}\t${text(r.label)}\t${r.optional ? 't' : 'f'}\t${r.opensOn}\t${r.dueOn}\t${text(r.ownerRole)}\t${r.ownerPersonId ?? '\\N'}\t${text(r.rule)}${end}`;
  }
}

const COPY_SPECIAL = /[\\\t\n\r]/;

/** A text value in COPY's text format: backslash, tab, newline and carriage return escaped. */
function copyText(value: string): string {
  if (!COPY_SPECIAL.test(value)) return value;
  return value.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

/** Cycles whose dates or exclusion the plan changed, in one statement. */
async function updateCycles(sql: PageStatements, rows: (ReturnType<typeof cycleFields> & { id: string })[]): Promise<void> {
  if (rows.length === 0) return;
  await sql.write(Prisma.sql`UPDATE cycles AS c SET starts_on = v.starts_on, ends_on = v.ends_on, status = v.status, exclusion_reason = v.exclusion_reason, updated_at = now()
    FROM unnest(${rows.map((r) => r.id)}::uuid[], ${rows.map((r) => r.startsOn)}::date[], ${rows.map((r) => r.endsOn)}::date[], ${rows.map((r) => r.status)}::text[],
      ${rows.map((r) => r.exclusionReason)}::text[]) AS v(id, starts_on, ends_on, status, exclusion_reason)
    WHERE c.id = v.id`);
}

/** Open obligations the plan moved or reassigned, in one statement. */
async function updateObligations(sql: PageStatements, rows: (ReturnType<typeof obligationFields> & { id: string })[]): Promise<void> {
  if (rows.length === 0) return;
  await sql.write(Prisma.sql`UPDATE obligations AS o SET kind = v.kind, label = v.label, optional = v.optional, opens_on = v.opens_on, due_on = v.due_on,
      owner_role = v.owner_role, owner_person_id = v.owner_person_id, rule = v.rule, updated_at = now()
    FROM unnest(${rows.map((r) => r.id)}::uuid[], ${rows.map((r) => r.kind)}::text[], ${rows.map((r) => r.label)}::text[], ${rows.map((r) => r.optional)}::boolean[],
      ${rows.map((r) => r.opensOn)}::date[], ${rows.map((r) => r.dueOn)}::date[], ${rows.map((r) => r.ownerRole)}::text[],
      ${rows.map((r) => r.ownerPersonId)}::uuid[], ${rows.map((r) => r.rule)}::text[])
      AS v(id, kind, label, optional, opens_on, due_on, owner_role, owner_person_id, rule)
    WHERE o.id = v.id`);
}

/**
 * Dates go to the bulk statements as the core's ISO `YYYY-MM-DD` text, cast by `::date[]`: as
 * JavaScript Dates each of a page's ~16,000 went through the client's date handling and came to
 * the server as timestamps (about a tenth of an obligations page's insert, measured in
 * `BENCH_IMPORT_EXPLAIN=1 npm run bench -- import`).
 */
function cycleFields(cycle: PlannedCycle) {
  return {
    personId: cycle.personId,
    academicYear: cycle.academicYear,
    startsOn: cycle.start,
    endsOn: cycle.end,
    status: cycle.exclusion === undefined ? 'active' : 'excluded',
    exclusionReason: cycle.exclusion?.reason ?? null,
  };
}

function obligationFields(o: PlannedObligation) {
  return {
    key: o.key,
    kind: o.kind,
    label: o.label,
    optional: o.optional,
    opensOn: o.opens,
    dueOn: o.due,
    ownerRole: o.owner,
    ownerPersonId: o.ownerPersonId ?? null,
    rule: o.rule,
  };
}

function sameObligation(
  before: StoredObligation, planned: PlannedObligation,
): boolean {
  return (
    before.kind === planned.kind &&
    before.label === planned.label &&
    before.optional === planned.optional &&
    before.opensOn === planned.opens &&
    before.dueOn === planned.due &&
    before.ownerRole === planned.owner &&
    before.ownerPersonId === (planned.ownerPersonId ?? null) &&
    before.rule === planned.rule
  );
}
