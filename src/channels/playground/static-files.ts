import { readFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { sendJson } from '../../server/http-server.ts';

/** The page's files: a fixed list, so no request path ever reaches the file system. */
const FILES: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'style.css': 'text/css; charset=utf-8',
};

const cache = new Map<string, Buffer>();

export async function serveStatic(response: ServerResponse, name: string): Promise<void> {
  const type = FILES[name];
  if (type === undefined) {
    sendJson(response, 404, { error: 'not found' });
    return;
  }
  let body = cache.get(name);
  if (body === undefined) {
    body = await readFile(new URL(`./static/${name}`, import.meta.url));
    cache.set(name, body);
  }
  response.writeHead(200, { 'content-type': type, 'content-length': body.length, 'cache-control': 'no-cache' });
  response.end(body);
}
