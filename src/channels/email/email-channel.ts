import { createHash } from 'node:crypto';
import nodemailer, { type Transporter } from 'nodemailer';
import { messageText, type OutgoingMessage } from '../../core/conversations/engine/outgoing-message.ts';
import type { EmailAddressee } from '../../core/notifications/notification-queue.ts';
import type { DeliveryResult } from '../../core/reminders/reminder-ports.ts';
import type { EmailSender } from '../channel.ts';

/** What an e-mail says: the subject line, and the paragraphs of its body. */
export interface EmailContent {
  subject: string;
  text: string;
  html: string;
}

/**
 * An e-mail from queued messages: the first message is the subject, the rest are the body's
 * paragraphs. Plain text as written (nothing escaped); the HTML part escapes only the five
 * characters HTML itself gives a meaning to, one `<p>` per paragraph.
 */
export function emailContentOf(messages: readonly OutgoingMessage[]): EmailContent {
  const [first, ...rest] = messages.map(messageText);
  const paragraphs = rest.flatMap((text) => text.split(/\n{2,}/)).filter((p) => p.trim() !== '');
  return {
    subject: (first ?? '').replace(/\s+/g, ' ').trim(),
    text: `${paragraphs.join('\n\n')}\n`,
    html: `<!doctype html><html><body>${paragraphs.map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`).join('')}</body></html>`,
  };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The e-mail channel (`SMTP_URL`, `SMTP_FROM`), through nodemailer. It reaches only contacts who
 * are not on the roster (the head's governors or external adviser), by address; rostered people
 * are reached in chat. An SMTP 4xx (and a lost connection) is a failed attempt the outbox retries
 * with back-off; a 5xx is permanent (a dead letter). The outbox row's key goes in the Message-ID,
 * so a copy sent twice after a crash mid-send is the same message to the receiving server.
 */
export class EmailChannel implements EmailSender {
  readonly name = 'email';
  readonly #transport: Transporter;
  readonly #from: string;

  constructor(config: { url: string; from: string }) {
    this.#transport = nodemailer.createTransport(config.url);
    this.#from = config.from;
  }

  async sendEmail(to: EmailAddressee, messages: readonly OutgoingMessage[], key: string): Promise<DeliveryResult> {
    const content = emailContentOf(messages);
    const domain = this.#from.replace(/^.*@/, '').replace(/>.*$/, '');
    try {
      await this.#transport.sendMail({
        from: this.#from,
        to: { name: to.name, address: to.address },
        subject: content.subject,
        text: content.text,
        html: content.html,
        messageId: `<${createHash('sha256').update(key).digest('hex').slice(0, 32)}@${domain}>`,
      });
      return { ok: true };
    } catch (error) {
      const code = typeof error === 'object' && error !== null && 'responseCode' in error && typeof error.responseCode === 'number' ? error.responseCode : undefined;
      const said = error instanceof Error ? error.message : String(error);
      if (code !== undefined && code >= 500) return { ok: false, error: `the mail server refused it: ${said}`, permanent: true };
      return { ok: false, error: `the mail server did not take it: ${said}` };
    }
  }

  async stop(): Promise<void> {
    this.#transport.close();
  }
}
