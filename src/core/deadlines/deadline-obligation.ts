import type { IsoDate } from '../calendar/iso-date.ts';

/** A deadline obligation made by an event (a report issued, an appeal lodged, a lesson observed). */
export interface DeadlineObligation {
  /** Deterministic: saving the same event again finds the same row instead of adding one. */
  key: string;
  cycleId: string;
  /** Whose record it is about (the reviewee, the appellant, the observed teacher). */
  personId: string;
  kind: string;
  label: string;
  opensOn: IsoDate;
  dueOn: IsoDate;
  ownerRole: string;
  ownerPersonId?: string | undefined;
  rule: string;
}
