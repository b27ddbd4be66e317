import type { Actor } from '../../core/bot/bot-ports.ts';
import type { TrellisBot } from '../../core/bot/trellis-bot.ts';
import type { ThreadPlace } from '../../core/bot/trellis-bot.ts';
import type { Effect, ThreadOpener } from '../../core/bot/turn-flow.ts';
import type { TurnInput } from '../../core/conversations/engine/inbound-turn.ts';
import { type OutgoingMessage, say } from '../../core/conversations/engine/outgoing-message.ts';
import type { Told } from '../../core/notifications/notification-queue.ts';
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
  /** A roster person's name, to say who was told (`notified`); without it, "a colleague". */
  nameOf?: ((personId: string) => Promise<string | undefined>) | undefined;
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
    if (threadId === 'dm' || /^\/growth\b/i.test(text.trim())) return this.#show(actor, threadId, await bot.commandFlow(actor, text, messageId, this.#opener(actor)));
    return this.#turn(actor, threadId, messageId, { kind: 'text', text });
  }

  async press(personId: string, threadId: string, entryId: string, value: string, messageId: string): Promise<TurnOutcome> {
    const actor = await this.#actor(personId);
    const entry = this.#deps.state.findEntry(personId, threadId, entryId);
    if (entry === undefined) throw new PlaygroundInputError('That message is no longer here; reload the page.');
    if (entry.kind === 'digest') {
      if (!digestActions(entry.digest).some((a) => a.value === value)) throw new PlaygroundInputError('That button is not on this reminder.');
      return this.#show(actor, 'dm', await this.#deps.bot.actFlow(actor, value, messageId, this.#opener(actor)));
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
    if (entry.act !== undefined) return this.#show(actor, 'dm', await this.#deps.bot.actFlow(actor, entry.act, messageId, this.#opener(actor), { reason: filled.reason, until: filled.until }));
    const submitted = message.section === undefined ? filled : Object.fromEntries(message.fields.map((f) => [f.id, filled[f.id] ?? '']));
    return this.#turn(actor, threadId, messageId, { kind: 'form', values: submitted });
  }

  /** A button on the "my cycle" panel: a growth command word, or a reminder action. */
  async homeAction(personId: string, value: string, messageId: string): Promise<TurnOutcome> {
    const actor = await this.#actor(personId);
    if (!isReminderAction(value)) this.#deps.state.append(personId, 'dm', this.#deps.clock.now(), { kind: 'typed', text: value });
    return this.#show(actor, 'dm', await this.#deps.bot.actFlow(actor, value, messageId, this.#opener(actor)));
  }

  /** A new dialog's thread: added to the person's transcript under its title. */
  #opener(actor: Actor): ThreadOpener {
    return {
      openThread: async ({ title, messageId }) => {
        const thread = this.#deps.state.openThread(actor.person.id, title, this.#deps.clock.now());
        return { threadKey: threadKey(actor.person.id, thread.id), messageId };
      },
    };
  }

  async #turn(actor: Actor, threadId: string, messageId: string, input: TurnInput): Promise<TurnOutcome> {
    const { effects } = await this.#deps.bot.messageFlow(actor, { threadKey: threadKey(actor.person.id, threadId), messageId }, input);
    return this.#show(actor, threadId, effects);
  }

  /**
   * Renders the core's effects into the transcript: replies where the person spoke (`here`) or in
   * the dialog's thread, each file after its reply as a download, who else was told as a line of
   * its own, a form to answer in the DM; a dialog started tells the page to open its thread.
   */
  async #show(actor: Actor, here: string, effects: readonly Effect[]): Promise<TurnOutcome> {
    const personId = actor.person.id;
    const outcome: TurnOutcome = {};
    await this.#deps.bot.render(effects, {
      render: async (effect) => {
        const now = this.#deps.clock.now();
        const where = (place: ThreadPlace | undefined) => (place === undefined ? here : threadIdOf(personId, place.threadKey));
        if (effect.kind === 'reply') this.#botSays(personId, where(effect.place), effect.messages);
        else if (effect.kind === 'file') this.#botSays(personId, where(effect.place), [{ type: 'text', text: `📎 ${effect.file.filename}`, attachment: effect.file }]);
        else if (effect.kind === 'notified') this.#botSays(personId, here, [say(`${await this.#nameOf(effect)} has been told.`)]);
        else if (effect.kind === 'ask-form' && effect.place !== undefined) this.#botSays(personId, where(effect.place), [effect.message]);
        else if (effect.kind === 'ask-form') this.#deps.state.append(personId, 'dm', now, { kind: 'bot', message: effect.message, act: effect.value });
        else if (effect.kind === 'dialog-started') outcome.openThread = threadIdOf(personId, effect.place.threadKey);
        // `home`: the page's side panel is the home, and reads it itself.
      },
    });
    return outcome;
  }

  async #nameOf(told: Told): Promise<string> {
    if (told.personId === undefined) return `${told.name} (by e-mail)`;
    return (await this.#deps.nameOf?.(told.personId)) ?? 'A colleague';
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

/** The transcript thread a thread key names (the inverse of `threadKey`). */
function threadIdOf(personId: string, key: string): string {
  return key.slice(threadKey(personId, '').length);
}
