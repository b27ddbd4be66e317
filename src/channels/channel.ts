import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PlatformAccount } from '../core/bot/bot-ports.ts';
import type { OutgoingMessage } from '../core/conversations/engine/outgoing-message.ts';
import type { EmailAddressee, ReplyPlace } from '../core/notifications/notification-queue.ts';
import type { DeliveryLookup, DeliveryResult, DigestDelivery } from '../core/reminders/reminder-ports.ts';

/** One HTTP endpoint a channel serves on Trellis's server (`POST /slack/events`, `POST /api/messages`). */
export interface Route {
  method: 'GET' | 'POST' | 'ANY';
  /** Exact path, or a prefix when it ends with `/*` (`/playground/*`). */
  path: string;
  handle(request: IncomingMessage, response: ServerResponse): void | Promise<void>;
}

/** `unreachable`: the person has no account on this channel (or removed the app); try another. */
export type ChannelDelivery = DeliveryResult | { ok: false; unreachable: true; error: string };

/**
 * A chat channel (Slack, Teams, the playground): it translates its platform's requests into
 * calls on the TrellisBot and renders what comes back. Everything else is shared.
 */
export interface Channel {
  readonly name: 'slack' | 'teams' | 'playground';
  readonly routes: readonly Route[];
  /** A message for someone who did not just speak (a reviewer told a plan awaits them). */
  sendTo(personId: string, messages: readonly OutgoingMessage[], key: string): Promise<ChannelDelivery>;
  /** A message to one particular account of the person's on this channel's platform (a new account was linked). */
  sendToAccount?(personId: string, account: PlatformAccount, messages: readonly OutgoingMessage[], key: string, place?: ReplyPlace): Promise<ChannelDelivery>;
  /** One day's reminder digest, with its buttons. */
  deliverDigest(delivery: DigestDelivery): Promise<ChannelDelivery>;
  /**
   * Whether this digest or notification (by its key) is already in the person's chat (a retry after an attempt that died
   * mid-send, begun at `since`): undefined when this channel does not reach them. A channel that
   * cannot look messages up leaves it out, and the digest is sent again.
   */
  wasDelivered?(delivery: DeliveryLookup, since: Date): Promise<boolean | undefined>;
  start?(): Promise<void>;
  stop?(): Promise<void>;
}

/** How a channel reaches other people: the composition root routes to whichever channel has them. */
export interface PersonMessenger {
  sendTo(personId: string, messages: readonly OutgoingMessage[], key: string): Promise<DeliveryResult>;
}

/** The e-mail channel as the router sees it: it sends to an address, never to a rostered person's chat. */
export interface EmailSender {
  readonly name: 'email';
  sendEmail(to: EmailAddressee, messages: readonly OutgoingMessage[], key: string): Promise<DeliveryResult>;
  stop?(): Promise<void>;
}
