import { kindInfo, lapses } from '../obligations/obligation-kinds.ts';
import type { ReportObligation } from './report-ports.ts';

/** Whether an open item past its due date counts as overdue: optional items and rights that lapse (002 §16) never do. */
export function canBeOverdue(obligation: Pick<ReportObligation, 'kind' | 'optional'>): boolean {
  return !obligation.optional && !lapses(obligation.kind);
}

const PENDING = new Set(['open', 'snoozed']);

export function isPending(obligation: Pick<ReportObligation, 'status'>): boolean {
  return PENDING.has(obligation.status);
}

/**
 * Where a person is in their cycle, from their obligations rather than the calendar, so someone
 * who has not yet agreed a plan in November is still "Planning" (the thing they need to do next).
 * Optional items never hold a person back in a stage.
 */
export function stageOf(obligations: readonly ReportObligation[], today: string): string {
  // An open appeal window is the stage whether or not the person means to appeal; a lapsed one is not.
  if (obligations.some((o) => isPending(o) && kindInfo(o.kind).stage === 'Appeal' && (!lapses(o.kind) || o.dueOn >= today))) return 'Appeal window';
  const required = obligations.filter(canBeOverdue);
  const pending = required.filter(isPending);
  if (pending.some((o) => kindInfo(o.kind).stage === 'Planning')) return 'Planning';
  const endOpen = pending.filter((o) => kindInfo(o.kind).stage === 'End of cycle');
  if (endOpen.some((o) => o.opensOn <= today)) return 'End of cycle';
  if (pending.some((o) => kindInfo(o.kind).stage === 'Mid-year review' && o.opensOn <= today)) return 'Mid-year review';
  if (pending.length === 0) return required.length === 0 ? 'No items this year' : 'Cycle complete';
  return 'In year: check-ins';
}
