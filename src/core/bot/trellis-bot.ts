import { londonDateOf } from '../calendar/london-time.ts';
import type { DialogDefinition } from '../conversations/engine/define-dialog.ts';
import type { TurnInput } from '../conversations/engine/inbound-turn.ts';
import { type OutgoingMessage, say } from '../conversations/engine/outgoing-message.ts';
import type { ConversationEngine, TurnResult } from '../conversations/engine/run-turn.ts';
import { academicYearOf, type Clock } from '../time/clock.ts';
import type { Actor, BotReports, HomeView, IdentityStore, KnownPerson, PlatformAccount, ReminderActionOutcome, ReminderActions } from './bot-ports.ts';
import type { RecordsRequests } from '../records/my-records.ts';
import { type GrowthCommand, growthHelp, parseGrowthCommand } from './growth-command.ts';

export interface TrellisBotDeps {
  engine: ConversationEngine;
  dialogs: readonly DialogDefinition[];
  identities: IdentityStore;
  reports: BotReports;
  actions: ReminderActions;
  clock: Clock;
  /** `my-records` and `delete-expired` (002 §44); without it the bot says they are not available. */
  records?: RecordsRequests | undefined;
  /** Reaches people other than the one acting (the reviewer told an item was set aside). */
  notifier?: Notifier | undefined;
}

export interface Notifier {
  sendTo(personId: string, messages: readonly OutgoingMessage[], key: string): Promise<{ ok: boolean }>;
}

/** Where a channel carries on a dialog: its thread (Slack thread ts, Teams conversation + dialog). */
export interface ThreadPlace {
  threadKey: string;
  /** The platform's id for the message that caused this turn; a retried delivery repeats it. */
  messageId: string;
}

export type CommandOutcome =
  | { kind: 'reply'; messages: OutgoingMessage[] }
  /** Open a thread titled `title`, then call `startDialog` with its key. */
  | { kind: 'start-dialog'; dialogId: string; trigger: string; title: string; target?: string | undefined };

/** A colleague named when a dialog is started: resolved to a person, or typed text to match by name. */
export type DialogTarget = { personId: string } | { text: string };

export const NOT_ON_ROSTER =
  'Hello! I can’t find you on your school’s staff list, so I can’t help yet. If you work at a school that uses Trellis, please ask your Trellis administrator to add your work e-mail address.';

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
   * dropped and looked up again, so a reused account never reaches the wrong records.
   */
  async identify(account: PlatformAccount, lookupEmail: () => Promise<string | undefined>): Promise<KnownPerson | undefined> {
    const { identities, clock } = this.#deps;
    const linked = await identities.findByAccount(account);
    if (linked?.active) return linked;
    if (linked !== undefined) await identities.unlink(account);
    const email = await lookupEmail();
    if (email === undefined || email.trim() === '') return undefined;
    return identities.linkByEmail(account, email.trim().toLowerCase(), clock.now());
  }

  /** A message or button press in a dialog's thread. */
  handleMessage(actor: Actor, place: ThreadPlace, input: TurnInput): Promise<TurnResult> {
    return this.#deps.engine.handle({ tenant: actor.account.tenant, platform: actor.account.platform, threadKey: place.threadKey, personId: actor.person.id, messageId: place.messageId, input });
  }

  /** `/growth …` (or the same words typed): an answer now, or a dialog to start in a new thread. */
  async command(actor: Actor, text: string, messageId: string, options: { prefix?: string; inThreadNote?: string } = {}): Promise<CommandOutcome> {
    const command = parseGrowthCommand(text);
    return this.#run(actor, command, messageId, options);
  }

  async #run(actor: Actor, command: GrowthCommand, messageId: string, options: { prefix?: string; inThreadNote?: string }): Promise<CommandOutcome> {
    const now = this.#deps.clock.now();
    const { reports } = this.#deps;
    switch (command.kind) {
      case 'help': {
        const help = growthHelp(options.prefix ?? '', { leader: isLeader(actor.person), inThreadNote: options.inThreadNote });
        const intro = command.unknown === undefined ? [] : [say(`I don’t know “${command.unknown}”. Here’s what I can do:`)];
        return { kind: 'reply', messages: [...intro, say(help)] };
      }
      case 'status':
        return { kind: 'reply', messages: await reports.status(actor.person, now) };
      case 'summary':
      case 'overdue': {
        if (!isLeader(actor.person)) return { kind: 'reply', messages: [say(LEADERS_ONLY)] };
        const messages = command.kind === 'summary' ? await reports.summary(actor.person, command.department, now) : await reports.overdue(actor.person, command.department, now);
        return { kind: 'reply', messages };
      }
      case 'log': {
        const result = await this.handleMessage(actor, { threadKey: `log:${actor.person.id}`, messageId }, { kind: 'text', text: `log ${command.text}` });
        return { kind: 'reply', messages: result.messages };
      }
      case 'my-records':
      case 'delete-expired': {
        const { records } = this.#deps;
        if (records === undefined) return { kind: 'reply', messages: [say('Your records are not available here yet: please ask your Trellis administrator.')] };
        return { kind: 'reply', messages: command.kind === 'my-records' ? await records.myRecords(actor.person) : await records.deleteExpired(actor.person, command.confirmed) };
      }
      case 'dialog':
        return { kind: 'start-dialog', dialogId: command.dialogId, trigger: command.trigger, title: this.threadTitle(command.dialogId, now), target: command.target };
    }
  }

  /**
   * Starts a dialog in a thread the channel has just opened. With a target (`checkin @sam`), the
   * colleague question is answered at once, so the person lands on the first real question.
   */
  async startDialog(actor: Actor, place: ThreadPlace, start: { trigger: string; target?: DialogTarget | undefined }): Promise<TurnResult> {
    const opened = await this.handleMessage(actor, place, { kind: 'text', text: start.trigger });
    if (start.target === undefined || opened.duplicate || opened.conversation?.step !== 'colleague') return opened;
    const input: TurnInput = 'personId' in start.target ? { kind: 'choice', value: start.target.personId } : { kind: 'text', text: start.target.text };
    const answered = await this.handleMessage(actor, { threadKey: place.threadKey, messageId: `${place.messageId}:target` }, input);
    const withoutQuestion = opened.messages.filter((m, i) => !(i === opened.messages.length - 1 && m.type === 'choices'));
    return { ...answered, messages: [...withoutQuestion, ...answered.messages], notifications: [...opened.notifications, ...answered.notifications] };
  }

  /** A reminder's button (`start:<key>`, `done:<key>`, `snooze:<key>`, `na:<key>`). */
  async act(actor: Actor, value: string, detail?: { reason?: string | undefined; until?: string | undefined }): Promise<ReminderActionOutcome> {
    const outcome = await this.#deps.actions.act(actor, value, this.#deps.clock.now(), detail);
    if (outcome.kind !== 'reply' || outcome.notifications === undefined) return outcome;
    // Told here rather than by each channel, so nobody is left unaware whichever channel the action came from.
    const { notifier } = this.#deps;
    for (const [i, note] of outcome.notifications.entries()) await notifier?.sendTo(note.personId, note.messages, `act:${actor.person.id}:${value}:${i}`);
    return { kind: 'reply', messages: outcome.messages };
  }

  home(person: KnownPerson): Promise<HomeView> {
    return this.#deps.reports.home(person, this.#deps.clock.now());
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

const LEADERS_ONLY = 'Summaries are for senior leaders and the head. If you think you should see them, please ask your Trellis administrator.';

/** SLT and heads see school-wide counts (Brief "Who uses it"); everyone else sees only their own. */
export function isLeader(person: Pick<KnownPerson, 'role'>): boolean {
  return person.role === 'leader' || person.role === 'headteacher';
}
