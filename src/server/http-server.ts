import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Route } from '../channels/channel.ts';
import { type Logger, withLogContext } from '../logging/logger.ts';
import type { Readiness } from './readiness.ts';

export interface HttpServerOptions {
  host: string;
  port: number;
  routes: readonly Route[];
  /** `GET /healthz`: 200 when this resolves true (the database answers), 503 otherwise. */
  healthy: () => Promise<boolean>;
  /** `GET /readyz`: 200 when every check passes (database, migrations, …), 503 with what is not. */
  ready?: () => Promise<Readiness>;
  /** `GET /metrics`: Prometheus's text format. */
  metrics?: () => Promise<{ contentType: string; body: string }>;
  /** One line per request (method, path without its query, status, milliseconds), under the request's id. */
  log?: Logger;
  onError?: (error: unknown, request: IncomingMessage) => void;
}

/** Probes and scrapes come every few seconds: their lines are debug, every other request's info. */
const QUIET_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/** An `X-Request-Id` from a load balancer is kept when it looks like an id; anything else gets a fresh one. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export interface RunningServer {
  server: Server;
  /** `http://host:port`, with the port actually bound (0 picks a free one). */
  url: string;
  /**
   * The start of a graceful shutdown (SIGTERM): from now `/readyz` answers 503 `shutting down`,
   * so the load balancer sends no more, while every route (and `/healthz`, liveness) is still served.
   */
  beginShutdown(): void;
  /** Resolves once no request is being handled (at once if none is), or after `withinMs` at the latest. */
  idle(withinMs?: number): Promise<void>;
  /**
   * Stops listening, closes idle keep-alive connections and waits for the requests in progress
   * to be answered; any still open after `graceMs` are cut.
   */
  close(graceMs?: number): Promise<void>;
}

/** How long `close` waits for requests in progress before cutting them. */
export const CLOSE_GRACE_MS = 10_000;

/**
 * Trellis's one HTTP server: Slack's `/slack/events`, Teams' `/api/messages`, the playground,
 * `/healthz`, `/readyz` and `/metrics` share a port, so one process and one URL serve a school.
 * Every request has an id (its `X-Request-Id`, or a new one, sent back in the response) that every
 * line logged while it is handled carries.
 */
export async function startHttpServer(options: HttpServerOptions): Promise<RunningServer> {
  const state: ServerState = { shuttingDown: false, inFlight: 0, idle: [] };
  const server = createServer((request, response) => {
    const given = request.headers['x-request-id'];
    const requestId = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    response.setHeader('x-request-id', requestId);
    // Keep-alive clients are asked to reconnect (to another replica) once shutdown has begun.
    if (state.shuttingDown) response.setHeader('connection', 'close');
    state.inFlight++;
    response.once('close', () => {
      state.inFlight--;
      if (state.inFlight === 0) for (const resolve of state.idle.splice(0)) resolve();
    });
    void withLogContext({ requestId }, () => dispatch(options, state, request, response));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  const idle = async (withinMs = CLOSE_GRACE_MS) => {
    if (state.inFlight === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      state.idle.push(resolve);
      timer = setTimeout(resolve, withinMs);
      timer.unref();
    });
    clearTimeout(timer);
  };
  return {
    server,
    url: `http://${host}:${port}`,
    beginShutdown: () => {
      state.shuttingDown = true;
    },
    idle,
    close: async (graceMs = CLOSE_GRACE_MS) => {
      state.shuttingDown = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await idle(graceMs);
      // Answered requests leave keep-alive sockets behind, and a request past its grace is cut.
      server.closeAllConnections();
      await closed;
    },
  };
}

interface ServerState {
  shuttingDown: boolean;
  inFlight: number;
  idle: (() => void)[];
}

async function dispatch(options: HttpServerOptions, state: ServerState, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const path = (request.url ?? '/').split('?')[0] ?? '/';
  const started = performance.now();
  response.once('finish', () => {
    const line = { method: request.method, path, status: response.statusCode, ms: Math.round(performance.now() - started) };
    if (QUIET_PATHS.has(path)) options.log?.debug('request', line);
    else options.log?.info('request', line);
  });
  try {
    if (request.method === 'GET' && path === '/healthz') {
      const healthy = await options.healthy().catch(() => false);
      sendJson(response, healthy ? 200 : 503, { status: healthy ? 'ok' : 'database unreachable' });
      return;
    }
    if (request.method === 'GET' && path === '/readyz' && state.shuttingDown) {
      sendJson(response, 503, { status: 'shutting down' });
      return;
    }
    if (request.method === 'GET' && path === '/readyz' && options.ready !== undefined) {
      const readiness = await options.ready();
      sendJson(response, readiness.ready ? 200 : 503, { status: readiness.ready ? 'ready' : 'not ready', checks: readiness.checks });
      return;
    }
    if (request.method === 'GET' && path === '/metrics' && options.metrics !== undefined) {
      const { contentType, body } = await options.metrics();
      response.writeHead(200, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
      response.end(body);
      return;
    }
    const route = options.routes.find((r) => matches(r, request.method ?? 'GET', path));
    if (route === undefined) {
      sendJson(response, 404, { error: 'not found' });
      return;
    }
    await route.handle(request, response);
  } catch (error) {
    options.onError?.(error, request);
    if (!response.headersSent) sendJson(response, 500, { error: 'something went wrong; it has been logged' });
    else response.end();
  }
}

function matches(route: Route, method: string, path: string): boolean {
  if (route.method !== 'ANY' && route.method !== method) return false;
  if (route.path.endsWith('/*')) {
    const prefix = route.path.slice(0, -2);
    return path === prefix || path.startsWith(`${prefix}/`);
  }
  return route.path === path;
}

export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}
