import type { IncomingMessage, ServerResponse } from 'node:http';
import { type AdaptiveCardActionResponse, type CloudEnvironment, PUBLIC, withOverrides } from '@microsoft/teams.api';
import { App, type HttpRouteHandler, type IHttpServerAdapter } from '@microsoft/teams.apps';
import type { ILogger } from '@microsoft/teams.common';
import { z } from 'zod';
import type { Route } from '../channel.ts';
import { sendJson } from '../../server/http-server.ts';
import { readBody } from '../../server/read-body.ts';
import type { Logger } from '../../logging/logger.ts';

export const MESSAGING_ENDPOINT = '/api/messages';

/** Activities are small JSON; anything bigger is refused before parsing. */
const MAX_BODY_BYTES = 1024 * 1024;

export interface TeamsHostOptions {
  clientId: string;
  clientSecret: string;
  tenantId: string;
  /** Accept requests without a Bot Framework token (local testing; refused in production by loadConfig). */
  skipAuth: boolean;
  log: Logger;
  /** Accept activities whose serviceUrl is on loopback (tests against a fake connector; refused in production by loadConfig). */
  allowLoopbackServiceUrl: boolean;
  /**
   * A fake Microsoft sign-in service serving the token signing keys and this app's own tokens
   * (tests; refused in production by loadConfig).
   */
  loginUrl?: string | undefined;
  /** Whether activities from this Entra tenant are accepted (the configured one, and those recorded for a school). */
  acceptsTenant: (tenant: string) => Promise<boolean>;
  /** Every authenticated activity Trellis handles; for a card's Action.Execute, what to show in its place. */
  onActivity: (activity: unknown) => Promise<AdaptiveCardActionResponse | undefined>;
}

export interface TeamsHost {
  route: Route;
  initialize(): Promise<void>;
  /** A Bot Framework token for calls to the connector; undefined in skip-auth mode. */
  botToken(): Promise<string | undefined>;
}

/**
 * The Teams SDK's App, run without its own web server: the SDK's HttpServer seam takes an
 * adapter, and ours hands it requests from Trellis's shared node:http server. The SDK keeps what
 * it is good at — Bot Framework JWT validation (issuer, audience, signing keys, serviceUrl claim)
 * and turning an activity into an invoke response — and Trellis keeps one port for everything.
 */
export function createTeamsHost(options: TeamsHostOptions): TeamsHost {
  const cloud = options.loginUrl === undefined ? PUBLIC : fakeLoginCloud(options.loginUrl);
  const adapter = new SharedServerAdapter({ ...options, tokenIssuer: cloud.tokenIssuer });
  const app = new App({
    cloud,
    clientId: options.clientId,
    // MSAL takes only https sign-in authorities, so against a fake on loopback the app's token is
    // asked for directly (the same client-credentials grant), and Microsoft's real one is MSAL's.
    ...(options.loginUrl === undefined ? { clientSecret: options.clientSecret } : { token: fakeLoginToken(options.loginUrl, options) }),
    tenantId: options.tenantId,
    httpServerAdapter: adapter,
    dangerouslyAllowUnauthenticatedRequests: options.skipAuth,
    messagingEndpoint: MESSAGING_ENDPOINT,
    logger: sdkLogger(options.log),
    // Trellis keeps its own state in PostgreSQL; the SDK's turn state stays off.
    state: false,
  });
  const handle = async ({ activity }: { activity: unknown }): Promise<void> => void (await options.onActivity(activity));
  app.on('message', handle);
  app.on('conversationUpdate', handle);
  app.on('installationUpdate', handle);
  // Action.Execute arrives as an `adaptiveCard/action` invoke; its answer replaces the card.
  app.on('card.action', async ({ activity }) => (await options.onActivity(activity)) ?? { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: 'Done.' });
  return {
    route: { method: 'POST', path: MESSAGING_ENDPOINT, handle: (request, response) => adapter.handle(request, response) },
    initialize: () => app.initialize(),
    botToken: async () => (options.skipAuth ? undefined : (await app.tokenProvider.getAppToken())?.toString()),
  };
}

/** The SDK's transport seam, fed by our Route instead of an Express server it would start. */
type AdapterOptions = Pick<TeamsHostOptions, 'allowLoopbackServiceUrl' | 'acceptsTenant' | 'log' | 'skipAuth'> & { tokenIssuer: string };

class SharedServerAdapter implements IHttpServerAdapter {
  #handler: HttpRouteHandler | undefined;
  readonly #options: AdapterOptions;

  constructor(options: AdapterOptions) {
    this.#options = options;
  }

  registerRoute(_method: 'POST', path: string, handler: HttpRouteHandler): void {
    if (path === MESSAGING_ENDPOINT) this.#handler = handler;
  }

  async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (this.#handler === undefined) return sendJson(response, 503, { error: 'Teams is starting' });
    const raw = (await readBody(request, MAX_BODY_BYTES))?.toString('utf8');
    if (raw === undefined) return sendJson(response, 413, { error: 'request too large' });
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      return sendJson(response, 400, { error: 'the body must be a JSON activity' });
    }
    const activity = ActivityEnvelopeSchema.safeParse(body);
    if (!activity.success) return sendJson(response, 400, { error: 'the body must be a JSON activity' });
    // Replies go to the activity's serviceUrl with our token: only Microsoft's hosts may name it.
    if (!isBotFrameworkServiceUrl(activity.data.serviceUrl, this.#options.allowLoopbackServiceUrl)) {
      this.#options.log.warn('teams: refused an activity from a serviceUrl that is not a Bot Framework host');
      return sendJson(response, 400, { error: 'the serviceUrl is not a Bot Framework host' });
    }
    const tenant = activity.data.conversation.tenantId ?? activity.data.channelData?.tenant?.id;
    if (tenant === undefined || !(await this.#options.acceptsTenant(tenant))) {
      this.#options.log.warn('teams: refused an activity from a tenant Trellis does not serve', { tenant });
      return sendJson(response, 403, { error: 'this tenant is not served here' });
    }
    // Bot Framework tokens only: the SDK would also take an Entra token for this app from any
    // tenant (its agentic-identity path), which is how an emulator's token gets in too.
    if (!this.#options.skipAuth && !issuedBy(request.headers.authorization, this.#options.tokenIssuer)) {
      this.#options.log.warn('teams: refused a request whose token is not issued by the Bot Framework');
      return sendJson(response, 401, { error: 'only Bot Framework tokens are accepted' });
    }
    const headers = Object.fromEntries(Object.entries(request.headers).filter((entry): entry is [string, string | string[]] => entry[1] !== undefined));
    const result = await this.#handler({ body, headers });
    if (result.body === undefined || result.body === null) {
      response.writeHead(result.status).end();
      return;
    }
    sendJson(response, result.status, result.body);
  }
}

/**
 * What the SDK reads before any handler runs (it calls `serviceUrl.endsWith`, reads `from.id` and
 * `conversation.id`): an activity without them is refused with a 400 instead of a 500 from inside it.
 */
const ActivityEnvelopeSchema = z.looseObject({
  type: z.string().min(1),
  serviceUrl: z.string(),
  from: z.looseObject({ id: z.string() }),
  recipient: z.looseObject({ id: z.string() }).optional(),
  conversation: z.looseObject({ id: z.string(), tenantId: z.string().optional() }),
  channelData: z.looseObject({ tenant: z.looseObject({ id: z.string() }).optional() }).optional(),
});

/**
 * Whether a bearer token names `issuer` as its issuer (`iss`), read without verifying it: a gate in
 * front of the SDK, which then verifies the signature against the Bot Framework's keys, the audience
 * (this app), the expiry and the serviceurl claim, and that `iss` is exactly the Bot Framework's.
 */
export function issuedBy(authorization: string | undefined, issuer: string): boolean {
  const token = authorization?.startsWith('Bearer ') ? authorization.slice('Bearer '.length) : undefined;
  const payload = token?.split('.')[1];
  if (payload === undefined) return false;
  const claims = TokenClaims.safeParse(parseJson(Buffer.from(payload, 'base64url').toString('utf8')));
  return claims.success && claims.data.iss === issuer;
}

const TokenClaims = z.looseObject({ iss: z.string() });

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The public cloud with its sign-in hosts replaced by a fake's: Bot Framework keys at `/v1/.well-known/keys`, Entra's at `/<tenant>/discovery/v2.0/keys`. */
function fakeLoginCloud(loginUrl: string): CloudEnvironment {
  const base = loginUrl.replace(/\/$/, '');
  return withOverrides(PUBLIC, { loginEndpoint: base, openIdMetadataUrl: `${base}/v1/.well-known/openidconfiguration` });
}

/** A client-credentials grant at the fake sign-in service's token endpoint, as MSAL would make it at Microsoft's. */
function fakeLoginToken(loginUrl: string, options: Pick<TeamsHostOptions, 'clientId' | 'clientSecret' | 'tenantId'>) {
  return async (scope: string | string[], tenantId?: string): Promise<string> => {
    const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: options.clientId, client_secret: options.clientSecret, scope: [scope].flat().join(' ') });
    const response = await fetch(`${loginUrl.replace(/\/$/, '')}/${tenantId ?? options.tenantId}/oauth2/v2.0/token`, { method: 'POST', body });
    const token = z.object({ access_token: z.string().min(1) }).safeParse(await response.json());
    if (!response.ok || !token.success) throw new Error(`the sign-in service at ${loginUrl} gave no token (${response.status})`);
    return token.data.access_token;
  };
}

const BOT_FRAMEWORK_HOSTS = [/^([a-z0-9-]+\.)*botframework\.com$/, /^smba\.trafficmanager\.net$/];
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** `https://*.botframework.com` or `https://smba.trafficmanager.net` (Teams' regional hosts); loopback only when allowed. */
export function isBotFrameworkServiceUrl(serviceUrl: string, allowLoopback: boolean): boolean {
  let url: URL;
  try {
    url = new URL(serviceUrl);
  } catch {
    return false;
  }
  if (url.username !== '' || url.password !== '') return false;
  if (allowLoopback && LOOPBACK.has(url.hostname) && (url.protocol === 'http:' || url.protocol === 'https:')) return true;
  return url.protocol === 'https:' && BOT_FRAMEWORK_HOSTS.some((host) => host.test(url.hostname));
}

/** The SDK logs through ours, quietly: its debug output would log every activity body. */
function sdkLogger(log: Logger): ILogger {
  const format = (args: unknown[]) => ({ details: args.map((a) => (a instanceof Error ? a.message : typeof a === 'string' ? a : JSON.stringify(a)?.slice(0, 500))) });
  const logger: ILogger = {
    error: (...args: unknown[]) => log.error('teams sdk', format(args)),
    warn: (...args: unknown[]) => log.warn('teams sdk', format(args)),
    info: () => {},
    debug: () => {},
    log: () => {},
    trace: () => {},
    child: () => logger,
  } as unknown as ILogger;
  return logger;
}
