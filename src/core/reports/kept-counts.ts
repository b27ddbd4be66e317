/** What one school's recount found wrong and put right in the counts the database keeps. */
export interface KeptCountsCorrection {
  /** Groups of `report_tallies` (the summary's counts) whose sum was not the fresh count. */
  tallyGroupsOff: number;
  /** Rows of `cycle_first_dues` (overdue's first items) missing, stale or left over. */
  firstDuesOff: number;
}

/** Recounts the kept counts of one school from the tables, safely while other writes go on. */
export interface KeptCountsStore {
  /** Every school, whether or not its policy still validates: its counts are kept all the same. */
  schools(): Promise<{ id: string; slug: string; name: string }[]>;
  recount(schoolId: string): Promise<KeptCountsCorrection>;
}

export interface KeptCountsRecount extends KeptCountsCorrection {
  slug: string;
  schoolName: string;
}

/**
 * The nightly repair of the counts `summary` and `overdue` read (issue 16): each school in turn, so
 * writers wait for one school's recount at a time, never for the whole database's. A correction
 * other than zero means two writes raced on the same person since the last recount.
 */
export async function recountKeptCounts(store: KeptCountsStore, only?: { slug: string }): Promise<KeptCountsRecount[]> {
  const results: KeptCountsRecount[] = [];
  for (const school of await store.schools()) {
    if (only !== undefined && school.slug !== only.slug) continue;
    results.push({ slug: school.slug, schoolName: school.name, ...(await store.recount(school.id)) });
  }
  return results;
}

/** Whether a recount had anything to put right. */
export function correctedAnything(result: KeptCountsCorrection): boolean {
  return result.tallyGroupsOff > 0 || result.firstDuesOff > 0;
}

/** One line about a school's recount, for `trellis recount` and the nightly job's log. */
export function describeRecount(result: KeptCountsRecount): string {
  if (!correctedAnything(result)) return `${result.schoolName}: the kept counts agreed with a fresh count; nothing to correct.`;
  return `${result.schoolName}: corrected ${plural(result.tallyGroupsOff, 'summary count group')} and ${plural(result.firstDuesOff, 'overdue first-item row')}.`;
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
