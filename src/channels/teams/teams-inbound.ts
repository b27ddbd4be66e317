import type { AdaptiveCardActionResponse } from '@microsoft/teams.api';
import type { IAdaptiveCard } from '@microsoft/teams.cards';
import type { ActiveThreads } from '../../core/bot/active-threads.ts';
import type { Actor, IdentityStore, PlatformAccount } from '../../core/bot/bot-ports.ts';
import { NOT_ON_ROSTER, NOT_SAVED, type ThreadPlace, type TrellisBot } from '../../core/bot/trellis-bot.ts';
import type { Effect, ThreadOpener } from '../../core/bot/turn-flow.ts';
import type { ReplyPlace } from '../../core/notifications/notification-queue.ts';
import type { TurnInput } from '../../core/conversations/engine/inbound-turn.ts';
import { type OutgoingMessage, say } from '../../core/conversations/engine/outgoing-message.ts';
import { isReminderAction } from '../../core/reminders/reminder-actions.ts';
import type { Clock } from '../../core/time/clock.ts';
import type { Logger } from '../../logging/logger.ts';
import { ADAPTIVE_CARD, FIELD_PREFIX, answeredCard, answeredFormCard, attachCard, formCard, renderFile, renderMessages } from './adaptive-cards.ts';
import { type BotConnector, ConnectorError, type OutboundActivity, type TeamsConversationRef } from './bot-connector.ts';
import { homeCard } from './home-card.ts';
import { type InboundActivity, InboundActivitySchema, accountOf, cardDataOf, referenceOf, typedText } from './teams-activity.ts';

export interface TeamsInboundDeps {
  /** TEAMS_TENANT_ID: where a school that has recorded no tenant takes its people from. */
  homeTenant: string;
  bot: TrellisBot;
  identities: IdentityStore;
  threads: ActiveThreads;
  connector: BotConnector;
  /** Reaches people other than the one speaking (a reviewer told a plan awaits them). */
  clock: Clock;
  log: Logger;
}

/** Words that answer at once even in the middle of a dialog, instead of being taken as an answer. */
const ALWAYS_COMMANDS = /^(status|summary|overdue)\b/i;

/** Teams has no App Home: `home` shows the same content as a card. */
const HOME = /^home$/i;

/**
 * Turns Teams activities into TrellisBot calls and sends back what it says. Personal chat is flat,
 * so each dialog run is keyed `<conversation id>:<dialog id>:<starting message id>`: typed replies
 * go to the person's most recently active run there, and card buttons name their run so an old
 * card still reaches its own dialog.
 */
export class TeamsInbound {
  readonly #deps: TeamsInboundDeps;
  /** The reference last stored per account by this process, to skip rewriting an unchanged one. */
  readonly #savedRefs = new Map<string, string>();

  constructor(deps: TeamsInboundDeps) {
    this.#deps = deps;
  }

  async handle(raw: unknown): Promise<AdaptiveCardActionResponse | undefined> {
    const parsed = InboundActivitySchema.safeParse(raw);
    if (!parsed.success) {
      this.#deps.log.warn('teams: ignored an activity without the fields Trellis needs', { type: (raw as { type?: unknown })?.type });
      return undefined;
    }
    const activity = parsed.data;
    if (activity.conversation.conversationType !== undefined && activity.conversation.conversationType !== 'personal') {
      if (activity.type === 'message') await this.#send(activity, [say('I work in a personal chat: open Trellis from the Apps bar and talk to me there, so your growth records stay private.')]);
      return undefined;
    }
    switch (activity.type) {
      case 'conversationUpdate':
        if (activity.membersAdded?.some((member) => member.id === activity.recipient?.id)) await this.#welcome(activity);
        return undefined;
      case 'installationUpdate':
        if (activity.action === 'add' || activity.action === 'add-upgrade') await this.#welcome(activity);
        return undefined;
      case 'message':
        await this.#toldIfNotSaved(activity, () => this.#message(activity));
        return undefined;
      case 'invoke':
        return activity.name === 'adaptiveCard/action' ? this.#toldIfNotSaved(activity, () => this.#cardAction(activity)) : undefined;
      default:
        return undefined;
    }
  }

  /**
   * The POST is answered once the turn has committed; if it fails (the database is down) the
   * request fails with a 500, and since Teams does not send a message again, the person is told
   * to, through the connector, which needs no database.
   */
  async #toldIfNotSaved<T>(activity: InboundActivity, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      await this.#deps.connector.send(referenceOf(activity), { type: 'message', text: NOT_SAVED }).catch((sendError: unknown) => this.#deps.log.warn('teams: could not say a message was not saved', { error: sendError }));
      throw error;
    }
  }

  /** The roster person behind the activity, with the conversation reference refreshed; undefined (and told so) if none. */
  async #actor(activity: InboundActivity, options: { installing?: boolean } = {}): Promise<Actor | undefined> {
    const account = accountOf(activity);
    const ref = referenceOf(activity);
    const person =
      account === undefined
        ? undefined
        : await this.#deps.bot.identify(account, async () => {
            const member = await this.#deps.connector.member(ref, activity.from.id).catch((error: unknown): { email?: string; userPrincipalName?: string } => {
              // Not a member Teams can describe (a guest, a removed account): treated as not on a roster.
              if (error instanceof ConnectorError && error.status === 404) return {};
              throw error;
            });
            return member.email ?? member.userPrincipalName;
          }, { homeTenant: this.#deps.homeTenant });
    if (account === undefined || person === undefined) {
      // Nothing is stored about someone not on a roster: no identity row, no reference.
      await this.#deps.connector.send(ref, { type: 'message', text: NOT_ON_ROSTER });
      return undefined;
    }
    await this.#refresh(account, ref, options.installing === true);
    return { person, account };
  }

  /**
   * Stores the reference when it is new or changed (Teams moves a tenant's serviceUrl now and
   * then). Every message carries it, but writing it every turn would put an UPDATE in each one.
   */
  async #refresh(account: PlatformAccount, ref: TeamsConversationRef, always: boolean): Promise<void> {
    const key = `${account.tenant}:${account.userId}`;
    const value = JSON.stringify(ref);
    // An install always writes: it is what makes someone marked unreachable (403) reachable again.
    if (!always && this.#savedRefs.get(key) === value) return;
    await this.#deps.identities.saveConversationRef(account, ref, this.#deps.clock.now());
    if (this.#savedRefs.size > 50_000) this.#savedRefs.clear();
    this.#savedRefs.set(key, value);
  }

  async #welcome(activity: InboundActivity): Promise<void> {
    const actor = await this.#actor(activity, { installing: true });
    if (actor === undefined) return;
    await this.#render(activity, await this.#deps.bot.welcomeFlow(actor, `${activity.id}:welcome`));
  }

  /** The home card: what Slack shows in App Home, in the chat. */
  async #home(actor: Actor, activity: InboundActivity): Promise<void> {
    await this.#render(activity, await this.#deps.bot.homeFlow(actor));
  }

  /** A home card button: a reminder action (`start:<key>`) or a growth command word, as on Slack's App Home. */
  async #homeAction(actor: Actor, activity: InboundActivity, value: string): Promise<void> {
    if (isReminderAction(value)) return this.#digestAction(actor, activity, value, undefined);
    await this.#show(activity, await this.#deps.bot.commandFlow(actor, value, activity.id, this.#runs(activity), { prefix: '', replyTo: chatOf(activity) }));
  }

  async #message(activity: InboundActivity): Promise<void> {
    const data = cardDataOf(activity);
    const text = typedText(activity);
    if (data === undefined && text === '') return;
    const actor = await this.#actor(activity);
    if (actor === undefined) return;
    if (data !== undefined) {
      const answered = await this.#pressed(actor, activity, data);
      // Action.Submit (older clients) has no invoke response: the card is replaced with a PUT instead.
      if (answered !== undefined && activity.replyToId !== undefined) await this.#deps.connector.update(referenceOf(activity), activity.replyToId, attachCard(answered));
      return;
    }
    if (HOME.test(text)) return this.#home(actor, activity);
    const open = await this.#deps.threads.latestOpen(actor.account.tenant, 'teams', actor.person.id, `${activity.conversation.id}:`);
    const toDialog = open !== undefined && !ALWAYS_COMMANDS.test(text) && (open.status === 'active' || /^resume\b/i.test(text));
    if (toDialog) {
      const { effects } = await this.#deps.bot.messageFlow(actor, placeOf(activity, runOf(activity, open.threadKey)), { kind: 'text', text });
      await this.#show(activity, effects);
      return;
    }
    await this.#show(activity, await this.#deps.bot.commandFlow(actor, text, activity.id, this.#runs(activity), { prefix: '', replyTo: chatOf(activity) }));
  }

  async #cardAction(activity: InboundActivity): Promise<AdaptiveCardActionResponse> {
    const data = cardDataOf(activity);
    const actor = data === undefined ? undefined : await this.#actor(activity);
    if (data === undefined || actor === undefined) return { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: 'That button isn’t one of mine.' };
    const answered = await this.#pressed(actor, activity, data);
    if (answered !== undefined) return { statusCode: 200, type: ADAPTIVE_CARD, value: answered };
    return { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: 'Done.' };
  }

  /** A card button or form: applies it and returns the card to show in its place (undefined: leave the card). */
  async #pressed(actor: Actor, activity: InboundActivity, data: Record<string, unknown>): Promise<IAdaptiveCard | undefined> {
    const fields = fieldsOf(data);
    const str = (key: string) => (typeof data[key] === 'string' ? (data[key] as string) : undefined);
    switch (data.trellis) {
      case 'choice': {
        const run = str('run');
        const value = str('value') ?? fields.choice;
        if (run === undefined || value === undefined || value === '') return undefined;
        await this.#turn(actor, activity, run, { kind: 'choice', value });
        return answeredCard(str('q') ?? '', str('label') ?? value);
      }
      case 'form': {
        const run = str('run');
        if (run === undefined) return undefined;
        const { effects, result } = await this.#deps.bot.messageFlow(actor, placeOf(activity, run), { kind: 'form', values: fields });
        // Refused answers come back on the same card, in place, with what was typed and why; the
        // rest of the turn (what was saved) follows as usual.
        const refused = result.fieldErrors === undefined ? undefined : result.messages.find((m) => m.type === 'form');
        await this.#show(activity, refused === undefined ? effects : effects.map((effect) => (effect.kind === 'reply' ? { ...effect, messages: effect.messages.filter((m) => m !== refused) } : effect)));
        if (refused?.type === 'form') return formCard(refused.title, refused.fields, { trellis: 'form', run, title: refused.title });
        return answeredFormCard(str('title') ?? 'Sent', fields);
      }
      case 'digest':
        await this.#digestAction(actor, activity, str('value') ?? '', undefined);
        return undefined;
      case 'home':
        await this.#homeAction(actor, activity, str('value') ?? '');
        return undefined;
      case 'ask': {
        await this.#digestAction(actor, activity, str('value') ?? '', { reason: fields.reason, until: fields.until ?? fields.date });
        return answeredFormCard(str('title') ?? 'Sent', fields);
      }
      default:
        return undefined;
    }
  }

  async #turn(actor: Actor, activity: InboundActivity, run: string, input: TurnInput): Promise<void> {
    // The run comes from the card; the conversation from the activity, so a card can only reach the presser's own chat.
    const { effects } = await this.#deps.bot.messageFlow(actor, placeOf(activity, run), input);
    await this.#show(activity, effects);
  }

  async #digestAction(actor: Actor, activity: InboundActivity, value: string, detail: { reason?: string | undefined; until?: string | undefined } | undefined): Promise<void> {
    await this.#show(activity, await this.#deps.bot.actFlow(actor, value, activity.id, this.#runs(activity), detail, chatOf(activity)));
  }

  /**
   * Personal chat is flat, so a dialog's "thread" is a run of it: keyed by the conversation and the
   * dialog begun by this activity, its buttons carrying the run. Nothing is sent to open one.
   */
  #runs(activity: InboundActivity): ThreadOpener {
    return {
      openThread: async ({ dialogId }) => placeOf(activity, `${dialogId}:${activity.id}`),
      targetOf: async (text) => ({ text }),
    };
  }

  /**
   * Renders the core's effects in the chat, in order; a saved reply is reported sent once Teams
   * has it (if the process dies first, the job engine sends the reply the turn saved: Teams does
   * not redeliver).
   */
  async #show(activity: InboundActivity, effects: readonly Effect[]): Promise<void> {
    try {
      await this.#render(activity, effects);
    } catch (error) {
      // The turn is saved and so is its reply, which the job engine will send: the person is not
      // told their message was lost, as they would be if the turn itself had failed.
      if (!effects.some((effect) => effect.kind === 'reply' && effect.replyKey !== undefined)) throw error;
      this.#deps.log.warn('teams: the reply could not be sent now; the job engine will send it', { error });
    }
  }

  #render(activity: InboundActivity, effects: readonly Effect[]): Promise<void> {
    return this.#deps.bot.render(effects, {
      render: async (effect) => {
        if (effect.kind === 'reply') await this.#sendActivities(activity, renderMessages(effect.messages, effect.place?.replyTo?.thread));
        else if (effect.kind === 'dialog-started') await this.#send(activity, [say(`**${this.#deps.bot.dialogTitle(effect.dialogId) ?? 'Trellis'}** — answer with the buttons or just type your reply.`)]);
        else if (effect.kind === 'home') await this.#sendActivities(activity, [attachCard(homeCard(effect.view))]);
        else if (effect.kind === 'file') await this.#sendActivities(activity, renderFile(effect.file));
        // Someone else told: their message is on its way through the job engine; nothing to show here.
        else if (effect.kind === 'notified') return;
        // A dialog's section form is a card in its run, like the form a turn replies with.
        else if (effect.place !== undefined) await this.#sendActivities(activity, renderMessages([effect.message], effect.place.replyTo?.thread));
        else if (effect.message.type === 'form') await this.#sendActivities(activity, [attachCard(formCard(effect.message.title, effect.message.fields, { trellis: 'ask', value: effect.value, title: effect.message.title }))]);
        else await this.#send(activity, [effect.message]);
      },
    });
  }

  #send(activity: InboundActivity, messages: readonly OutgoingMessage[]): Promise<void> {
    return this.#sendActivities(activity, renderMessages(messages, undefined));
  }

  async #sendActivities(activity: InboundActivity, activities: readonly OutboundActivity[]): Promise<void> {
    const ref: TeamsConversationRef = referenceOf(activity);
    for (const outbound of activities) await this.#deps.connector.send(ref, outbound);
  }
}

/**
 * A dialog's run in the person's chat as the core knows it: its thread key, and where its reply
 * goes (the conversation, and the run its buttons carry), saved with the turn.
 */
function placeOf(activity: InboundActivity, run: string): ThreadPlace {
  return { threadKey: `${activity.conversation.id}:${run}`, messageId: activity.id, replyTo: { conversation: activity.conversation.id, thread: run } };
}

/** Where a command's or reminder button's answer goes: the person's chat, outside any dialog's run; saved with what it answers. */
function chatOf(activity: InboundActivity): ReplyPlace {
  return { conversation: activity.conversation.id };
}

function runOf(activity: InboundActivity, threadKey: string): string {
  return threadKey.slice(activity.conversation.id.length + 1);
}

/** Form inputs from card data, without their namespace prefix. */
function fieldsOf(data: Record<string, unknown>): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [key, value] of Object.entries(data)) {
    if (key.startsWith(FIELD_PREFIX) && typeof value === 'string') fields[key.slice(FIELD_PREFIX.length)] = value;
  }
  return fields;
}
