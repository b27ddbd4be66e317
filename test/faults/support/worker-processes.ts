import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { PrismaClient } from '../../../src/storage/db/create-prisma-client.ts';
import { DEAD_AFTER_SECONDS } from '../../../src/storage/jobs/worker-heartbeats.ts';

const ENTRY = join(import.meta.dirname, 'worker-process.ts');

/** A worker process the test can talk to line by line, and kill. */
export class WorkerProcess {
  readonly name: string;
  readonly #child: ChildProcess;
  readonly #lines: string[] = [];
  #waiting: ((line: string) => void) | undefined;
  readonly exited: Promise<void>;

  /** `entry`: the worker's script (the fake-platform worker unless given). */
  constructor(name: string, env: Record<string, string>, entry = ENTRY) {
    this.name = name;
    this.#child = spawn(process.execPath, ['--import', 'tsx', entry], { env: { ...process.env, ...env, WORKER_NAME: name }, stdio: ['pipe', 'pipe', 'inherit'] });
    this.exited = new Promise((resolve) => this.#child.once('exit', () => resolve()));
    createInterface({ input: this.#child.stdout! }).on('line', (line) => {
      const waiting = this.#waiting;
      this.#waiting = undefined;
      if (waiting) waiting(line);
      else this.#lines.push(line);
    });
  }

  /** The next line the worker prints; rejects if it exits first. */
  nextLine(): Promise<string> {
    const queued = this.#lines.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      this.#waiting = resolve;
      void this.exited.then(() => reject(new Error(`worker ${this.name} exited`)));
    });
  }

  send(line: string): void {
    this.#child.stdin!.write(`${line}\n`);
  }

  /** SIGKILL: no shutdown, no unlocking, connections cut mid-statement. */
  async kill(): Promise<void> {
    this.#child.kill('SIGKILL');
    await this.exited;
  }

  async end(): Promise<void> {
    this.#child.stdin!.end();
    await this.exited;
  }
}

/**
 * Time passing for killed workers, without waiting for it: every heartbeat (only killed workers'
 * are left when this runs) is aged past the limit, so the next worker to start, or the next
 * `runDueJobs`, releases their jobs, as it would two minutes after a kill in production instead of
 * graphile-worker's four-hour lock timeout. Returns how many workers it aged.
 */
export async function ageKilledWorkersHeartbeats(prisma: PrismaClient): Promise<number> {
  return prisma.$executeRaw`UPDATE job_worker_heartbeats SET beat_at = now() - make_interval(secs => ${DEAD_AFTER_SECONDS + 1}::int)`;
}

/** Jobs still locked by a worker that no longer beats: none once the dead ones are released. */
export async function jobsHeldByTheDead(prisma: PrismaClient): Promise<number> {
  const [row] = await prisma.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM graphile_worker.jobs j
    WHERE j.locked_by IS NOT NULL AND NOT EXISTS (SELECT 1 FROM job_worker_heartbeats h WHERE h.worker_id = j.locked_by)`;
  return row!.n;
}

/** Deterministic "random" points, so a failing run can be repeated with its seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}
