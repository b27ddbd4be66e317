import type { SendPacer } from './send-pacer.ts';

/** Where to reach one person's personal chat with the bot: kept in `platform_identities.conversation_ref`. */
export interface TeamsConversationRef {
  serviceUrl: string;
  conversationId: string;
  tenantId: string;
  /** The user's id for this bot (29:…); only needed for the member lookup. */
  userId?: string | undefined;
  botId?: string | undefined;
}

export interface OutboundAttachment {
  contentType: string;
  content?: unknown;
  contentUrl?: string | undefined;
  name?: string | undefined;
}

/** The subset of a Bot Framework message activity Trellis sends. */
export interface OutboundActivity {
  type: 'message';
  text?: string | undefined;
  textFormat?: 'markdown' | 'plain' | undefined;
  attachments?: OutboundAttachment[] | undefined;
}

/** A connector call that failed for good (after retries), with what Teams said. */
export class ConnectorError extends Error {
  readonly status: number;
  readonly retryAfterSeconds: number | undefined;

  constructor(message: string, status: number, retryAfterSeconds?: number) {
    super(message);
    this.name = 'ConnectorError';
    this.status = status;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** 403: the user removed the app or blocked the bot (`MessageWritesBlocked`). */
  get blocked(): boolean {
    return this.status === 403;
  }
}

export interface BotConnectorOptions {
  /** A Bot Framework access token, or undefined to send none (skip-auth mode against a local connector). */
  token: () => Promise<string | undefined>;
  pacer: SendPacer;
  /** Waits between retries; tests pass a recording no-op. */
  wait: (ms: number) => Promise<void>;
  /** Attempts per call, the first included. */
  attempts?: number;
  /** A Retry-After longer than this is not waited out: the caller reschedules instead (the outbox does). */
  maxWaitMs?: number;
}

/** Statuses Teams asks bots to retry with backoff (platforms.md §2.4). */
const RETRYABLE = new Set([429, 412, 502, 504]);

/**
 * The Bot Connector REST calls Trellis makes (send, update, member lookup), paced under Teams'
 * limits and retried with backoff that honours Retry-After. Thin on purpose: the SDK's own API
 * client does not retry or pace, and wrapping it would hide the status codes we act on.
 */
export class BotConnector {
  readonly #options: Required<BotConnectorOptions>;

  constructor(options: BotConnectorOptions) {
    this.#options = { attempts: 4, maxWaitMs: 10_000, ...options };
  }

  async send(ref: TeamsConversationRef, activity: OutboundActivity): Promise<{ id?: string | undefined }> {
    const url = `${base(ref.serviceUrl)}/v3/conversations/${encodeURIComponent(ref.conversationId)}/activities`;
    return (await this.#call('POST', url, ref, activity)) as { id?: string };
  }

  /** Replaces a message in place: an answered card loses its buttons. */
  async update(ref: TeamsConversationRef, activityId: string, activity: OutboundActivity): Promise<void> {
    const url = `${base(ref.serviceUrl)}/v3/conversations/${encodeURIComponent(ref.conversationId)}/activities/${encodeURIComponent(activityId)}`;
    await this.#call('PUT', url, ref, { ...activity, id: activityId });
  }

  /** GET …/members/{id}: the member's e-mail and UPN, which the inbound activity does not carry. */
  async member(ref: TeamsConversationRef, memberId: string): Promise<{ email?: string; userPrincipalName?: string }> {
    const url = `${base(ref.serviceUrl)}/v3/conversations/${encodeURIComponent(ref.conversationId)}/members/${encodeURIComponent(memberId)}`;
    return (await this.#call('GET', url, ref, undefined)) as { email?: string; userPrincipalName?: string };
  }

  async #call(method: 'GET' | 'POST' | 'PUT', url: string, ref: TeamsConversationRef, body: unknown): Promise<unknown> {
    const { attempts, maxWaitMs, pacer, wait, token } = this.#options;
    for (let attempt = 1; ; attempt++) {
      await pacer.take(ref.tenantId, ref.conversationId);
      const bearer = await token();
      const response = await fetch(url, {
        method,
        headers: { 'content-type': 'application/json', ...(bearer === undefined ? {} : { authorization: `Bearer ${bearer}` }) },
        body: body === undefined ? null : JSON.stringify(body),
      });
      const text = await response.text();
      if (response.ok) return text === '' ? {} : JSON.parse(text);
      const retryAfter = retryAfterMs(response.headers.get('retry-after'));
      const detail = `${method} ${new URL(url).pathname} → ${response.status}${errorCode(text)}`;
      if (!RETRYABLE.has(response.status)) throw new ConnectorError(detail, response.status);
      const backoff = retryAfter ?? Math.min(maxWaitMs, 500 * 2 ** (attempt - 1)) * (0.8 + Math.random() * 0.4);
      if (attempt >= attempts || backoff > maxWaitMs) throw new ConnectorError(detail, response.status, Math.ceil(backoff / 1000));
      await wait(backoff);
    }
  }
}

function base(serviceUrl: string): string {
  return serviceUrl.replace(/\/+$/, '');
}

function retryAfterMs(header: string | null): number | undefined {
  if (header === null) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** `MessageWritesBlocked` and similar codes make the logs useful; bodies are otherwise not echoed. */
function errorCode(text: string): string {
  try {
    const parsed = JSON.parse(text) as { error?: { code?: unknown } };
    return typeof parsed.error?.code === 'string' ? ` (${parsed.error.code})` : '';
  } catch {
    return '';
  }
}
