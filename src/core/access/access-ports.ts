import type { QueuedNotification, SavedReply } from '../notifications/notification-queue.ts';
import type { AccessLogEntry, GrantFact } from './access-rule.ts';
import type { SubjectFacts } from './relationships.ts';

/**
 * What the access rule needs from storage: the facts behind people's relationships (one query,
 * `src/storage/prisma/prisma-access-relationships.ts`), live grants, and the access log.
 */
export interface PeopleFacts {
  /** Facts about these people, whichever school they are in; unknown ids are left out. */
  factsOf(personIds: readonly string[]): Promise<SubjectFacts[]>;
  /**
   * Everyone whose relationships might name this person: those they line-manage or are (or were)
   * assigned to review or coach, and for a trust leader the heads of the trust's schools (whom
   * the policy may have them review, 002 §22–24, 003 §6.3). The core decides which of them they
   * review on a day.
   */
  candidatesFor(viewerId: string): Promise<SubjectFacts[]>;
  /**
   * The people of a school whose relationships may name the viewer, so the rule must look at each
   * of them: the viewer (wherever they are), those they line-manage, those with an assignment
   * naming them (reviewer or coach, any date), those they hold a grant about, the school's
   * headteachers, and one other person of the school (so the school's own facts come back even
   * when there is nobody else). Every other person of the school stands where that other person
   * would with no line manager and no assignment (see AccessGuard.checkSchool).
   */
  closeToViewer(viewerId: string, schoolId: string): Promise<SubjectFacts[]>;
  /** Active people of the viewer's own school whose full or first name is `name` (any case). */
  namedInSchoolOf(viewerId: string, name: string): Promise<SubjectFacts[]>;
  /** Grants the viewer holds (expired and revoked ones too; the rule decides). */
  grantsHeldBy(viewerId: string): Promise<GrantFact[]>;
}

/** One row of a person's own access log, as they are shown it. */
export interface SeenRow {
  viewerName: string;
  resource: string;
  reason: string;
  /** `digest`, `scheduling`, or undefined for a direct read. */
  purpose?: string | undefined;
  at: Date;
  /** An administrator's export of everything held about the person (`trellis export person`), not a read through the access rule. */
  administratorExport?: boolean | undefined;
}

export interface AccessLogStore {
  /** Writes rows; a row for the same viewer, person, record, reason and purpose on the same London day is kept once. */
  record(entries: readonly AccessLogEntry[]): Promise<void>;
  /** The person's log, newest first, with every export of their records an administrator made (a subject access request). */
  seenBy(subjectId: string, limit: number): Promise<SeenRow[]>;
}

export type AccessRequestStatus = 'requested' | 'granted' | 'refused';

/** A line manager's request to see a reviewee's plan (002 §18), and what was decided. */
export interface AccessRequestRecord {
  id: string;
  requesterId: string;
  requesterName: string;
  subjectId: string;
  subjectName: string;
  reason: string;
  status: AccessRequestStatus;
  requestedAt: Date;
  decidedById?: string | undefined;
  expiresAt?: Date | undefined;
  decisionNote?: string | undefined;
}

/** A request as `create` left it: saved now, or the same person's request already waiting (`waitingAlready`), which stands. */
export interface Requested<R> {
  request: R;
  waitingAlready: boolean;
}

/** A new request to see a plan (002 §18), as `AccessRequestStore.create` takes it. */
export interface NewAccessRequest {
  requesterId: string;
  subjectId: string;
  reason: string;
  at: Date;
  notify: (request: AccessRequestRecord) => QueuedNotification[];
  /** The answer to the person asking, made from the request that stands and saved in the same transaction. */
  reply?: ((requested: Requested<AccessRequestRecord>) => SavedReply | undefined) | undefined;
}

/** `access_grants` as requests and grants. */
export interface AccessRequestStore {
  /**
   * Saves the request unless one from the same line manager about the same colleague is already
   * waiting: then that one stands, nobody is asked again, and only `reply` is saved (two copies of
   * the message arriving at once make one request). `notify`: who is asked to decide, made from the
   * new request and queued in the transaction that saves it.
   */
  create(input: NewAccessRequest): Promise<Requested<AccessRequestRecord>>;
  /** Requests about people of this school still waiting for a decision, oldest first. */
  pending(schoolId: string): Promise<AccessRequestRecord[]>;
  /**
   * Records a decision if the request is still waiting; false when it was decided already.
   * `reply` (and `create`'s): the answer to the person who asked, saved in the same transaction.
   */
  decide(
    id: string,
    decision: { status: 'granted' | 'refused'; decidedById: string; at: Date; expiresAt?: Date | undefined; note?: string | undefined; notify: readonly QueuedNotification[]; reply?: SavedReply | undefined },
  ): Promise<boolean>;
  /** The reviewee was told (002 §18: “Reviewees will be told who has requested and has been granted access”). */
  markNotified(id: string, at: Date): Promise<void>;
}

export type ReviewerChangeStatus = 'requested' | 'granted' | 'declined';

/** A reviewee's written request for another reviewer, with reasons (002 §27, 004 §3.10), and what was decided. */
export interface ReviewerChangeRecord {
  id: string;
  revieweeId: string;
  revieweeName: string;
  /** The reviewer the request is about. */
  reviewerId?: string | undefined;
  reviewerName?: string | undefined;
  reason: string;
  status: ReviewerChangeStatus;
  requestedAt: Date;
}

/** `reviewer_change_requests`, and the replacement reviewer assignment a grant makes. */
/** A new request for another reviewer, as `ReviewerChangeStore.create` takes it. */
export interface NewReviewerChange {
  revieweeId: string;
  reviewerId?: string | undefined;
  reason: string;
  at: Date;
  /** Who is asked to decide, made from the new request and queued in the transaction that saves it. */
  notify: (request: ReviewerChangeRecord) => QueuedNotification[];
  /** The answer to the reviewee, made from the request that stands and saved in the same transaction. */
  reply?: ((requested: Requested<ReviewerChangeRecord>) => SavedReply | undefined) | undefined;
}

export interface ReviewerChangeStore {
  /** Saves the request unless the reviewee already has one waiting: then that one stands, nobody is asked again, and only `reply` is saved. */
  create(input: NewReviewerChange): Promise<Requested<ReviewerChangeRecord>>;
  /** Requests from people of this school still waiting for a decision, oldest first. */
  pending(schoolId: string): Promise<ReviewerChangeRecord[]>;
  /**
   * In one transaction, if the request is still waiting: records the grant; ends the reviewee's
   * earlier delegated or replacement reviewer assignment and starts one for the new reviewer on
   * `on` with `reason` (the one mechanism `relationshipsOn` reads, which roster imports keep);
   * and hands the reviewee's open obligations owed by their reviewer to the new reviewer, leaving
   * everything done as it is. False when the request was decided already.
   */
  grant(id: string, grant: { decidedById: string; newReviewerId: string; at: Date; on: string; reason: string; notify: readonly QueuedNotification[]; reply?: SavedReply | undefined }): Promise<boolean>;
  /** Records a refusal with its reason if the request is still waiting, queueing `notify` with it; false when it was decided already. */
  decline(id: string, decline: { decidedById: string; at: Date; note: string; notify: readonly QueuedNotification[]; reply?: SavedReply | undefined }): Promise<boolean>;
}
