/**
 * Every obligation kind Trellis knows, and everything the rest of the code needs to know about
 * one: its name in summaries, the dialog that fulfils it, whether a reminder's Done button is an
 * honest record of it, whether it can be snoozed or marked not applicable, whether it lapses
 * rather than falls overdue, and the stage it counts as. Adding a kind is one entry in `KINDS`;
 * the compiler then checks every fact about it is given.
 */

/** Where a person is in their cycle while an item of this kind is pending (see `stageOf`). */
export type KindStage = 'Planning' | 'In year' | 'Mid-year review' | 'End of cycle' | 'Appeal';

/** The phases a summary groups kinds under, in the order a year runs through them. */
export type Phase = 'Planning' | 'In year' | 'End of cycle' | 'Appeal';

/** A dialog to open for an obligation. */
export interface DialogStart {
  dialogId: string;
  /** A trigger the dialog's definition lists. */
  trigger: string;
  /** The `/growth` word that starts the same dialog, for home-panel buttons. */
  word: string;
  /** Whether the dialog asks which colleague it is about (the reviewee is passed as the target). */
  aboutColleague: boolean;
}

/**
 * Whether a reminder's Done is an honest record. `meeting`: something held or done outside the
 * chat, so Done records it. `record`: the record is written in a dialog, so Done would tick off
 * something with no record; the person (`by: 'anyone'`, or only the reviewee themself) is sent to
 * the dialog instead, told `why`.
 */
export type DoneRule = { honest: true } | { honest: false; by: 'anyone' | 'reviewee'; why: string };

export interface KindInfo {
  /** Who makes obligations of this kind: a policy's obligation rules, or an event (a report issued, a meeting booked). */
  madeBy: 'policy' | 'event';
  /** Its name in summaries. */
  label: string;
  stage: KindStage;
  /** The dialog that fulfils it when run by the reviewee, and when run by their reviewer. */
  dialogs: { reviewee?: DialogStart; reviewer?: DialogStart; /** Said when there is no dialog for this person. */ otherwise: string };
  done: DoneRule;
  /**
   * Whether it may be snoozed or marked not applicable. Appeal deadlines may not: missing the
   * 10-working-day window loses the right of appeal (002 §16–17).
   */
  adjustable: boolean;
  /**
   * A right, not a duty: reminded up to and on the last day, never chased, escalated or counted
   * overdue afterwards, because not appealing is a choice (002 §16: "a right of appeal").
   */
  lapses: boolean;
}

const REFLECT: DialogStart = { dialogId: 'self-reflection', trigger: 'reflect', word: 'reflect', aboutColleague: false };
const PLAN: DialogStart = { dialogId: 'growth-plan', trigger: 'plan', word: 'plan', aboutColleague: false };
const AGREE: DialogStart = { dialogId: 'plan-agreement', trigger: 'review plans', word: 'agree', aboutColleague: false };
const DIARY: DialogStart = { dialogId: 'growth-diary', trigger: 'diary', word: 'log', aboutColleague: false };
const CHECK_IN: DialogStart = { dialogId: 'check-in', trigger: 'check-in', word: 'checkin', aboutColleague: false };
const FEEDBACK: DialogStart = { dialogId: 'feedback-conversation', trigger: 'feedback', word: 'feedback', aboutColleague: true };
const OBSERVE: DialogStart = { dialogId: 'observation', trigger: 'observe', word: 'observe', aboutColleague: true };
const PEER: DialogStart = { dialogId: 'peer-observation', trigger: 'peer observation', word: 'peer', aboutColleague: false };
const REVIEW: DialogStart = { dialogId: 'end-of-cycle-review', trigger: 'review', word: 'review', aboutColleague: false };
const FINAL_REPORT: DialogStart = { dialogId: 'final-report', trigger: 'final report', word: 'report', aboutColleague: true };
const THRESHOLD: DialogStart = { dialogId: 'pay-threshold', trigger: 'threshold', word: 'threshold', aboutColleague: false };
const APPEAL_OUTCOME: DialogStart = { dialogId: 'appeal-outcome', trigger: 'appeal outcome', word: 'outcome', aboutColleague: false };
const APPEAL: DialogStart = { dialogId: 'appeal', trigger: 'appeal', word: 'appeal', aboutColleague: false };

const HONEST: DoneRule = { honest: true };
const APPEAL_DEADLINE = { adjustable: false, lapses: false } as const;
const DUTY = { adjustable: true, lapses: false } as const;

/** In cycle order: summaries list kinds in this order. */
const KINDS = {
  'self-reflection': {
    madeBy: 'policy',
    label: 'Self-reflection',
    stage: 'Planning',
    dialogs: { reviewee: REFLECT, otherwise: 'A self-reflection is written by the person it is about, so only they can start it.' },
    done: { honest: false, by: 'anyone', why: 'A self-reflection is done by writing it, so there is a record of it. Press Start to write it now.' },
    ...DUTY,
  },
  'plan-agreed': {
    madeBy: 'policy',
    label: 'Growth plan agreed',
    stage: 'Planning',
    dialogs: { reviewee: PLAN, reviewer: AGREE, otherwise: 'The growth plan is written by the reviewee and agreed by their reviewer.' },
    // Agreement is the reviewer's to give (002 §31, 004 §5.3): the reviewee sends the plan instead.
    done: { honest: false, by: 'reviewee', why: 'Your reviewer agrees your plan, so they mark this done. Write or send your plan with `plan`, and they will be asked to agree it.' },
    ...DUTY,
  },
  'leadership-goal': {
    madeBy: 'policy',
    label: 'Leadership goal',
    stage: 'Planning',
    dialogs: { reviewee: PLAN, reviewer: AGREE, otherwise: 'The leadership goal is part of the growth plan.' },
    done: { honest: false, by: 'anyone', why: 'The leadership goal is done by adding it to the growth plan. Press Start to do it now.' },
    ...DUTY,
  },
  'upr-application': {
    madeBy: 'policy',
    label: 'Upper pay range application',
    stage: 'Planning',
    dialogs: { reviewee: THRESHOLD, otherwise: 'Only the applicant can apply to cross the pay threshold.' },
    done: { honest: false, by: 'anyone', why: 'A pay-threshold application is made by writing it. Press Start to apply, or Not applicable if you are not applying.' },
    ...DUTY,
  },
  'check-in': {
    madeBy: 'policy',
    label: 'Check-ins',
    stage: 'In year',
    dialogs: {
      reviewee: CHECK_IN,
      otherwise: 'Check-ins are recorded by the person reviewed. Once you have met, press Done, or ask them to record it with `checkin`.',
    },
    done: HONEST,
    ...DUTY,
  },
  feedback: {
    madeBy: 'policy',
    label: 'Feedback conversations',
    stage: 'In year',
    dialogs: { reviewer: FEEDBACK, otherwise: 'The feedback conversation is recorded by the colleague who gives the feedback.' },
    done: HONEST,
    ...DUTY,
  },
  'peer-observation': {
    madeBy: 'policy',
    label: 'Peer observations',
    stage: 'In year',
    // The teacher who visits records it, choosing any colleague in the school (001 "Observation", 004 §7.5).
    dialogs: { reviewee: PEER, otherwise: 'A peer observation is recorded by the teacher who visits a colleague’s lesson, with `peer`.' },
    done: { honest: false, by: 'anyone', why: 'A peer observation is done by recording whose lesson you visited and what you learned. Press Start to record it.' },
    ...DUTY,
  },
  'diary-entry': {
    madeBy: 'policy',
    label: 'Growth diary entries',
    stage: 'In year',
    dialogs: { reviewee: DIARY, otherwise: 'The growth diary is written by the colleague themself.' },
    done: { honest: false, by: 'anyone', why: 'A diary entry is done by writing it, so there is a record of it. Press Start, or say `log` and a line.' },
    ...DUTY,
  },
  'graded-observation': {
    madeBy: 'policy',
    label: 'Graded observation',
    stage: 'In year',
    dialogs: { reviewer: OBSERVE, otherwise: 'The graded observation is recorded by the observer with `observe`.' },
    done: { honest: false, by: 'anyone', why: 'The graded observation is done by recording it with `observe`, so its grade is kept and its minutes count towards the cap. Press Start.' },
    ...DUTY,
  },
  'interim-review': {
    madeBy: 'policy',
    label: 'Interim review',
    stage: 'Mid-year review',
    dialogs: { otherwise: 'There is no chat form for the interim review: it is a meeting. Once it has been held, press Done.' },
    done: HONEST,
    ...DUTY,
  },
  'end-of-cycle-review': {
    madeBy: 'policy',
    label: 'End-of-cycle review',
    stage: 'End of cycle',
    // Under 002 the reviewer's final report is the review (§14, §16); elsewhere the reviewee writes it.
    dialogs: { reviewee: REVIEW, reviewer: FINAL_REPORT, otherwise: 'The end-of-cycle review is written by the person reviewed; you will be told when it arrives.' },
    done: { honest: false, by: 'anyone', why: 'The end-of-cycle review is done by writing it, so there is a record of it. Press Start to write it now.' },
    ...DUTY,
  },
  'close-down': {
    madeBy: 'policy',
    label: 'Close-down and recommendations',
    stage: 'End of cycle',
    dialogs: { otherwise: 'Closing down the cycle is done with the head, outside the chat; press Done once your recommendations are in.' },
    done: HONEST,
    ...DUTY,
  },
  'check-in-meeting': {
    madeBy: 'event',
    label: 'Check-in meetings booked',
    stage: 'In year',
    dialogs: { reviewee: CHECK_IN, otherwise: 'The check-in is recorded by the person reviewed after you meet.' },
    // The appraisee records the check-in (004 §6.6), and recording it marks the meeting held.
    done: { honest: false, by: 'reviewee', why: 'Once you have met, record the check-in with `checkin`: recording it marks the meeting held.' },
    ...DUTY,
  },
  'observation-oral-feedback': {
    madeBy: 'event',
    label: 'Oral feedback after an observation',
    stage: 'In year',
    dialogs: { otherwise: 'Oral feedback is given in person. Press Done once you have given it.' },
    done: HONEST,
    ...DUTY,
  },
  'observation-written-feedback': {
    madeBy: 'event',
    label: 'Written feedback after an observation',
    stage: 'In year',
    dialogs: { otherwise: 'Written feedback is given by the observer. Press Done once it has been sent.' },
    done: HONEST,
    ...DUTY,
  },
  'appeal-window': {
    madeBy: 'event',
    label: 'Appeal windows',
    stage: 'Appeal',
    dialogs: { reviewee: APPEAL, otherwise: 'Only the person reviewed can lodge an appeal.' },
    done: { honest: false, by: 'anyone', why: 'There is nothing to tick off: if you wish to appeal, press Start; if not, the window simply closes.' },
    adjustable: false,
    lapses: true,
  },
  appeal: {
    madeBy: 'event',
    label: 'Appeals',
    stage: 'Appeal',
    dialogs: { reviewee: APPEAL, otherwise: 'Only the person reviewed can lodge an appeal.' },
    done: { honest: false, by: 'anyone', why: 'An appeal is lodged by writing it. Press Start to lodge one.' },
    ...APPEAL_DEADLINE,
  },
  'appeal-meeting': {
    madeBy: 'event',
    label: 'Appeal meetings',
    stage: 'Appeal',
    dialogs: { reviewer: APPEAL_OUTCOME, otherwise: 'The appeal meeting is held in person, not in the chat. Press Done once it has been held, or record its outcome with `outcome`.' },
    done: HONEST,
    ...APPEAL_DEADLINE,
  },
  'appeal-outcome': {
    madeBy: 'event',
    label: 'Appeal outcomes in writing',
    stage: 'Appeal',
    dialogs: { reviewer: APPEAL_OUTCOME, otherwise: 'The appeal’s outcome is confirmed by letter. Press Done once it has been sent.' },
    done: HONEST,
    ...APPEAL_DEADLINE,
  },
} as const satisfies Record<string, KindInfo>;

type Kinds = typeof KINDS;
/** Every kind: the ones policies' obligation rules use and the ones events make. */
export type AnyObligationKind = keyof Kinds;
/** The kinds a policy's obligation rule may name. */
export type ObligationKind = { [K in AnyObligationKind]: Kinds[K]['madeBy'] extends 'policy' ? K : never }[AnyObligationKind];
/** The kinds events make (deadlines in src/core/deadlines, booked meetings in src/core/scheduling). */
export type EventObligationKind = Exclude<AnyObligationKind, ObligationKind>;

const ALL = Object.keys(KINDS) as AnyObligationKind[];

function isPolicyKind(kind: AnyObligationKind): kind is ObligationKind {
  return KINDS[kind].madeBy === 'policy';
}

/** The kinds a policy may name, in cycle order (a tuple, for `z.enum`). */
export const OBLIGATION_KINDS = ALL.filter(isPolicyKind) as [ObligationKind, ...ObligationKind[]];
/** Every kind, in cycle order. */
export const ALL_OBLIGATION_KINDS: readonly AnyObligationKind[] = ALL;

export function isKnownKind(kind: string): kind is AnyObligationKind {
  return Object.hasOwn(KINDS, kind);
}

/**
 * What Trellis knows about `kind`. A kind stored by an older or newer version that this one does
 * not know still shows under its own name, offers no dialog, can be marked done, snoozed and set
 * aside, and falls overdue like any duty.
 */
export function kindInfo(kind: string): KindInfo {
  if (isKnownKind(kind)) return KINDS[kind];
  return {
    madeBy: 'event',
    label: kind.replace(/-/g, ' ').replace(/^./, (c) => c.toUpperCase()),
    stage: kind.startsWith('appeal') ? 'Appeal' : 'In year',
    dialogs: { otherwise: 'There is no chat form for this item yet. Once it is done, press Done, or tell your reviewer.' },
    done: HONEST,
    ...DUTY,
  };
}

/** The phase a summary lists `kind` under: a mid-year review is part of the year. */
export function phaseOf(kind: string): Phase {
  const { stage } = kindInfo(kind);
  return stage === 'Mid-year review' ? 'In year' : stage;
}

/** The dialog that fulfils `kind` when run by the reviewee (`asReviewee`) or by someone else. */
export function dialogForObligation(kind: string, asReviewee: boolean): DialogStart | { none: string } {
  const { dialogs } = kindInfo(kind);
  const start = asReviewee ? dialogs.reviewee : dialogs.reviewer;
  return start ?? { none: dialogs.otherwise };
}

/** Whether reminders of `kind` may be snoozed and the item marked not applicable. */
export function isAdjustableKind(kind: string): boolean {
  return kindInfo(kind).adjustable;
}

/** Whether `kind` is a right that lapses unused rather than a duty that falls overdue. */
export function lapses(kind: string): boolean {
  return kindInfo(kind).lapses;
}

/** The known kinds that lapse, for storage queries that must not count them overdue. */
export const LAPSING_KINDS: readonly AnyObligationKind[] = ALL.filter((kind) => KINDS[kind].lapses);

const ORDER = new Map<string, number>(ALL.map((kind, i) => [kind, i]));

/** Sorts kinds into cycle order; unknown kinds go last, alphabetically. */
export function compareKinds(a: string, b: string): number {
  return (ORDER.get(a) ?? ALL.length) - (ORDER.get(b) ?? ALL.length) || a.localeCompare(b);
}
