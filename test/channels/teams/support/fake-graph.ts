import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * Microsoft's sign-in service (`/login/{tenant}/oauth2/v2.0/token`, client credentials) and
 * Microsoft Graph (`/v1.0/…`, the user lookup and the personal-scope app installation calls) on
 * loopback. Tokens are per tenant and checked on every Graph call; a tenant that has not consented
 * gets AADSTS700016. Users, installs, refusals and throttling are set by the test.
 */
export class FakeGraph {
  url = '';
  /** Tenants whose administrator granted consent: only they get tokens. */
  readonly consented = new Set<string>();
  /** `tenant:email` → the user's Entra object id. */
  readonly users = new Map<string, string>();
  /** `tenant:email` of users whose sign-in name (UPN) is something else: found only by their mail address. */
  readonly mailOnly = new Set<string>();
  /** `tenant:userId` of people who already have the app (POST answers 409). */
  readonly installed = new Set<string>();
  /** User ids for whom installing is refused (403, as an app permission policy does). */
  readonly forbidden = new Set<string>();
  /** How many install POSTs to answer 429 with `Retry-After: retryAfterSeconds` before accepting. */
  throttleInstalls = 0;
  retryAfterSeconds = 7;
  /** Install POSTs held unanswered until this many wait at once, then all answered (0: none held): shows installs run side by side. */
  holdInstalls = 0;
  /** A delay before each Graph answer, standing in for Microsoft's round trip (benchmarks only; 0 in tests). */
  latencyMs = 0;
  /** Graph requests being answered now, and the most there were at once. */
  inFlight = 0;
  maxInFlight = 0;
  /** The user id of every install Graph accepted (201) and of every one refused as already there (409). */
  readonly accepted: string[] = [];
  readonly conflicts: string[] = [];
  readonly #held: (() => void)[] = [];
  /** Every request, `METHOD path` (Graph paths without the query). */
  readonly requests: string[] = [];
  readonly tokenRequests: { tenant: string; clientId: string; scope: string; grantType: string }[] = [];
  readonly #tokens = new Map<string, string>();
  #server: Server | undefined;

  get loginUrl(): string {
    return `${this.url}/login`;
  }

  get graphUrl(): string {
    return `${this.url}/v1.0`;
  }

  /** The one-on-one chat between a user and the app, as Graph names it. */
  static chatIdOf(userId: string): string {
    return `19:${userId}_trellis@unq.gbl.spaces`;
  }

  async start(): Promise<void> {
    this.#server = createServer((request, response) => {
      void this.#handle(request).then(({ status, body, headers }) => {
        response.writeHead(status, { 'content-type': 'application/json', ...headers });
        response.end(body === undefined ? '' : JSON.stringify(body));
      });
    });
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.#server?.close(() => resolve());
      this.#server?.closeAllConnections();
    });
  }

  async #handle(request: IncomingMessage): Promise<Reply> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const url = new URL(request.url ?? '/', this.url);
    const path = decodeURIComponent(url.pathname);
    this.requests.push(`${request.method} ${path}`);
    const token = /^\/login\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(path);
    if (request.method === 'POST' && token) return this.#token(token[1]!, new URLSearchParams(text));
    if (!path.startsWith('/v1.0/')) return { status: 404 };
    const tenant = this.#tokens.get((request.headers.authorization ?? '').replace(/^Bearer /, ''));
    if (tenant === undefined) return { status: 401, body: { error: { code: 'InvalidAuthenticationToken' } } };
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (request.method === 'POST' && path.endsWith('/teamwork/installedApps') && this.holdInstalls > 0) await this.#hold();
      if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
      return this.#graph(tenant, request.method ?? 'GET', path.slice('/v1.0'.length), url.searchParams, text);
    } finally {
      this.inFlight--;
    }
  }

  #hold(): Promise<void> {
    return new Promise((resolve) => {
      this.#held.push(resolve);
      if (this.#held.length < this.holdInstalls) return;
      this.holdInstalls = 0;
      for (const release of this.#held.splice(0)) release();
    });
  }

  #token(tenant: string, form: URLSearchParams): Reply {
    this.tokenRequests.push({ tenant, clientId: form.get('client_id') ?? '', scope: form.get('scope') ?? '', grantType: form.get('grant_type') ?? '' });
    if (!this.consented.has(tenant)) return { status: 400, body: { error: 'unauthorized_client', error_codes: [700016] } };
    const token = `token-${tenant}-${this.#tokens.size + 1}`;
    this.#tokens.set(token, tenant);
    return { status: 200, body: { token_type: 'Bearer', expires_in: 3599, access_token: token } };
  }

  #graph(tenant: string, method: string, path: string, query: URLSearchParams, text: string): Reply {
    if (method === 'GET' && path === '/users') {
      const mail = /^mail eq '([^']+)'$/.exec(query.get('$filter') ?? '')?.[1]?.toLowerCase();
      const id = mail === undefined ? undefined : this.users.get(`${tenant}:${mail}`);
      return { status: 200, body: { value: id === undefined ? [] : [{ id }] } };
    }
    const user = /^\/users\/([^/]+)$/.exec(path);
    if (method === 'GET' && user) {
      const key = `${tenant}:${user[1]!.toLowerCase()}`;
      const id = this.mailOnly.has(key) ? undefined : this.users.get(key);
      return id === undefined ? { status: 404, body: { error: { code: 'Request_ResourceNotFound' } } } : { status: 200, body: { id } };
    }
    const installs = /^\/users\/([^/]+)\/teamwork\/installedApps$/.exec(path);
    if (method === 'POST' && installs) {
      const userId = installs[1]!;
      if (!this.#knows(tenant, userId)) return { status: 404, body: { error: { code: 'NotFound' } } };
      const bind = (JSON.parse(text) as Record<string, string>)['teamsApp@odata.bind'] ?? '';
      if (!bind.startsWith(`${this.graphUrl}/appCatalogs/teamsApps/`)) return { status: 400, body: { error: { code: 'BadRequest' } } };
      if (this.throttleInstalls > 0) {
        this.throttleInstalls--;
        return { status: 429, body: { error: { code: 'TooManyRequests' } }, headers: { 'retry-after': String(this.retryAfterSeconds) } };
      }
      if (this.forbidden.has(userId)) return { status: 403, body: { error: { code: 'Forbidden', message: 'App is blocked by app permission policy' } } };
      if (this.installed.has(`${tenant}:${userId}`)) {
        this.conflicts.push(userId);
        return { status: 409, body: { error: { code: 'Conflict' } } };
      }
      this.installed.add(`${tenant}:${userId}`);
      this.accepted.push(userId);
      return { status: 201 };
    }
    if (method === 'GET' && installs) {
      const userId = installs[1]!;
      const appId = /teamsApp\/id eq '([^']+)'/.exec(query.get('$filter') ?? '')?.[1];
      const has = this.installed.has(`${tenant}:${userId}`) && appId !== undefined;
      return { status: 200, body: { value: has ? [{ id: `install-${userId}`, teamsApp: { id: appId } }] : [] } };
    }
    const chat = /^\/users\/([^/]+)\/teamwork\/installedApps\/install-([^/]+)\/chat$/.exec(path);
    if (method === 'GET' && chat && chat[1] === chat[2] && this.installed.has(`${tenant}:${chat[1]}`)) return { status: 200, body: { id: FakeGraph.chatIdOf(chat[1]!), chatType: 'oneOnOne' } };
    return { status: 404, body: { error: { code: 'NotFound' } } };
  }

  #knows(tenant: string, userId: string): boolean {
    return [...this.users.entries()].some(([key, id]) => id === userId && key.startsWith(`${tenant}:`));
  }
}
