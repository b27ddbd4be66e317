import type { IsoDate } from '../calendar/iso-date.ts';
import type { RosterRow } from './parse-roster-csv.ts';

/** What the roster already holds under an e-mail, as far as deciding who a file row is. */
export interface PersonUnderEmail {
  fullName: string;
  startDate?: IsoDate | undefined;
  active: boolean;
  leftOn?: IsoDate | undefined;
}

/**
 * Whether a file row whose e-mail is already on the roster is a new person who was given a reused
 * address rather than the same person. It is a new person only when the name differs and either
 * both start dates are known and differ, or the earlier holder has left and the row starts after
 * the day they left. The same name, or a new name with the same (or an unknown) start date, is the
 * same person: a change of name is an update, never a new record.
 */
export function isNewPersonForReusedEmail(before: PersonUnderEmail, row: Pick<RosterRow, 'fullName' | 'startDate'>): boolean {
  if (sameName(before.fullName, row.fullName)) return false;
  if (before.startDate !== undefined && row.startDate !== undefined && before.startDate !== row.startDate) return true;
  return !before.active && before.leftOn !== undefined && row.startDate !== undefined && row.startDate > before.leftOn;
}

function sameName(a: string, b: string): boolean {
  return a.trim().replace(/\s+/g, ' ').toLowerCase() === b.trim().replace(/\s+/g, ' ').toLowerCase();
}
