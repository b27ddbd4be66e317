import { LogLevel as BoltLogLevel, type Logger as BoltLogger } from '@slack/bolt';
import { ErrorCode, WebClient, type WebClientOptions } from '@slack/web-api';
import type { SlackConfig } from '../../config/load-config.ts';
import type { Logger } from '../../logging/logger.ts';
import type { SlackRefusalKind } from '../../core/reach/slack-refusals.ts';
import type { ChannelDelivery } from '../channel.ts';

/**
 * Web API settings for a chat bot: a person is waiting, so a call gives up after about a minute
 * (the library's default is ten retries over half an hour) and each request after 10 seconds.
 * A 429 still waits for Slack's Retry-After before retrying.
 */
export function webClientOptions(config: SlackConfig, log: Logger): WebClientOptions {
  return {
    slackApiUrl: apiUrlOf(config),
    timeout: 10_000,
    retryConfig: { retries: 5, factor: 2, minTimeout: 250, maxTimeout: 8_000, randomize: true },
    logger: boltLogger(log),
  };
}

/** The patient client for replies to someone who just spoke, and a digest client that hands 429s back to the outbox. */
export function createClients(config: SlackConfig, token: string, log: Logger): { replies: WebClient; digests: WebClient } {
  const options = webClientOptions(config, log);
  return {
    replies: new WebClient(token, options),
    // The job engine reschedules a rate-limited or failed digest itself, so this client neither
    // sits on a 429 nor retries: a retried chat.postMessage whose first answer was lost would
    // post the digest twice (Slack has no idempotency key); the channel looks it up instead.
    digests: new WebClient(token, { ...options, rejectRateLimitedCalls: true, retryConfig: { retries: 0 } }),
  };
}

export function apiUrlOf(config: SlackConfig): string {
  const url = config.apiUrl ?? 'https://slack.com/api/';
  return url.endsWith('/') ? url : `${url}/`;
}

/** Slack's answer to "who is this e-mail": gone, or never here, means another channel should try. */
const UNREACHABLE = new Set(['users_not_found', 'user_not_found', 'account_inactive', 'user_disabled', 'cannot_dm_bot', 'not_allowed_token_type']);

/** Slack's refusals that say why a person cannot be reached there, as `trellis reach` reports them. */
const REFUSALS: Readonly<Record<string, SlackRefusalKind>> = {
  users_not_found: 'not-in-workspace',
  user_not_found: 'not-in-workspace',
  account_inactive: 'deactivated',
  user_disabled: 'deactivated',
  channel_not_found: 'refused',
  cannot_dm_bot: 'refused',
};

/** What a failed Slack call says about reaching the person, if it says anything: its kind and a sentence. */
export function refusalOf(what: string, error: unknown): { outcome: SlackRefusalKind; detail: string } | undefined {
  const code = platformErrorOf(error);
  const outcome = code === undefined ? undefined : REFUSALS[code];
  return outcome === undefined ? undefined : { outcome, detail: `Slack answered ${code} to ${what}` };
}

export function platformErrorOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error) || error.code !== ErrorCode.PlatformError) return undefined;
  const data = (error as { data?: { error?: unknown } }).data;
  return typeof data?.error === 'string' ? data.error : undefined;
}

/** A call whose answer never came or was a server error: Slack may have done it anyway. */
export function answerLost(error: unknown): boolean {
  if (typeof error !== 'object' || error === null || !('code' in error)) return false;
  return error.code === ErrorCode.RequestError || error.code === ErrorCode.HTTPError;
}

/** A failed Web API call as a delivery result the outbox understands (429 → its Retry-After). */
export function deliveryFailure(error: unknown): ChannelDelivery {
  if (typeof error === 'object' && error !== null && 'code' in error && error.code === ErrorCode.RateLimitedError) {
    const retryAfter = (error as { retryAfter?: number }).retryAfter;
    return { ok: false, error: 'Slack is rate limiting Trellis', retryAfterSeconds: retryAfter ?? 60 };
  }
  const platform = platformErrorOf(error);
  if (platform !== undefined && UNREACHABLE.has(platform)) return { ok: false, unreachable: true, error: `Slack: ${platform}` };
  return { ok: false, error: platform === undefined ? `Slack: ${error instanceof Error ? error.message : String(error)}` : `Slack: ${platform}` };
}

/**
 * Bolt and the Web API log through Trellis's logger, so one place decides what is written. Their
 * debug output is never passed on, whatever LOG_LEVEL says: it holds request and response bodies
 * (`http request body: {"text": …}`), which is what people wrote and what Trellis said to them.
 */
export function boltLogger(log: Logger): BoltLogger {
  let level = BoltLogLevel.WARN;
  const text = (parts: unknown[]) => parts.map((p) => (p instanceof Error ? p.message : typeof p === 'string' ? p : JSON.stringify(p))).join(' ');
  return {
    debug: () => {},
    info: (...msg: unknown[]) => log.info(`slack: ${text(msg)}`),
    warn: (...msg: unknown[]) => log.warn(`slack: ${text(msg)}`),
    error: (...msg: unknown[]) => log.error(`slack: ${text(msg)}`),
    setLevel: (next: BoltLogLevel) => {
      level = next;
    },
    getLevel: () => level,
    setName: () => {},
  };
}
