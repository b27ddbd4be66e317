import type { IsoDate } from '../calendar/iso-date.ts';

/**
 * What every reader of an obligation knows of it: what it is, whose cycle it belongs to, who owes
 * it and by when. The reminder planner (`ReminderObligation`) and the read side (`ReportObligation`)
 * each add what they need; storage reads these columns once (`obligationColumns`).
 */
export interface ObligationFacts {
  key: string;
  kind: string;
  label: string;
  optional: boolean;
  opensOn: IsoDate;
  dueOn: IsoDate;
  ownerRole: string;
  ownerPersonId?: string | undefined;
  /** Whose cycle the obligation belongs to (the reviewee). */
  personId: string;
  rule: string;
}
