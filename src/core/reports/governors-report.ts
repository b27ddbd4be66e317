import type { IsoDate } from '../calendar/iso-date.ts';
import { academicYearLabel } from '../calendar/term-dates.ts';
import { compareKinds, kindInfo, lapses } from '../obligations/obligation-kinds.ts';
import { observationCapFor } from '../people/part-time.ts';
import { knownFlags } from '../people/person.ts';
import { calendarOf, type School } from '../schools/school.ts';
import { academicYearOf } from '../time/clock.ts';
import { CPD_THEMES, OTHER_THEME, themesOf } from './cpd-themes.ts';
import type { GovernorsFigures, GovernorsPerson } from './governors-ports.ts';
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
 * holds no name, e-mail or free text, and every count has been through `suppressCounts`: "The
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

/** Builds the report for a school's academic year from the raw figures, as of a date. */
export function buildGovernorsReport(school: Pick<School, 'name' | 'policy' | 'region' | 'termDates'>, academicYear: number, figures: GovernorsFigures, asOf: IsoDate): GovernorsReport {
  const counted = figures.obligations.filter((o) => !o.optional && o.status !== 'not-applicable' && !lapses(o.kind));
  const outcome = (o: (typeof counted)[number]): 'onTime' | 'late' | 'notDone' | undefined => {
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
  const tally = (groupOf: (o: (typeof counted)[number]) => string, order: readonly string[]) => {
    const groups = new Map<string, { onTime: number; late: number; notDone: number }>(order.map((name) => [name, { onTime: 0, late: 0, notDone: 0 }]));
    for (const o of counted) {
      const result = outcome(o);
      if (result === undefined) continue;
      const name = groupOf(o);
      const row = groups.get(name) ?? { onTime: 0, late: 0, notDone: 0 };
      row[result] += 1;
      groups.set(name, row);
    }
    return [...groups.entries()].filter(([, r]) => r.onTime + r.late + r.notDone > 0);
  };
  const kinds = [...new Set(counted.map((o) => o.kind))].sort(compareKinds);
  const byKind = suppressRows(tally((o) => o.kind, kinds).map(([kind, r]) => ({ name: kindInfo(kind).label, ...r })));
  const byTerm = suppressRows(tally((o) => termOf(o.dueOn), TERM_ORDER).map(([term, r]) => ({ name: termName(term), ...r })));

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

  // Leaders' `summary` shows the school's staff total, which these two make up: one hidden figure hides the other too.
  const [inCycle = { shown: 0 }, excluded = { shown: 0 }] = suppressAgainstTotal([figures.inCycle.length, figures.excluded]);
  // A school with fewer than five staff in the cycle is not broken down at all: any figure could identify someone.
  const tooFew = !groupIsReportable(figures.inCycle.length);
  return {
    schoolName: school.name,
    academicYear,
    yearLabel: academicYearLabel(academicYear),
    asOf,
    staff: { inCycle, excluded },
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

/**
 * Two tables (by kind, by term) break down the same stages, so either reveals the column totals
 * of the other: each column is suppressed as if its total were shown.
 */
function suppressRows(rows: { name: string; onTime: number; late: number; notDone: number }[]): StageRow[] {
  const column = (key: 'onTime' | 'late' | 'notDone') => suppressCounts(rows.map((r) => r[key]), { totalShown: true });
  const [onTime, late, notDone] = [column('onTime'), column('late'), column('notDone')];
  return rows.map((r, i) => ({ name: r.name, onTime: onTime[i] ?? { hidden: 'small' }, late: late[i] ?? { hidden: 'small' }, notDone: notDone[i] ?? { hidden: 'small' } }));
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
