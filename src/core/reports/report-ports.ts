import type { School } from '../schools/school.ts';
import type { StageFigures } from './governors-ports.ts';
import type { IsoDate } from '../calendar/iso-date.ts';
import type { ObligationFacts } from '../obligations/obligation-facts.ts';

/** One obligation as the read side shows it: what, whose, by when and where it stands. */
export interface ReportObligation extends ObligationFacts {
  /** open | done | not-applicable | snoozed */
  status: string;
  /** The reviewee's name. */
  personName: string;
}

/** A person's cycle for one academic year, with everything the status and home panels need. */
export interface PersonCycleView {
  academicYear: number;
  /** active | closed | excluded */
  status: string;
  exclusionReason?: string | undefined;
  /** Every obligation of the cycle, whatever its status, soonest due first. */
  obligations: ReportObligation[];
  plan?: { status: string; goals: string[] } | undefined;
}

/** A reviewee at a glance: counts and their next item only, never the contents of their records. */
export interface RevieweeGlance {
  id: string;
  fullName: string;
  open: number;
  overdue: number;
  next?: { label: string; dueOn: IsoDate } | undefined;
}

/** A dialog the person started and has not finished, so a channel can offer "continue". */
export interface DialogInProgress {
  dialogId: string;
  platform: string;
  threadKey: string;
  /** active | paused */
  status: string;
  updatedAt: Date;
}

/** The people a leader may see: their school, or one department of it. */
export interface LeaderScope {
  schoolId: string;
  /** Canonical department name as stored, or undefined for the whole school. */
  department?: string | undefined;
}

/** Per obligation kind, counts of items in each state; overdue excludes optional items. */
export interface StageCount {
  kind: string;
  done: number;
  /** Still to do and not yet overdue. */
  open: number;
  overdue: number;
  notApplicable: number;
}

export interface ScopeCounts {
  /** Active staff in scope. */
  staff: number;
  /** Active staff whose cycle this year is excluded (not covered by the policy: no obligations). */
  excluded: number;
  /** Active staff with no cycle this year at all (not yet imported into a timeline). */
  withoutCycle: number;
  stages: StageCount[];
}

export interface OverdueItem {
  personId: string;
  schoolId: string;
  fullName: string;
  department?: string | undefined;
  kind: string;
  label: string;
  dueOn: IsoDate;
}

/**
 * What the read side asks storage for. Leaders' reads take the school id from the stored person,
 * never from what a channel passed in, and aggregate in the database (one query per answer).
 */
export interface ReportReads {
  cycleOf(personId: string, academicYear: number): Promise<PersonCycleView | undefined>;
  /** Open or snoozed items the person owes in other people's cycles (a reviewer's check-ins…). */
  owedForOthers(personId: string, academicYear: number): Promise<ReportObligation[]>;
  /** These people at a glance (the core decides, by the access rule, whom a person may glance at). */
  reviewees(personIds: readonly string[], academicYear: number, today: IsoDate): Promise<RevieweeGlance[]>;
  dialogsInProgress(personId: string): Promise<DialogInProgress[]>;
  /** The stored person behind a leader's request: their school and role, re-read for defence in depth. */
  storedPerson(personId: string): Promise<{ schoolId: string; role: string; flags: string[]; active: boolean } | undefined>;
  /** The schools of the school's trust (the school alone when it has no trust), by name. */
  trustSchools(schoolId: string): Promise<{ id: string; name: string }[]>;
  /** Distinct departments of the school's active staff. */
  departments(schoolId: string): Promise<string[]>;
  /**
   * The counts of each department of the school (departments that differ only in case are one) and
   * of the staff with none (`department` undefined), in the same two statements whatever their number.
   */
  countsByDepartment(schoolId: string, academicYear: number, today: IsoDate): Promise<{ department?: string | undefined; counts: ScopeCounts }[]>;
  /**
   * The school and the stage and staff figures of its governors' report for the year (items
   * grouped, in two statements whatever the school's size), which the summary's counts must agree
   * with (`publishSchool`).
   */
  yearFigures(schoolId: string, academicYear: number): Promise<{ school: Pick<School, 'name' | 'policy' | 'region' | 'termDates'>; stages: StageFigures } | undefined>;
  /**
   * One page of the overdue items in scope of the people `who` names — oldest due first, then by
   * name, then in cycle order — and the totals over all of them, in one statement whatever their
   * number.
   */
  overduePage(scope: LeaderScope, academicYear: number, today: IsoDate, who: OverdueAudience, page: { offset: number; limit: number }): Promise<OverduePage>;
}

/** Whose items a list may show, as the access rule decided it for a school (AccessGuard.checkSchool). */
export interface OverdueAudience {
  /** People decided one by one and allowed. */
  allowed: readonly string[];
  /** Everyone decided one by one, allowed or not. */
  decided: readonly string[];
  /** Whether everyone else of the school may be shown. */
  everyoneElse: boolean;
}

export interface OverduePage {
  items: OverdueItem[];
  /** Every overdue item of the people asked about, and how many people they belong to. */
  totalItems: number;
  totalPeople: number;
}
