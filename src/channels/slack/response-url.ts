import type { ReplyPlace } from '../../core/notifications/notification-queue.ts';
import type { SlackMessage } from './block-kit.ts';

/** Where Slack's response_urls point. */
export const SLACK_HOOKS_ORIGIN = 'https://hooks.slack.com';

/** How long Slack takes posts to a slash command's response_url (it also allows only five). */
export const RESPONSE_URL_LIFETIME_MS = 30 * 60_000;

/** Where a slash command is answered: ephemerally through its response_url while Slack takes it, then in the person's DM. */
export function ephemeralPlace(channel: string, responseUrl: string, now: Date): ReplyPlace {
  return { conversation: channel, ephemeral: { url: responseUrl, until: new Date(now.getTime() + RESPONSE_URL_LIFETIME_MS).toISOString() } };
}

/** The place to look a reply up in: an ephemeral answer cannot be, so its DM (where it goes once the URL has expired). */
export function lookupPlaceOf(place: ReplyPlace | undefined): ReplyPlace | undefined {
  return place?.ephemeral === undefined ? place : undefined;
}

/** Slack answered a response_url post with an error status: `expired` when the URL is past its time or uses. */
export class ResponseUrlError extends Error {
  readonly status: number;
  constructor(status: number) {
    super(`Slack answered the response_url with HTTP ${status}`);
    this.status = status;
  }
  get expired(): boolean {
    return this.status === 404 || this.status === 410;
  }
}

/** Posts ephemeral messages to a response_url in order; throws ResponseUrlError on an error status, or the network's error. */
export async function postToResponseUrl(url: string, messages: readonly SlackMessage[]): Promise<void> {
  for (const message of messages) {
    const answer = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ response_type: 'ephemeral', replace_original: false, text: message.text, blocks: message.blocks }),
      signal: AbortSignal.timeout(10_000),
    });
    await answer.body?.cancel();
    if (!answer.ok) throw new ResponseUrlError(answer.status);
  }
}
