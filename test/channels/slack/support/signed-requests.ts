import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';

export const SIGNING_SECRET = 'test-signing-secret';
const FIXTURES = '/work/shared/fixtures/slack';

/** A documented payload from Slack's docs (../shared/fixtures/slack), to be adapted per test. */
export function fixture<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(readFileSync(`${FIXTURES}/${name}`, 'utf8')) as T;
}

export function signature(body: string, timestamp: number, secret = SIGNING_SECRET): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export interface SlackPost {
  status: number;
  text: string;
  /** Milliseconds from sending the request to its response (the ack). */
  ackMs: number;
}

/** POSTs a body to /slack/events signed as Slack does (current time, since Bolt checks it against the real clock). */
export async function postSigned(
  url: string,
  body: string,
  contentType: 'application/json' | 'application/x-www-form-urlencoded',
  options: { timestamp?: number; secret?: string; unsigned?: boolean; headers?: Record<string, string>; signedBody?: string } = {},
): Promise<SlackPost> {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = { 'content-type': contentType, ...options.headers };
  if (!options.unsigned) {
    headers['x-slack-request-timestamp'] = String(timestamp);
    headers['x-slack-signature'] = signature(options.signedBody ?? body, timestamp, options.secret);
  }
  const started = performance.now();
  const response = await fetch(`${url}/slack/events`, { method: 'POST', headers, body });
  const text = await response.text();
  return { status: response.status, text, ackMs: performance.now() - started };
}

export const postEvent = (url: string, envelope: unknown, options?: Parameters<typeof postSigned>[3]) => postSigned(url, JSON.stringify(envelope), 'application/json', options);

export const postForm = (url: string, fields: Record<string, string>, options?: Parameters<typeof postSigned>[3]) =>
  postSigned(url, new URLSearchParams(fields).toString(), 'application/x-www-form-urlencoded', options);

/** An interaction (block_actions, view_submission) as Slack sends it: one form field `payload` of JSON. */
export const postInteraction = (url: string, payload: unknown, options?: Parameters<typeof postSigned>[3]) => postForm(url, { payload: JSON.stringify(payload) }, options);
