import type { IsoDate } from '../calendar/iso-date.ts';
import { academicYearLabel } from '../calendar/term-dates.ts';
import { compareKinds, kindInfo, lapses } from '../obligations/obligation-kinds.ts';
import { observationCapFor } from '../people/part-time.ts';
import { knownFlags } from '../people/person.ts';
import { calendarOf, type School } from '../schools/school.ts';
import { academicYearOf } from '../time/clock.ts';
import { CPD_THEMES, OTHER_THEME, themesOf } from './cpd-themes.ts';
import type { GovernorsFigures, GovernorsObligation, GovernorsPerson, StageFigures } from './governors-ports.ts';
import { type OutcomeTables, publishSchool, type SummaryTables } from './published-counts.ts';
import { countText, groupIsReportable, type ShownCount, SMALL_NUMBER_THRESHOLD, SUPPRESSION_NOTE, suppressAgainstTotal, suppressCounts } from './suppression.ts';

/** How the stages of one kind (or one term) went: done by the due date, done after it, not done. */
export interface StageRow {
  name: string;
  onTime: ShownCount;
  late: ShownCount;
  notDone: ShownCount;
}

export interface CountRow {
  name: string;
  count: ShownCount;
}

/**
 * The annual report to the governing body on the operation of the performance management policy
 * (002 §36–39): how the policy operated, the training and development needs identified (002 §19),
 * appeals and representations on grounds of discrimination, and observation against the cap. It
 * holds no name, e-mail or free text, and every count has been suppressed (the stages and staff by
 * `publishSchool`, with leaders' summary when of the same day; the rest by `suppressCounts`): "The
 * report will not contain any information which would enable any individual to be identified"
 * (002 §37).
 */
export interface GovernorsReport {
  schoolName: string;
  academicYear: number;
  yearLabel: string;
  /** The date the figures are as of: stages due after it are not counted unless already done. */
  asOf: IsoDate;
  staff: { inCycle: ShownCount; excluded: ShownCount };
  byKind: StageRow[];
  byTerm: StageRow[];
  themes: CountRow[];
  appeals: CountRow[];
  discrimination: string;
  observations: { cap: string; rows: CountRow[] };
  /** Whether the school's policy asks for this report, with its paragraph. */
  requiredBy: string;
  notes: string[];
}

export const DISCRIMINATION_NOT_RECORDED =
  'Trellis does not record representations on grounds of alleged discrimination, individual or collective (002 §39). The head teacher should report them from the school’s own records; none can be counted here.';

export const STAGES_NOTE =
  'A stage is one item a policy sets with a due date (a plan agreed, a check-in, a review). “On time” means done on or before its due date; “late” after it; “not done” still open (or put off) once its due date had passed. Items marked not applicable, optional items and appeal windows are not counted. Terms are the school’s own term dates; a stage due in a holiday counts in the term before it.';

export const THEMES_NOTE =
  'Themes are found in the plans and reviews by a fixed list of keywords and by the Teachers’ Standard a target names; a person counts once under each theme their plan or review mentions. Nothing anyone wrote is quoted.';

const TERM_ORDER = ['autumn', 'spring', 'summer'] as const;

type ReportSchool = Pick<School, 'name' | 'policy' | 'region' | 'termDates'>;

/**
 * The report's stage and staff figures before suppression: each required item that fell due by
 * `asOf` (or was done) as on time, late or not done, by kind and by term. With `linked` (the report
 * is of the same day as leaders' summary), also how they differ from the summary's (leavers,
 * optional items), so `publishSchool` can decide both outputs' cells at once.
 */
export function outcomeTablesOf(school: ReportSchool, academicYear: number, figures: StageFigures, asOf: IsoDate, linked: boolean): OutcomeTables {
  const counted = figures.obligations.filter((o) => !o.optional && o.status !== 'not-applicable' && !lapses(o.kind));
  const outcome = (o: GovernorsObligation): 'onTime' | 'late' | 'notDone' | undefined => {
    if (o.status === 'done') return o.doneOn === undefined || o.doneOn <= o.dueOn ? 'onTime' : 'late';
    return o.dueOn < asOf ? 'notDone' : undefined;
  };
  const calendar = calendarOf(school);
  // A cycle's last stages (the review) can fall in the next year's autumn: such a term is named with its year.
  const termOf = (dueOn: IsoDate): string => {
    const year = academicYearOf(dueOn);
    const name = calendar.termOn(dueOn)?.name ?? termBefore(calendar.termsOfAcademicYear(year), dueOn);
    return year === academicYear ? name : `${name} ${academicYearLabel(year)}`;
  };
  const tally = (groupOf: (o: GovernorsObligation) => string, order: readonly string[]) => {
    const groups = new Map<string, [number, number, number]>(order.map((name) => [name, [0, 0, 0]]));
    for (const o of counted) {
      const result = outcome(o);
      if (result === undefined) continue;
      const name = groupOf(o);
      const [onTime, late, notDone] = groups.get(name) ?? [0, 0, 0];
      const n = o.count ?? 1;
      groups.set(name, [onTime + (result === 'onTime' ? n : 0), late + (result === 'late' ? n : 0), notDone + (result === 'notDone' ? n : 0)]);
    }
    return [...groups.entries()].filter(([, r]) => r[0] + r[1] + r[2] > 0);
  };
  const kinds = [...new Set(counted.map((o) => o.kind))].sort(compareKinds);
  const kindsOut = new Map<string, { leaverDone: number; optionalDone: number; leaverNotDone: number }>();
  for (const o of figures.obligations) {
    if (lapses(o.kind)) continue;
    const row = kindsOut.get(o.kind) ?? { leaverDone: 0, optionalDone: 0, leaverNotDone: 0 };
    const n = o.count ?? 1;
    if (o.status === 'done' && o.leaver === true) row.leaverDone += n;
    if (o.status === 'done' && o.optional) row.optionalDone += n;
    if (o.leaver === true && !o.optional && o.status !== 'done' && o.status !== 'not-applicable' && o.dueOn < asOf) row.leaverNotDone += n;
    kindsOut.set(o.kind, row);
  }
  return {
    byKind: tally((o) => o.kind, kinds).map(([kind, cells]) => ({ kind, cells })),
    byTerm: tally((o) => termOf(o.dueOn), TERM_ORDER).map(([term, cells]) => ({ term, cells })),
    staff: { inCycle: figures.inCycle, excluded: figures.excluded },
    // A school with fewer than five staff in the cycle is not broken down at all, since every figure could identify someone.
    reportable: groupIsReportable(figures.inCycle),
    link: linked ? { leavers: { inCycle: figures.inCycleLeavers, excluded: figures.excludedLeavers }, kinds: kindsOut } : undefined,
  };
}

/**
 * Builds the report for a school's academic year from the raw figures, as of a date. `summary`,
 * leaders' summary tables of the same day, is given when the report is of the current year: the
 * two are then suppressed as one (`publishSchool`), so every figure they share agrees and neither
 * gives away what the other hides.
 */
export function buildGovernorsReport(school: ReportSchool, academicYear: number, figures: GovernorsFigures, asOf: IsoDate, summary?: SummaryTables): GovernorsReport {
  const tables = outcomeTablesOf(school, academicYear, stageFiguresOf(figures), asOf, summary !== undefined);
  const published = publishSchool(summary, tables).outcomes;
  const rowsOf = (rows: readonly { cells: readonly number[] }[], shown: ShownCount[][] | undefined, name: (i: number) => string): StageRow[] =>
    rows.map((_, i) => {
      const [onTime = HIDDEN, late = HIDDEN, notDone = HIDDEN] = shown?.[i] ?? [];
      return { name: name(i), onTime, late, notDone };
    });
  const byKind = rowsOf(tables.byKind, published?.byKind, (i) => kindInfo(tables.byKind[i]?.kind ?? '').label);
  const byTerm = rowsOf(tables.byTerm, published?.byTerm, (i) => termName(tables.byTerm[i]?.term ?? ''));

  const themeCounts = new Map<string, number>([...CPD_THEMES.map((t): [string, number] => [t.name, 0]), [OTHER_THEME, 0]]);
  for (const person of figures.inCycle) {
    if (person.developmentTexts.length === 0) continue;
    for (const theme of themesOf(person.developmentTexts)) themeCounts.set(theme, (themeCounts.get(theme) ?? 0) + 1);
  }
  // People count under several themes, so there is no total to subtract from.
  const themes = shownRows([...themeCounts.entries()].filter(([, n]) => n > 0), false);

  const appealCounts = new Map<string, number>();
  for (const appeal of figures.appeals) appealCounts.set(appealOutcome(appeal), (appealCounts.get(appealOutcome(appeal)) ?? 0) + 1);
  const appeals = shownRows([['Appeals lodged', figures.appeals.length]], false).concat(shownRows(APPEAL_OUTCOMES.map((name): [string, number] => [name, appealCounts.get(name) ?? 0]).filter(([, n]) => n > 0), true));

  const { capMinutesPerCycle: cap, capExemptFlags } = school.policy.observation;
  const exempt = (flags: readonly string[]) => flags.some((f) => (capExemptFlags as readonly string[]).includes(f));
  // 002 Annex 1 §3: each person is measured against their own cap, pro-rated for part-time working where the policy says so.
  const over = (p: GovernorsPerson) => p.observedMinutes > (observationCapFor(school.policy, { flags: knownFlags(p.flags), fte: p.fte }) ?? Number.POSITIVE_INFINITY);
  const observed = figures.inCycle.filter((p) => p.observedMinutes > 0);
  const observationRows: [string, number][] =
    cap === undefined
      ? [['Staff observed for performance management', observed.length]]
      : [
          ['Within the cap', figures.inCycle.filter((p) => !exempt(p.flags) && !over(p)).length],
          ['Over the cap', figures.inCycle.filter((p) => !exempt(p.flags) && over(p)).length],
          ['Not subject to the cap (e.g. support plans)', figures.inCycle.filter((p) => exempt(p.flags)).length],
        ];
  const partTime = school.policy.partTime;
  const proRata = partTime?.observationCapProRata === true ? `, pro-rated for part-time staff by their FTE (${partTime.rule})` : '';
  const observations = {
    cap: cap === undefined ? 'The policy sets no cap on observation.' : `The policy caps performance-management observation at ${hours(cap)} a cycle${proRata} (${school.policy.observation.rule}).`,
    rows: shownRows(observationRows, true),
  };

  const tooFew = !tables.reportable;
  return {
    schoolName: school.name,
    academicYear,
    yearLabel: academicYearLabel(academicYear),
    asOf,
    staff: published?.staff ?? { inCycle: HIDDEN, excluded: HIDDEN },
    byKind: tooFew ? [] : byKind,
    byTerm: tooFew ? [] : byTerm,
    themes: tooFew ? [] : themes,
    appeals: tooFew ? [] : appeals,
    discrimination: DISCRIMINATION_NOT_RECORDED,
    observations: tooFew ? { cap: `Fewer than ${SMALL_NUMBER_THRESHOLD} staff are in the cycle, so no figures are broken down.`, rows: [] } : observations,
    requiredBy: school.policy.governance.annualGovernorsReport
      ? `The school’s policy asks the head teacher for this annual written report to the governing body (${school.policy.governance.rule}).`
      : `The school’s policy does not ask for an annual report to governors (${school.policy.governance.rule}); this report is offered for the governing body or trust board to use as they see fit.`,
    notes: [STAGES_NOTE, THEMES_NOTE, SUPPRESSION_NOTE],
  };
}

const APPEAL_OUTCOMES = ['Upheld', 'Partly upheld', 'Not upheld', 'Decided (outcome not categorised)', 'Withdrawn', 'Not yet decided'] as const;

/** An appeal's outcome as one of a few categories, from its status and the words of the outcome (never quoted). */
export function appealOutcome(appeal: { status: string; outcome?: string | undefined }): (typeof APPEAL_OUTCOMES)[number] {
  if (appeal.status === 'withdrawn') return 'Withdrawn';
  if (appeal.status !== 'decided') return 'Not yet decided';
  const words = (appeal.outcome ?? '').toLowerCase();
  if (/\b(partly|partially|in part)\b/.test(words)) return 'Partly upheld';
  if (/\b(not upheld|dismissed|rejected|refused)\b/.test(words)) return 'Not upheld';
  if (/\bupheld\b/.test(words)) return 'Upheld';
  return 'Decided (outcome not categorised)';
}

const HIDDEN: ShownCount = { hidden: 'small' };

/** The stage and staff figures of a year's full figures. */
export function stageFiguresOf(figures: GovernorsFigures): StageFigures {
  return {
    inCycle: figures.inCycle.length,
    inCycleLeavers: figures.inCycle.filter((p) => p.leaver === true).length,
    excluded: figures.excluded,
    excludedLeavers: figures.excludedLeavers ?? 0,
    obligations: figures.obligations,
  };
}

function shownRows(rows: readonly [string, number][], totalShown: boolean): CountRow[] {
  const cells = rows.map(([, n]) => n);
  const shown = totalShown ? suppressAgainstTotal(cells) : suppressCounts(cells, { totalShown: false });
  return rows.map(([name], i) => ({ name, count: shown[i] ?? { hidden: 'small' } }));
}

/** "autumn" → "Autumn term"; "autumn 2027/28" → "Autumn term 2027/28". */
function termName(term: string): string {
  const [name = '', year] = term.split(' ');
  return `${name[0]?.toUpperCase()}${name.slice(1)} term${year === undefined ? '' : ` ${year}`}`;
}

function termBefore(terms: readonly { name: string; start: IsoDate }[], date: IsoDate): string {
  const earlier = terms.filter((t) => t.start <= date);
  return earlier.at(-1)?.name ?? terms[0]?.name ?? 'autumn';
}

function hours(minutes: number): string {
  return minutes % 60 === 0 ? `${minutes} minutes` : `${minutes} minutes`;
}

/** A count as text, for every output. */
export const shownText = countText;
