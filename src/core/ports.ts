import type { ReviewLoadException } from './roster/review-load.ts';
import type { HeadReviewerContact } from './access/relationships.ts';
import type { DeadlineObligation } from './deadlines/deadline-obligation.ts';
import type { QueuedNotification } from './notifications/notification-queue.ts';
import type { StaffMember } from './people/staff-member.ts';
import type { ColumnMapping } from './roster/column-mapping.ts';
import type { RosterRow } from './roster/parse-roster-csv.ts';
import type { School } from './schools/school.ts';
import type { PlannedCycle } from './timeline/plan-obligations.ts';

/**
 * What the core needs from storage. Implementations live in src/storage; the core never imports
 * them, which keeps every rule here testable and the database swappable.
 */
export interface SchoolRepository {
  /** Creates or updates a school by slug; a trust slug creates the trust if needed. */
  saveSchool(input: Omit<School, 'id'> & { trustName?: string | undefined; audit?: SchoolChangeAudit | undefined }): Promise<{ school: School; created: boolean }>;
  findSchool(slug: string): Promise<School | undefined>;
  /** The head's reviewers the school named who are not on the roster (002 §22–24, 003 §6.3, 004 §9.1). */
  headReviewerContacts(schoolId: string): Promise<HeadReviewerContact[]>;
  setHeadReviewerContacts(schoolId: string, contacts: readonly HeadReviewerContact[]): Promise<void>;
}

/** Who changed a school and what, for its audit event (the admin console's changes); absent for the command line. */
export interface SchoolChangeAudit {
  by: string;
  details: Record<string, string>;
}

/** Someone the roster import names in its output. */
export interface NamedPerson {
  email: string;
  fullName: string;
}

/** What to do with people on the roster whom the file does not mention. */
export type LeaversChoice = 'list' | 'mark' | 'keep';

export interface RosterOptions {
  /** `list` (the default) names them; `mark` marks them as leavers; `keep` leaves them as they are, silently. */
  leavers: LeaversChoice;
  /** The day the leavers left: the import day unless given. */
  leftOn: string;
  /** E-mails of the file's bad lines: those people are in the file, so never taken for leavers. */
  alsoInFile: readonly string[];
  /**
   * What to tell people about the change, decided by the core from the school's staff as they were
   * before the rows were written and as they are after (both on `today`, read in the transaction);
   * the notifications are queued in that same transaction, so they exist exactly when the import
   * committed (role transfers, 002 §35, 003 §7.4, 004 §4.4).
   */
  tell?: { at: Date; decide: (staff: { before: readonly StaffMember[]; after: readonly StaffMember[] }) => readonly QueuedNotification[] } | undefined;
  /** Who made the change, recorded in the audit trail; absent for the command line. */
  by?: string | undefined;
}

export interface RosterChanges {
  created: number;
  updated: number;
  unchanged: number;
  /** Active people already in Trellis for this school whom the file does not mention. */
  notInFile: NamedPerson[];
  /** Those of them marked as leavers by this import (`--leavers mark`). */
  leaversMarked: NamedPerson[];
  /** Leavers the file names again, active once more. */
  returned: NamedPerson[];
  /** A reused e-mail given to a new person: the earlier holder keeps their records under a released address. */
  reusedEmails: { email: string; previous: string; now: string }[];
  /** The same person under a new name. */
  renamed: { email: string; from: string; to: string }[];
  /** People staying whose line manager has just left and whom the file does not give another (their bad line). */
  managerLeft: NamedPerson[];
}

/** Whose obligations an import may have changed: these people, or everyone in the school. */
export type RosterTouched = readonly string[] | 'everyone';

export interface AppliedRoster extends RosterChanges {
  /** Whose plan to refresh: a re-import that changes nothing touches no one. */
  touched: RosterTouched;
}

/** A file's e-mails against the roster, without writing: who is already on it, and the active people it leaves out. */
export interface RosterComparison {
  onRoster: ReadonlySet<string>;
  notInFile: NamedPerson[];
}

export interface RosterRepository {
  /**
   * Writes the rows in one transaction: people created or updated by e-mail, line managers,
   * reviewer and coach assignments (ended and started, never rewritten, so history stays), and,
   * when asked, the people missing from the file marked as leavers.
   */
  applyRoster(schoolId: string, rows: readonly RosterRow[], today: string, options: RosterOptions): Promise<AppliedRoster>;
  /** The same reads the import's diff makes (the file's people by e-mail, a page at a time, and who it leaves out), for a preview. */
  compareRoster(schoolId: string, emails: readonly string[]): Promise<RosterComparison>;
  /** The school's staff with their reviewer and coach on the day (`src/core/access/relationships.ts`); only those of `ids` when given. */
  findStaff(schoolId: string, on: string, ids?: readonly string[]): Promise<StaffMember[]>;
  /** The ids of the school's active people. */
  activeStaffIds(schoolId: string): Promise<string[]>;
  /** How many active people the school has. */
  activeStaffCount(schoolId: string): Promise<number>;
  /** The staff who can matter to the reviewee limit (002 §25): reviewers of more than `max` people by line or assignment, and those people. */
  reviewLoadStaff(schoolId: string, on: string, max: number): Promise<StaffMember[]>;
  /** The column mapping remembered from the school's last import that gave one. */
  columnMapping(schoolId: string): Promise<ColumnMapping | undefined>;
  rememberColumnMapping(schoolId: string, mapping: ColumnMapping): Promise<void>;
  /** The head's confirmed exceptions to the limit on reviewees (002 §25), from the audit trail. */
  reviewLoadExceptions(schoolId: string): Promise<ReviewLoadException[]>;
}

export interface ObligationChanges {
  created: number;
  updated: number;
  removed: number;
  unchanged: number;
}

/** What storing planned cycles changed, and how many obligations the plan holds for those cycles' people and years once written (deadlines events started aside). */
export interface SyncedCycles extends ObligationChanges {
  planned: number;
}

export interface ObligationRepository {
  /** Stores planned cycles idempotently: open obligations follow the plan; finished ones stay. */
  syncCycles(schoolId: string, cycles: readonly PlannedCycle[]): Promise<SyncedCycles>;
  /** How many obligations the year's plan holds for the school's active people (deadlines events started aside). */
  plannedCount(schoolId: string, academicYear: number): Promise<number>;
  /** Active people of the school with no cycle stored for the year: a first load, or a new year. */
  unplanned(schoolId: string, academicYear: number): Promise<string[]>;
  /** The stored cycle of each of these people for the year, by person id. */
  cycleIdsOf(personIds: readonly string[], academicYear: number): Promise<Map<string, string>>;
  /** Stores deadlines an event started (a move to a new post); one whose key exists is left as it is. Returns how many were added. */
  addDeadlines(deadlines: readonly DeadlineObligation[]): Promise<number>;
}
