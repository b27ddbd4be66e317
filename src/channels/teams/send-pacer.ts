/**
 * Keeps Trellis under Teams' bot rate limits: about 7 messages a second in one conversation and
 * 50 requests a second per tenant (platforms.md §2.4). Each key has a token bucket; a send
 * reserves a token in its conversation's and its tenant's bucket and waits until both allow it,
 * so bursts queue instead of earning 429s. Time is injected so the pacing is testable without
 * sleeping.
 */
export interface PacerTime {
  /** Milliseconds from any fixed origin (performance.now in production). */
  now(): number;
  wait(ms: number): Promise<void>;
}

export interface PacerLimits {
  perConversationPerSecond: number;
  perTenantPerSecond: number;
}

export const TEAMS_LIMITS: PacerLimits = { perConversationPerSecond: 7, perTenantPerSecond: 50 };

/** Limits no send reaches (a finite number keeps the bucket arithmetic finite): for benchmarks of Trellis's own cost. */
export const NO_SEND_LIMITS: PacerLimits = { perConversationPerSecond: 1e9, perTenantPerSecond: 1e9 };

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export class SendPacer {
  readonly #limits: PacerLimits;
  readonly #time: PacerTime;
  readonly #buckets = new Map<string, Bucket>();

  constructor(time: PacerTime, limits: PacerLimits = TEAMS_LIMITS) {
    this.#time = time;
    this.#limits = limits;
  }

  /** Waits until a request to this conversation in this tenant may go out. Returns the wait in ms. */
  async take(tenantId: string, conversationId: string): Promise<number> {
    const now = this.#time.now();
    const delay = Math.max(
      this.#reserve(`c:${conversationId}`, this.#limits.perConversationPerSecond, now),
      this.#reserve(`t:${tenantId}`, this.#limits.perTenantPerSecond, now),
    );
    this.#forgetIdle(now);
    if (delay > 0) await this.#time.wait(delay);
    return delay;
  }

  /** Takes one token (the balance may go negative: that is the queue) and says how long to wait for it. */
  #reserve(key: string, perSecond: number, now: number): number {
    const bucket = this.#buckets.get(key) ?? { tokens: perSecond, updatedAt: now };
    bucket.tokens = Math.min(perSecond, bucket.tokens + ((now - bucket.updatedAt) * perSecond) / 1000);
    bucket.updatedAt = now;
    bucket.tokens -= 1;
    this.#buckets.set(key, bucket);
    return bucket.tokens >= 0 ? 0 : Math.ceil((-bucket.tokens * 1000) / perSecond);
  }

  // One bucket per conversation ever seen would grow without bound over a year of digests.
  #forgetIdle(now: number): void {
    if (this.#buckets.size < 10_000) return;
    for (const [key, bucket] of this.#buckets) if (now - bucket.updatedAt > 2_000) this.#buckets.delete(key);
  }
}

export const realPacerTime: PacerTime = {
  now: () => performance.now(),
  wait: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};
