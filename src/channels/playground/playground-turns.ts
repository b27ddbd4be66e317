import type { Actor, ReminderActionOutcome } from '../../core/bot/bot-ports.ts';
import type { CommandOutcome, DialogTarget, TrellisBot } from '../../core/bot/trellis-bot.ts';
import type { TurnInput } from '../../core/conversations/engine/inbound-turn.ts';
import type { OutgoingMessage } from '../../core/conversations/engine/outgoing-message.ts';
import type { TurnResult } from '../../core/conversations/engine/run-turn.ts';
import { digestActions } from '../../core/reminders/compose-digest.ts';
import { isReminderAction } from '../../core/reminders/reminder-actions.ts';
import type { Clock } from '../../core/time/clock.ts';
import type { Logger } from '../../logging/logger.ts';
import type { PlaygroundState } from './playground-state.ts';

export const LOCAL_TENANT = 'local';

export interface PlaygroundTurnDeps {
  bot: TrellisBot;
  state: PlaygroundState;
  clock: Clock;
  log: Logger;
  /** The roster person's e-mail, to link the local account on first use. */
  emailOf: (personId: string) => Promise<string | undefined>;
}

/** What the page should do next: usually nothing; open a thread when a dialog was started. */
export interface TurnOutcome {
  openThread?: string | undefined;
}

/** A request the playground refuses, in words for the page: 400, or 403 for one it may not make here. */
export class PlaygroundInputError extends Error {
  readonly status: 400 | 403;

  constructor(message: string, status: 400 | 403 = 400) {
    super(message);
    this.status = status;
  }
}

/**
 * The playground's side of a conversation, as a Slack DM works: words typed in the DM are
 * `/growth` commands, a command that starts a dialog opens a thread for it, replies and button
 * presses in a thread go to that dialog, and reminder buttons go to `bot.act`.
 */
export class PlaygroundTurns {
  readonly #deps: PlaygroundTurnDeps;

  constructor(deps: PlaygroundTurnDeps) {
    this.#deps = deps;
  }

  async say(personId: string, threadId: string, text: string, messageId: string): Promise<TurnOutcome> {
    const actor = await this.#actor(personId);
    this.#thread(personId, threadId);
    const { state, bot, clock } = this.#deps;
    state.append(personId, threadId, clock.now(), { kind: 'typed', text });
    // In the DM everything is a command, as Slack's /growth is; in a thread only /growth is.
    if (threadId === 'dm' || /^\/growth\b/i.test(text.trim())) {
      return this.#afterCommand(actor, threadId, await bot.command(actor, text, messageId), messageId);
    }
    return this.#turn(actor, threadId, messageId, { kind: 'text', text });
  }

  async press(personId: string, threadId: string, entryId: string, value: string, messageId: string): Promise<TurnOutcome> {
    const actor = await this.#actor(personId);
    const entry = this.#deps.state.findEntry(personId, threadId, entryId);
    if (entry === undefined) throw new PlaygroundInputError('That message is no longer here; reload the page.');
    if (entry.kind === 'digest') {
      if (!digestActions(entry.digest).some((a) => a.value === value)) throw new PlaygroundInputError('That button is not on this reminder.');
      return this.#afterAct(actor, value, await this.#deps.bot.act(actor, value), messageId);
    }
    if (entry.kind !== 'bot' || entry.message.type !== 'choices') throw new PlaygroundInputError('That message has no buttons.');
    const choice = entry.message.choices.find((c) => c.value === value);
    if (choice === undefined) throw new PlaygroundInputError('That button is not on this message.');
    entry.answered = choice.label;
    this.#deps.state.append(personId, threadId, this.#deps.clock.now(), { kind: 'typed', text: choice.label });
    return this.#turn(actor, threadId, messageId, { kind: 'choice', value });
  }

  async submit(personId: string, threadId: string, entryId: string, values: Record<string, string>, messageId: string): Promise<TurnOutcome> {
    const actor = await this.#actor(personId);
    const entry = this.#deps.state.findEntry(personId, threadId, entryId);
    if (entry === undefined || entry.kind !== 'bot' || entry.message.type !== 'form') throw new PlaygroundInputError('That form is no longer here; reload the page.');
    const { message } = entry;
    const filled = Object.fromEntries(message.fields.filter((f) => (values[f.id] ?? '').trim() !== '').map((f) => [f.id, values[f.id]!.trim()]));
    // A dialog's section form goes to the engine whole (an empty optional field is a skip); what it
    // refuses comes back as a new form with everything typed. Other forms are checked here.
    const missing = message.section === undefined ? message.fields.filter((f) => f.required && filled[f.id] === undefined) : [];
    if (missing.length > 0) throw new PlaygroundInputError(`Please fill in ${missing.map((f) => f.label).join(', ')}.`);
    entry.answered = 'sent';
    const shown = message.fields.filter((f) => filled[f.id] !== undefined).map((f) => `${f.label}: ${filled[f.id]}`);
    this.#deps.state.append(personId, threadId, this.#deps.clock.now(), { kind: 'typed', text: shown.join('\n') || '(nothing filled in)' });
    if (entry.act !== undefined) {
      const outcome = await this.#deps.bot.act(actor, entry.act, { reason: filled.reason, until: filled.until });
      return this.#afterAct(actor, entry.act, outcome, messageId);
    }
    const submitted = message.section === undefined ? filled : Object.fromEntries(message.fields.map((f) => [f.id, filled[f.id] ?? '']));
    return this.#turn(actor, threadId, messageId, { kind: 'form', values: submitted });
  }

  /** A button on the "my cycle" panel: a growth command word, or a reminder action. */
  async homeAction(personId: string, value: string, messageId: string): Promise<TurnOutcome> {
    const actor = await this.#actor(personId);
    if (isReminderAction(value)) return this.#afterAct(actor, value, await this.#deps.bot.act(actor, value), messageId);
    this.#deps.state.append(personId, 'dm', this.#deps.clock.now(), { kind: 'typed', text: value });
    return this.#afterCommand(actor, 'dm', await this.#deps.bot.command(actor, value, messageId), messageId);
  }

  async #afterCommand(actor: Actor, threadId: string, outcome: CommandOutcome, messageId: string): Promise<TurnOutcome> {
    if (outcome.kind === 'reply') {
      this.#botSays(actor.person.id, threadId, outcome.messages);
      return {};
    }
    const target = outcome.target === undefined ? undefined : { text: outcome.target.replace(/^@/, '') };
    return this.#startDialog(actor, outcome.title, outcome.trigger, target, messageId);
  }

  async #afterAct(actor: Actor, value: string, outcome: ReminderActionOutcome, messageId: string): Promise<TurnOutcome> {
    const personId = actor.person.id;
    const now = this.#deps.clock.now();
    if (outcome.kind === 'reply') this.#botSays(personId, 'dm', outcome.messages);
    else if (outcome.kind === 'ask') this.#deps.state.append(personId, 'dm', now, { kind: 'bot', message: outcome.message, act: value });
    else return this.#startDialog(actor, this.#deps.bot.threadTitle(outcome.dialogId), outcome.trigger, outcome.targetPersonId === undefined ? undefined : { personId: outcome.targetPersonId }, messageId);
    return {};
  }

  async #startDialog(actor: Actor, title: string, trigger: string, target: DialogTarget | undefined, messageId: string): Promise<TurnOutcome> {
    const personId = actor.person.id;
    const thread = this.#deps.state.openThread(personId, title, this.#deps.clock.now());
    const result = await this.#deps.bot.startDialog(actor, { threadKey: threadKey(personId, thread.id), messageId }, { trigger, target });
    this.#record(actor, thread.id, result);
    return { openThread: thread.id };
  }

  async #turn(actor: Actor, threadId: string, messageId: string, input: TurnInput): Promise<TurnOutcome> {
    const result = await this.#deps.bot.handleMessage(actor, { threadKey: threadKey(actor.person.id, threadId), messageId }, input);
    this.#record(actor, threadId, result);
    return {};
  }

  #record(actor: Actor, threadId: string, result: TurnResult): void {
    // A retried request (same message id) was applied once already; its replies are on the page.
    if (result.duplicate) return;
    this.#botSays(actor.person.id, threadId, result.messages);
  }

  #botSays(personId: string, threadId: string, messages: readonly OutgoingMessage[]): void {
    const now = this.#deps.clock.now();
    for (const message of messages) this.#deps.state.append(personId, threadId, now, { kind: 'bot', message });
  }

  #thread(personId: string, threadId: string): void {
    if (this.#deps.state.thread(personId, threadId) === undefined) throw new PlaygroundInputError('That thread does not exist; reload the page.');
  }

  async #actor(personId: string): Promise<Actor> {
    const account = { platform: 'local' as const, tenant: LOCAL_TENANT, userId: personId };
    const person = await this.#deps.bot.identify(account, () => this.#deps.emailOf(personId));
    if (person === undefined) throw new PlaygroundInputError('That person is not on any roster (perhaps the demo was reset); reload the page.');
    return { person, account };
  }
}

export function threadKey(personId: string, threadId: string): string {
  return `playground:${personId}:${threadId}`;
}
