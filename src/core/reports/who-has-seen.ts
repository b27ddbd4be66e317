import { ACCESS_REASONS, purposeInWords, reasonInWords, recordKindInWords } from '../access/access-rule.ts';
import type { SeenRow } from '../access/access-ports.ts';
import type { IsoDate } from '../calendar/iso-date.ts';
import { londonDateOf } from '../calendar/london-time.ts';
import { readableDate } from './readable-date.ts';

const REASONS: ReadonlySet<string> = new Set(ACCESS_REASONS);

/** An administrator's `trellis export person` (002 §44), in the person's log, in plain words. */
export const ADMINISTRATOR_EXPORT = 'An administrator exported everything Trellis holds about you, from the command line, to answer a subject access request';

/** The access log in plain words: “Mo Manager saw your growth plan as your reviewer”, “… as your reviewer, in their reminder digest”. */
export function seenByLines(rows: readonly SeenRow[], today: IsoDate): { when: string; text: string }[] {
  return rows.map((row) => {
    if (row.administratorExport === true) return { when: readableDate(londonDateOf(row.at), today), text: ADMINISTRATOR_EXPORT };
    const reason = REASONS.has(row.reason) ? reasonInWords(row.reason as Parameters<typeof reasonInWords>[0]) : `(${row.reason})`;
    return { when: readableDate(londonDateOf(row.at), today), text: `${row.viewerName} saw ${recordKindInWords(row.resource)} ${reason}${purposeInWords(row.purpose)}` };
  });
}
