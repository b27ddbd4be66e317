import type { IncomingMessage } from 'node:http';

/**
 * A request's body, or undefined when it is larger than `limit` bytes. A body over the limit is
 * still read to its end (and dropped) so the client gets the 413 rather than a reset connection;
 * a declared Content-Length over the limit is refused without reading.
 */
export async function readBody(request: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size <= limit) chunks.push(chunk as Buffer);
  }
  return size > limit ? undefined : Buffer.concat(chunks);
}
