import type { IsoDate } from '../calendar/iso-date.ts';
import type { School } from '../schools/school.ts';
import type { ScopeCounts } from './report-ports.ts';

/** One obligation of the year as the governors' report counts it: what kind, when due, when done. */
export interface GovernorsObligation {
  kind: string;
  optional: boolean;
  dueOn: IsoDate;
  /** open | done | not-applicable | snoozed */
  status: string;
  /** The London date it was done, when it was. */
  doneOn?: IsoDate | undefined;
  /** Whether its person has left (is no longer on the roster): leaders' `summary` counts only staff on the roster. */
  leaver?: boolean | undefined;
  /** How many items alike this row stands for (a grouped read); 1 when absent. */
  count?: number | undefined;
}

/** What the report's stage and staff figures are counted from: the year's items (possibly grouped) and its staff counts. */
export interface StageFigures {
  inCycle: number;
  /** Of `inCycle`, how many have left. */
  inCycleLeavers: number;
  excluded: number;
  excludedLeavers: number;
  obligations: GovernorsObligation[];
}

/** A person in the year's cycle, by an opaque id; nothing that names them. */
export interface GovernorsPerson {
  id: string;
  flags: readonly string[];
  /** The roster's full-time equivalent, when it gives one: the observation cap is pro-rated by it where the policy says so (002 Annex 1 §3). */
  fte?: number | undefined;
  /** Texts of their plan and review where development needs are recorded: read for themes only, never shown. */
  developmentTexts: readonly string[];
  /** Minutes of performance-management observation that count towards the cap (002 §47–51). */
  observedMinutes: number;
  /** Whether they have left (are no longer on the roster). */
  leaver?: boolean | undefined;
}

/** The raw figures of one school's year; the core turns them into the report and suppresses small numbers. */
export interface GovernorsFigures {
  /** Staff whose cycle this year is active or closed (covered by the policy). */
  inCycle: GovernorsPerson[];
  /** Staff whose cycle this year is excluded from the policy. */
  excluded: number;
  /** Of `excluded`, how many have left. */
  excludedLeavers?: number | undefined;
  obligations: GovernorsObligation[];
  /** Appeals of the year: status and the outcome as recorded (free text, read for a category only). */
  appeals: { status: string; outcome?: string | undefined }[];
}

/** A planning statement for moderation (002 §8): the plan's objectives, with who wrote it kept out of sight. */
export interface PlanStatement {
  personId: string;
  role: string;
  flags: readonly string[];
  status: string;
  objectives: { kind: string; title: string; detail?: string | undefined; successCriteria?: string | undefined }[];
}

/** What the governors' report and moderation read from storage. */
export interface GovernorsReportReads {
  figures(schoolId: string, academicYear: number): Promise<GovernorsFigures>;
  /** Leaders' summary counts of the year as of a day (`ReportReads.countsByDepartment`), which a report of the same day must agree with. */
  countsByDepartment(schoolId: string, academicYear: number, today: IsoDate): Promise<{ department?: string | undefined; counts: ScopeCounts }[]>;
  /** Plans of the school's year that have been written down (submitted or agreed). */
  planStatements(schoolId: string, academicYear: number): Promise<PlanStatement[]>;
}

/** Where a school's report is found: the school by slug, a school's slug, the slugs of its trust's schools. */
export interface GovernorsSchools {
  findSchool(slug: string): Promise<School | undefined>;
  /** The slugs of the schools of the school's trust (the school alone when it has none), by name. */
  trustSchoolSlugs(schoolId: string): Promise<string[]>;
  slugOf(schoolId: string): Promise<string | undefined>;
}
