import type { ReportObligation } from './report-ports.ts';

/** The phases of a cycle, in the order a year runs through them. */
export type Phase = 'Planning' | 'In year' | 'End of cycle' | 'Appeal';

interface KindInfo {
  label: string;
  phase: Phase;
}

/**
 * Every obligation kind in cycle order with a readable name. Kinds a future preset adds and this
 * table does not know still show, after these, under their own name (`kindInfo`).
 */
const KINDS: readonly (readonly [string, KindInfo])[] = [
  ['self-reflection', { label: 'Self-reflection', phase: 'Planning' }],
  ['plan-agreed', { label: 'Growth plan agreed', phase: 'Planning' }],
  ['leadership-goal', { label: 'Leadership goal', phase: 'Planning' }],
  ['upr-application', { label: 'Upper pay range application', phase: 'Planning' }],
  ['check-in', { label: 'Check-ins', phase: 'In year' }],
  ['feedback', { label: 'Feedback conversations', phase: 'In year' }],
  ['peer-observation', { label: 'Peer observations', phase: 'In year' }],
  ['interim-review', { label: 'Interim review', phase: 'In year' }],
  ['end-of-cycle-review', { label: 'End-of-cycle review', phase: 'End of cycle' }],
  ['close-down', { label: 'Close-down and recommendations', phase: 'End of cycle' }],
  ['check-in-meeting', { label: 'Check-in meetings booked', phase: 'In year' }],
  ['observation-oral-feedback', { label: 'Oral feedback after an observation', phase: 'In year' }],
  ['observation-written-feedback', { label: 'Written feedback after an observation', phase: 'In year' }],
  ['appeal-window', { label: 'Appeal windows', phase: 'Appeal' }],
  ['appeal', { label: 'Appeals', phase: 'Appeal' }],
  ['appeal-meeting', { label: 'Appeal meetings', phase: 'Appeal' }],
  ['appeal-outcome', { label: 'Appeal outcomes in writing', phase: 'Appeal' }],
];

/**
 * Kinds that are a right, not a duty: an appeal window that passes unused has lapsed, it is not
 * overdue (002 §16). They are never counted or listed as overdue, like optional items.
 */
export const NEVER_OVERDUE_KINDS: readonly string[] = ['appeal-window'];

/** Whether an open item past its due date counts as overdue. */
export function canBeOverdue(obligation: Pick<ReportObligation, 'kind' | 'optional'>): boolean {
  return !obligation.optional && !NEVER_OVERDUE_KINDS.includes(obligation.kind);
}

const ORDER = new Map(KINDS.map(([kind], i) => [kind, i]));
const INFO = new Map(KINDS);

export function kindInfo(kind: string): KindInfo {
  return INFO.get(kind) ?? { label: kind.replace(/-/g, ' ').replace(/^./, (c) => c.toUpperCase()), phase: kind.startsWith('appeal') ? 'Appeal' : 'In year' };
}

/** Sorts kinds into cycle order; unknown kinds go last, alphabetically. */
export function compareKinds(a: string, b: string): number {
  return (ORDER.get(a) ?? KINDS.length) - (ORDER.get(b) ?? KINDS.length) || a.localeCompare(b);
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
  if (obligations.some((o) => isPending(o) && kindInfo(o.kind).phase === 'Appeal' && (o.kind !== 'appeal-window' || o.dueOn >= today))) return 'Appeal window';
  const required = obligations.filter((o) => !o.optional && !NEVER_OVERDUE_KINDS.includes(o.kind));
  const pending = required.filter(isPending);
  if (pending.some((o) => kindInfo(o.kind).phase === 'Planning')) return 'Planning';
  const endOpen = pending.filter((o) => kindInfo(o.kind).phase === 'End of cycle');
  if (endOpen.some((o) => o.opensOn <= today)) return 'End of cycle';
  if (pending.some((o) => o.kind === 'interim-review' && o.opensOn <= today)) return 'Mid-year review';
  if (pending.length === 0) return required.length === 0 ? 'No items this year' : 'Cycle complete';
  return 'In year: check-ins';
}
