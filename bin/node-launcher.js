// Trellis needs Node 22.18 or newer (graphile-worker, the Teams SDK and vitest 5 say so). `npm start` and `npm test`
// go through this first: on an older Node they run themselves again under Node 24 fetched from the
// npm registry (as .ci/run does), or stop with one plain sentence when that cannot be done.
// Written in plain JavaScript that any Node from 14 on parses, and imports nothing else.
import { spawn, spawnSync } from 'node:child_process';

export const MINIMUM_NODE = '22.18.0';
const RELAUNCHED = 'TRELLIS_NODE_RELAUNCHED';

/** True when `version` ("20.20.2", "v24.1.0") is older than `minimum`. */
export function isOlderThan(version, minimum = MINIMUM_NODE) {
  const parse = (text) => String(text).replace(/^v/, '').split('.').map((part) => Number.parseInt(part, 10) || 0);
  const have = parse(version);
  const need = parse(minimum);
  for (let i = 0; i < need.length; i += 1) {
    if ((have[i] ?? 0) !== need[i]) return (have[i] ?? 0) < need[i];
  }
  return false;
}

/**
 * What to do on this Node: `run` here, `relaunch` under Node 24 from the registry, or `give-up`
 * when this already is the relaunched process and it is still too old.
 */
export function launchDecision(version, env) {
  if (!isOlderThan(version)) return 'run';
  return env[RELAUNCHED] === '1' ? 'give-up' : 'relaunch';
}

/** The one sentence printed when no suitable Node can be had. */
export function cannotRelaunchMessage(version) {
  return `Trellis needs Node ${MINIMUM_NODE} or newer and this is Node ${String(version).replace(/^v/, '')}; Node 24 could not be fetched from the npm registry, so install Node 24 LTS (https://nodejs.org) and run the command again.`;
}

/**
 * The young generation's size (MiB per semi-space) Trellis runs with. On a large host V8 lets it
 * grow to 64 MiB, so the short-lived objects of a sweep's or an import's pages fill 128 MiB before a
 * collection, and more of them live long enough to be promoted into the old generation, which then
 * grows between full collections. At 8 MiB they are collected young: measured, `trellis sweep` at
 * 20,000 staff peaks at ~300 MiB instead of 360–400, a 50,000-staff import at ~450 instead of ~700,
 * for about the same CPU (docs/benchmarks.md). It is not a cap: the old generation's limit, and so the
 * largest school a process can hold, is V8's default as before.
 */
export const SEMI_SPACE_FLAG = '--max-semi-space-size=8';

/**
 * How far V8 lets the old generation grow past what the last full collection left live, for
 * `trellis sweep` and `trellis import`: twice it (1 + 100/100). Left to itself on a host whose heap limit is 2 GB or more
 * V8 allows up to four times, so the sweep's pages, promoted while their insert runs, pile up in the
 * old generation until it holds ~140 MB around a live set of ~50: measured, `trellis sweep` at
 * 20,000 staff peaked at 288–301 MiB, and 227–232 MiB with this flag, for the same CPU; a
 * 50,000-staff roster import, whose live heap is ~100 MB while the file's people are written,
 * peaked at 388–448 MiB without it, 313–333 MiB with it (docs/benchmarks.md). It is not a cap: the heap's limit stays V8's own, and a school whose sweep
 * needs more memory gets it, collected a little more often.
 */
export const HEAP_GROWING_FLAG = '--heap-growing-percent=100';

/**
 * The flags to add to Node's own for the command `args` names: none for `start`, the server (with
 * the smaller young generation its dialog turns took more CPU a message in `slack-turns`); for any
 * other command the smaller young generation, and for `sweep` and `import` the slower
 * old-generation growth as well; none that the operator set a value of (on the command line or in NODE_OPTIONS).
 */
export function memoryFlags(execArgv, env, args) {
  if (args[0] === 'start') return [];
  const given = [...execArgv, ...String(env.NODE_OPTIONS ?? '').split(/\s+/)];
  const unset = (name) => !given.some((flag) => new RegExp(`^--${name}\\b`).test(flag));
  const flags = [];
  if (unset('max[-_]semi[-_]space[-_]size')) flags.push(SEMI_SPACE_FLAG);
  if ((args[0] === 'sweep' || args[0] === 'import') && unset('heap[-_]growing[-_]percent')) flags.push(HEAP_GROWING_FLAG);
  return flags;
}

/**
 * For `trellis`'s commands (not the server, not the tests): returns when Node already runs
 * with the memory flags (or the operator set their own); otherwise this process becomes Node again
 * with them, same process id and arguments, as a V8 heap flag only takes effect when Node starts.
 * Where Node cannot do that (Windows), it runs as it is.
 */
export function ensureMemoryFlags(script) {
  const flags = memoryFlags(process.execArgv, process.env, process.argv.slice(2));
  if (flags.length === 0 || typeof process.execve !== 'function') return;
  process.execve(process.execPath, [process.execPath, ...flags, ...process.execArgv, script, ...process.argv.slice(2)], process.env);
}

/** Asks npm for Node 24's executable (downloading it once into npm's cache); undefined when it cannot. */
function findNode24() {
  const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
  const found = spawnSync(npx, ['-y', '-p', 'node@24', '--', 'node', '-e', 'process.stdout.write(process.execPath)'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    shell: process.platform === 'win32',
  });
  const path = found.status === 0 ? found.stdout.trim() : '';
  return path === '' ? undefined : path;
}

/**
 * Returns when this Node is new enough. Otherwise runs `script` with the same arguments under
 * Node 24 and exits with its exit code, or prints the plain sentence and exits 1.
 */
export async function ensureSupportedNode(script) {
  const decision = launchDecision(process.versions.node, process.env);
  if (decision === 'run') return;
  const node24 = decision === 'relaunch' ? findNode24() : undefined;
  if (node24 === undefined) {
    console.error(cannotRelaunchMessage(process.versions.node));
    process.exit(1);
  }
  console.error(`Node ${process.versions.node} is older than ${MINIMUM_NODE}: running under Node 24 from the npm registry.`);
  const child = spawn(node24, [script, ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, [RELAUNCHED]: '1' },
  });
  // Ctrl-C reaches the child from the terminal by itself, so this process only waits for it;
  // a SIGTERM sent to this process alone is passed on.
  process.on('SIGINT', () => {});
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  const code = await new Promise((resolve) => {
    child.on('error', () => resolve(undefined));
    child.on('exit', (exitCode, signal) => resolve(exitCode ?? (signal === null ? 1 : 128)));
  });
  if (code === undefined) {
    console.error(cannotRelaunchMessage(process.versions.node));
    process.exit(1);
  }
  process.exit(code);
}
