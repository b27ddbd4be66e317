import type { ActiveThreads, LineManagers } from '../../core/bot/active-threads.ts';
import type { PlatformAccount, StoredAccount } from '../../core/bot/bot-ports.ts';
import type { ReplyPlace } from '../../core/notifications/notification-queue.ts';
import { type OutgoingMessage, say } from '../../core/conversations/engine/outgoing-message.ts';
import type { DigestDelivery } from '../../core/reminders/reminder-ports.ts';
import { canMessageAccount } from '../../core/reach/reach.ts';
import type { ChannelParts } from '../../compose-app.ts';
import type { TeamsConfig } from '../../config/load-config.ts';
import type { Channel, ChannelDelivery, Route } from '../channel.ts';
import { attachCard, digestCards, renderMessages } from './adaptive-cards.ts';
import { BotConnector, ConnectorError, type OutboundActivity } from './bot-connector.ts';
import { type PacerLimits, realPacerTime, SendPacer } from './send-pacer.ts';
import { parseStoredRef } from './teams-activity.ts';
import { TeamsInbound } from './teams-inbound.ts';
import { createTeamsHost, type TeamsHost } from './teams-sdk-host.ts';

export interface TeamsChannelDeps {
  threads: ActiveThreads;
  managers: LineManagers;
  /** Teams' send limits, which the connector paces sends to; TEAMS_LIMITS unless a benchmark lifts them. */
  sendLimits?: PacerLimits | undefined;
}

/**
 * Microsoft Teams: `POST /api/messages` on Trellis's server, personal chat with Adaptive Cards,
 * and proactive messages (reminders, notifications) through each person's stored conversation
 * reference. A thin translator: every rule lives behind the TrellisBot.
 */
export class TeamsChannel implements Channel {
  readonly name = 'teams';
  readonly routes: readonly Route[];
  readonly #parts: ChannelParts;
  readonly #deps: TeamsChannelDeps;
  readonly #host: TeamsHost;
  readonly #connector: BotConnector;

  constructor(parts: ChannelParts, teams: TeamsConfig, deps: TeamsChannelDeps) {
    this.#parts = parts;
    this.#deps = deps;
    let inbound: TeamsInbound | undefined;
    this.#host = createTeamsHost({
      ...teams,
      skipAuth: parts.config.teamsSkipAuth,
      allowLoopbackServiceUrl: parts.config.teamsAllowLoopbackServiceUrl,
      loginUrl: parts.config.teamsLoginUrl,
      // The configured tenant, and any recorded for a school (`trellis school set --teams-tenant`).
      acceptsTenant: async (tenant) => tenant === teams.tenantId || (await parts.identities.recordedWorkspaces('teams')).includes(tenant),
      log: parts.log,
      onActivity: (activity) => inbound!.handle(activity),
    });
    this.#connector = new BotConnector({ token: () => this.#host.botToken(), pacer: new SendPacer(realPacerTime, deps.sendLimits), wait: realPacerTime.wait });
    inbound = new TeamsInbound({ homeTenant: teams.tenantId, bot: parts.bot, identities: parts.identities, threads: deps.threads, connector: this.#connector, clock: parts.clock, log: parts.log });
    this.routes = [this.#host.route];
  }

  start(): Promise<void> {
    return this.#host.initialize();
  }

  sendTo(personId: string, messages: readonly OutgoingMessage[], _key: string): Promise<ChannelDelivery> {
    return this.#deliver(personId, renderMessages(messages, undefined));
  }

  /**
   * To that one account's personal chat; a turn's reply (`place`) with its buttons carrying the
   * dialog's run, as the reply sent in the request would have. Teams cannot look a message up,
   * so a reply whose send completed but was never reported is sent again (see ARCHITECTURE.md).
   */
  sendToAccount(personId: string, account: PlatformAccount, messages: readonly OutgoingMessage[], _key: string, place?: ReplyPlace): Promise<ChannelDelivery> {
    return this.#deliver(personId, renderMessages(messages, place?.thread), (a) => a.tenant === account.tenant && a.userId === account.userId);
  }

  deliverDigest(delivery: DigestDelivery): Promise<ChannelDelivery> {
    return this.#deliver(delivery.recipient.id, digestCards(delivery.message).map(attachCard));
  }

  /** A proactive message through the person's stored reference; a 403 marks them unreachable and tells their manager. */
  async #deliver(personId: string, activities: readonly OutboundActivity[], which: (account: StoredAccount) => boolean = () => true): Promise<ChannelDelivery> {
    const account = (await this.#parts.identities.accountsOf(personId)).find((a) => a.platform === 'teams' && which(a) && canMessageAccount({ platform: 'teams', reachable: a.reachable, hasConversationRef: parseStoredRef(a.conversationRef) !== undefined }));
    if (account === undefined) return { ok: false, unreachable: true, error: 'no Teams chat with them (the app is not installed for them)' };
    const ref = parseStoredRef(account.conversationRef)!;
    try {
      for (const activity of activities) await this.#connector.send(ref, activity);
      return { ok: true };
    } catch (error) {
      if (!(error instanceof ConnectorError)) return { ok: false, error: error instanceof Error ? error.message : String(error) };
      if (error.blocked) {
        await this.#markRemoved(personId, account);
        return { ok: false, unreachable: true, error: `they removed or blocked Trellis in Teams (${error.message})` };
      }
      return { ok: false, error: error.message, retryAfterSeconds: error.retryAfterSeconds };
    }
  }

  /**
   * Only the change from reachable to unreachable tells the manager (queued with the change, in
   * its transaction, keyed by the account): later sends skip this account, so the manager hears
   * once, not with every day's digest.
   */
  async #markRemoved(personId: string, account: StoredAccount): Promise<void> {
    const { identities, clock } = this.#parts;
    const [person, manager] = await Promise.all([identities.personById(personId), this.#deps.managers.lineManagerOf(personId)]);
    const note = person === undefined ? undefined : say(`${person.fullName} has removed Trellis from Teams (or blocked it), so their growth-cycle reminders can’t reach them. Please ask them to add the Trellis app again.`);
    const notify = manager === undefined || note === undefined ? [] : [{ personId: manager.id, messages: [note], key: `unreachable:${account.platform}:${account.tenant}:${account.userId}` }];
    await identities.markUnreachable(account, clock.now(), notify);
  }
}
