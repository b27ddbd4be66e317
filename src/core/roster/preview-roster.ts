import type { StaffMember } from '../people/staff-member.ts';
import type { NamedPerson, RosterRepository } from '../ports.ts';
import type { School } from '../schools/school.ts';
import { type Clock, currentAcademicYear } from '../time/clock.ts';
import type { ColumnMapping, UsedMapping } from './column-mapping.ts';
import { readRosterLines } from './import-roster.ts';
import type { RosterRow } from './parse-roster-csv.ts';
import { type ReviewLoadWarning, reviewLoadWarnings } from './review-load.ts';
import type { RosterTable } from './roster-table.ts';

/** What one line of the file would do. */
export interface PreviewLine {
  line: number;
  email?: string | undefined;
  fullName?: string | undefined;
  outcome: 'new' | 'on-roster' | 'problem';
  /** The problem, for a line that would not load. */
  message?: string | undefined;
}

export type RosterPreview =
  | { ok: false; fileProblem: string }
  | {
      ok: true;
      unit: RosterTable['unit'];
      mapping: UsedMapping | undefined;
      lines: PreviewLine[];
      /** Active people on the roster whom the file leaves out: leavers, if the import is told to mark them. */
      notInFile: NamedPerson[];
      /** Reviewers the file gives more reviewees than the policy expects (002 §25), reviewer taken as the line manager. */
      reviewLoad: ReviewLoadWarning[];
      totals: { lines: number; loadable: number; problems: number; new: number };
    };

/**
 * What importing the file would do, line by line, without writing anything (the admin console's
 * first step): each line new, already on the roster, or a numbered problem; the active people it
 * leaves out; and reviewers over the policy's limit. It reads the file exactly as the import does
 * (`readRosterLines`); the review load counts the file's own line managers, since a delegated
 * reviewer is not in a roster file.
 */
export async function previewRoster(deps: { roster: Pick<RosterRepository, 'columnMapping' | 'compareRoster' | 'reviewLoadExceptions'>; clock: Clock }, school: School, table: RosterTable, mapping: ColumnMapping | undefined): Promise<RosterPreview> {
  const read = await readRosterLines(deps.roster, school.id, table, mapping);
  if (!read.ok) return read;
  // The import's own reads: the file's people by e-mail a page at a time, and who it leaves out.
  const { onRoster, notInFile } = await deps.roster.compareRoster(school.id, [...new Set([...read.rows.map((row) => row.email), ...read.alsoInFile])]);
  const lines: PreviewLine[] = [
    ...read.rows.map((row) => ({ line: row.line, email: row.email, fullName: row.fullName, outcome: onRoster.has(row.email) ? ('on-roster' as const) : ('new' as const) })),
    ...read.problems.map((problem) => ({ line: problem.line, email: problem.email, outcome: 'problem' as const, message: problem.message })),
  ].sort((a, b) => a.line - b.line);
  return {
    ok: true,
    unit: table.unit,
    mapping: read.mapping,
    lines,
    notInFile,
    reviewLoad: reviewLoadWarnings(school.policy, read.rows.map(asStaff), { exceptions: await deps.roster.reviewLoadExceptions(school.id), academicYear: currentAcademicYear(deps.clock) }),
    totals: { lines: lines.length, loadable: read.rows.length, problems: read.problems.length, new: lines.filter((line) => line.outcome === 'new').length },
  };
}

/** A file's row as staff, keyed by e-mail, for counting who reviews whom. */
function asStaff(row: RosterRow): StaffMember {
  return { id: row.email, email: row.email, fullName: row.fullName, role: row.role, lineManagerId: row.lineManagerEmail, startDate: row.startDate, contract: row.contract, contractEnd: row.contractEnd, flags: row.flags, active: true };
}
