import { londonDateOf } from '../calendar/london-time.ts';
import type { IsoDate } from '../calendar/iso-date.ts';
import type { LeaversChoice, ObligationChanges, ObligationRepository, RosterChanges, RosterRepository, SchoolRepository } from '../ports.ts';
import { type Clock, currentAcademicYear } from '../time/clock.ts';
import { planObligations } from '../timeline/plan-obligations.ts';
import { calendarOf } from '../schools/school.ts';
import { checkRosterReferences, parseRosterCsv, type RowProblem } from './parse-roster-csv.ts';
import { type ReviewLoadWarning, reviewLoadWarnings } from './review-load.ts';
import { type RoleTransfer, roleTransfers, transferCheckInDeadline } from './role-transfer.ts';

export type RosterImportResult =
  | { ok: false; fileProblem: string }
  | {
      ok: true;
      loaded: number;
      problems: RowProblem[];
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
}

/**
 * Loads a roster CSV into a school and refreshes everyone's obligations for the current academic
 * year. Bad lines are reported and skipped; the good ones load together or not at all. People on
 * the roster whom the file leaves out are named, or marked as leavers when asked.
 */
export async function importRoster(
  deps: RosterImportDeps,
  schoolSlug: string,
  csvText: string,
  academicYear = currentAcademicYear(deps.clock),
  request: LeaversRequest = { leavers: 'list' },
): Promise<RosterImportResult> {
  const school = await deps.schools.findSchool(schoolSlug);
  if (school === undefined) throw new UnknownSchoolError(`There is no school "${schoolSlug}" yet: create it first with trellis school set ${schoolSlug} --policy … --terms …`);
  const parsed = parseRosterCsv(csvText);
  if (!parsed.ok) return parsed;
  const checked = checkRosterReferences(parsed.rows);
  const problems = [...parsed.problems, ...checked.problems].sort((a, b) => a.line - b.line);
  const today = londonDateOf(deps.clock.now());
  const alsoInFile = problems.flatMap((problem) => (problem.email === undefined ? [] : [problem.email]));
  const before = await deps.roster.findStaff(school.id, today);
  const changes = await deps.roster.applyRoster(school.id, checked.rows, today, { leavers: request.leavers, leftOn: request.leftOn ?? today, alsoInFile });
  const staff = await deps.roster.findStaff(school.id, today);
  const cycles = planObligations(school, staff, academicYear);
  const obligations = await deps.obligations.syncCycles(school.id, cycles);
  const transfers = roleTransfers({ policy: school.policy, calendar: calendarOf(school), before, after: staff, cycles, today });
  const cycleIds = await deps.obligations.cycleIdsOf(transfers.flatMap((t) => (t.checkIn === undefined ? [] : [t.personId])), academicYear);
  const checkIns = transfers.flatMap((t) => {
    const cycleId = cycleIds.get(t.personId);
    const deadline = cycleId === undefined ? undefined : transferCheckInDeadline(t, cycleId);
    return deadline === undefined ? [] : [deadline];
  });
  await deps.obligations.addDeadlines(checkIns);
  return { ok: true, loaded: checked.rows.length, problems, changes, obligations, academicYear, reviewLoad: reviewLoadWarnings(school.policy, staff), transfers };
}
