import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { makeWorkerUtils } from 'graphile-worker';

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
 * The jobs a killed worker held stay locked until graphile-worker's lock timeout (4 hours) lets
 * another worker take them; the test does not wait four hours, it does what the timeout does.
 */
export async function unlockDeadWorkers(databaseUrl: string, lockedBy: readonly string[]): Promise<void> {
  if (lockedBy.length === 0) return;
  const utils = await makeWorkerUtils({ connectionString: databaseUrl });
  try {
    await utils.forceUnlockWorkers([...lockedBy]);
  } finally {
    await utils.release();
  }
}

/** Deterministic "random" points, so a failing run can be repeated with its seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}
