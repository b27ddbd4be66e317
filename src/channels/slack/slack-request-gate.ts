import type { IncomingMessage } from 'node:http';
import { HTTPModuleFunctions, verifySlackRequest } from '@slack/bolt';
import { z } from 'zod';
import { readBody } from '../../server/read-body.ts';

/** Slack's requests are small; a modal's state is the largest. Anything bigger is refused before parsing. */
export const MAX_SLACK_BODY_BYTES = 1024 * 1024;

/** How far a request's signed timestamp may be from our clock, either way (Slack's rule is five minutes). */
export const MAX_CLOCK_SKEW_SECONDS = 5 * 60;

export type GateResult = { ok: true } | { ok: false; status: 400 | 401 | 413; reason: string };

const record = z.record(z.string(), z.unknown());
const idOnly = z.looseObject({ id: z.string().optional() });

/**
 * The fields Bolt reads before any listener runs (App.processEvent, its helpers and its built-in
 * middleware). Bolt assumes them: `'channel' in event` on a string, or `body.ssl_check` on `null`,
 * throws inside its receiver, where nothing catches it. So a signed body that is not shaped like
 * one of Slack's payloads is refused here with a 400 instead.
 */
const BoltEnvelopeSchema = z.looseObject({
  type: z.string().optional(),
  ssl_check: z.string().optional(),
  challenge: z.unknown().optional(),
  name: z.string().optional(),
  token: z.string().optional(),
  team_id: z.string().nullish(),
  enterprise_id: z.string().nullish(),
  api_app_id: z.string().optional(),
  event: z
    .looseObject({
      type: z.string(),
      channel: z.union([z.string(), idOnly]).optional(),
      item: record.optional(),
      user: z.union([z.string(), idOnly]).optional(),
    })
    .optional(),
  authorizations: z.array(record).optional(),
  command: z.string().optional(),
  channel_id: z.string().optional(),
  user_id: z.string().optional(),
  actions: z.array(z.looseObject({ action_id: z.string().optional(), type: z.string().optional() })).optional(),
  channel: idOnly.nullish(),
  user: idOnly.nullish(),
  team: idOnly.nullish(),
  enterprise: idOnly.nullish(),
  view: z.looseObject({ callback_id: z.string().optional(), id: z.string().optional() }).optional(),
  message: record.optional(),
  container: record.optional(),
});

/**
 * Checks a request to `/slack/events` before Bolt sees it: the size, the signature (and that its
 * timestamp is within five minutes of now in either direction: Bolt only refuses old ones), and
 * that the body parses to an object shaped like a Slack payload. On success the body is left on
 * the request as `rawBody`, which is where Bolt's receiver looks for an already-read body.
 */
export async function gateSlackRequest(request: IncomingMessage, signingSecret: string, nowMs: number): Promise<GateResult> {
  const raw = await readBody(request, MAX_SLACK_BODY_BYTES);
  if (raw === undefined) return { ok: false, status: 413, reason: 'request too large' };
  const text = raw.toString('utf8');
  const contentType = single(request.headers['content-type']);
  if (!isSslCheck(contentType, text)) {
    const signature = single(request.headers['x-slack-signature']);
    const stamp = single(request.headers['x-slack-request-timestamp']);
    if (signature === undefined || stamp === undefined || !/^\d{1,12}$/.test(stamp)) return { ok: false, status: 401, reason: 'unsigned request' };
    const timestamp = Number(stamp);
    if (Math.abs(Math.floor(nowMs / 1000) - timestamp) > MAX_CLOCK_SKEW_SECONDS) return { ok: false, status: 401, reason: 'request signed more than five minutes from now' };
    try {
      verifySlackRequest({ signingSecret, body: text, headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': timestamp }, nowMilliseconds: nowMs });
    } catch {
      return { ok: false, status: 401, reason: 'bad signature' };
    }
  }
  let body: unknown;
  try {
    // Bolt's own parser, so what is checked here is exactly what Bolt will read.
    body = HTTPModuleFunctions.parseHTTPRequestBody(Object.assign(request, { rawBody: raw }));
  } catch {
    return { ok: false, status: 400, reason: 'body is not JSON or a form' };
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { ok: false, status: 400, reason: 'body is not an object' };
  const envelope = BoltEnvelopeSchema.safeParse(body);
  if (!envelope.success || !dispatchable(envelope.data)) return { ok: false, status: 400, reason: 'body is not shaped like a Slack payload' };
  return { ok: true };
}

/** What Bolt can route (App.processEvent's getTypeAndConversation, and the receiver's own answers); anything else it would leave unanswered for 3 seconds. */
const ROUTED_TYPES = new Set(['shortcut', 'message_action', 'view_submission', 'view_closed', 'dialog_submission']);

function dispatchable(body: z.infer<typeof BoltEnvelopeSchema>): boolean {
  if (body.ssl_check === '1') return true;
  if (body.type === 'url_verification') return typeof body.challenge === 'string';
  if (body.event !== undefined || body.command !== undefined) return true;
  // A `name` makes Bolt treat the body as an options request (legacy menus), which Trellis has none of.
  if (body.name !== undefined) return false;
  return body.actions !== undefined || ROUTED_TYPES.has(body.type ?? '');
}

/** `ssl_check=1` is Slack's unsigned connectivity probe; Bolt answers it and strips anything else sent with it. */
function isSslCheck(contentType: string | undefined, text: string): boolean {
  return contentType === 'application/x-www-form-urlencoded' && new URLSearchParams(text).get('ssl_check') === '1';
}

function single(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
