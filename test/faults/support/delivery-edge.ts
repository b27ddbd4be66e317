import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface EdgeDelivery {
  kind: 'digest' | 'notice' | 'notification';
  key: string;
  email: string;
  /** Which worker process sent it. */
  worker: string;
}

/** How the fake platform answers one delivery: decided by the test, per request. */
export type EdgeAnswer = { status: 200 } | { status: 429; retryAfter: number } | { status: 500 } | { status: 404; error: string };

/**
 * A chat platform's message API, faked on loopback: the far side of the HTTP edge the fault tests
 * deliver through. It records every message it accepted (a message counts as delivered once it
 * arrives, whatever happens to the sender afterwards), can answer 500, 429 with Retry-After or a
 * permanent 404, can hold answers (a slow platform) until the test lets them go, and answers
 * "do you have the message with this key?" as Slack's history lookup by metadata would.
 */
export class DeliveryEdge {
  readonly accepted: EdgeDelivery[] = [];
  url = '';
  answer: (delivery: EdgeDelivery) => EdgeAnswer = () => ({ status: 200 });
  /** While set, answers wait until `release()` (the requests are accepted and recorded first). */
  #holding = false;
  #held: (() => void)[] = [];
  #waiters: { test: () => boolean; resolve: () => void }[] = [];
  #server: Server | undefined;

  static async start(): Promise<DeliveryEdge> {
    const edge = new DeliveryEdge();
    edge.#server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const url = new URL(request.url ?? '/', 'http://edge');
        if (request.method === 'GET' && url.pathname === '/delivered') {
          const key = url.searchParams.get('key');
          response.writeHead(200, { 'content-type': 'application/json' });
          response.end(JSON.stringify({ delivered: edge.accepted.some((d) => d.key === key) }));
          return;
        }
        const delivery = JSON.parse(Buffer.concat(chunks).toString('utf8')) as EdgeDelivery;
        const answer = edge.answer(delivery);
        if (answer.status === 200) edge.accepted.push(delivery);
        const send = () => {
          const headers: Record<string, string> = { 'content-type': 'application/json' };
          if (answer.status === 429) headers['retry-after'] = String(answer.retryAfter);
          response.writeHead(answer.status, headers);
          response.end(JSON.stringify(answer.status === 200 ? { ok: true } : { ok: false, error: 'error' in answer ? answer.error : `http_${answer.status}` }));
        };
        if (edge.#holding) edge.#held.push(send);
        else send();
        edge.#wake();
      });
    });
    await new Promise<void>((resolve) => edge.#server!.listen(0, '127.0.0.1', resolve));
    edge.url = `http://127.0.0.1:${(edge.#server.address() as AddressInfo).port}`;
    return edge;
  }

  hold(): void {
    this.#holding = true;
  }

  release(): void {
    this.#holding = false;
    for (const send of this.#held.splice(0)) send();
  }

  get heldCount(): number {
    return this.#held.length;
  }

  /** Resolves once `test` holds, checked after each request; never by the passing of time. */
  until(test: () => boolean): Promise<void> {
    if (test()) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ test, resolve }));
  }

  digests(): EdgeDelivery[] {
    return this.accepted.filter((d) => d.kind === 'digest');
  }

  notifications(): EdgeDelivery[] {
    return this.accepted.filter((d) => d.kind === 'notification');
  }

  notices(): EdgeDelivery[] {
    return this.accepted.filter((d) => d.kind === 'notice');
  }

  close(): Promise<void> {
    this.release();
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
}

/** Lost and duplicated, counted at the edge against the digests the outbox says were due. */
export function countFaults(expectedKeys: readonly string[], accepted: readonly EdgeDelivery[]): { digests: number; delivered: number; lost: number; duplicated: number } {
  const times = new Map<string, number>();
  for (const delivery of accepted) times.set(delivery.key, (times.get(delivery.key) ?? 0) + 1);
  const lost = expectedKeys.filter((key) => !times.has(key)).length;
  const duplicated = [...times.values()].reduce((sum, n) => sum + Math.max(0, n - 1), 0);
  return { digests: expectedKeys.length, delivered: times.size, lost, duplicated };
}
