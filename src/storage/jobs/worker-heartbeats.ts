import { EventEmitter } from 'node:events';
import { Logger as JobLogger, makeWorkerUtils, type WorkerEvents } from 'graphile-worker';
import type { Pool } from 'pg';
import { JOB_SCHEMA } from './delivery-job-sql.ts';

/** How often a running worker pool records that it is alive. */
export const HEARTBEAT_EVERY_MS = 30_000;

/**
 * A pool not heard from for this long is dead (four missed beats): its jobs are unlocked for
 * another worker. graphile-worker's own lock timeout, the fallback, is four hours.
 */
export const DEAD_AFTER_SECONDS = 120;

/** The timer the beats run on: the real one, or a test's that it fires by hand. */
export interface BeatTimer {
  setInterval(beat: () => Promise<void>, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

const realTimer: BeatTimer = {
  setInterval: (beat, ms) => {
    const handle = setInterval(() => void beat(), ms);
    handle.unref();
    return handle;
  },
  clearInterval: (handle) => clearInterval(handle as NodeJS.Timeout),
};

const quiet = new JobLogger(() => () => {});

/**
 * Unlocks the jobs held by dead worker pools: those whose heartbeat is older than `deadAfterSeconds`
 * (on the database's clock, so replicas' clocks need not agree), and those holding a job for that
 * long with no heartbeat at all (killed before their first beat was written). Released through
 * graphile-worker's `forceUnlockWorkers`, then their heartbeat rows are removed. Returns the pools
 * released. Safe to run from several replicas at once: unlocking twice changes nothing.
 */
export async function releaseDeadWorkers(pool: Pool, deadAfterSeconds = DEAD_AFTER_SECONDS): Promise<string[]> {
  const { rows } = await pool.query<{ worker_id: string }>(
    `SELECT worker_id FROM job_worker_heartbeats WHERE beat_at < now() - make_interval(secs => $1)
     UNION
     SELECT DISTINCT j.locked_by FROM ${JOB_SCHEMA}.jobs j
      WHERE j.locked_by IS NOT NULL AND j.locked_at < now() - make_interval(secs => $1)
        AND NOT EXISTS (SELECT 1 FROM job_worker_heartbeats h WHERE h.worker_id = j.locked_by)`,
    [deadAfterSeconds],
  );
  const dead = rows.map((row) => row.worker_id).sort();
  if (dead.length === 0) return [];
  const utils = await makeWorkerUtils({ pgPool: pool, logger: quiet });
  try {
    await utils.forceUnlockWorkers(dead);
  } finally {
    await utils.release();
  }
  // Only rows still stale: a pool that beat in the meantime keeps its row.
  await pool.query('DELETE FROM job_worker_heartbeats WHERE worker_id = ANY($1::text[]) AND beat_at < now() - make_interval(secs => $2)', [dead, deadAfterSeconds]);
  return dead;
}

export interface HeartbeatOptions {
  every?: number;
  timer?: BeatTimer;
  /** A beat that fails (the database away for a moment) is reported here; the next beat tries again. */
  onError: (error: unknown) => void;
}

/**
 * The heartbeats of this process's worker pools. `events` is handed to graphile-worker (`run`,
 * `runOnce`): each pool it creates is tracked under its id — the `locked_by` of the jobs it takes —
 * and recorded at every beat (every `every` ms, or `beat()`) until the pool is released, when its
 * row goes. A one-off run over before its first beat writes nothing: a run killed that early holds
 * locks with no heartbeat, which `releaseDeadWorkers` frees once they are `DEAD_AFTER_SECONDS` old.
 */
export class WorkerHeartbeats {
  readonly events: WorkerEvents = new EventEmitter() as WorkerEvents;
  readonly #pool: Pool;
  readonly #timer: BeatTimer;
  readonly #onError: (error: unknown) => void;
  readonly #alive = new Set<string>();
  /** Pools whose row has been written, so their release or stopping removes it. */
  readonly #written = new Set<string>();
  #stopped = false;
  readonly #handle: unknown;
  /** Writes run one after another, so a pool's row is never written back after its removal. */
  #writes: Promise<void> = Promise.resolve();

  constructor(pool: Pool, options: HeartbeatOptions) {
    this.#pool = pool;
    this.#timer = options.timer ?? realTimer;
    this.#onError = options.onError;
    this.events.on('pool:create', ({ workerPool }) => {
      if (!this.#stopped) this.#alive.add(workerPool.id);
    });
    this.events.on('pool:release', ({ workerPool }) => {
      this.#alive.delete(workerPool.id);
      if (this.#stopped || !this.#written.delete(workerPool.id)) return;
      void this.#write(() => this.#pool.query('DELETE FROM job_worker_heartbeats WHERE worker_id = $1', [workerPool.id]));
    });
    this.#handle = this.#timer.setInterval(() => this.beat(), options.every ?? HEARTBEAT_EVERY_MS);
  }

  /** The pools alive in this process. */
  get workerIds(): string[] {
    return [...this.#alive].sort();
  }

  /** Records every live pool's beat now (the timer calls this). */
  beat(): Promise<void> {
    return this.#write(async () => {
      const ids = [...this.#alive];
      if (ids.length === 0) return;
      for (const id of ids) this.#written.add(id);
      await this.#beat(ids);
    });
  }

  /** Stops beating and removes the rows this process wrote (its pools have all stopped by now). */
  async stop(): Promise<void> {
    if (this.#stopped) return this.#writes;
    this.#stopped = true;
    this.#timer.clearInterval(this.#handle);
    this.#alive.clear();
    const written = [...this.#written];
    this.#written.clear();
    if (written.length > 0) void this.#write(() => this.#pool.query('DELETE FROM job_worker_heartbeats WHERE worker_id = ANY($1::text[])', [written]));
    await this.#writes;
  }

  #beat(ids: string[]): Promise<unknown> {
    return this.#pool.query(
      `INSERT INTO job_worker_heartbeats (worker_id, beat_at) SELECT unnest($1::text[]), now()
       ON CONFLICT (worker_id) DO UPDATE SET beat_at = excluded.beat_at`,
      [ids],
    );
  }

  #write(work: () => Promise<unknown>): Promise<void> {
    this.#writes = this.#writes.then(work).then(
      () => undefined,
      (error: unknown) => this.#onError(error),
    );
    return this.#writes;
  }
}
