import type { AccessRequests } from '../access/access-requests.ts';
import type { ReviewerChanges } from '../access/reviewer-changes.ts';
import type { CycleRestarts } from '../roster/cycle-restart.ts';
import type { ReviewLoadExceptions } from '../roster/review-load-exceptions.ts';
import { reportAudience } from '../access/report-audience.ts';
import { londonDateOf } from '../calendar/london-time.ts';
import type { TurnReadAhead } from '../conversations/conversation-ports.ts';
import type { DialogDefinition } from '../conversations/engine/define-dialog.ts';
import { FORM_CHOICE } from '../conversations/engine/commands.ts';
import { type InboundTurn, platformName, type TurnInput } from '../conversations/engine/inbound-turn.ts';
import { type FilesToMake, type OutgoingMessage, say } from '../conversations/engine/outgoing-message.ts';
import type { ConversationEngine, TurnResult } from '../conversations/engine/run-turn.ts';
import { academicYearOf, type Clock } from '../time/clock.ts';
import type { ActiveThreads } from './active-threads.ts';
import type { Actor, BotReports, HomeView, IdentityStore, KnownPerson, PlatformAccount, ReminderActionOutcome, ReminderActions, ReplyContext, SentReplies } from './bot-ports.ts';
import { myRecordsToMake, type RecordsRequests } from '../records/my-records.ts';
import { type Metrics, noMetrics, type TurnKind } from '../metrics/metrics.ts';
import type { GovernorsRequests } from '../reports/governors-requests.ts';
import { type GrowthCommand, growthHelp, parseGrowthCommand } from './growth-command.ts';
import { SEE_WHO_ACTION } from '../reminders/compose-digest.ts';
import { mayActFor } from './workspace-binding.ts';
import { type Effect, type EffectRenderer, notifiedEffects, renderEffects, replyEffects, type ThreadOpener, turnEffects } from './turn-flow.ts';
import { isReminderAction } from '../reminders/reminder-actions.ts';
import { type QueuedNotification, type ReplyPlace, replyKey, type Told, turnCause } from '../notifications/notification-queue.ts';

export interface TrellisBotDeps {
  engine: ConversationEngine;
  dialogs: readonly DialogDefinition[];
  identities: IdentityStore;
  reports: BotReports;
  actions: ReminderActions;
  clock: Clock;
  /** `my-records` and `delete-expired` (002 §44); without it the bot says they are not available. */
  records?: RecordsRequests | undefined;
  /** Access on request (002 §18); without it those commands say they are not available. */
  access?: AccessRequests | undefined;
  /** Asking for another reviewer (002 §27, 004 §3.10); without it those commands say they are not available. */
  reviewerChanges?: ReviewerChanges | undefined;
  /** The head's decision whether a cycle begins again after a move to a new post (002 §35). */
  cycleRestarts?: CycleRestarts | undefined;
  /** The head's exceptions to the limit on reviewees (002 §25). */
  reviewLoadExceptions?: ReviewLoadExceptions | undefined;
  /** `report governors` and `moderate` (002 §36–39, §8); without it they say they are not available. */
  governors?: Pick<GovernorsRequests, 'request' | 'report' | 'moderate'> | undefined;
  /** The person's dialogs in progress, so words typed outside a thread find the one waiting. */
  threads?: ActiveThreads | undefined;
  /** Where each turn's latency is recorded (`/metrics`); without it nothing is. */
  metrics?: Metrics | undefined;
  /** Told whom a turn is from once the roster knows them (the log lines of the request name their school). */
  onIdentified?: ((person: KnownPerson) => void) | undefined;
  /** Where a channel reports a turn's reply sent (`replied`); without it the job engine's look-up settles each. */
  replies?: SentReplies | undefined;
}

/**
 * The note to the account they had before (most recently seen) that another was linked, so a
 * borrowed identity does not go unnoticed: queued for that account only, keyed by the new link.
 */
function noteOfNewAccount(person: KnownPerson, account: PlatformAccount, earlier: PlatformAccount): QueuedNotification {
  const where = platformName(account.platform);
  const note = say(
    `A ${where} account was just linked to your Trellis growth records (${where} ${account.platform === 'local' ? '' : `workspace ${account.tenant}, `}user ${account.userId}). If that was you, there is nothing to do. If not, please tell your Trellis administrator straight away.`,
  );
  const target = { platform: earlier.platform, tenant: earlier.tenant, userId: earlier.userId };
  return { personId: person.id, account: target, messages: [note], key: `second-account:${person.id}:${account.platform}:${account.tenant}:${account.userId}` };
}

const sameAccount = (a: PlatformAccount, b: PlatformAccount) => a.platform === b.platform && a.tenant === b.tenant && a.userId === b.userId;

/** Where a channel carries on a dialog: its thread (Slack thread ts, Teams conversation + dialog). */
export interface ThreadPlace {
  threadKey: string;
  /** The platform's id for the message that caused this turn; a retried delivery repeats it. */
  messageId: string;
  /**
   * Where the channel will post the reply (a Slack DM and thread): given, the reply is saved in the
   * turn's transaction and the job engine sends it if the channel never reports it sent (`replied`).
   */
  replyTo?: { conversation: string; thread?: string | undefined } | undefined;
}

/** The turn's reply place for the engine: the account that spoke and where the channel replies. */
function replyToOf(actor: Actor, place: ThreadPlace): InboundTurn['replyTo'] {
  if (place.replyTo === undefined) return undefined;
  return { userId: actor.account.userId, conversation: place.replyTo.conversation, ...(place.replyTo.thread === undefined ? {} : { thread: place.replyTo.thread }) };
}

export type CommandOutcome =
  /**
   * `replyKey`: saved with the change it answers (a diary line's turn); `duplicate`: a retried
   * message, already answered; `notified`: who else it told (an answer typed to a waiting dialog).
   */
  | { kind: 'reply'; messages: OutgoingMessage[]; replyKey?: string | undefined; duplicate?: boolean | undefined; notified?: readonly Told[] | undefined }
  /** Open a thread titled `title`, then call `startDialog` with its key. */
  | { kind: 'start-dialog'; dialogId: string; trigger: string; title: string; target?: string | undefined };

/** A colleague named when a dialog is started: resolved to a person, or typed text to match by name. */
export type DialogTarget = { personId: string } | { text: string };

export const NOT_ON_ROSTER =
  'Hello! I can’t find you on your school’s staff list, so I can’t help yet. If you work at a school that uses Trellis, please ask your Trellis administrator to add your work e-mail address.';

/** Told to someone whose message could not be saved and will not be delivered again (the platform has stopped retrying). */
export const NOT_SAVED = 'Sorry, I couldn’t save your last message (Trellis is having trouble). Please send it again in a few minutes.';

/**
 * The one thing every chat channel talks to. Channels translate their platform's events into
 * these calls and render what comes back; every rule (who may see what, what a command means,
 * how a dialog goes) lives behind this facade, so Slack, Teams and the playground behave alike.
 */
export class TrellisBot {
  readonly #deps: TrellisBotDeps;
  readonly #dialogs: ReadonlyMap<string, DialogDefinition>;

  constructor(deps: TrellisBotDeps) {
    this.#deps = deps;
    this.#dialogs = new Map(deps.dialogs.map((d) => [d.id, d]));
  }

  /**
   * The roster person behind a chat account: from the stored link, else by the e-mail the
   * platform gives (`lookupEmail` is only called then). A link to someone who has left is
   * dropped and looked up again, so a reused account never reaches the wrong records; an account
   * from a workspace that is not their school's is never linked (workspace-binding.ts), and a
   * person gaining a second account is told on the one they already had.
   */
  async identify(account: PlatformAccount, lookupEmail: () => Promise<string | undefined>, options: { homeTenant?: string | undefined | null } = {}): Promise<KnownPerson | undefined> {
    return (await this.actor(account, lookupEmail, options))?.person;
  }

  /**
   * `identify`, as the actor of a turn. Given the dialog thread the message was written in
   * (`thread`), a linked account's look-up also reads that turn's opening in the same statement
   * (`Actor.turnRead`), which `messageFlow` hands to the engine: a reply in a thread is then one
   * read and one write. Who they are is decided here either way, by the same rules.
   */
  async actor(
    account: PlatformAccount,
    lookupEmail: () => Promise<string | undefined>,
    options: { homeTenant?: string | undefined | null; thread?: ThreadPlace | undefined } = {},
  ): Promise<Actor | undefined> {
    const found = await this.#identify(account, lookupEmail, options.homeTenant, options.thread);
    if (found === undefined) return undefined;
    this.#deps.onIdentified?.(found.person);
    return { person: found.person, account, ...(found.turnRead === undefined ? {} : { turnRead: found.turnRead }) };
  }

  async #identify(
    account: PlatformAccount,
    lookupEmail: () => Promise<string | undefined>,
    homeTenant: string | undefined | null,
    thread: ThreadPlace | undefined,
  ): Promise<{ person: KnownPerson; turnRead?: TurnReadAhead | undefined } | undefined> {
    const { identities, clock } = this.#deps;
    const inThread = thread === undefined ? undefined : { threadKey: thread.threadKey, messageId: thread.messageId, today: londonDateOf(clock.now()) };
    const linked = await identities.findByAccount(account, inThread);
    // The turn read with it is used only for the person decided here; any other path reads its own.
    if (linked?.person.active && mayActFor(account, linked.workspaces, homeTenant)) return { person: linked.person, turnRead: linked.turnRead };
    if (linked !== undefined) await identities.unlink(account);
    const email = await lookupEmail();
    if (email === undefined || email.trim() === '') return undefined;
    // The person, their school's workspaces and their other accounts in one read: a first contact's look-up and link are two statements.
    const found = await identities.findActiveByEmail(email.trim().toLowerCase(), account.platform);
    if (found === undefined || !(account.platform === 'local' || mayActFor(account, found.workspaces, homeTenant))) return undefined;
    const { person } = found;
    const earlier = found.accounts.filter((a) => !sameAccount(a, account));
    await identities.link(account, person.id, clock.now(), earlier.length > 0 ? [noteOfNewAccount(person, account, earlier[0]!)] : []);
    return { person };
  }

  /** A message or button press in a dialog's thread. */
  handleMessage(actor: Actor, place: ThreadPlace, input: TurnInput): Promise<TurnResult> {
    return this.#timed(actor, 'message', () => this.#handle(actor, place, input));
  }

  #handle(actor: Actor, place: ThreadPlace, input: TurnInput): Promise<TurnResult> {
    // The read made with the look-up of who speaks, if any: the store uses it only for this very opening.
    return this.#deps.engine.handle({ ...turnAt(actor, place), input }, { readAhead: actor.turnRead });
  }

  /**
   * The channel has posted a turn's reply (`TurnResult.replyKey`): it is settled, and the job that
   * would have sent it is withdrawn. A failure here is only logged by the caller: the job then
   * finds the reply on the platform and sends nothing.
   */
  async replied(result: Pick<TurnResult, 'replyKey'>): Promise<void> {
    if (result.replyKey === undefined) return;
    await this.#deps.replies?.markSent(result.replyKey, this.#deps.clock.now());
  }

  /** `/growth …` (or the same words typed): an answer now, or a dialog to start in a new thread. */
  async command(actor: Actor, text: string, messageId: string, options: CommandOptions = {}): Promise<CommandOutcome> {
    const command = parseGrowthCommand(text);
    return this.#timed(actor, 'command', async () => {
      if (await this.#appliedAlready(actor, command, messageId, options.replyTo)) return { kind: 'reply', messages: [], duplicate: true };
      return this.#run(actor, command, messageId, options);
    });
  }

  /**
   * A command that changes something outside a conversation turn (an access or reviewer request or
   * decision, deleting expired records), delivered again after its reply was saved: it was applied,
   * so it is not applied twice. A request or decision saves its reply in its own transaction, so
   * the reply is there exactly when the change is; `delete-expired` saves it just after.
   */
  async #appliedAlready(actor: Actor, command: GrowthCommand, messageId: string, replyTo: ReplyPlace | undefined): Promise<boolean> {
    if (!CHANGES_ON_ITS_OWN.has(command.kind)) return false;
    const saved = this.#replyContext(actor, messageId, replyTo);
    return saved !== undefined && ((await this.#deps.replies?.isSaved(saved.key)) ?? false);
  }

  /** Every turn through the facade is timed here, once: the channels need not. */
  #timed<T>(actor: Actor, kind: TurnKind, turn: () => Promise<T>): Promise<T> {
    return (this.#deps.metrics ?? noMetrics).timeTurn(actor.account.platform, kind, turn);
  }

  async #run(actor: Actor, command: GrowthCommand, messageId: string, options: CommandOptions): Promise<CommandOutcome> {
    const now = this.#deps.clock.now();
    const { reports } = this.#deps;
    switch (command.kind) {
      case 'help': {
        // Typed words only (no `/growth ` prefix): a slash command is always a command.
        if (command.unknown !== undefined && (options.prefix ?? '') === '') {
          const waiting = await this.#replyToWaitingDialog(actor, command.unknown, messageId);
          if (waiting !== undefined) return { kind: 'reply', ...waiting };
        }
        const help = growthHelp(options.prefix ?? '', { leader: isLeader(actor.person), inThreadNote: options.inThreadNote });
        const intro = command.unknown === undefined ? [] : [say(`I don’t know “${command.unknown}”. Here’s what I can do:`)];
        return { kind: 'reply', messages: [...intro, say(help)] };
      }
      case 'status':
        return { kind: 'reply', messages: await reports.status(actor.person, now) };
      case 'why':
        return { kind: 'reply', messages: (await this.#whyOfWaitingDialog(actor, messageId)) ?? (await reports.why(actor.person, now)) };
      case 'who-has-seen':
        return { kind: 'reply', messages: await reports.whoHasSeen(actor.person, now) };
      case 'request-access':
      case 'access-requests':
      case 'decide-access':
      case 'see-plan':
        // A request or a decision saves its reply in its transaction, when the channel said where it answers.
        return { kind: 'reply', ...(await this.#access(actor, command, now, this.#replyContext(actor, messageId, options.replyTo))) };
      case 'change-reviewer':
      case 'reviewer-requests':
      case 'decide-reviewer':
        return { kind: 'reply', ...(await this.#reviewerChange(actor, command, now, this.#replyContext(actor, messageId, options.replyTo))) };
      case 'decide-cycle': {
        const { cycleRestarts } = this.#deps;
        if (cycleRestarts === undefined) return { kind: 'reply', messages: [say('Deciding whether a cycle begins again is not set up here.')] };
        return { kind: 'reply', messages: (await cycleRestarts.decide(actor.person, command.decision, command.name, now)).messages };
      }
      case 'reassign-reviewer': {
        const { cycleRestarts } = this.#deps;
        if (cycleRestarts === undefined) return { kind: 'reply', messages: [say('Changing a colleague’s reviewer after a move is not set up here.')] };
        return { kind: 'reply', messages: (await cycleRestarts.changeReviewer(actor.person, command.name, command.newReviewer, now)).messages };
      }
      case 'allow-reviewees': {
        const { reviewLoadExceptions } = this.#deps;
        if (reviewLoadExceptions === undefined) return { kind: 'reply', messages: [say('Confirming an exception to the number of reviewees is not set up here.')] };
        return { kind: 'reply', messages: (await reviewLoadExceptions.confirm(actor.person, command.name, command.reason, now)).messages };
      }
      case 'summary':
      case 'overdue': {
        if (!isLeader(actor.person)) return { kind: 'reply', messages: [say(LEADERS_ONLY)] };
        const messages = command.kind === 'summary' ? await reports.summary(actor.person, command.department, now) : await reports.overdue(actor.person, command.department, now, command.page);
        return { kind: 'reply', messages };
      }
      case 'log': {
        // The diary line and its reply are saved in one turn, when the channel said where it answers.
        const replyTo = options.replyTo === undefined ? {} : { replyTo: options.replyTo };
        const result = await this.#handle(actor, { threadKey: `log:${actor.person.id}`, messageId, ...replyTo }, { kind: 'text', text: `log ${command.text}` });
        return { kind: 'reply', messages: result.messages, replyKey: result.replyKey, duplicate: result.duplicate };
      }
      case 'my-records':
      case 'delete-expired': {
        const { records } = this.#deps;
        if (records === undefined) return { kind: 'reply', messages: [say(RECORDS_NOT_SET_UP)] };
        // The files are named here and made when the reply is sent (`prepare`), after the platform has its answer.
        return { kind: 'reply', messages: command.kind === 'my-records' ? myRecordsToMake(actor.person, now) : await records.deleteExpired(actor.person, command.confirmed) };
      }
      case 'report-governors':
      case 'moderate':
        return { kind: 'reply', messages: await this.#governors(actor, command, now) };
      case 'dialog':
        return { kind: 'start-dialog', dialogId: command.dialogId, trigger: command.trigger, title: this.threadTitle(command.dialogId, now), target: command.target };
    }
  }

  async #governors(actor: Actor, command: Extract<GrowthCommand, { kind: 'report-governors' | 'moderate' }>, now: Date): Promise<OutgoingMessage[]> {
    const { governors } = this.#deps;
    if (governors === undefined) return [say(GOVERNORS_NOT_SET_UP)];
    if (command.kind === 'report-governors') {
      if (command.bad !== undefined) return [say(`“${command.bad}” is not a year: say \`report governors\` for this year, or e.g. \`report governors 2025\` for 2025/26.`)];
      return governors.request(actor.person, command.year, now);
    }
    if (command.bad !== undefined) return [say(`“${command.bad}” is not a number: say \`moderate\` for a sample of 5, or e.g. \`moderate 8\`.`)];
    return governors.moderate(actor.person, command.size);
  }

  async #access(actor: Actor, command: GrowthCommand, now: Date, saved: ReplyContext | undefined): Promise<{ messages: OutgoingMessage[]; replyKey?: string | undefined }> {
    const { access } = this.#deps;
    if (access === undefined) return { messages: [say('Access on request is not set up here.')] };
    return command.kind === 'request-access'
      ? access.request(actor.person, command.text, now, saved)
      : command.kind === 'access-requests'
        ? access.pending(actor.person, now)
        : command.kind === 'decide-access'
          ? access.decide(actor.person, command.decision, command.code, command.rest, now, saved)
          : command.kind === 'see-plan'
            ? access.seePlan(actor.person, command.name, now)
            : { messages: [] };
  }

  async #reviewerChange(
    actor: Actor,
    command: Extract<GrowthCommand, { kind: 'change-reviewer' | 'reviewer-requests' | 'decide-reviewer' }>,
    now: Date,
    saved: ReplyContext | undefined,
  ): Promise<{ messages: OutgoingMessage[]; replyKey?: string | undefined }> {
    const { reviewerChanges } = this.#deps;
    if (reviewerChanges === undefined) return { messages: [say('Asking for a different reviewer is not set up here: please talk to your head.')] };
    return command.kind === 'change-reviewer'
      ? reviewerChanges.request(actor.person, command.reason, now, saved)
      : command.kind === 'reviewer-requests'
        ? reviewerChanges.pending(actor.person, now)
        : command.decision === 'replace'
          ? reviewerChanges.grant(actor.person, command.code, command.rest, now, saved)
          : reviewerChanges.decline(actor.person, command.code, command.rest, now, saved);
  }

  /**
   * Words that are no command, typed outside any thread while a dialog waits in one: with one
   * dialog waiting for an answer they are its answer (as in Teams' flat chat); otherwise one line
   * says where the dialogs are. Undefined when nothing waits, and the help is shown as before.
   */
  async #replyToWaitingDialog(actor: Actor, text: string, messageId: string): Promise<{ messages: OutgoingMessage[]; notified?: readonly Told[] | undefined } | undefined> {
    const open = (await this.#deps.threads?.openThreads(actor.account.tenant, actor.account.platform, actor.person.id)) ?? [];
    if (open.length === 0) return undefined;
    const active = open.filter((thread) => thread.status === 'active');
    const title = (dialogId: string) => this.#dialogs.get(dialogId)?.title.toLowerCase() ?? 'conversation';
    if (active.length === 1) {
      const thread = active[0]!;
      const turn = await this.#handle(actor, { threadKey: thread.threadKey, messageId }, { kind: 'text', text });
      if (turn.duplicate) return { messages: [] };
      return { messages: [say(`_Taken as your answer in your ${title(thread.dialogId)} (its thread has the whole conversation):_`), ...turn.messages], notified: turn.notified };
    }
    if (active.length > 1) {
      const names = active.map((thread) => title(thread.dialogId));
      return { messages: [say(`You have ${names.length} conversations waiting (${names.join(', ')}) — please reply in the thread of the one you mean, or type \`help\` for what I can do.`)] };
    }
    return { messages: [say(`Your ${title(open[0]!.dialogId)} is paused in its thread — say \`resume\` there to carry on, or type \`help\` for what I can do.`)] };
  }

  /**
   * `why` outside any thread while exactly one dialog waits for an answer: the paragraph behind
   * the question it waits on (the dialog's own `why`), which is what the person is most likely
   * puzzling over. Undefined otherwise, and `why` explains their next item as before.
   */
  async #whyOfWaitingDialog(actor: Actor, messageId: string): Promise<OutgoingMessage[] | undefined> {
    const open = (await this.#deps.threads?.openThreads(actor.account.tenant, actor.account.platform, actor.person.id)) ?? [];
    const active = open.filter((thread) => thread.status === 'active');
    if (active.length !== 1) return undefined;
    const thread = active[0]!;
    const turn = await this.#handle(actor, { threadKey: thread.threadKey, messageId }, { kind: 'text', text: 'why' });
    if (turn.duplicate) return [];
    const title = this.#dialogs.get(thread.dialogId)?.title.toLowerCase() ?? 'conversation';
    return [say(`_About the question your ${title} waits on (its thread has the whole conversation):_`), ...turn.messages];
  }

  /**
   * Starts a dialog in a thread the channel has just opened. With a target (`checkin @sam`), the
   * engine answers the colleague question in the same turn, so the person lands on the first real
   * question about that colleague, or is told plainly why it can't be about them.
   */
  startDialog(actor: Actor, place: ThreadPlace, start: { trigger: string; target?: DialogTarget | undefined }): Promise<TurnResult> {
    return this.#timed(actor, 'start-dialog', () => this.#start(actor, place, start));
  }

  #start(actor: Actor, place: ThreadPlace, start: { trigger: string; target?: DialogTarget | undefined }): Promise<TurnResult> {
    const target = start.target === undefined ? undefined : 'personId' in start.target ? start.target.personId : start.target.text;
    return this.#deps.engine.handle({ ...turnAt(actor, place), input: { kind: 'text', text: start.trigger }, target: target?.trim() === '' ? undefined : target }, { opensThread: true });
  }

  /** A reminder's button (`start:<key>`, `done:<key>`, `snooze:<key>`, `na:<key>`, or an escalation summary's `overdue`). */
  act(actor: Actor, value: string, detail?: { reason?: string | undefined; until?: string | undefined }, saved?: ReplyContext): Promise<ReminderActionOutcome> {
    return this.#timed(actor, 'action', () => this.#act(actor, value, detail, saved));
  }

  async #act(actor: Actor, value: string, detail?: { reason?: string | undefined; until?: string | undefined }, saved?: ReplyContext): Promise<ReminderActionOutcome> {
    if (value === SEE_WHO_ACTION) {
      // "See who" on an escalation summary is the `overdue` command, which names people only to those entitled.
      const outcome = await this.#run(actor, { kind: 'overdue' }, `act:${actor.person.id}:${value}`, {});
      return { kind: 'reply', messages: outcome.kind === 'reply' ? outcome.messages : [] };
    }
    // Anyone else to tell was queued with the change itself, whichever channel the action came from,
    // and so is the reply when the channel said where it answers (`saved`).
    return this.#deps.actions.act(actor, value, this.#deps.clock.now(), detail, saved);
  }

  /** The reply to an inbound message, to save with what it answers, when the channel said where it will answer. */
  #replyContext(actor: Actor, messageId: string, replyTo: ReplyPlace | undefined): ReplyContext | undefined {
    if (replyTo === undefined || this.#deps.replies === undefined) return undefined;
    const cause = turnCause({ platform: actor.account.platform, tenant: actor.account.tenant, messageId });
    return { key: replyKey(cause), personId: actor.person.id, account: actor.account, place: replyTo };
  }

  /**
   * The reply effect of a command or button, in one place for both flows: a reply saved with its
   * change keeps its key; any other, when the channel said where it answers, is saved on its own
   * with the message's claim (`SentReplies.saveOnce`), and a retried message already answered
   * shows nothing, the job engine settling the first answer. Without a place (the playground,
   * whose answer is its HTTP response), it is shown only.
   */
  async #replyOf(
    actor: Actor,
    messageId: string,
    reply: { messages: readonly OutgoingMessage[]; replyKey?: string | undefined; duplicate?: boolean | undefined; notified?: readonly Told[] | undefined },
    replyTo: ReplyPlace | undefined,
  ): Promise<Effect[]> {
    if (reply.duplicate === true || reply.messages.length === 0) return [];
    const told = notifiedEffects(reply.notified, actor.person.id);
    if (reply.replyKey !== undefined) return [...replyEffects(reply.messages, undefined, reply.replyKey), ...told];
    const saved = this.#replyContext(actor, messageId, replyTo);
    const { replies } = this.#deps;
    if (saved === undefined || replies === undefined) return [...replyEffects(reply.messages), ...told];
    const claim = { platform: actor.account.platform, tenant: actor.account.tenant, messageId };
    const fresh = await replies.saveOnce({ ...saved, messages: [...reply.messages] }, claim, this.#deps.clock.now());
    return fresh ? [...replyEffects(reply.messages, undefined, saved.key), ...told] : [];
  }

  /**
   * The one turn flow for what someone says or presses outside a dialog's thread, in every channel:
   * `/growth …` or the same words typed. An answer now is a reply; a dialog is started in a thread
   * the channel opens for it (`opener`), in one turn, whose reply follows. Returns the effects for
   * the channel to render (`render`), which it may do after answering the platform.
   */
  async commandFlow(actor: Actor, text: string, messageId: string, opener: ThreadOpener, options: CommandOptions = {}): Promise<Effect[]> {
    const outcome = await this.command(actor, text, messageId, options);
    if (outcome.kind === 'reply') return this.#replyOf(actor, messageId, outcome, options.replyTo);
    const target = outcome.target === undefined ? undefined : ((await opener.targetOf?.(outcome.target)) ?? { text: outcome.target.replace(/^@/, '') });
    return this.#startFlow(actor, { dialogId: outcome.dialogId, trigger: outcome.trigger, title: outcome.title, target }, messageId, opener);
  }

  /**
   * The same flow for a reminder's or home button (`act`'s values, or a command word such as
   * `overdue`): an answer, a form to ask first (`ask-form`, answered back through `act` with
   * `detail`), or a dialog started in a thread the channel opens.
   */
  async actFlow(
    actor: Actor,
    value: string,
    messageId: string,
    opener: ThreadOpener,
    detail?: { reason?: string | undefined; until?: string | undefined },
    replyTo?: ReplyPlace | undefined,
  ): Promise<Effect[]> {
    if (!isReminderAction(value)) return this.commandFlow(actor, value, messageId, opener, { prefix: '/growth ', replyTo });
    const outcome = await this.act(actor, value, detail, this.#replyContext(actor, messageId, replyTo));
    if (outcome.kind === 'reply') return this.#replyOf(actor, messageId, outcome, replyTo);
    if (outcome.kind === 'ask') return [{ kind: 'ask-form', message: outcome.message, value }];
    const target = outcome.targetPersonId === undefined ? undefined : { personId: outcome.targetPersonId };
    return this.#startFlow(actor, { dialogId: outcome.dialogId, trigger: outcome.trigger, title: this.threadTitle(outcome.dialogId), target }, messageId, opener);
  }

  /** A message, button or form in a dialog's thread: the turn, and its reply as an effect in that thread. */
  async messageFlow(actor: Actor, place: ThreadPlace, input: TurnInput): Promise<{ effects: Effect[]; result: TurnResult }> {
    const result = await this.handleMessage(actor, place, input);
    return { effects: turnEffects(result, place, actor.person.id), result };
  }

  /**
   * "Answer in a form" pressed where a channel shows a dialog's section form apart from its thread
   * (Slack's modal): the thread's turn says which form, prefilled with what was answered, as an
   * `ask-form` whose answers go back to the thread; if the thread has moved on, a reply says so
   * instead (for the channel to show where the form would have been). Nothing is saved to send
   * later: the form is shown at once or not at all.
   */
  async formFlow(actor: Actor, place: ThreadPlace): Promise<Effect[]> {
    const result = await this.handleMessage(actor, place, { kind: 'choice', value: FORM_CHOICE });
    if (result.duplicate) return [];
    const form = result.messages.find((message) => message.type === 'form');
    if (form?.type === 'form') return [{ kind: 'ask-form', message: form, place }];
    return replyEffects(result.messages.length > 0 ? result.messages : [say('There’s no form for this question any more.')], place);
  }

  /**
   * Shows the effects through the channel in order, reporting each saved reply sent once it is
   * shown. A reply naming files to make has them made first (`prepare`): the platform has had its
   * answer, and if this process dies first the job engine makes them from the saved reply.
   */
  async render(effects: readonly Effect[], renderer: EffectRenderer): Promise<void> {
    const ready: Effect[] = [];
    for (const effect of effects) {
      if (effect.kind === 'reply' && effect.messages.some((message) => message.type === 'text' && message.make !== undefined)) ready.push(...replyEffects(await this.prepare(effect.messages), effect.place, effect.replyKey));
      else ready.push(effect);
    }
    return renderEffects(ready, renderer, (reply) => this.replied(reply));
  }

  /**
   * A reply's messages as they are sent: each naming files to make (`make`) replaced by the
   * messages and files made for it now. The one place they are made, for the channel rendering a
   * turn and for the job engine sending a saved reply. `forPerson`, when given, is whom the reply
   * goes to: files named for anyone else are not made.
   */
  async prepare(messages: readonly OutgoingMessage[], forPerson?: string): Promise<OutgoingMessage[]> {
    const prepared: OutgoingMessage[] = [];
    for (const message of messages) {
      if (message.type !== 'text' || message.make === undefined) prepared.push(message);
      else if (forPerson !== undefined && message.make.personId !== forPerson) prepared.push(say(message.text));
      else prepared.push(...(await this.#make(message.make)));
    }
    return prepared;
  }

  async #make(files: FilesToMake): Promise<OutgoingMessage[]> {
    const { records, governors } = this.#deps;
    // Read back from a saved reply: a moment that is not one makes them as of now.
    const askedAt = Number.isNaN(Date.parse(files.askedAt)) ? undefined : new Date(files.askedAt);
    switch (files.kind) {
      case 'my-records':
        return records === undefined ? [say(RECORDS_NOT_SET_UP)] : records.myRecords({ id: files.personId }, askedAt);
      case 'governors-report':
        return governors === undefined ? [say(GOVERNORS_NOT_SET_UP)] : governors.report({ id: files.personId, schoolId: files.schoolId }, files.year, askedAt);
    }
  }

  /** Opens the dialog's thread through the channel, starts the dialog there and returns what to show. */
  async #startFlow(actor: Actor, start: { dialogId: string; trigger: string; title: string; target?: DialogTarget | undefined }, messageId: string, opener: ThreadOpener): Promise<Effect[]> {
    const place = await opener.openThread({ dialogId: start.dialogId, title: start.title, messageId });
    const result = await this.startDialog(actor, place, { trigger: start.trigger, target: start.target });
    // A retried request started it already, and its thread has its replies.
    if (result.duplicate) return [];
    return [{ kind: 'dialog-started', dialogId: start.dialogId, title: start.title, place }, ...turnEffects(result, place, actor.person.id)];
  }

  home(person: KnownPerson): Promise<HomeView> {
    return this.#deps.reports.home(person, this.#deps.clock.now());
  }

  /** `home` asked for where the channel has no home tab (Teams): the home, as an effect. */
  async homeFlow(actor: Actor): Promise<Effect[]> {
    return [{ kind: 'home', view: await this.home(actor.person) }];
  }

  /**
   * What someone sees when they add Trellis (Teams' install): a greeting by first name, the help,
   * then their home. Decided here, so a channel that welcomes only renders it; shown, not saved
   * (the install event is not an answer to anything they wrote).
   */
  async welcomeFlow(actor: Actor, messageId: string): Promise<Effect[]> {
    const help = await this.command(actor, 'help', messageId, { prefix: '' });
    const first = actor.person.fullName.split(/\s+/)[0] ?? actor.person.fullName;
    const hello = say(`Hello ${first}! I’m Trellis. I’ll remind you when something in your growth cycle is due, and you can reflect, plan and log your growth right here.`);
    return [...replyEffects([hello, ...(help.kind === 'reply' ? help.messages : [])]), ...(await this.homeFlow(actor))];
  }

  /** The parent message of a dialog's thread: "Self-reflection · 2026/27 — reply in this thread". */
  threadTitle(dialogId: string, now: Date = this.#deps.clock.now()): string {
    const title = this.#dialogs.get(dialogId)?.title ?? 'Trellis';
    const year = academicYearOf(londonDateOf(now));
    return `${title} · ${year}/${String((year + 1) % 100).padStart(2, '0')} — reply in this thread, or use the buttons.`;
  }

  dialogTitle(dialogId: string): string | undefined {
    return this.#dialogs.get(dialogId)?.title;
  }
}

/** Commands whose change is its own transaction, not a conversation turn's (see `#appliedAlready`). */
const CHANGES_ON_ITS_OWN: ReadonlySet<GrowthCommand['kind']> = new Set(['request-access', 'decide-access', 'change-reviewer', 'decide-reviewer', 'delete-expired']);

/**
 * How a command is asked: `prefix` and `inThreadNote` shape the help; `replyTo` is where the
 * channel will answer (a Slack DM, in the thread of the person's message; a slash command's
 * response_url, then the DM), given when the job engine can send it there later, so the reply is
 * saved with what it answers (see `#replyOf`).
 */
export interface CommandOptions {
  prefix?: string;
  inThreadNote?: string;
  replyTo?: ReplyPlace | undefined;
}

/** Who speaks where, and where the turn's reply goes: what every turn the engine handles starts from. */
const turnAt = (actor: Actor, place: ThreadPlace) => ({
  tenant: actor.account.tenant,
  platform: actor.account.platform,
  threadKey: place.threadKey,
  personId: actor.person.id,
  messageId: place.messageId,
  replyTo: replyToOf(actor, place),
});

/** Said where `my-records` or the governors' report has no service behind it, in the turn and when a saved reply's files are made. */
const RECORDS_NOT_SET_UP = 'Your records are not available here yet: please ask your Trellis administrator.';
const GOVERNORS_NOT_SET_UP = 'The governors’ report is not set up here.';

const LEADERS_ONLY = 'Summaries are for senior leaders and the head. If you think you should see them, please ask your Trellis administrator.';

/** Leaders, heads and trust leaders may ask for reports (who sees names is `reportAudience`'s to say); everyone else sees only their own. */
export function isLeader(person: Pick<KnownPerson, 'role'>): boolean {
  return reportAudience(person) !== 'none';
}
