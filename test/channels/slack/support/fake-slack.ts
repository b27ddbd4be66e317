import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedCall {
  method: string;
  body: Record<string, unknown>;
  /** What the fake answered (a posted message's `ts` is here). */
  response: Record<string, unknown>;
  /** performance.now() when it arrived. */
  at: number;
  /** The bearer token it was sent with (Authorization header), if any. */
  token?: string | undefined;
}

export interface FakeSlackUser {
  id: string;
  email: string;
  teamId: string;
  /** Their Enterprise Grid org, for a user of a Grid workspace (users.info gives it as `enterprise_user`). */
  enterpriseId?: string;
  /** Deactivated: users.lookupByEmail and users.info answer with `deleted: true`, conversations.open with user_disabled. */
  deleted?: boolean;
}

/** A workspace (or Grid org) the fake can install the app in: what oauth.v2.access hands over for a code. */
export interface FakeInstall {
  teamId?: string;
  teamName?: string;
  enterpriseId?: string;
  enterpriseName?: string;
  isEnterpriseInstall?: boolean;
  botToken: string;
  botUserId: string;
}

/** Slack takes at most this many posts to one response_url. */
const RESPONSE_URL_USES = 5;

export const FAKE_CLIENT_ID = '1234567890.0987654321';
export const FAKE_CLIENT_SECRET = 'fake-client-secret';

/**
 * A fake Slack Web API on loopback: answers the methods Trellis calls, records every call (and
 * every response_url post), and can be told to answer 429 with Retry-After for the next calls.
 */
export class FakeSlack {
  readonly calls: RecordedCall[] = [];
  readonly responses: RecordedCall[] = [];
  /** Every post to a response_url, with what Slack answered (method `response_url`, the path as `body.url`). */
  readonly responseCalls: RecordedCall[] = [];
  readonly users = new Map<string, FakeSlackUser>();
  /** Installs by bot token: a known token's calls see only its workspace (users.lookupByEmail, auth.test). */
  readonly installs = new Map<string, FakeInstall>();
  /** OAuth codes waiting to be exchanged (oauth.v2.access), each once. */
  readonly #codes = new Map<string, FakeInstall>();
  /** users by e-mail, so a lookup stays cheap with a benchmark's thousands of users. */
  readonly #byEmail = new Map<string, FakeSlackUser>();
  /** Files uploaded (files.uploadV2's second step), with their content. */
  readonly uploads: { fileId: string; content: string }[] = [];
  /**
   * Files shared into a conversation (files.completeUploadExternal with a channel_id): Slack posts a
   * message there carrying them, which conversations.history and .replies return like every other message,
   * with `files` and `upload: true` and no metadata (an upload cannot carry it).
   */
  readonly sharedFiles: { channel: string; threadTs?: string | undefined; ts: string; files: { id: string; name: string; title: string }[] }[] = [];
  /** While true, history gives shared files without their names (as for a file the token cannot see the details of). */
  hideFileNames = false;
  /** The name each file was asked for under (files.getUploadURLExternal's filename), by file id. */
  readonly #fileNames = new Map<string, string>();
  #files = 0;
  #server: Server | undefined;
  #ts = 1_790_000_000;
  #rateLimited: { method: string; remaining: number; retryAfter: number } | undefined;
  #waiters: { test: () => boolean; resolve: () => void }[] = [];
  #expiredUrls = false;
  url = '';
  /**
   * While it returns true for a call, that call is recorded (Slack has it) but not answered until
   * `release()`: the sender never learns it was accepted (a crash or lost response right after).
   */
  holdWhen: ((call: RecordedCall) => boolean) | undefined;
  #held: (() => void)[] = [];
  /** While it returns true for a call, that call is recorded (Slack did it) and its connection cut: the answer is lost. */
  dropWhen: ((call: RecordedCall) => boolean) | undefined;
  /** While it returns true for a call, Slack answers it 500 and does not do it (an outage). */
  failWhen: ((call: RecordedCall) => boolean) | undefined;
  /** While it returns an error code for a call, Slack refuses it with that code (HTTP 200, `ok: false`) and does not do it. */
  refuseWhen: ((call: RecordedCall) => string | undefined) | undefined;
  /** Called on every Web API call as it arrives (the benchmark times replies with it). */
  onCall: ((call: RecordedCall) => void) | undefined;

  static async start(): Promise<FakeSlack> {
    const fake = new FakeSlack();
    fake.#server = createServer((request, response) => {
      void readBody(request).then((body) => {
        if ((request.url ?? '').startsWith('/upload/')) {
          // files.uploadV2 posts the file's bytes to the URL files.getUploadURLExternal gave.
          fake.uploads.push({ fileId: (request.url ?? '').slice('/upload/'.length), content: String(body.raw ?? '') });
          response.writeHead(200, { 'content-type': 'text/plain' });
          response.end('OK');
          return;
        }
        const { status, headers, payload, hold, drop } = fake.#answer(request.url ?? '/', body, request.headers.authorization);
        if (drop) {
          response.socket?.destroy();
          fake.#wake();
          return;
        }
        const send = () => {
          response.writeHead(status, { 'content-type': 'application/json', ...headers });
          response.end(JSON.stringify(payload));
        };
        if (hold) fake.#held.push(send);
        else send();
        fake.#wake();
      });
    });
    await new Promise<void>((resolve) => fake.#server!.listen(0, '127.0.0.1', resolve));
    fake.url = `http://127.0.0.1:${(fake.#server.address() as AddressInfo).port}`;
    return fake;
  }

  addUser(user: FakeSlackUser): void {
    this.users.set(user.id, user);
    // The first user with an address answers for it, as a search of the users in order would.
    if (!this.#byEmail.has(user.email)) this.#byEmail.set(user.email, user);
  }

  /** Slack's consent screen said "Allow": the code the redirect will carry, exchanged for this install. */
  grant(code: string, install: FakeInstall): void {
    this.#codes.set(code, install);
  }

  /** The next `count` calls of `method` get 429 with this Retry-After (seconds). */
  rateLimit(method: string, count: number, retryAfter = 1): void {
    this.#rateLimited = { method, remaining: count, retryAfter };
  }

  callsOf(method: string): RecordedCall[] {
    return this.calls.filter((call) => call.method === method);
  }

  /** Resolves once `test` holds (checked after every call), or fails after `timeoutMs`. */
  until(test: () => boolean, timeoutMs = 5_000): Promise<void> {
    if (test()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`fake Slack: condition not met in ${timeoutMs} ms (${this.calls.length} calls)`)), timeoutMs);
      this.#waiters.push({
        test,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.#server?.close(() => resolve());
      this.#server?.closeAllConnections();
    });
  }

  #wake(): void {
    this.#waiters = this.#waiters.filter((waiter) => {
      if (!waiter.test()) return true;
      waiter.resolve();
      return false;
    });
  }

  #answer(path: string, body: Record<string, unknown>, authorization: string | undefined): { status: number; headers?: Record<string, string>; payload: unknown; hold?: boolean; drop?: boolean } {
    if (path.startsWith('/respond/')) return this.#respond(path, body);
    const method = path.replace(/^\/api\//, '').split('?')[0]!;
    if (this.failWhen?.({ method, body, response: {}, at: performance.now() }) === true) {
      const failed = { method, body, response: { ok: false, error: 'internal_error' }, at: performance.now() };
      this.calls.push(failed);
      return { status: 500, payload: failed.response };
    }
    const refusal = this.refuseWhen?.({ method, body, response: {}, at: performance.now() });
    if (refusal !== undefined) {
      const refused = { method, body, response: { ok: false, error: refusal }, at: performance.now() };
      this.calls.push(refused);
      return { status: 200, payload: refused.response };
    }
    const token = authorization?.startsWith('Bearer ') ? authorization.slice('Bearer '.length) : undefined;
    const answer = method === 'oauth.v2.access' ? this.#exchange(body, authorization) : this.#answerMethod(method, body, token === undefined ? undefined : this.installs.get(token));
    const call = { method, body, response: answer.payload as Record<string, unknown>, at: performance.now(), token };
    this.calls.push(call);
    this.onCall?.(call);
    return { ...answer, hold: this.holdWhen?.(call) ?? false, drop: this.dropWhen?.(call) ?? false };
  }

  /**
   * A post to a response_url (in `responseCalls`, as method `response_url`, its path as `url`): refused 404
   * once the URL is expired (`expireResponseUrls`) or used five times, as Slack does; `failWhen`,
   * `holdWhen` and `dropWhen` apply as to Web API calls. `responses` keeps those Slack showed.
   */
  #respond(path: string, body: Record<string, unknown>): { status: number; payload: unknown; hold?: boolean; drop?: boolean } {
    const call: RecordedCall = { method: 'response_url', body: { ...body, url: path }, response: {}, at: performance.now() };
    const uses = this.responses.filter((shown) => shown.method === path).length;
    if (this.#expiredUrls || uses >= RESPONSE_URL_USES) {
      this.responseCalls.push({ ...call, response: { ok: false, error: 'expired_url' } });
      return { status: 404, payload: 'expired_url' };
    }
    if (this.failWhen?.(call) === true) {
      this.responseCalls.push({ ...call, response: { ok: false, error: 'internal_error' } });
      return { status: 500, payload: 'internal_error' };
    }
    const shown = { ...call, response: { ok: true } };
    this.responseCalls.push(shown);
    this.responses.push({ method: path, body, response: { ok: true }, at: shown.at });
    return { status: 200, payload: 'ok', hold: this.holdWhen?.(shown) ?? false, drop: this.dropWhen?.(shown) ?? false };
  }

  /** Every response_url given so far is past Slack's 30 minutes from now on. */
  expireResponseUrls(): void {
    this.#expiredUrls = true;
  }

  /** Answers every held call. */
  release(): void {
    for (const send of this.#held.splice(0)) send();
  }

  get heldCount(): number {
    return this.#held.length;
  }

  /** oauth.v2.access: the app's client id and secret (HTTP Basic or form fields) and a granted code, once. */
  #exchange(body: Record<string, unknown>, authorization: string | undefined): { status: number; payload: unknown } {
    const basic = authorization?.startsWith('Basic ') ? Buffer.from(authorization.slice('Basic '.length), 'base64').toString('utf8') : `${String(body.client_id)}:${String(body.client_secret)}`;
    if (basic !== `${FAKE_CLIENT_ID}:${FAKE_CLIENT_SECRET}`) return fail('invalid_client');
    const install = this.#codes.get(String(body.code));
    if (install === undefined) return fail('invalid_code');
    this.#codes.delete(String(body.code));
    this.installs.set(install.botToken, install);
    return ok({
      app_id: 'A123ABC456',
      authed_user: { id: 'UINSTALLER' },
      scope: 'chat:write,commands,files:write,im:history,im:write,users:read,users:read.email',
      token_type: 'bot',
      access_token: install.botToken,
      bot_user_id: install.botUserId,
      team: install.isEnterpriseInstall ? null : { id: install.teamId, name: install.teamName },
      enterprise: install.enterpriseId === undefined ? null : { id: install.enterpriseId, name: install.enterpriseName },
      is_enterprise_install: install.isEnterpriseInstall === true,
    });
  }

  #answerMethod(method: string, body: Record<string, unknown>, install: FakeInstall | undefined): { status: number; headers?: Record<string, string>; payload: unknown } {
    // An installed token sees only its own workspace's (or org's) people.
    const visible = (user: FakeSlackUser) => install === undefined || user.teamId === install.teamId || user.teamId === install.enterpriseId || (install.isEnterpriseInstall === true && user.enterpriseId === install.enterpriseId);
    const limited = this.#rateLimited;
    if (limited !== undefined && limited.method === method && limited.remaining > 0) {
      limited.remaining -= 1;
      return { status: 429, headers: { 'retry-after': String(limited.retryAfter) }, payload: { ok: false, error: 'ratelimited' } };
    }
    switch (method) {
      case 'auth.test':
        return install === undefined ? ok({ user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T123ABC456' }) : ok({ user_id: install.botUserId, bot_id: `B${install.botUserId}`, team_id: install.teamId, enterprise_id: install.enterpriseId });
      case 'users.info': {
        const user = this.users.get(String(body.user));
        return user === undefined || !visible(user) ? fail('user_not_found') : ok({ user: userOf(user) });
      }
      case 'users.lookupByEmail': {
        const user = [...this.users.values()].find((u) => u.email === body.email && visible(u));
        return user === undefined ? fail('users_not_found') : ok({ user: userOf(user) });
      }
      case 'conversations.open':
        return this.users.get(String(body.users))?.deleted === true ? fail('user_disabled') : ok({ channel: { id: `D${String(body.users)}` } });
      case 'chat.postMessage':
        return ok({ channel: body.channel, ts: this.#nextTs() });
      case 'conversations.history':
        return this.#history(body);
      case 'conversations.replies':
        return this.#history(body, String(body.ts));
      case 'chat.update':
        return ok({ channel: body.channel, ts: body.ts });
      case 'chat.postEphemeral':
        return ok({ message_ts: this.#nextTs() });
      case 'files.getUploadURLExternal': {
        this.#files += 1;
        this.#fileNames.set(`F${this.#files}`, String(body.filename));
        return ok({ upload_url: `${this.url}/upload/F${this.#files}`, file_id: `F${this.#files}` });
      }
      case 'files.completeUploadExternal':
        return ok({ files: this.#share(body) });
      case 'views.open':
      case 'views.update':
      case 'views.publish':
        return ok({ view: { id: 'V1' } });
      default:
        return fail('unknown_method');
    }
  }

  /**
   * files.completeUploadExternal: the files, by id, with the names they were uploaded under; with a
   * `channel_id` they are shared there (in `thread_ts`'s thread when given) as one message of the bot's.
   */
  #share(body: Record<string, unknown>): { id: string; name: string; title: string }[] {
    const files = ((body.files as { id: string; title?: string }[] | undefined) ?? []).map((file) => ({ id: file.id, name: this.#fileNames.get(file.id) ?? file.id, title: file.title ?? this.#fileNames.get(file.id) ?? file.id }));
    if (body.channel_id !== undefined) this.sharedFiles.push({ channel: String(body.channel_id), threadTs: body.thread_ts === undefined ? undefined : String(body.thread_ts), ts: this.#nextTs(), files });
    return files;
  }

  /**
   * A channel's top-level messages (or, for conversations.replies, one thread's replies) newest first, from what was posted and shared to it: those after `oldest`,
   * `limit` a page with a cursor, and their metadata only with `include_all_metadata` (as Slack does). A shared file is
   * the bot's message with `files` (each file's id, name, title and uploader) and `upload: true`, as Slack returns it.
   */
  #history(body: Record<string, unknown>, thread?: string): { status: number; payload: unknown } {
    const oldest = Number(body.oldest ?? 0);
    const withMetadata = String(body.include_all_metadata) === 'true';
    const posted = this.calls
      .filter((call) => call.method === 'chat.postMessage' && call.response.ok === true && call.body.channel === body.channel && call.body.thread_ts === thread && Number(call.response.ts) > oldest)
      .map((call) => ({ type: 'message', user: 'UBOT', bot_id: 'BBOT', ts: String(call.response.ts), text: call.body.text, ...(withMetadata && call.body.metadata !== undefined ? { metadata: call.body.metadata } : {}) }));
    const shared = this.sharedFiles
      .filter((share) => share.channel === body.channel && share.threadTs === thread && Number(share.ts) > oldest)
      .map((share) => ({ type: 'message', text: '', user: 'UBOT', bot_id: 'BBOT', upload: true, display_as_bot: false, ts: share.ts, files: share.files.map((file) => (this.hideFileNames ? { id: file.id, user: 'UBOT' } : { ...file, user: 'UBOT', mimetype: 'application/octet-stream' })) }));
    const all = [...posted, ...shared].sort((a, b) => Number(b.ts) - Number(a.ts));
    const start = Number(body.cursor ?? 0);
    const limit = Number(body.limit ?? 100);
    const messages = all.slice(start, start + limit);
    const more = start + limit < all.length;
    return ok({ messages, has_more: more, ...(more ? { response_metadata: { next_cursor: String(start + limit) } } : {}) });
  }

  /** Posted messages get ts values from this moment on (Slack's ts is its clock), for tests whose clock is fixed. */
  startTsAt(moment: Date): void {
    this.#ts = Math.floor(moment.getTime() / 1000);
  }

  #nextTs(): string {
    this.#ts += 1;
    return `${this.#ts}.000100`;
  }
}

const ok = (payload: Record<string, unknown>) => ({ status: 200, payload: { ok: true, ...payload } });
/** A user as users.info and users.lookupByEmail give one. */
function userOf(user: FakeSlackUser): Record<string, unknown> {
  return { id: user.id, team_id: user.teamId, deleted: user.deleted === true, profile: { email: user.email }, ...(user.enterpriseId === undefined ? {} : { enterprise_user: { enterprise_id: user.enterpriseId } }) };
}

const fail = (error: string) => ({ status: 200, payload: { ok: false, error } });

/** The Web API client posts form-encoded fields, some of them JSON (blocks, view); decode both. */
async function readBody(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if ((request.url ?? '').startsWith('/upload/')) return { raw: uploadedFile(text, request.headers['content-type'] ?? '') };
  if ((request.headers['content-type'] ?? '').includes('application/json')) return text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
  const body: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(text)) {
    body[key] = value.startsWith('[') || value.startsWith('{') ? safeJson(value) : value;
  }
  return body;
}

function safeJson(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/** The file's bytes from an upload: the first part of a multipart body, or the body itself. */
function uploadedFile(text: string, contentType: string): string {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType);
  if (boundary === null) return text;
  const marker = `--${boundary[1] ?? boundary[2]}`;
  const part = text.split(marker)[1] ?? '';
  const start = part.indexOf('\r\n\r\n');
  return start < 0 ? part : part.slice(start + 4).replace(/\r\n$/, '');
}
