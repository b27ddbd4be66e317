import type { AccessPurpose, RecordKind } from '../access/access-rule.ts';
import type { PlatformAccount } from '../bot/bot-ports.ts';
import type { NotificationQueue, QueuedNotification } from '../notifications/notification-queue.ts';
import type { Relationships } from '../access/relationships.ts';
import type { IsoDate } from '../calendar/iso-date.ts';
import type { DeadlineObligation } from '../deadlines/deadline-obligation.ts';
import type { Flag, Role } from '../people/person.ts';
import type { ObligationKind } from '../obligations/obligation-kinds.ts';
import type { CheckInMeetingReads, CheckInMeetingWrites } from '../scheduling/scheduling-ports.ts';
import type { DialogState } from './engine/dialog-state.ts';
import type { JsonValue } from './engine/json-value.ts';

/**
 * What the conversation engine needs from storage. Everything a turn does — marking the inbound
 * message as handled, saving the dialog state and writing the records a finished dialog makes —
 * happens inside one `transaction`, so a crash leaves either the whole turn or none of it.
 */
export interface ConversationStore {
  /**
   * `opensThread`: the turn starts a dialog in a thread just opened, so it has no state to read yet
   * (a store may skip reading for it). `readAhead`: the turn's first read, made by this store with
   * the look-up of who speaks; used in place of `openTurn`'s own read when it is for the same opening.
   */
  transaction<T>(work: (tx: ConversationTransaction) => Promise<T>, options?: { opensThread?: boolean; readAhead?: TurnReadAhead | undefined }): Promise<T>;
}

/**
 * A turn's first read, made ahead of the turn by the store that serves it, in the same statement as
 * the look-up of who speaks (a reply in a thread: `IdentityStore.findByAccount` given the thread).
 * The core only hands it back to `transaction`; a store that finds it is not for the turn it opens
 * (another thread, message or day) reads as usual. Reading ahead changes nothing a turn relies on:
 * a turn that writes without the thread's lock writes only over the row version it read and claims
 * the message only if it is still unclaimed, however long ago it read them.
 */
export interface TurnReadAhead {
  readonly opening: TurnOpening;
}

export interface ThreadRef {
  tenant: string;
  threadKey: string;
  platform: string;
  personId: string;
}

/** A conversation row as stored; `data` is parsed by the engine, never trusted. */
export interface StoredConversation {
  /** Who opened the thread: it is theirs, and a turn by anyone else changes nothing in it. */
  personId?: string | undefined;
  dialogId: string;
  version: number;
  step: string;
  status: string;
  data: unknown;
}

/** Where a turn's first statement starts from: the platform's message id, the thread and who speaks. */
export interface TurnOpening {
  tenant: string;
  platform: string;
  messageId: string;
  threadKey: string;
  personId: string;
  /** The turn's London day: the speaker's active cycle on it is read in the same statement (`DialogReads.activeCycle`). */
  today: IsoDate;
}

/**
 * What a turn's first statement found. `claimed: false` when the message id was already handled
 * (a retried delivery): nothing was read or locked. Otherwise the speaker (undefined when not an
 * active roster person) and the thread's conversation, locked until the transaction ends so two
 * turns never interleave.
 */
export type OpenedTurn = { claimed: false } | { claimed: true; person: DialogPerson | undefined; conversation: StoredConversation | undefined };

export interface ConversationTransaction {
  /** Claims the message id, reads the speaker with their school's policy and cycle, and locks the thread's conversation: one round trip. */
  openTurn(turn: TurnOpening): Promise<OpenedTurn>;
  saveConversation(thread: ThreadRef, state: DialogState): Promise<void>;
  /**
   * The end of a turn: the thread's new state (none when the turn left it as it was) and the reply
   * to the person (`NotificationQueue.queueReply`, none when the channel gave no place), written
   * together in one statement.
   */
  saveTurn(thread: ThreadRef, state: DialogState | undefined, reply: (QueuedNotification & { account: PlatformAccount }) | undefined, now: Date): Promise<void>;
  /**
   * The person's most recent active or paused `dialogId` in another thread of this workspace or on
   * another platform they use (one live dialog of each kind per person: a draft begun in Slack
   * resumes in Teams), locked like the conversation `openTurn` reads; with `colleague`, only one about that colleague.
   */
  findLiveDraft(thread: ThreadRef, dialogId: string, colleague?: string): Promise<{ thread: ThreadRef; conversation: StoredConversation } | undefined>;
  /** All of the person's active or paused dialogs in other threads of this tenant and platform (locked), latest first. */
  findLiveDrafts(thread: ThreadRef): Promise<{ threadKey: string; conversation: StoredConversation }[]>;
  readonly reads: DialogReads;
  readonly records: RecordsWriter;
  /** Messages to other people, queued for delivery in this transaction: they exist exactly when the turn committed. */
  readonly notifications: NotificationQueue;
}

export interface DialogPerson {
  id: string;
  schoolId: string;
  fullName: string;
  role: Role;
  flags: readonly Flag[];
  /** The roster's full-time equivalent, when it gives one (002 Annex 1 §3, 004 §5.9). */
  fte?: number | undefined;
  /** The roster's start date, their first day at the school (003 §7.3, 004 §5.9); absent when it gives none. */
  startDate?: IsoDate | undefined;
  /** The school's policy document as stored; the core validates it. */
  policy: unknown;
  /** Changes whenever the school row does, so a parsed policy can be cached against it. */
  policyStamp: string;
}

export interface CycleRef {
  id: string;
  academicYear: number;
  startsOn: IsoDate;
  endsOn: IsoDate;
}

export interface PersonRef {
  id: string;
  fullName: string;
}

export type PlanStatus = 'draft' | 'submitted' | 'agreed' | 'changes-requested';

export interface StoredPlan {
  id: string;
  cycleId: string;
  personId: string;
  personName: string;
  status: PlanStatus;
  summary?: string | undefined;
  details: unknown;
}

export interface DialogReads {
  /** The person's cycle that is active on `today` (or the latest active one). */
  activeCycle(personId: string, today: IsoDate): Promise<CycleRef | undefined>;
  /**
   * The person's cycle on `today` when the policy leaves them outside the growth cycle (004 §2.1),
   * with the stored reason: where what the policy still offers them (004 §2.2) is recorded.
   */
  excludedCycle(personId: string, today: IsoDate): Promise<(CycleRef & { reason: string }) | undefined>;
  /** Current reviewer or coach assignment, else the line manager (002 §25, 004 §3.9). */
  reviewerOf(personId: string, today: IsoDate): Promise<PersonRef | undefined>;
  planForCycle(cycleId: string): Promise<StoredPlan | undefined>;
  /** Submitted plans of the people whom `reviewerId` reviews today; each read is written to the access log. */
  plansAwaitingAgreement(reviewerId: string, today: IsoDate, now: Date): Promise<StoredPlan[]>;
  /** People `reviewerId` reviews today, then those they only coach (`relation: 'coach'`), by name. */
  revieweesOf(reviewerId: string, today: IsoDate): Promise<Colleague[]>;
  /** Everyone active in the school but `exceptId`, by name: whom a teacher may visit to learn from (001, 004 §7.5). */
  colleaguesInSchool(schoolId: string, exceptId: string): Promise<Colleague[]>;
  /** The school's active headteacher, if the roster has one. */
  headOf(schoolId: string): Promise<PersonRef | undefined>;
  /** Who is who for the person on the day: the one model (`src/core/access/relationships.ts`). */
  relationshipsOf(personId: string, today: IsoDate): Promise<Relationships | undefined>;
  /**
   * Records, in the turn's transaction, that the viewer read a colleague's records of a kind —
   * through the one access rule (`src/core/access/access-rule.ts`), which also says whether they may.
   */
  readAbout(viewerId: string, subjectId: string, kind: RecordKind, now: Date, purpose?: AccessPurpose): Promise<boolean>;
  /** A person's name by id, for someone the relationships name. */
  personRef(personId: string): Promise<PersonRef | undefined>;
  /** The school's region and term dates as stored; the core validates them. */
  calendarSource(schoolId: string): Promise<{ region: string; termDates: unknown }>;
  observationsForCycle(cycleId: string): Promise<StoredObservation[]>;
  /** The targets, expectations or goals of the cycle's plan, in order (the final report assesses each, 002 §14). */
  planGoalsForCycle(cycleId: string): Promise<{ kind: string; title: string }[]>;
  /** When the reviewer's final report was issued for the cycle, if it has been (002 §16). */
  finalReportIssuedOn(cycleId: string): Promise<IsoDate | undefined>;
  /** Appeals this person is to hear and has not yet decided (002 §16–17). */
  appealsToDecide(appealManagerId: string): Promise<StoredAppeal[]>;
  /** The latest feedback record for the person, to tie praise to the previous action step (001). */
  latestFeedback(personId: string): Promise<{ givenOn: IsoDate; actionStep?: string | undefined; lockIn?: string | undefined } | undefined>;
  payThresholdApplicationFor(personId: string, academicYear: number): Promise<{ id: string; status: string } | undefined>;
  /** Booked check-ins and the check-in windows they should fall in (check-in scheduling). */
  readonly checkInMeetings: CheckInMeetingReads;
}

export interface Colleague extends PersonRef {
  /** Their work e-mail, so `checkin chloe@school.org` finds them. */
  email?: string | undefined;
  role: Role;
  flags: readonly Flag[];
  /** The roster's full-time equivalent, when it gives one (002 Annex 1 §3). */
  fte?: number | undefined;
  /** `reviewer`: the person reviews them (reviewer powers); `coach`: coaches them without reviewing (feedback only). */
  relation?: 'reviewer' | 'coach' | undefined;
}

export type ObservationKind = 'performance-management' | 'peer' | 'ofsted' | 'local-authority' | 'support-plan';

export interface StoredObservation {
  id: string;
  cycleId: string;
  personId: string;
  observerId?: string | undefined;
  observerName?: string | undefined;
  observedOn: IsoDate;
  className: string;
  minutes: number;
  focus?: string | undefined;
  kind: string;
  countsTowardCap: boolean;
  teacherComment?: string | undefined;
  /** Set on the graded observation at the start of the cycle (002 §48). */
  grade?: string | undefined;
}

export type ReflectionEntry =
  | { kind: 'standard'; standard: string; heading: string; rating?: string | undefined; reflection?: string | undefined; nextSteps?: string | undefined }
  | { kind: 'closing'; prompt: string; question: string; answer: string };

export interface ReflectionRecord {
  cycleId: string;
  personId: string;
  framework: 'teachers' | 'teaching-assistants' | 'headteachers' | 'job-description';
  entries: ReflectionEntry[];
  successes?: string | undefined;
  strengths?: string | undefined;
  areasForGrowth?: string | undefined;
  submittedAt: Date;
}

export interface PlanGoalRecord {
  kind: 'goal' | 'smart-target' | 'expectation' | 'leadership-goal';
  title: string;
  detail?: string | undefined;
  successCriteria?: string | undefined;
  completionDate?: IsoDate | undefined;
  improvementPlanArea?: string | undefined;
  quantitative: boolean;
  widerImpact: boolean;
  checkInDates: IsoDate[];
}

export interface PlanRecord {
  cycleId: string;
  personId: string;
  status: 'submitted' | 'agreed';
  summary?: string | undefined;
  /** The plan's sections plus `answers`, the dialog's raw values, so it can be reopened to amend. */
  details: { [key: string]: JsonValue };
  goals: PlanGoalRecord[];
  submittedAt: Date;
}

export interface PlanDecision {
  planId: string;
  reviewerId: string;
  decision: 'agreed' | 'changes-requested';
  comment?: string | undefined;
  at: Date;
}

export interface CheckInRecord {
  cycleId: string;
  personId: string;
  conductedById?: string | undefined;
  heldOn: IsoDate;
  discussed: string;
  agreedActions: string;
  wellbeing?: string | undefined;
  diaryNote?: string | undefined;
  nextCheckInOn?: IsoDate | undefined;
}

export interface DiaryRecord {
  cycleId: string;
  personId: string;
  writtenOn: IsoDate;
  body: string;
  tags: string[];
}

/** A GROW planning meeting written onto the reviewee's plan (001 Appendix C). */
export interface GrowMeetingRecord {
  cycleId: string;
  personId: string;
  managerId: string;
  summary: string;
  /** The plan's whole `details`, already merged with the meeting by the core. */
  details: { [key: string]: JsonValue };
  /** Set when the plan was agreed in the meeting. */
  agreedAt?: Date | undefined;
}

export interface FeedbackRecordInput {
  cycleId: string;
  personId: string;
  givenById: string;
  givenOn: IsoDate;
  praise: string;
  probingQuestion: string;
  actionStep: string;
  supportLevel: string;
  planAhead: string;
  lockIn: string;
}

export interface ObservationRecordInput {
  cycleId: string;
  personId: string;
  observerId: string;
  observedOn: IsoDate;
  className: string;
  minutes: number;
  focus?: string | undefined;
  kind: ObservationKind;
  oralFeedbackOn?: IsoDate | undefined;
  countsTowardCap: boolean;
  /** 002 §48: the grade of the one graded observation at the start of the cycle. */
  grade?: string | undefined;
  /** 002 Annex 1 §5: beyond the cap, the revision meeting that allowed it and the concern behind it. */
  revisionMeetingOn?: IsoDate | undefined;
  concern?: string | undefined;
}

/** A visit to a colleague's lesson to learn from them (001 "Observation", 004 §7.5). */
export interface PeerObservationInput {
  /** The observer's cycle: the visit is part of their growth, not an observation of the colleague. */
  cycleId: string;
  observerId: string;
  colleagueId: string;
  observedOn: IsoDate;
  lesson: string;
  learned: string;
  nextSteps: string;
}

export interface EndOfCycleReviewInput {
  cycleId: string;
  personId: string;
  reviewerId?: string | undefined;
  intended: string;
  did: string;
  impact: string;
  recommendations: string;
  details: { [key: string]: JsonValue };
  completedAt: Date;
}

export interface AppealInput {
  cycleId: string;
  personId: string;
  entries: { about: string }[];
  grounds: string;
  lodgedOn: IsoDate;
  finalReportReceivedOn: IsoDate;
  /** The head, or undefined when the appeal goes beyond the school (the head took part in the review). */
  appealManagerId?: string | undefined;
  /** Who hears it under the policy (002 §16): stored with the entries until appeals have a column for it. */
  routedTo: 'head' | 'trust-ceo' | 'chair-of-governors';
  companion?: string | undefined;
}

/** The reviewer's final report (002 §1, §14, §16), kept in the end-of-cycle review's details. */
export interface FinalReportInput {
  cycleId: string;
  personId: string;
  reviewerId: string;
  /** The day the reviewee receives it: the appeal window runs from here. */
  issuedOn: IsoDate;
  report: { [key: string]: JsonValue };
}

export interface StoredAppeal {
  id: string;
  cycleId: string;
  personId: string;
  personName: string;
  lodgedOn: IsoDate;
  finalReportReceivedOn: IsoDate;
  entries: string[];
}

/** 002 §17: (a) the entries are upheld, or (b) the appeal is upheld and the disputed entries go back to the reviewer. */
export type AppealOutcome = 'entries-upheld' | 'overturned-referred-back';

export interface AppealDecision {
  appealId: string;
  meetingOn: IsoDate;
  outcome: AppealOutcome;
  reasons: string;
  decidedOn: IsoDate;
}

export interface PayThresholdInput {
  personId: string;
  cycleId?: string | undefined;
  academicYear: number;
  businessCase: string;
  /** One entry per policy criterion: [{ criterion, evidence }]. */
  evidence: { criterion: string; evidence: string }[];
  submittedOn: IsoDate;
}

export interface RecordsWriter {
  saveReflection(record: ReflectionRecord): Promise<{ id: string }>;
  /** Creates or replaces the cycle's plan and its goals. */
  savePlan(record: PlanRecord): Promise<{ id: string }>;
  decidePlan(decision: PlanDecision): Promise<void>;
  saveCheckIn(record: CheckInRecord): Promise<{ id: string }>;
  addDiaryEntry(record: DiaryRecord): Promise<{ id: string }>;
  /**
   * Marks done the person's open obligation of `kind` in the cycle for the period `on` falls in
   * (the day the meeting was held or the record written; see `obligationForDate`); false if none.
   */
  completeObligation(input: { personId: string; cycleId: string; kind: ObligationKind; on: IsoDate; at: Date }): Promise<boolean>;
  /** Creates the plan if there is none; an existing plan keeps its goals and status unless agreed here. */
  saveGrowMeeting(record: GrowMeetingRecord): Promise<{ id: string }>;
  saveFeedback(record: FeedbackRecordInput): Promise<{ id: string }>;
  saveObservation(record: ObservationRecordInput): Promise<{ id: string }>;
  savePeerObservation(record: PeerObservationInput): Promise<{ id: string }>;
  /** 002 Annex 1 §11: the observed teacher's comments, appended to any already there. */
  appendObservationComment(input: { observationId: string; personId: string; comment: string }): Promise<boolean>;
  saveEndOfCycleReview(record: EndOfCycleReviewInput): Promise<{ id: string }>;
  saveAppeal(record: AppealInput): Promise<{ id: string }>;
  /**
   * Writes the final report onto the cycle's end-of-cycle review, keeping what the reviewee wrote
   * there; a report issued again keeps the day it was first issued (the appeal window's start).
   */
  issueFinalReport(record: FinalReportInput): Promise<{ id: string }>;
  /** Records the appeal meeting's outcome; false if the appeal is not there or already decided. */
  decideAppeal(decision: AppealDecision): Promise<boolean>;
  savePayThresholdApplication(record: PayThresholdInput): Promise<{ id: string }>;
  /** Booking, moving and cancelling check-ins, and their reminder obligations. */
  readonly checkInMeetings: CheckInMeetingWrites;
  /**
   * Deadlines a saved record starts (a final report's appeal window, an appeal's meeting, an
   * observation's feedback): each created once by its key, so saving again adds none; `close`
   * names open deadlines the record settles (lodging an appeal closes its window).
   */
  saveDeadlines(input: { create: readonly DeadlineObligation[]; close?: readonly string[] | undefined; at: Date }): Promise<void>;
}
