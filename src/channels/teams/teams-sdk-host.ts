import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AdaptiveCardActionResponse } from '@microsoft/teams.api';
import { App, type HttpRouteHandler, type IHttpServerAdapter } from '@microsoft/teams.apps';
import type { ILogger } from '@microsoft/teams.common';
import type { Route } from '../channel.ts';
import { sendJson } from '../../server/http-server.ts';
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
  const adapter = new SharedServerAdapter();
  const app = new App({
    clientId: options.clientId,
    clientSecret: options.clientSecret,
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
class SharedServerAdapter implements IHttpServerAdapter {
  #handler: HttpRouteHandler | undefined;

  registerRoute(_method: 'POST', path: string, handler: HttpRouteHandler): void {
    if (path === MESSAGING_ENDPOINT) this.#handler = handler;
  }

  async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (this.#handler === undefined) return sendJson(response, 503, { error: 'Teams is starting' });
    const raw = await readBody(request);
    if (raw === undefined) return sendJson(response, 413, { error: 'request too large' });
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      return sendJson(response, 400, { error: 'the body must be a JSON activity' });
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return sendJson(response, 400, { error: 'the body must be a JSON activity' });
    const headers = Object.fromEntries(Object.entries(request.headers).filter((entry): entry is [string, string | string[]] => entry[1] !== undefined));
    const result = await this.#handler({ body, headers });
    if (result.body === undefined || result.body === null) {
      response.writeHead(result.status).end();
      return;
    }
    sendJson(response, result.status, result.body);
  }
}

async function readBody(request: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
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
