import { isAfter, type IsoDate } from '../calendar/iso-date.ts';

/** An open obligation that something done on a date might complete. */
export interface DatedCandidate {
  id: string;
  key: string;
  opensOn: IsoDate;
  dueOn: IsoDate;
}

/**
 * Which of a person's open obligations of one kind a check-in, feedback conversation, peer
 * observation or diary entry held on `on` completes: the one whose period contains that date, so
 * a spring check-in recorded after the autumn one was missed closes spring, not autumn. A late
 * one (held after every period it could belong to has closed) completes the latest period that
 * had already opened by then. Nothing completes a period that had not yet opened: a diary entry
 * written in the autumn is not the one asked for before the spring check-in (004 Appendix A).
 */
export function obligationForDate<T extends DatedCandidate>(candidates: readonly T[], on: IsoDate): T | undefined {
  const byDue = [...candidates].sort((a, b) => a.dueOn.localeCompare(b.dueOn) || a.key.localeCompare(b.key));
  const containing = byDue.find((c) => !isAfter(c.opensOn, on) && !isAfter(on, c.dueOn));
  if (containing !== undefined) return containing;
  const opened = byDue.filter((c) => !isAfter(c.opensOn, on));
  if (opened.length === 0) return undefined;
  return opened.reduce((latest, c) => (isAfter(c.opensOn, latest.opensOn) ? c : latest));
}
