import { performance } from 'node:perf_hooks';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { DeliveryOutcome, Metrics, TurnKind } from '../core/metrics/metrics.ts';
import type { OutboxKind } from '../core/reminders/reminder-ports.ts';

/** Read when `/metrics` is scraped: numbers that live in the database rather than in this process. */
export interface MetricReaders {
  /** Digests, notices and notifications that could not be delivered (`failed` outbox rows). */
  deadLetters?: () => Promise<number>;
  /** Jobs due and waiting for a worker. */
  queueDepth?: () => Promise<number>;
}

/**
 * Trellis's Prometheus metrics: the `Metrics` port the core records through, the gauges read on
 * each scrape, and Node's default process metrics, in a registry of its own (so two apps in one
 * process, as in tests, never share counts).
 */
export class PrometheusMetrics implements Metrics {
  readonly registry = new Registry();
  readonly #turns: Histogram<'platform' | 'kind'>;
  readonly #sweeps: Histogram;
  readonly #deliveries: Counter<'kind' | 'outcome'>;

  constructor(readers: MetricReaders = {}) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.#turns = new Histogram({
      name: 'trellis_turn_duration_seconds',
      help: 'Time to handle one chat turn (a message, a dialog started, a command, a button), database transaction included.',
      labelNames: ['platform', 'kind'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.#sweeps = new Histogram({
      name: 'trellis_sweep_duration_seconds',
      help: "Time to sweep one school's reminders into the outbox.",
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    });
    this.#deliveries = new Counter({
      name: 'trellis_deliveries_total',
      help: 'Runs of delivery jobs by kind (digest, notice) and how they ended (sent, dead-letter, not-pending, retry, wait, error).',
      labelNames: ['kind', 'outcome'],
      registers,
    });
    gauge('trellis_dead_letters', 'Digests, notices and notifications that could not be delivered and wait for `trellis outbox resend`.', readers.deadLetters, registers);
    gauge('trellis_queue_depth', 'Jobs due now and not yet taken by a worker (a sweep\'s batch of digests counts as its digests).', readers.queueDepth, registers);
  }

  async timeTurn<T>(platform: string, kind: TurnKind, turn: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await turn();
    } finally {
      this.#turns.observe({ platform, kind }, (performance.now() - started) / 1000);
    }
  }

  async timeSweep<T>(sweep: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await sweep();
    } finally {
      this.#sweeps.observe((performance.now() - started) / 1000);
    }
  }

  delivery(kind: OutboxKind, outcome: DeliveryOutcome): void {
    this.#deliveries.inc({ kind, outcome });
  }

  /** The text `/metrics` answers with, and its content type. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

function gauge(name: string, help: string, read: (() => Promise<number>) | undefined, registers: Registry[]): void {
  if (read === undefined) return;
  new Gauge({
    name,
    help,
    registers,
    async collect() {
      try {
        this.set(await read());
      } catch {
        // The database did not answer: no sample rather than a stale one or a failed scrape.
        this.reset();
      }
    },
  });
}
