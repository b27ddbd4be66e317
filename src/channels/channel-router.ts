import type { PlatformAccount } from '../core/bot/bot-ports.ts';
import type { OutgoingMessage } from '../core/conversations/engine/outgoing-message.ts';
import type { EmailAddressee, ReplyPlace } from '../core/notifications/notification-queue.ts';
import type { Deliverer, DeliveryLookup, DeliveryResult, DigestDelivery, DigestRecipient, MessageSender } from '../core/reminders/reminder-ports.ts';
import type { Channel, ChannelDelivery, EmailSender, PersonMessenger } from './channel.ts';

/**
 * Sends to a person over the first channel that can reach them, in the order the channels were
 * added (Slack and Teams before the playground). The job engine delivers through it: digests,
 * the head's notices and the notifications turns queue (a plan sent for agreement).
 */
export class ChannelRouter implements Deliverer, PersonMessenger, MessageSender {
  readonly #channels: Channel[] = [];
  #email: EmailSender | undefined;

  add(channel: Channel): void {
    this.#channels.push(channel);
  }

  /** The e-mail channel, for contacts who are not on the roster (`SMTP_URL`); it reaches no rostered person, so it is never asked for one. */
  addEmail(email: EmailSender): void {
    this.#email = email;
  }

  /** Whether an e-mail channel is registered. */
  get email(): EmailSender | undefined {
    return this.#email;
  }

  /** By e-mail to a contact who is not on the roster. Without an e-mail channel it cannot succeed; it fails as retryable so nothing is lost if one is configured before the row gives up. */
  sendEmail(to: EmailAddressee, messages: readonly OutgoingMessage[], key: string): Promise<DeliveryResult> {
    if (this.#email === undefined) return Promise.resolve({ ok: false, error: 'e-mail is not configured here (SMTP_URL is not set)' });
    return this.#email.sendEmail(to, messages, key);
  }

  get channels(): readonly Channel[] {
    return this.#channels;
  }

  deliver(delivery: DigestDelivery): Promise<DeliveryResult> {
    return this.#first((channel) => channel.deliverDigest(delivery));
  }

  /**
   * Asks the channel that reaches the person, the same one `deliver` would use: channels are
   * asked in order, one that does not reach them passes, and one that cannot look messages up
   * (Teams, the playground) means "cannot tell", so the digest is sent again.
   */
  async wasDelivered(delivery: DeliveryLookup, since: Date): Promise<boolean | undefined> {
    // Sent to one account: only that account's channel can say.
    if (delivery.account !== undefined) return this.#channelOf(delivery.account)?.wasDelivered?.(delivery, since);
    for (const channel of this.#channels) {
      if (channel.wasDelivered === undefined) return undefined;
      const found = await channel.wasDelivered(delivery, since);
      if (found !== undefined) return found;
    }
    return undefined;
  }

  sendTo(personId: string, messages: readonly OutgoingMessage[], key: string): Promise<DeliveryResult> {
    return this.#first((channel) => channel.sendTo(personId, messages, key));
  }

  /** The job engine's notices and notifications: the same as `sendTo`, by the recipient's id. */
  sendMessages(recipient: DigestRecipient, messages: readonly OutgoingMessage[], key: string): Promise<DeliveryResult> {
    return this.sendTo(recipient.id, messages, key);
  }

  /**
   * Sends over the channel of the account's platform (Slack, Teams, or the playground for local
   * accounts). An account no channel can reach is a dead letter now: retrying cannot reach it.
   */
  async sendToAccount(personId: string, account: PlatformAccount, messages: readonly OutgoingMessage[], key: string, place?: ReplyPlace): Promise<DeliveryResult> {
    const channel = this.#channelOf(account);
    if (channel === undefined) return { ok: false, error: `${account.platform} is not running here` };
    const result = channel.sendToAccount === undefined ? await channel.sendTo(personId, messages, key) : await channel.sendToAccount(personId, account, messages, key, place);
    if (result.ok || !('unreachable' in result)) return result;
    return { ok: false, error: result.error, permanent: true };
  }

  #channelOf(account: PlatformAccount): Channel | undefined {
    const name = account.platform === 'local' ? 'playground' : account.platform;
    return this.#channels.find((c) => c.name === name);
  }

  async #first(send: (channel: Channel) => Promise<ChannelDelivery>): Promise<DeliveryResult> {
    const reasons: string[] = [];
    for (const channel of this.#channels) {
      const result = await send(channel);
      if (result.ok || !('unreachable' in result)) return result;
      reasons.push(`${channel.name}: ${result.error}`);
    }
    if (reasons.length === 0) return { ok: false, error: 'no chat channel is configured' };
    // Retrying cannot reach someone no channel knows: a dead letter now, and the head is told.
    return { ok: false, error: `no channel can reach them (${reasons.join('; ')})`, permanent: true };
  }
}
