import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Route } from '../channels/channel.ts';

export interface HttpServerOptions {
  host: string;
  port: number;
  routes: readonly Route[];
  /** `GET /healthz`: 200 when this resolves true (the database answers), 503 otherwise. */
  healthy: () => Promise<boolean>;
  onError?: (error: unknown, request: IncomingMessage) => void;
}

export interface RunningServer {
  server: Server;
  /** `http://host:port`, with the port actually bound (0 picks a free one). */
  url: string;
  close(): Promise<void>;
}

/**
 * Trellis's one HTTP server: Slack's `/slack/events`, Teams' `/api/messages`, the playground
 * and `/healthz` share a port, so one process and one URL serve a school.
 */
export async function startHttpServer(options: HttpServerOptions): Promise<RunningServer> {
  const server = createServer((request, response) => {
    void dispatch(options, request, response);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    server,
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function dispatch(options: HttpServerOptions, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const path = (request.url ?? '/').split('?')[0] ?? '/';
  try {
    if (request.method === 'GET' && path === '/healthz') {
      const healthy = await options.healthy().catch(() => false);
      sendJson(response, healthy ? 200 : 503, { status: healthy ? 'ok' : 'database unreachable' });
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
