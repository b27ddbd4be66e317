import { londonDateOf } from '../calendar/london-time.ts';
import type { IsoDate } from '../calendar/iso-date.ts';
import type { LeaversChoice, ObligationChanges, ObligationRepository, RosterChanges, RosterRepository, RosterTouched, SchoolRepository } from '../ports.ts';
import { type Clock, currentAcademicYear } from '../time/clock.ts';
import { planObligations } from '../timeline/plan-obligations.ts';
import { type ColumnMapping, resolveColumns, type UsedMapping } from './column-mapping.ts';
import { checkRosterReferences, parseRosterTable, type RosterRow, type RowProblem } from './parse-roster-csv.ts';
import { type RosterTable, readRosterCsv } from './roster-table.ts';
import { calendarOf, type School } from '../schools/school.ts';
import { type ReviewLoadWarning, reviewLoadWarnings } from './review-load.ts';
import { type RoleTransfer, roleTransfers, transferCheckInDeadline, transferNotifications } from './role-transfer.ts';
import type { StaffMember } from '../people/staff-member.ts';

export type RosterImportResult =
  | { ok: false; fileProblem: string }
  | {
      ok: true;
      loaded: number;
      problems: RowProblem[];
      /** What a problem's number counts: the CSV's lines or the spreadsheet's rows. */
      unit: RosterTable['unit'];
      /** The column mapping the file was read with, if any: given with this import (and now remembered) or remembered from an earlier one. */
      mapping: UsedMapping | undefined;
      changes: RosterChanges;
      obligations: ObligationChanges;
      academicYear: number;
      reviewLoad: ReviewLoadWarning[];
      /** People moved to a new post part-way through their cycle, and what the policy asks (002 §35, 003 §7.4, 004 §4.4). */
      transfers: RoleTransfer[];
    };

export interface RosterImportDeps {
  schools: SchoolRepository;
  roster: RosterRepository;
  obligations: ObligationRepository;
  clock: Clock;
}

export class UnknownSchoolError extends Error {}

/** What to do with the people the file leaves out, and the day leavers left (the import day by default). */
export interface LeaversRequest {
  leavers: LeaversChoice;
  leftOn?: IsoDate | undefined;
  /** The file's columns for Trellis's fields, when its headers are not Trellis's own; remembered for the school. */
  mapping?: ColumnMapping | undefined;
  /** Who made the change, for the audit trail (an administrator's e-mail in the admin console); absent for the command line. */
  by?: string | undefined;
}

export type RosterLines = { ok: true; rows: RosterRow[]; problems: RowProblem[]; alsoInFile: string[]; mapping: UsedMapping | undefined } | { ok: false; fileProblem: string };

/**
 * A roster table read through the column mapping given or remembered for the school, validated
 * and cross-checked: the good rows, the numbered problems, and the e-mails of the bad lines (those
 * people are in the file, so never taken for leavers). Writes nothing: the import and the admin
 * console's preview both start here.
 */
export async function readRosterLines(roster: Pick<RosterRepository, 'columnMapping'>, schoolId: string, table: RosterTable, given: ColumnMapping | undefined): Promise<RosterLines> {
  const columns = resolveColumns(table, given, await roster.columnMapping(schoolId));
  if (!columns.ok) return columns;
  const parsed = parseRosterTable(columns.table);
  const checked = checkRosterReferences(parsed.rows);
  const problems = [...parsed.problems, ...checked.problems].sort((a, b) => a.line - b.line);
  const alsoInFile = problems.flatMap((problem) => (problem.email === undefined ? [] : [problem.email]));
  return { ok: true, rows: checked.rows, problems, alsoInFile, mapping: columns.mapping };
}

/**
 * A roster table handed over to `importRoster` and let go once it is read, with nothing else
 * holding it: a caller that keeps no reference of its own (`handOverTable`) frees the file's cells
 * while the people are written, and the rows too while their obligations are planned.
 */
export type RosterTableSource = () => RosterTable;

/** `table` as a source that gives it once and then no longer holds it. */
export function handOverTable(table: RosterTable): RosterTableSource {
  let held: RosterTable | undefined = table;
  return () => {
    const given = held;
    if (given === undefined) throw new Error('This roster table has already been handed over.');
    held = undefined;
    return given;
  };
}

/**
 * Loads a roster (CSV text, or a table read from a spreadsheet) into a school and refreshes
 * everyone's obligations for the current academic year. Its columns are read through the mapping
 * given or remembered (`resolveColumns`); bad lines are reported and skipped; the good ones load
 * together or not at all. People on the roster whom the file leaves out are named, or marked as
 * leavers when asked. A mapping given with a file that could be read is remembered for the school.
 */
export async function importRoster(
  deps: RosterImportDeps,
  schoolSlug: string,
  source: string | RosterTable | RosterTableSource,
  academicYear = currentAcademicYear(deps.clock),
  request: LeaversRequest = { leavers: 'list' },
): Promise<RosterImportResult> {
  const school = await deps.schools.findSchool(schoolSlug);
  if (school === undefined) throw new UnknownSchoolError(`There is no school "${schoolSlug}" yet: create it first with trellis school set ${schoolSlug} --policy … --terms …`);
  const today = londonDateOf(deps.clock.now());
  // Only counts and findings come back: the file's rows are not held while obligations are planned.
  const people = await loadPeople(deps, school, source, academicYear, request, today);
  if (!people.ok) return people;
  const { loaded, problems, unit, mapping, changes, touched, transfers } = people;
  const obligations = await planPeople(deps, school, today, academicYear, touched);
  const cycleIds = await deps.obligations.cycleIdsOf(transfers.flatMap((t) => (t.checkIn === undefined ? [] : [t.personId])), academicYear);
  const checkIns = transfers.flatMap((t) => {
    const cycleId = cycleIds.get(t.personId);
    const deadline = cycleId === undefined ? undefined : transferCheckInDeadline(t, cycleId);
    return deadline === undefined ? [] : [deadline];
  });
  await deps.obligations.addDeadlines(checkIns);
  const reviewLoad = await reviewLoadAfter(deps.roster, school, today, academicYear);
  return { ok: true, loaded, problems, unit, mapping, changes, obligations, academicYear, reviewLoad, transfers };
}

type LoadedPeople =
  | { ok: false; fileProblem: string }
  | { ok: true; loaded: number; problems: RowProblem[]; unit: RosterTable['unit']; mapping: UsedMapping | undefined; changes: RosterChanges; touched: RosterTouched; transfers: RoleTransfer[] };

/** The file read and its good rows written as people, in the roster's one transaction. */
async function loadPeople(deps: RosterImportDeps, school: School, source: string | RosterTable | RosterTableSource, academicYear: number, request: LeaversRequest, today: IsoDate): Promise<LoadedPeople> {
  const lines = await linesOf(deps.roster, school.id, source, request.mapping);
  if (!lines.ok) return lines;
  const { rows, problems, alsoInFile, mapping, unit } = lines;
  if (mapping?.used === 'given') await deps.roster.rememberColumnMapping(school.id, mapping.columns);
  // Moves to a new post are found from the staff before and after the rows are written, in the
  // import's transaction, and the people concerned are told in it (002 §35, 003 §7.4, 004 §4.4).
  let transfers: RoleTransfer[] = [];
  const tell = {
    at: deps.clock.now(),
    decide: ({ before, after }: { before: readonly StaffMember[]; after: readonly StaffMember[] }) => {
      transfers = roleTransfers({ policy: school.policy, calendar: calendarOf(school), before, after, cycles: planObligations(school, after, academicYear), today });
      return transferNotifications(transfers, new Map([...before, ...after].map((person) => [person.id, person.fullName])));
    },
  };
  const { touched, ...changes } = await deps.roster.applyRoster(school.id, rows, today, { leavers: request.leavers, leftOn: request.leftOn ?? today, alsoInFile, tell, by: request.by });
  return { ok: true, loaded: rows.length, problems, unit, mapping, changes, touched, transfers };
}

/** The file's lines read and checked; the table itself is let go here, before any person is written. */
async function linesOf(
  roster: Pick<RosterRepository, 'columnMapping'>,
  schoolId: string,
  source: string | RosterTable | RosterTableSource,
  given: ColumnMapping | undefined,
): Promise<{ ok: false; fileProblem: string } | (RosterLines & { ok: true; unit: RosterTable['unit'] })> {
  const read = typeof source === 'string' ? readRosterCsv(source) : { ok: true as const, table: typeof source === 'function' ? source() : source };
  if (!read.ok) return read;
  const lines = await readRosterLines(roster, schoolId, read.table, given);
  return lines.ok ? { ...lines, unit: read.table.unit } : lines;
}

/** People planned and stored at once: every page is a few set-based statements, whatever the school's size. */
export const PLAN_PAGE = 1000;
/**
 * Pages planned and written at the same time. Each page is its own people (pages never share a
 * cycle, an obligation key or a kept-count row to update: the counts' triggers only insert), so
 * two pages' writes never wait on each other; with two, one page is planned in Node while the
 * other is written, and the database can write two pages at once.
 */
export const PLAN_WRITERS = 2;

/**
 * Plans and stores the year's obligations of the people the import touched and of anyone active
 * with no cycle for the year yet (a first load, a new year), a page at a time: a re-import that
 * changes no one plans no one. A page's plan reads only its people and their relationships, never
 * cycles or obligations, so `PLAN_WRITERS` pages are read, planned and written side by side.
 */
async function planPeople(deps: RosterImportDeps, school: School, today: IsoDate, academicYear: number, touched: RosterTouched): Promise<ObligationChanges> {
  const ids = touched === 'everyone' ? await deps.roster.activeStaffIds(school.id) : [...new Set([...touched, ...(await deps.obligations.unplanned(school.id, academicYear))])];
  const total: ObligationChanges = { created: 0, updated: 0, removed: 0, unchanged: 0 };
  // What the year's plan holds, once written, for the people planned here (the active ones).
  let plannedPeople = 0;
  let plannedHere = 0;
  const pageIds: string[][] = [];
  for (let at = 0; at < ids.length; at += PLAN_PAGE) pageIds.push(ids.slice(at, at + PLAN_PAGE));
  let nextPage = 0;
  let failed = false;
  const writer = async (): Promise<void> => {
    while (!failed && nextPage < pageIds.length) {
      const page = pageIds[nextPage++]!;
      try {
        const staff = await deps.roster.findStaff(school.id, today, page);
        const cycles = planObligations(school, staff, academicYear);
        const written = await deps.obligations.syncCycles(school.id, cycles);
        plannedPeople += cycles.length;
        plannedHere += written.planned;
        total.created += written.created;
        total.updated += written.updated;
        total.removed += written.removed;
      } catch (error) {
        // The other writer starts no further page once one has failed.
        failed = true;
        throw error;
      }
    }
  };
  const settled = await Promise.allSettled(Array.from({ length: PLAN_WRITERS }, writer));
  const failure = settled.find((result) => result.status === 'rejected');
  if (failure !== undefined) throw failure.reason;
  // Everyone else's plan stands as stored: unchanged is what the year holds beyond this import's writes.
  // When everyone active was planned here (a first load, a new year, a leaver) the pages have
  // counted it already; else the school's obligations are counted (a second pass over 400,000
  // rows at 50,000 staff, which a first load no longer makes).
  const everyonePlanned = plannedPeople > 0 && (touched === 'everyone' || plannedPeople === (await deps.roster.activeStaffCount(school.id)));
  const planned = everyonePlanned ? plannedHere : await deps.obligations.plannedCount(school.id, academicYear);
  total.unchanged = planned - total.created - total.updated;
  return total;
}

/** The reviewee-limit warnings (002 §25) over the staff who could be over it, by the one rule. */
async function reviewLoadAfter(roster: RosterRepository, school: School, today: IsoDate, academicYear: number): Promise<ReviewLoadWarning[]> {
  const limit = school.policy.reviewers.revieweeLimit;
  if (limit === undefined) return [];
  return reviewLoadWarnings(school.policy, await roster.reviewLoadStaff(school.id, today, limit.max), { exceptions: await roster.reviewLoadExceptions(school.id), academicYear });
}
