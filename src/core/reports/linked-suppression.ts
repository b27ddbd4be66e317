import { SMALL_NUMBER_THRESHOLD, type ShownCount } from './suppression.ts';

/**
 * One count some output may publish. `rank` orders which shown cell is hidden first when a second
 * one must go (lower first). A cell no output shows is `unpublished`: hidden from the start, unless
 * it is 0, which a reader is taken to know (no leavers, no optional items), so it protects nothing.
 */
export interface LinkedCell {
  value: number;
  rank: number;
  unpublished?: boolean | undefined;
  /** Hidden whole from the start (a group too small to break down). */
  hidden?: boolean | undefined;
}

/**
 * A sum a reader knows: the `parts` add up to the `total` cells (another output's figures, or
 * unpublished ones), or to `known` (a staff count). With neither, the parts' sum is taken as
 * known, the careful assumption for a table whose total some other output may reveal.
 */
export interface LinkedRelation {
  parts: readonly string[];
  total?: readonly string[] | undefined;
  known?: number | undefined;
}

/**
 * Small-number suppression over every count several outputs publish about the same people, so
 * that combining them reveals nothing (issue 13). Counts from 1 to 4 are hidden; then, until
 * nothing changes, every relation that would let a reader work out a hidden cell — the hidden cells
 * all on one side of it, and either one non-zero cell or adding up to 1–4 — has one more cell
 * hidden: the cheapest shown one on the same side (by rank, non-zero before zero, smallest first),
 * or on the other side when that side has none. Hidden cells on both sides leave only a difference
 * known, which pins nothing down on its own.
 */
export function suppressLinked(cells: ReadonlyMap<string, LinkedCell>, relations: readonly LinkedRelation[]): Map<string, ShownCount> {
  const shown = new Map<string, ShownCount>();
  const locked = new Set<string>();
  for (const [id, cell] of cells) {
    if (cell.unpublished === true && cell.value === 0) {
      shown.set(id, { shown: 0 });
      locked.add(id);
    } else if (cell.unpublished === true || cell.hidden === true || (cell.value > 0 && cell.value < SMALL_NUMBER_THRESHOLD)) shown.set(id, { hidden: 'small' });
    else shown.set(id, { shown: cell.value });
  }
  const value = (id: string) => cells.get(id)?.value ?? 0;
  const isHidden = (id: string) => {
    const state = shown.get(id);
    return state !== undefined && 'hidden' in state;
  };
  const hideable = (ids: readonly string[]) => ids.filter((id) => !isHidden(id) && !locked.has(id) && cells.get(id)?.unpublished !== true);

  for (let changed = true; changed; ) {
    changed = false;
    for (const relation of relations) {
      const total = relation.total ?? [];
      const hiddenParts = relation.parts.filter(isHidden);
      const hiddenTotal = total.filter(isHidden);
      if (hiddenParts.length > 0 && hiddenTotal.length > 0) continue;
      const hidden = hiddenParts.length > 0 ? hiddenParts : hiddenTotal;
      if (hidden.length === 0) continue;
      const hiddenSum = hidden.reduce((sum, id) => sum + value(id), 0);
      // Hidden cells that are all zero tell a reader only what a shown 0 would.
      if (!(hiddenSum > 0 && (hidden.length === 1 || hiddenSum < SMALL_NUMBER_THRESHOLD))) continue;
      const [same, other] = hiddenParts.length > 0 ? [relation.parts, total] : [total, relation.parts];
      const next = cheapest(hideable(same), cells) ?? cheapest(hideable(other), cells);
      if (next === undefined) continue;
      shown.set(next, { hidden: 'complement' });
      changed = true;
    }
  }
  return shown;
}

function cheapest(candidates: readonly string[], cells: ReadonlyMap<string, LinkedCell>): string | undefined {
  const rank = (id: string) => {
    const cell = cells.get(id);
    return [cell?.rank ?? 0, cell?.value === 0 ? 1 : 0, cell?.value ?? 0] as const;
  };
  let best: string | undefined;
  for (const id of candidates) {
    if (best === undefined) {
      best = id;
      continue;
    }
    const [a, b] = [rank(id), rank(best)];
    if (a[0] < b[0] || (a[0] === b[0] && (a[1] < b[1] || (a[1] === b[1] && a[2] < b[2])))) best = id;
  }
  return best;
}
