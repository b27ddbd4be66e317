import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedActivity {
  /** The id the fake gave the message (what a later card press names as replyToId). */
  id: string;
  conversationId: string;
  activity: { type: string; text?: string; attachments?: { contentType: string; content: unknown }[] };
  authorization: string | undefined;
}

export interface RecordedUpdate extends RecordedActivity {
  activityId: string;
}

/**
 * A stand-in for the Bot Connector service on loopback: records what Trellis sends, serves the
 * member lookup from a roster of e-mails, and can answer 403 (app removed) or 429 (slow down).
 */
export class FakeBotConnector {
  readonly sent: RecordedActivity[] = [];
  readonly updates: RecordedUpdate[] = [];
  readonly memberLookups: string[] = [];
  /** from.id (29:…) → e-mail. */
  readonly members = new Map<string, string>();
  /** Conversations whose user removed the app: every send answers 403 MessageWritesBlocked. */
  readonly blocked = new Set<string>();
  /** Conversations whose sends answer 500 and are not done (the Bot Connector having an outage). */
  readonly failing = new Set<string>();
  /** While it returns true for an activity sent to a conversation, that send answers 500 and is not done. */
  failWhen: ((conversationId: string, activity: RecordedActivity['activity']) => boolean) | undefined;
  /** Conversations whose sends are done but whose answers are lost (the connection cut after Teams took the activity). */
  readonly losing = new Set<string>();
  /** Conversation → how many sends to refuse with 429 before accepting. */
  readonly throttle = new Map<string, number>();
  url = '';
  /** Called as each message arrives (the benchmark times replies with it). */
  onSent: ((sent: RecordedActivity) => void) | undefined;
  #server: Server | undefined;
  #next = 1;

  async start(): Promise<void> {
    this.#server = createServer((request, response) => {
      void this.#handle(request).then(({ status, body, headers, lost }) => {
        if (lost === true) {
          response.socket?.destroy();
          return;
        }
        response.writeHead(status, { 'content-type': 'application/json', ...headers });
        response.end(JSON.stringify(body));
      });
    });
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.#server?.close(() => resolve());
      this.#server?.closeAllConnections();
    });
  }

  /** What one conversation received, in order. */
  to(conversationId: string): RecordedActivity[] {
    return this.sent.filter((s) => s.conversationId === conversationId);
  }

  async #handle(request: IncomingMessage): Promise<{ status: number; body: unknown; headers?: Record<string, string>; lost?: boolean }> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    // Real service URLs carry a region path (…/amer/); the fake answers under any prefix.
    const full = decodeURIComponent(request.url ?? '');
    const path = full.slice(Math.max(0, full.indexOf('/v3/')));
    const authorization = request.headers.authorization;
    const member = /^\/v3\/conversations\/(.+)\/members\/(.+)$/.exec(path);
    if (request.method === 'GET' && member) {
      this.memberLookups.push(member[2]!);
      const email = this.members.get(member[2]!);
      return email === undefined ? { status: 404, body: { error: { code: 'MemberNotFoundInConversation' } } } : { status: 200, body: { id: member[2], email, userPrincipalName: email } };
    }
    const update = /^\/v3\/conversations\/(.+)\/activities\/(.+)$/.exec(path);
    if (request.method === 'PUT' && update) {
      this.updates.push({ id: update[2]!, conversationId: update[1]!, activityId: update[2]!, activity: JSON.parse(text), authorization });
      return { status: 200, body: { id: update[2] } };
    }
    const send = /^\/v3\/conversations\/(.+)\/activities$/.exec(path);
    if (request.method === 'POST' && send) {
      const conversationId = send[1]!;
      if (this.blocked.has(conversationId)) return { status: 403, body: { error: { code: 'MessageWritesBlocked', message: 'Thread is blocked' } } };
      if (this.failing.has(conversationId) || this.failWhen?.(conversationId, JSON.parse(text)) === true) return { status: 500, body: { error: { code: 'ServiceError' } } };
      const refusals = this.throttle.get(conversationId) ?? 0;
      if (refusals > 0) {
        this.throttle.set(conversationId, refusals - 1);
        return { status: 429, body: { error: { code: 'TooManyRequests' } }, headers: { 'retry-after': '0' } };
      }
      const id = `activity-${this.#next++}`;
      const sent = { id, conversationId, activity: JSON.parse(text), authorization };
      this.sent.push(sent);
      this.onSent?.(sent);
      return { status: 201, body: { id }, lost: this.losing.has(conversationId) };
    }
    return { status: 404, body: { error: { code: 'NotFound' } } };
  }
}
