import { compareKinds } from '../obligations/obligation-kinds.ts';
import type { ScopeCounts, StageCount } from './report-ports.ts';
import { type LinkedCell, type LinkedRelation, suppressLinked } from './linked-suppression.ts';
import { groupIsReportable, type ShownCount } from './suppression.ts';

/**
 * Counts that several outputs publish about the same people: one row per group of a partition of
 * the school (each department, and the staff with none), a total row for the whole school, and one
 * column per measure. The school's `summary` shows the total row; `summary Maths` shows the Maths
 * row; so anyone who can ask for both can subtract one from the other. Each column adds up to the
 * total row, and where `rowTotalsKnown` each row adds up to its staff count, which is shown.
 */
export interface CountTable {
  /** The partition's groups. `published: false` for a group no output shows (the staff with no department). */
  groups: { staff: number; cells: readonly number[]; published: boolean }[];
  total: { staff: number; cells: readonly number[] };
  /** Whether each row's cells add up to its staff count (covered + excluded + without a cycle = staff). */
  rowTotalsKnown: boolean;
}

/** How each cell of a `CountTable` may be shown: the same decision for every output that shows it. */
export interface PublishedTable {
  total: ShownCount[];
  groups: ShownCount[][];
}

/** Which shown cell goes first when one more must be hidden: a department's, then the governors' report's, then the school's. */
const RANK = { group: 0, outcome: 1, total: 2 } as const;

const cellId = (table: string, row: number | 'total', column: number) => `${table}:${row}:${column}`;

/** A table's cells and the sums a reader knows between them. */
function tableCells(name: string, table: CountTable, cells: Map<string, LinkedCell>, relations: LinkedRelation[]): void {
  const columns = table.total.cells.length;
  for (const [column, value] of table.total.cells.entries()) cells.set(cellId(name, 'total', column), { value, rank: RANK.total });
  for (const [row, group] of table.groups.entries()) {
    const whole = !group.published || !groupIsReportable(group.staff);
    for (const [column, value] of group.cells.entries()) cells.set(cellId(name, row, column), { value, rank: RANK.group, hidden: whole });
  }
  for (let column = 0; column < columns; column++) relations.push({ parts: table.groups.map((_, row) => cellId(name, row, column)), total: [cellId(name, 'total', column)] });
  if (table.rowTotalsKnown) {
    for (const [row, group] of [['total', table.total] as const, ...table.groups.map((g, i) => [i, g] as const)]) {
      relations.push({ parts: Array.from({ length: columns }, (_, column) => cellId(name, row, column)), known: group.staff });
    }
  }
}

function publishedOf(name: string, table: CountTable, shown: ReadonlyMap<string, ShownCount>): PublishedTable {
  const at = (row: number | 'total', column: number): ShownCount => shown.get(cellId(name, row, column)) ?? { hidden: 'small' };
  return { total: table.total.cells.map((_, column) => at('total', column)), groups: table.groups.map((group, row) => group.cells.map((_, column) => at(row, column))) };
}

/** The measures of a summary's stage table, in column order. */
export const STAGE_MEASURES = ['done', 'open', 'overdue', 'notApplicable'] as const;

/** A school's summary tables: staff (covered, excluded, without a cycle) and, per kind of item, `STAGE_MEASURES`. */
export interface SummaryTables {
  staff: CountTable;
  stages: ReadonlyMap<string, CountTable>;
}

/** The stage outcomes of the governors' report (002 §36–38): on time, late, not done, by kind and by term, and its staff figures. */
export interface OutcomeTables {
  byKind: { kind: string; cells: readonly [number, number, number] }[];
  byTerm: { term: string; cells: readonly [number, number, number] }[];
  staff: { inCycle: number; excluded: number };
  /** Whether the stages are broken down at all (enough staff in the cycle). */
  reportable: boolean;
  /**
   * How the report's figures meet the summary's when both are of the same day: the summary counts
   * staff on the roster and every item done; the report counts leavers too and only required
   * items. These are the differences, which no output shows.
   */
  link?: { leavers: { inCycle: number; excluded: number }; kinds: ReadonlyMap<string, { leaverDone: number; optionalDone: number; leaverNotDone: number }> } | undefined;
}

export interface PublishedOutcomes {
  byKind: ShownCount[][];
  byTerm: ShownCount[][];
  staff: { inCycle: ShownCount; excluded: ShownCount };
}

/**
 * The one suppression decision for everything published about a school's year: the summary's
 * tables (every output a leader can ask for) and the governors' report's stage and staff figures.
 * Where both are of the same day they count the same items, so the report's on time + late is the
 * summary's done, its not done the summary's overdue, its staff in the cycle the summary's: those
 * sums join the two into one set of relations, and a cell either output hides can't be worked out
 * from the other. Each output calls this with both tables and shows its own part.
 */
export function publishSchool(summary: SummaryTables | undefined, outcomes: OutcomeTables | undefined): { summary?: { staff: PublishedTable; stages: Map<string, PublishedTable> }; outcomes?: PublishedOutcomes } {
  const cells = new Map<string, LinkedCell>();
  const relations: LinkedRelation[] = [];
  if (summary !== undefined) {
    tableCells('staff', summary.staff, cells, relations);
    for (const [kind, table] of summary.stages) tableCells(`stage.${kind}`, table, cells, relations);
  }
  // A figure the report shares with the summary, where nothing (no leaver, no optional item) sets
  // them apart, is one cell: both outputs show it from the same decision.
  const same = new Map<string, string>();
  const link = summary === undefined ? undefined : outcomes?.link;
  const [done, overdue] = [STAGE_MEASURES.indexOf('done'), STAGE_MEASURES.indexOf('overdue')];
  if (summary !== undefined && outcomes !== undefined && link !== undefined) {
    if (link.leavers.inCycle === 0) same.set('outcome.inCycle', cellId('staff', 'total', 0));
    if (link.leavers.excluded === 0) same.set('outcome.excluded', cellId('staff', 'total', 1));
    for (const [row, { kind }] of outcomes.byKind.entries()) {
      if (summary.stages.has(kind) && (link.kinds.get(kind)?.leaverNotDone ?? 0) === 0) same.set(cellId('kind', row, 2), cellId(`stage.${kind}`, 'total', overdue));
    }
  }
  const the = (id: string) => same.get(id) ?? id;
  if (outcomes !== undefined) {
    const hidden = !outcomes.reportable;
    const outcomeCell = (id: string, value: number) => {
      if (!same.has(id)) cells.set(id, { value, rank: RANK.outcome, hidden });
    };
    for (const [name, rows] of [['kind', outcomes.byKind], ['term', outcomes.byTerm]] as const) {
      for (const [row, { cells: values }] of rows.entries()) for (const [column, value] of values.entries()) outcomeCell(cellId(name, row, column), value);
      // Both tables break down the same stages, so either reveals the other's column totals: each column's total counts as known.
      for (let column = 0; column < 3; column++) relations.push({ parts: rows.map((_, row) => the(cellId(name, row, column))) });
    }
    if (!same.has('outcome.inCycle')) cells.set('outcome.inCycle', { value: outcomes.staff.inCycle, rank: RANK.outcome });
    if (!same.has('outcome.excluded')) cells.set('outcome.excluded', { value: outcomes.staff.excluded, rank: RANK.outcome });
    // Leaders' `summary` shows the school's staff total, which these two make up.
    relations.push({ parts: [the('outcome.inCycle'), the('outcome.excluded')] });
    if (summary !== undefined && link !== undefined) {
      const unpublished = (id: string, value: number) => {
        cells.set(id, { value, rank: RANK.outcome, unpublished: true });
        return id;
      };
      relations.push({ parts: [the('outcome.inCycle')], total: [cellId('staff', 'total', 0), unpublished('leavers.inCycle', link.leavers.inCycle)] });
      relations.push({ parts: [the('outcome.excluded')], total: [cellId('staff', 'total', 1), unpublished('leavers.excluded', link.leavers.excluded)] });
      for (const [row, { kind }] of outcomes.byKind.entries()) {
        const other = link.kinds.get(kind) ?? { leaverDone: 0, optionalDone: 0, leaverNotDone: 0 };
        const inSummary = summary.stages.has(kind);
        const summaryCell = (column: number) => (inSummary ? [cellId(`stage.${kind}`, 'total', column)] : []);
        relations.push({ parts: [cellId('kind', row, 0), cellId('kind', row, 1), unpublished(`optional.${kind}`, other.optionalDone)], total: [...summaryCell(done), unpublished(`leavers.done.${kind}`, other.leaverDone)] });
        relations.push({ parts: [the(cellId('kind', row, 2))], total: [...summaryCell(overdue), unpublished(`leavers.notDone.${kind}`, other.leaverNotDone)] });
      }
    }
  }
  const shown = suppressLinked(cells, relations);
  const at = (id: string): ShownCount => shown.get(the(id)) ?? { hidden: 'small' };
  return {
    ...(summary === undefined
      ? {}
      : { summary: { staff: publishedOf('staff', summary.staff, shown), stages: new Map([...summary.stages].map(([kind, table]) => [kind, publishedOf(`stage.${kind}`, table, shown)])) } }),
    ...(outcomes === undefined
      ? {}
      : {
          outcomes: {
            byKind: outcomes.byKind.map((_, row) => [0, 1, 2].map((column) => at(cellId('kind', row, column)))),
            byTerm: outcomes.byTerm.map((_, row) => [0, 1, 2].map((column) => at(cellId('term', row, column)))),
            staff: { inCycle: at('outcome.inCycle'), excluded: at('outcome.excluded') },
          },
        }),
  };
}

/** A school's counts as `countsByDepartment` returns them: each department, and the staff with none (`department` undefined). */
export type DepartmentCounts = readonly { department?: string | undefined; counts: ScopeCounts }[];

/**
 * The school's counts for every group a leader can ask about (each department, and the staff with
 * none, whom no output shows) and for the whole school, as the summary's tables.
 */
export function summaryTablesOf(groups: DepartmentCounts): { school: ScopeCounts; departments: { name: string; counts: ScopeCounts }[]; kinds: string[]; tables: SummaryTables } {
  const departments = groups.flatMap((g) => (g.department === undefined ? [] : [{ name: g.department, counts: g.counts }]));
  // The staff with no department: a group no output shows, but part of the school's figures.
  const rest = groups.find((g) => g.department === undefined)?.counts ?? { staff: 0, excluded: 0, withoutCycle: 0, stages: [] };
  const all = [...departments.map((d) => d.counts), rest];
  const kinds = [...new Set(all.flatMap((c) => c.stages.map((s) => s.kind)))].sort(compareKinds);
  const stageOf = (counts: ScopeCounts, kind: string): Omit<StageCount, 'kind'> => counts.stages.find((s) => s.kind === kind) ?? { done: 0, open: 0, overdue: 0, notApplicable: 0 };
  const sum = (pick: (c: ScopeCounts) => number) => all.reduce((n, c) => n + pick(c), 0);
  const school: ScopeCounts = {
    staff: sum((c) => c.staff),
    excluded: sum((c) => c.excluded),
    withoutCycle: sum((c) => c.withoutCycle),
    stages: kinds.map((kind) => ({ kind, ...Object.fromEntries(STAGE_MEASURES.map((m) => [m, sum((c) => stageOf(c, kind)[m])])) }) as StageCount),
  };
  const staffCells = (c: ScopeCounts) => [c.staff - c.excluded - c.withoutCycle, c.excluded, c.withoutCycle];
  const table = (cells: (c: ScopeCounts) => number[], rowTotalsKnown: boolean): CountTable => ({
    total: { staff: school.staff, cells: cells(school) },
    groups: [...departments.map((d) => ({ staff: d.counts.staff, cells: cells(d.counts), published: true })), { staff: rest.staff, cells: cells(rest), published: false }],
    rowTotalsKnown,
  });
  return {
    school,
    departments,
    kinds,
    tables: { staff: table(staffCells, true), stages: new Map(kinds.map((kind) => [kind, table((c) => STAGE_MEASURES.map((m) => stageOf(c, kind)[m]), false)])) },
  };
}
