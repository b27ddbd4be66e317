import type { IsoDate } from '../calendar/iso-date.ts';

/** The reviewee's next check-in the policy asks for: its obligation's window and the rule behind it. */
export interface CheckInWindow {
  label: string;
  opensOn: IsoDate;
  dueOn: IsoDate;
  rule: string;
}
