import type { IncomingMessage } from 'node:http';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/**
 * Whether a request to the playground's API comes from its own page. The playground has no
 * sign-in (anyone who reaches it acts as anyone), so two browser tricks must not reach it:
 * another site's page posting to it (a cross-site request: its `Origin`, or `Sec-Fetch-Site`,
 * names another site) and DNS rebinding (a hostile name pointed at 127.0.0.1: the `Host` is then
 * not this machine's). The Host must be a loopback name, or the address the server was told to
 * listen on; listening on every address (0.0.0.0, ::) accepts any Host, which start-up warns about.
 * Requests from outside a browser (curl, tests) carry no Origin and are judged by the Host alone.
 */
export function isSameSite(request: IncomingMessage, listenHost: string): boolean {
  const host = request.headers.host;
  if (typeof host !== 'string' || host === '') return false;
  let hostname: string;
  try {
    hostname = new URL(`http://${host}`).hostname;
  } catch {
    return false;
  }
  const anyHost = listenHost === '0.0.0.0' || listenHost === '::';
  if (!anyHost && !LOOPBACK_HOSTS.has(hostname) && hostname !== listenHost && hostname !== `[${listenHost}]`) return false;
  const origin = request.headers.origin;
  if (origin !== undefined) {
    if (origin === 'null') return false;
    try {
      if (new URL(origin).host !== host) return false;
    } catch {
      return false;
    }
  }
  const site = request.headers['sec-fetch-site'];
  return site === undefined || site === 'same-origin' || site === 'none';
}
