import { z } from 'zod';
import type { Clock } from '../../core/time/clock.ts';

export interface GraphClientOptions {
  /** The Entra app's client id and secret; the app must be multi-tenant and consented in each tenant. */
  clientId: string;
  clientSecret: string;
  /** https://login.microsoftonline.com, where `/{tenant}/oauth2/v2.0/token` issues app-only tokens. */
  loginUrl: string;
  /** https://graph.microsoft.com/v1.0 */
  graphUrl: string;
  clock: Clock;
  /** Waits out a throttle; tests pass one that records and returns at once. */
  wait: (ms: number) => Promise<void>;
  /** Attempts per call, the first included, while Graph answers 429/503/504. */
  attempts?: number;
  /** A Retry-After longer than this is not waited out: the call fails as throttled. */
  maxWaitMs?: number;
}

/** A Graph or sign-in call that failed for good, with the status and Graph's error code. */
export class GraphError extends Error {
  readonly status: number;
  readonly code: string | undefined;
  /** `sign-in`: no app-only token for the tenant (admin consent missing); `graph`: a Graph call. */
  readonly stage: 'sign-in' | 'graph';

  constructor(message: string, status: number, code?: string, stage: 'sign-in' | 'graph' = 'graph') {
    super(message);
    this.name = 'GraphError';
    this.status = status;
    this.code = code;
    this.stage = stage;
  }
}

/** Statuses Graph asks clients to retry, honouring Retry-After (throttling, and the service busy). */
const RETRYABLE = new Set([429, 503, 504]);

const TokenResponse = z.object({ access_token: z.string().min(1), expires_in: z.coerce.number().positive() });
const UserResponse = z.looseObject({ id: z.string().min(1) });
const InstallationList = z.looseObject({ value: z.array(z.looseObject({ id: z.string().min(1) })) });
const UserList = InstallationList;
const ChatResponse = z.looseObject({ id: z.string().min(1) });

/**
 * The Microsoft Graph calls that install Trellis for a person in their personal scope, with an
 * app-only token per tenant (client credentials): look the person up by e-mail, install the app
 * from the tenant's catalogue (`POST /users/{id}/teamwork/installedApps`, 409 when it already is),
 * find the installation, and read the chat between them and the app, whose id the Bot Connector
 * takes as a conversation id. Throttling (429 with Retry-After) is waited out through `wait`.
 *
 * Several installs may run at once. Graph throttles per app and tenant, so when one call is told to
 * wait, every call to that tenant waits the same pause before its next request (Graph's throttling
 * guidance: honour Retry-After and do not send more while throttled), and concurrent calls share
 * one token request per tenant.
 */
export class GraphClient {
  readonly #options: Required<GraphClientOptions>;
  readonly #tokens = new Map<string, { token: string; expiresAt: number }>();
  readonly #tokenRequests = new Map<string, Promise<string>>();
  /** Per tenant, the pause every call waits out after Graph throttled one of them. */
  readonly #pauses = new Map<string, Promise<void>>();

  constructor(options: GraphClientOptions) {
    this.#options = { attempts: 6, maxWaitMs: 5 * 60_000, ...options };
  }

  /**
   * The person's Entra object id in the tenant: the user whose sign-in name (UPN) is the roster
   * e-mail, else the one whose primary mail address is (a UPN can differ from the address staff
   * use); undefined when neither exists.
   */
  async userId(tenant: string, email: string): Promise<string | undefined> {
    try {
      const body = await this.#call(tenant, 'GET', `/users/${encodeURIComponent(email)}?$select=id`);
      return UserResponse.parse(body).id;
    } catch (error) {
      if (!(error instanceof GraphError && error.status === 404)) throw error;
    }
    const filter = encodeURIComponent(`mail eq '${email.replace(/'/g, "''")}'`);
    const found = UserList.parse(await this.#call(tenant, 'GET', `/users?$filter=${filter}&$select=id`)).value;
    return found.length === 1 ? found[0]!.id : undefined;
  }

  /** Installs the catalogue app for the user: `installed`, or `already-installed` on 409. */
  async install(tenant: string, userId: string, catalogAppId: string): Promise<'installed' | 'already-installed'> {
    const bind = `${this.#options.graphUrl.replace(/\/+$/, '')}/appCatalogs/teamsApps/${encodeURIComponent(catalogAppId)}`;
    try {
      await this.#call(tenant, 'POST', `/users/${encodeURIComponent(userId)}/teamwork/installedApps`, { 'teamsApp@odata.bind': bind });
      return 'installed';
    } catch (error) {
      if (error instanceof GraphError && error.status === 409) return 'already-installed';
      throw error;
    }
  }

  /** The id of the user's installation of the app (the POST answers with no body). */
  async installationId(tenant: string, userId: string, catalogAppId: string): Promise<string | undefined> {
    const filter = encodeURIComponent(`teamsApp/id eq '${catalogAppId.replace(/'/g, "''")}'`);
    const body = await this.#call(tenant, 'GET', `/users/${encodeURIComponent(userId)}/teamwork/installedApps?$expand=teamsApp&$filter=${filter}`);
    return InstallationList.parse(body).value[0]?.id;
  }

  /** The id of the one-on-one chat between the user and the app. */
  async chatId(tenant: string, userId: string, installationId: string): Promise<string> {
    const body = await this.#call(tenant, 'GET', `/users/${encodeURIComponent(userId)}/teamwork/installedApps/${encodeURIComponent(installationId)}/chat`);
    return ChatResponse.parse(body).id;
  }

  async #call(tenant: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    const { attempts, wait, maxWaitMs, graphUrl } = this.#options;
    for (let attempt = 1; ; attempt++) {
      await this.#pauses.get(tenant);
      const token = await this.#token(tenant);
      const response = await reach(`Microsoft Graph (${method} ${path.split('?')[0]})`, 'graph', () =>
        fetch(`${graphUrl.replace(/\/+$/, '')}${path}`, {
          method,
          headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          body: body === undefined ? null : JSON.stringify(body),
        }),
      );
      const text = await response.text();
      if (response.ok) return text === '' ? {} : JSON.parse(text);
      const code = graphErrorCode(text);
      const detail = `Graph answered ${response.status}${code === undefined ? '' : ` (${code})`} to ${method} ${path.split('?')[0]}`;
      if (response.status === 401 && attempt === 1) {
        // An expired or revoked token: one fresh one, then give up.
        this.#tokens.delete(tenant);
        continue;
      }
      if (!RETRYABLE.has(response.status)) throw new GraphError(detail, response.status, code);
      const pause = retryAfterMs(response.headers.get('retry-after'), this.#options.clock) ?? Math.min(maxWaitMs, 1000 * 2 ** (attempt - 1));
      if (attempt >= attempts || pause > maxWaitMs) throw new GraphError(`${detail}, still throttled after ${attempt} attempt(s)`, response.status, code);
      await this.#pause(tenant, pause, wait);
    }
  }

  /** Waits out a throttle on the tenant: the pause already under way if another call was throttled first, else a new one every call then waits for. */
  #pause(tenant: string, ms: number, wait: (ms: number) => Promise<void>): Promise<void> {
    const current = this.#pauses.get(tenant);
    if (current !== undefined) return current;
    const pause = wait(ms).finally(() => this.#pauses.delete(tenant));
    this.#pauses.set(tenant, pause);
    return pause;
  }

  /** An app-only token for the tenant, kept until a minute before it expires; calls made meanwhile share one request for it. */
  async #token(tenant: string): Promise<string> {
    const cached = this.#tokens.get(tenant);
    if (cached !== undefined && this.#options.clock.now().getTime() < cached.expiresAt) return cached.token;
    const pending = this.#tokenRequests.get(tenant);
    if (pending !== undefined) return pending;
    const request = this.#requestToken(tenant).finally(() => this.#tokenRequests.delete(tenant));
    this.#tokenRequests.set(tenant, request);
    return request;
  }

  async #requestToken(tenant: string): Promise<string> {
    const { clock, loginUrl, clientId, clientSecret } = this.#options;
    const response = await reach(`Microsoft sign-in for tenant ${tenant}`, 'sign-in', () =>
      fetch(`${loginUrl.replace(/\/+$/, '')}/${encodeURIComponent(tenant)}/oauth2/v2.0/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ client_id: clientId, client_secret: clientSecret, scope: 'https://graph.microsoft.com/.default', grant_type: 'client_credentials' }),
      }),
    );
    const text = await response.text();
    if (!response.ok) {
      const code = signInErrorCode(text);
      throw new GraphError(`Microsoft sign-in refused an app-only token for tenant ${tenant} (${response.status}${code === undefined ? '' : `, ${code}`}): has an administrator of that tenant granted admin consent to the Trellis app?`, response.status, code, 'sign-in');
    }
    const parsed = TokenResponse.parse(JSON.parse(text));
    this.#tokens.set(tenant, { token: parsed.access_token, expiresAt: clock.now().getTime() + (parsed.expires_in - 60) * 1000 });
    return parsed.access_token;
  }
}

/** A request that could not be made at all (no network, DNS, refused) as a GraphError with status 0. */
async function reach(what: string, stage: 'sign-in' | 'graph', request: () => Promise<Response>): Promise<Response> {
  try {
    return await request();
  } catch (error) {
    const cause = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
    throw new GraphError(`could not reach ${what}: ${cause}`, 0, undefined, stage);
  }
}

/** Retry-After in seconds or as an HTTP date (read against our clock); undefined when absent or unreadable. */
function retryAfterMs(header: string | null, clock: Clock): number | undefined {
  if (header === null) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - clock.now().getTime());
}

/** Graph's `{ error: { code } }`; bodies are otherwise not echoed. */
function graphErrorCode(text: string): string | undefined {
  const parsed = z.looseObject({ error: z.looseObject({ code: z.string() }) }).safeParse(parseJson(text));
  return parsed.success ? parsed.data.error.code : undefined;
}

/** The sign-in service's `{ error, error_codes }`: `invalid_client`, `unauthorized_client` (AADSTS700016: not consented in the tenant). */
function signInErrorCode(text: string): string | undefined {
  const parsed = z.looseObject({ error: z.string(), error_codes: z.array(z.number()).optional() }).safeParse(parseJson(text));
  if (!parsed.success) return undefined;
  const codes = parsed.data.error_codes ?? [];
  return codes.length === 0 ? parsed.data.error : `${parsed.data.error} AADSTS${codes[0]}`;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
