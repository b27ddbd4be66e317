/**
 * Which dialog fulfils an obligation, for whom. Most dialogs write to the cycle of the person
 * running them (a reflection, a plan, a check-in record: 004 §6.6 has the appraisee record it),
 * so they are offered to the reviewee only; a few are run by the reviewer about a colleague
 * (agreeing plans, a feedback conversation), and those are offered to the reviewer.
 */
export interface DialogStart {
  dialogId: string;
  /** A trigger the dialog's definition lists. */
  trigger: string;
  /** The `/growth` word that starts the same dialog, for home-panel buttons. */
  word: string;
  /** Whether the dialog asks which colleague it is about (the reviewee is passed as the target). */
  aboutColleague: boolean;
}

interface KindDialogs {
  reviewee?: DialogStart;
  reviewer?: DialogStart;
  /** Said when the kind has no dialog for this person. */
  otherwise: string;
}

const REFLECT: DialogStart = { dialogId: 'self-reflection', trigger: 'reflect', word: 'reflect', aboutColleague: false };
const PLAN: DialogStart = { dialogId: 'growth-plan', trigger: 'plan', word: 'plan', aboutColleague: false };
const AGREE: DialogStart = { dialogId: 'plan-agreement', trigger: 'review plans', word: 'agree', aboutColleague: false };
const CHECK_IN: DialogStart = { dialogId: 'check-in', trigger: 'check-in', word: 'checkin', aboutColleague: false };
const FEEDBACK: DialogStart = { dialogId: 'feedback-conversation', trigger: 'feedback', word: 'feedback', aboutColleague: true };
const OBSERVE: DialogStart = { dialogId: 'observation', trigger: 'observe', word: 'observe', aboutColleague: false };
const REVIEW: DialogStart = { dialogId: 'end-of-cycle-review', trigger: 'review', word: 'review', aboutColleague: false };
const THRESHOLD: DialogStart = { dialogId: 'pay-threshold', trigger: 'threshold', word: 'threshold', aboutColleague: false };
const APPEAL: DialogStart = { dialogId: 'appeal', trigger: 'appeal', word: 'appeal', aboutColleague: false };

const BY_KIND: Readonly<Record<string, KindDialogs>> = {
  'self-reflection': { reviewee: REFLECT, otherwise: 'A self-reflection is written by the person it is about, so only they can start it.' },
  'plan-agreed': { reviewee: PLAN, reviewer: AGREE, otherwise: 'The growth plan is written by the reviewee and agreed by their reviewer.' },
  'leadership-goal': { reviewee: PLAN, reviewer: AGREE, otherwise: 'The leadership goal is part of the growth plan.' },
  'check-in': {
    reviewee: CHECK_IN,
    otherwise: 'Check-ins are recorded by the person reviewed (004 §6.6). Once you have met, press Done, or ask them to record it with `checkin`.',
  },
  feedback: { reviewer: FEEDBACK, otherwise: 'The feedback conversation is recorded by the colleague who gives the feedback.' },
  'peer-observation': { reviewee: OBSERVE, otherwise: 'A peer observation is recorded by the person who observes.' },
  'interim-review': { otherwise: 'There is no chat form for the interim review: it is a meeting. Once it has been held, press Done.' },
  'end-of-cycle-review': { reviewee: REVIEW, otherwise: 'The end-of-cycle review is written by the person reviewed; you will be told when it arrives.' },
  'close-down': { otherwise: 'Closing down the cycle is done with the head, outside the chat; press Done once your recommendations are in.' },
  'upr-application': { reviewee: THRESHOLD, otherwise: 'Only the applicant can apply to cross the pay threshold.' },
  appeal: { reviewee: APPEAL, otherwise: 'Only the person reviewed can lodge an appeal.' },
  'appeal-window': { reviewee: APPEAL, otherwise: 'Only the person reviewed can lodge an appeal.' },
  'appeal-meeting': { otherwise: 'The appeal meeting is held in person, not in the chat. Press Done once it has been held.' },
  'appeal-outcome': { otherwise: 'The appeal’s outcome is confirmed by letter. Press Done once it has been sent.' },
  'check-in-meeting': { reviewee: CHECK_IN, otherwise: 'The check-in is recorded by the person reviewed (004 §6.6) after you meet.' },
  'observation-oral-feedback': { otherwise: 'Oral feedback is given in person. Press Done once you have given it.' },
  'observation-written-feedback': { otherwise: 'Written feedback is given by the observer. Press Done once it has been sent.' },
};

/** The dialog that fulfils `kind` when run by the reviewee (`asReviewee`) or by someone else. */
export function dialogForObligation(kind: string, asReviewee: boolean): DialogStart | { none: string } {
  const entry = BY_KIND[kind];
  if (entry === undefined) return { none: 'There is no chat form for this item yet. Once it is done, press Done, or tell your reviewer.' };
  const start = asReviewee ? entry.reviewee : entry.reviewer;
  return start ?? { none: entry.otherwise };
}
