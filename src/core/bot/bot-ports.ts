import type { IsoDate } from '../calendar/iso-date.ts';
import type { TurnReadAhead } from '../conversations/conversation-ports.ts';
import type { OutgoingMessage } from '../conversations/engine/outgoing-message.ts';
import type { Role } from '../people/person.ts';
import type { QueuedNotification, ReplyPlace, Told } from '../notifications/notification-queue.ts';

export type ChatPlatform = 'slack' | 'teams' | 'local';

/** A chat account: a Slack user in a team, a Teams user (aadObjectId) in a tenant, a playground user. */
export interface PlatformAccount {
  platform: ChatPlatform;
  /** Slack team / enterprise id, Teams tenant id, "local" in the playground. */
  tenant: string;
  /** Slack user id, Teams aadObjectId, the person id in the playground. */
  userId: string;
}

/** A roster person a chat account belongs to. */
export interface KnownPerson {
  id: string;
  schoolId: string;
  fullName: string;
  email: string;
  role: Role;
  department?: string | undefined;
  active: boolean;
}

/** Who is talking to the bot, once the channel has matched them to the roster. */
export interface Actor {
  person: KnownPerson;
  account: PlatformAccount;
  /**
   * The first read of the turn their message makes in a dialog's thread, made in the same
   * statement as the look-up of who they are (`IdentityStore.findByAccount` given the thread), for
   * the engine to use instead of reading again. Absent when none was made.
   */
  turnRead?: TurnReadAhead | undefined;
}

/** A message written in a dialog's thread, on the turn's London day: what `findByAccount` reads that turn's opening for. */
export interface MessageInThread {
  threadKey: string;
  messageId: string;
  today: IsoDate;
}

/** A stored account of a person's, as a channel needs it to reach them. */
export interface StoredAccount extends PlatformAccount {
  /** Teams' conversation reference (serviceUrl, conversation id) for proactive messages. */
  conversationRef?: unknown;
  reachable: boolean;
}

/**
 * Links chat accounts to roster people (the `platform_identities` table). An account is linked
 * once by e-mail and looked up by id afterwards; nothing is stored for someone not on a roster.
 */
/** A linked account's person, with the workspaces or tenants recorded for their school and trust on the account's platform. */
export interface LinkedPerson {
  person: KnownPerson;
  workspaces: string[];
}

export interface IdentityStore {
  /**
   * The person linked to the account and where they may act from, read together (every message
   * asks). With `thread`, a store that serves the turns too may read that message's turn opening in
   * the same statement (`turnRead`): a reply in a dialog's thread is then one read in all.
   */
  findByAccount(account: PlatformAccount, thread?: MessageInThread): Promise<(LinkedPerson & { turnRead?: TurnReadAhead | undefined }) | undefined>;
  /**
   * The active roster person with this e-mail (lower-cased), read together with where they may act
   * from on `platform` (as `findByAccount`) and the accounts already linked to them (as `accountsOf`):
   * what a first contact needs to link, in one read. Undefined if none.
   */
  findActiveByEmail(email: string, platform: ChatPlatform): Promise<(LinkedPerson & { accounts: StoredAccount[] }) | undefined>;
  /**
   * Links the account to the person (or moves it to them), reachable, and queues `notify` (the
   * note to their earlier account) in the same transaction, so it exists exactly when the link does.
   */
  link(account: PlatformAccount, personId: string, now: Date, notify?: readonly QueuedNotification[]): Promise<void>;
  /** The Slack workspaces or Teams tenants recorded for the school and the other schools of its trust. */
  workspacesOf(schoolId: string, platform: ChatPlatform): Promise<string[]>;
  /** Every workspace or tenant recorded for any school on this platform. */
  recordedWorkspaces(platform: ChatPlatform): Promise<string[]>;
  /** Forgets a link whose person has left or whose e-mail no longer matches. */
  unlink(account: PlatformAccount): Promise<void>;
  /** Records where to reach the account (Teams' conversation reference) and that it is reachable again. */
  saveConversationRef(account: PlatformAccount, ref: unknown, now: Date): Promise<void>;
  /**
   * The app was removed (Teams 403, Slack `account_inactive`): messages can't reach them here.
   * Only the change from reachable queues `notify` (the line manager's note), in the same transaction.
   */
  markUnreachable(account: PlatformAccount, now: Date, notify?: readonly QueuedNotification[]): Promise<void>;
  accountsOf(personId: string): Promise<StoredAccount[]>;
  personById(personId: string): Promise<KnownPerson | undefined>;
}

/**
 * The read side leaders, managers and staff ask for: status, App Home, summaries. Implemented in
 * src/core/reports over a storage port; the bot only routes to it and enforces who may ask.
 */
export interface BotReports {
  /** `status`: where the person is in the cycle and what is due next. */
  status(person: KnownPerson, now: Date): Promise<OutgoingMessage[]>;
  /** App Home / "my cycle" panel. */
  home(person: KnownPerson, now: Date): Promise<HomeView>;
  /** `summary [department]`: counts per stage; leaders only (the bot checks before calling). */
  summary(person: KnownPerson, department: string | undefined, now: Date): Promise<OutgoingMessage[]>;
  /** `overdue [department] [page N]`: who is overdue for what, a page at a time (page 1 when not given); leaders only. */
  overdue(person: KnownPerson, department: string | undefined, now: Date, page?: number): Promise<OutgoingMessage[]>;
  /** `why`: the policy paragraph behind the person's next item, which messages otherwise leave out. */
  why(person: KnownPerson, now: Date): Promise<OutgoingMessage[]>;
  /** `who-has-seen`: the person's own access log in plain words (002 §18). */
  whoHasSeen(person: KnownPerson, now: Date): Promise<OutgoingMessage[]>;
}

/** What a "my cycle" panel shows; every channel lays it out its own way. */
export interface HomeView {
  person: { id: string; fullName: string; role: Role };
  academicYear: number;
  /** A short phrase: "Planning", "Mid-year review", "End of cycle". */
  stage: string;
  /** Open items, soonest first. */
  deadlines: HomeDeadline[];
  /** The plan's status and goal titles, if there is a plan. */
  plan?: { status: string; goals: string[] } | undefined;
  /** People the person reviews or line-manages, at a glance. */
  reviewees: { id: string; fullName: string; open: number; overdue: number; next?: string | undefined }[];
  /** Buttons: start or continue what is due (values are growth command words or digest actions). */
  actions: { label: string; value: string }[];
  /** Why the person is outside this year's cycle, when they are (agency, ECT induction…). */
  exclusion?: string | undefined;
  /** Dialogs started and not finished (Conversation rows active or paused), so a channel can offer "continue". */
  inProgress?: { dialogId: string; title: string; platform: string; threadKey: string; status: string }[] | undefined;
  /** “Who has seen my records”: the latest reads by others, in plain words (002 §18). */
  seenBy?: { when: string; text: string }[] | undefined;
}

export interface HomeDeadline {
  obligationKey: string;
  label: string;
  dueOn: string;
  overdue: boolean;
  rule: string;
  kind?: string | undefined;
  /** "due Fri 30 Oct", "due today", "overdue since Fri 30 Oct (3 days)". */
  dueText?: string | undefined;
  optional?: boolean | undefined;
  snoozed?: boolean | undefined;
  /** True when the person themself owes it (not their reviewer). */
  yours?: boolean | undefined;
  /** Whose cycle it is in, when not the person's own (a reviewer's item for a reviewee). */
  about?: { personId: string; fullName: string } | undefined;
}

/** Acting on a reminder's buttons: start, done, snooze, not applicable (issue: "act from the reminder"). */
export interface ReminderActions {
  /** `saved`: where the reply goes, so a change saves it in its own transaction (the outcome's `replyKey`). */
  act(actor: Actor, value: string, now: Date, detail?: { reason?: string | undefined; until?: string | undefined }, saved?: ReplyContext): Promise<ReminderActionOutcome>;
}

/** The reply to one inbound message, to save with what it answers: its key, whose it is, the account and where the channel answers. */
export interface ReplyContext {
  key: string;
  personId: string;
  account: PlatformAccount;
  place: ReplyPlace;
}

export type ReminderActionOutcome =
  /**
   * What to tell the person who pressed it; anyone else told (the reviewer, of an item marked not
   * applicable) was queued with the change. `replyKey`: the reply was saved with the change.
   */
  | { kind: 'reply'; messages: OutgoingMessage[]; replyKey?: string | undefined; notified?: readonly Told[] | undefined }
  /**
   * `start:<key>`: the channel opens a thread and starts this dialog in it. `targetPersonId`: the
   * colleague the dialog is about (a reviewer's feedback conversation), passed to `startDialog` as `{ personId }`.
   */
  | { kind: 'start-dialog'; dialogId: string; trigger: string; targetPersonId?: string | undefined }
  /** `snooze:` or `na:` needs a date or a reason first: the channel asks with this form. */
  | { kind: 'ask'; message: OutgoingMessage };

/** Replies a channel has posted, settled so the job engine does not send them again. */
export interface SentReplies {
  /** The reply queued under `key` is sent (if it is still pending) and its delivery job withdrawn. */
  markSent(key: string, at: Date): Promise<void>;
  /**
   * A reply to an inbound message that changed nothing (`status`, `help`), saved on its own in one
   * statement that also claims the message in `processed_inbound`: false when its key is already
   * there (a retried webhook), and then it is not answered again.
   */
  saveOnce(reply: QueuedNotification & { account: PlatformAccount }, claim: { platform: string; tenant: string; messageId: string }, now: Date): Promise<boolean>;
  /** Whether a reply is saved under `key` (the message it answers was applied). */
  isSaved(key: string): Promise<boolean>;
}
