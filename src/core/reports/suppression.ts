/**
 * Small-number suppression, applied to every count a report shows (issue 13: a department of one
 * must not reveal that its only member is "not covered", which can mean capability). One rule,
 * one threshold, one explanation, so every report hides the same things the same way.
 */

/** Counts from 1 to 4 are never shown; a group with fewer than 5 people is not shown at all. */
export const SMALL_NUMBER_THRESHOLD = 5;

export const SUPPRESSION_NOTE = `To protect individuals, figures from 1 to ${SMALL_NUMBER_THRESHOLD - 1} are shown as “fewer than ${SMALL_NUMBER_THRESHOLD}”, and a group of fewer than ${SMALL_NUMBER_THRESHOLD} staff is not broken down at all. Where a hidden figure could be worked out from a total, a second figure is hidden too (“not shown”).`;

/** A count as a report may show it. */
export type ShownCount = { shown: number } | { hidden: 'small' } | { hidden: 'complement' };

/** Whether a group of people is big enough to report on at all. */
export function groupIsReportable(people: number): boolean {
  return people === 0 || people >= SMALL_NUMBER_THRESHOLD;
}

/**
 * Hides counts from 1 to threshold − 1. When the cells add up to a total that is shown and only
 * one cell is hidden, the smallest other non-zero cell is hidden too, so the hidden one can't be
 * recovered by subtraction (complementary suppression).
 */
export function suppressCounts(cells: readonly number[], options: { totalShown: boolean }): ShownCount[] {
  const shown: ShownCount[] = cells.map((n) => (n > 0 && n < SMALL_NUMBER_THRESHOLD ? { hidden: 'small' } : { shown: n }));
  const hiddenCount = shown.filter((c) => 'hidden' in c).length;
  if (options.totalShown && hiddenCount === 1) {
    let best: number | undefined;
    for (const [i, n] of cells.entries()) {
      const cell = shown[i];
      if (cell === undefined || 'hidden' in cell || n === 0) continue;
      if (best === undefined || n < (cells[best] ?? 0)) best = i;
    }
    if (best !== undefined) shown[best] = { hidden: 'complement' };
  }
  return shown;
}

export function countText(count: ShownCount): string {
  if ('shown' in count) return String(count.shown);
  return count.hidden === 'small' ? `fewer than ${SMALL_NUMBER_THRESHOLD}` : 'not shown';
}

/**
 * `suppressCounts` with the total shown, made safe against the hidden cells' sum: when the hidden
 * cells add up to fewer than the threshold (two hidden cells summing to 2 are both 1), the smallest
 * shown non-zero cell is hidden too, until the hidden cells together reach the threshold or none is
 * left to hide.
 */
export function suppressAgainstTotal(cells: readonly number[]): ShownCount[] {
  const shown = suppressCounts(cells, { totalShown: true });
  const hiddenSum = () => cells.reduce((sum, n, i) => sum + (shown[i] !== undefined && 'hidden' in (shown[i] as ShownCount) ? n : 0), 0);
  while (shown.some((c) => 'hidden' in c) && hiddenSum() < SMALL_NUMBER_THRESHOLD) {
    let best: number | undefined;
    for (const [i, n] of cells.entries()) {
      const cell = shown[i];
      if (cell === undefined || 'hidden' in cell || n === 0) continue;
      if (best === undefined || n < (cells[best] ?? 0)) best = i;
    }
    if (best === undefined) break;
    shown[best] = { hidden: 'complement' };
  }
  return shown;
}
