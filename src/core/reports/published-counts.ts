import { groupIsReportable, SMALL_NUMBER_THRESHOLD, type ShownCount } from './suppression.ts';

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

type Cell = { row: number; column: number };
/** A relation a reader knows between cells: `total` (when defined) minus the sum of `cells` is `known`. */
type Relation = { cells: Cell[]; total?: Cell | undefined; known?: number | undefined };

const TOTAL_ROW = -1;

/**
 * Small-number suppression across outputs (issue 13: school total minus a department must not
 * reveal a group under 5). Counts from 1 to 4 are hidden; a group too small to report, or one no
 * output shows, is hidden whole; then, until nothing changes, every relation a reader knows (each
 * column adds up to the school's figure, each row to its staff count) that would let them work out
 * a hidden cell — one hidden non-zero cell in it, or hidden cells adding up to 1–4 beside a shown
 * total — has one more cell hidden: the smallest shown one, a department's before the school's.
 */
export function suppressTable(table: CountTable): PublishedTable {
  const columns = table.total.cells.length;
  const value = (cell: Cell) => (cell.row === TOTAL_ROW ? table.total.cells[cell.column] : table.groups[cell.row]?.cells[cell.column]) ?? 0;
  const shown: PublishedTable = {
    total: table.total.cells.map(smallHidden),
    groups: table.groups.map((group) => (group.published && groupIsReportable(group.staff) ? group.cells.map(smallHidden) : group.cells.map((): ShownCount => ({ hidden: 'small' })))),
  };
  const stateOf = (cell: Cell) => (cell.row === TOTAL_ROW ? shown.total[cell.column] : shown.groups[cell.row]?.[cell.column]);
  const isHidden = (cell: Cell) => {
    const state = stateOf(cell);
    return state !== undefined && 'hidden' in state;
  };
  const hide = (cell: Cell) => {
    const hidden: ShownCount = { hidden: 'complement' };
    if (cell.row === TOTAL_ROW) shown.total[cell.column] = hidden;
    else if (shown.groups[cell.row] !== undefined) shown.groups[cell.row]![cell.column] = hidden;
  };

  const relations: Relation[] = [];
  const groupRows = table.groups.map((_, row) => row);
  for (let column = 0; column < columns; column++) relations.push({ cells: groupRows.map((row) => ({ row, column })), total: { row: TOTAL_ROW, column } });
  if (table.rowTotalsKnown) {
    for (const [row, group] of [[TOTAL_ROW, table.total] as const, ...table.groups.map((g, i) => [i, g] as const)]) {
      relations.push({ cells: Array.from({ length: columns }, (_, column) => ({ row, column })), known: group.staff });
    }
  }

  for (let changed = true; changed; ) {
    changed = false;
    for (const relation of relations) {
      const knownTotal = relation.known !== undefined || (relation.total !== undefined && !isHidden(relation.total));
      const members = relation.total !== undefined && !knownTotal ? [...relation.cells, relation.total] : relation.cells;
      const hidden = members.filter(isHidden);
      if (hidden.length === 0) continue;
      const hiddenSum = hidden.reduce((sum, cell) => sum + value(cell), 0);
      // Hidden cells that are all zero tell a reader only what a shown 0 would.
      const derivable = hiddenSum > 0 && (hidden.length === 1 || (knownTotal && hiddenSum < SMALL_NUMBER_THRESHOLD));
      if (!derivable) continue;
      const next = cheapestToHide(members.filter((cell) => !isHidden(cell)), value);
      if (next === undefined) continue;
      hide(next);
      changed = true;
    }
  }
  return shown;
}

function smallHidden(n: number): ShownCount {
  return n > 0 && n < SMALL_NUMBER_THRESHOLD ? { hidden: 'small' } : { shown: n };
}

/** The shown cell whose hiding costs readers least: a department's before the school's, non-zero before zero, smallest first. */
function cheapestToHide(candidates: readonly Cell[], value: (cell: Cell) => number): Cell | undefined {
  const rank = (cell: Cell) => [cell.row === TOTAL_ROW ? 1 : 0, value(cell) === 0 ? 1 : 0, value(cell)] as const;
  let best: Cell | undefined;
  for (const cell of candidates) {
    if (best === undefined) {
      best = cell;
      continue;
    }
    const [a, b] = [rank(cell), rank(best)];
    if (a[0] < b[0] || (a[0] === b[0] && (a[1] < b[1] || (a[1] === b[1] && a[2] < b[2])))) best = cell;
  }
  return best;
}
