import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cannotRelaunchMessage, HEAP_GROWING_FLAG, isOlderThan, launchDecision, memoryFlags, SEMI_SPACE_FLAG } from '../../bin/node-launcher.js';

describe('the Node launcher behind npm start and npm test', () => {
  it('compares versions part by part, with or without the v', () => {
    expect(isOlderThan('20.20.2')).toBe(true);
    expect(isOlderThan('v22.17.9')).toBe(true);
    expect(isOlderThan('22.18.0')).toBe(false);
    expect(isOlderThan('v22.19.0')).toBe(false);
    expect(isOlderThan('24.1.0')).toBe(false);
    expect(isOlderThan('9.0.0', '10.0.0')).toBe(true);
  });

  it('runs here on a new enough Node, relaunches under Node 24 on an older one, and gives up if the relaunch is still too old', () => {
    expect(launchDecision('24.11.1', {})).toBe('run');
    expect(launchDecision('22.18.0', { TRELLIS_NODE_RELAUNCHED: '1' })).toBe('run');
    expect(launchDecision('20.20.2', {})).toBe('relaunch');
    expect(launchDecision('20.20.2', { TRELLIS_NODE_RELAUNCHED: '1' })).toBe('give-up');
  });

  it('says in one sentence what to install when Node 24 cannot be fetched', () => {
    const message = cannotRelaunchMessage('v20.20.2');
    expect(message).toContain('this is Node 20.20.2');
    expect(message).toContain('install Node 24 LTS');
    expect(message.split('\n')).toHaveLength(1);
  });

  it('npm start, npm test and npm run trellis go through it before anything that needs a newer Node is loaded', () => {
    const root = join(import.meta.dirname, '../..');
    const scripts = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    for (const name of ['start', 'test', 'test:faults', 'trellis']) {
      const script = /^node (bin\/[\w-]+\.js)\b/.exec(scripts[name] ?? '')?.[1];
      expect(script, `npm ${name} runs a bin/ script`).toBeDefined();
      const source = readFileSync(join(root, script!), 'utf8');
      // Static imports are loaded before any code runs: only Node's own modules and the launcher.
      const imports = [...source.matchAll(/^import .* from '([^']+)';$/gm)].map((m) => m[1]);
      expect(imports.every((from) => from!.startsWith('node:') || from === './node-launcher.js'), `${script} imports ${imports.join(', ')}`).toBe(true);
      expect(source).toMatch(/^await ensureSupportedNode\(fileURLToPath\(import\.meta\.url\)\);$/m);
    }
  });

  it('adds the smaller young generation to a command, not to the server, and not when the operator set a semi-space size on the command line or in NODE_OPTIONS', () => {
    expect(SEMI_SPACE_FLAG).toBe('--max-semi-space-size=8');
    expect(memoryFlags([], {}, ['sweep'])).toEqual([SEMI_SPACE_FLAG, HEAP_GROWING_FLAG]);
    expect(memoryFlags(['--import', 'tsx'], { NODE_OPTIONS: '--max-old-space-size=384' }, ['import', 'roster', 'staff.csv'])).toEqual([SEMI_SPACE_FLAG, HEAP_GROWING_FLAG]);
    expect(memoryFlags([], {}, ['school', 'set', 'a'])).toEqual([SEMI_SPACE_FLAG]);
    expect(memoryFlags([], {}, ['start', '--playground'])).toEqual([]);
    expect(memoryFlags(['--max-semi-space-size=64'], {}, ['sweep'])).toEqual([HEAP_GROWING_FLAG]);
    expect(memoryFlags([], { NODE_OPTIONS: '--enable-source-maps --max_semi_space_size=32' }, ['sweep'])).toEqual([HEAP_GROWING_FLAG]);
  });

  it('adds the slower old-generation growth to `trellis sweep` and `trellis import` alone, unless the operator set a growth of their own', () => {
    expect(HEAP_GROWING_FLAG).toBe('--heap-growing-percent=100');
    expect(memoryFlags([], {}, ['sweep', '--school', 'a'])).toContain(HEAP_GROWING_FLAG);
    expect(memoryFlags([], {}, ['import', 'roster', 'staff.csv'])).toContain(HEAP_GROWING_FLAG);
    expect(memoryFlags(['--heap-growing-percent=50'], {}, ['import', 'roster', 'staff.csv'])).toEqual([SEMI_SPACE_FLAG]);
    expect(memoryFlags([], {}, ['report', 'summary'])).not.toContain(HEAP_GROWING_FLAG);
    expect(memoryFlags([], {}, ['start'])).not.toContain(HEAP_GROWING_FLAG);
    expect(memoryFlags(['--heap-growing-percent=50'], {}, ['sweep'])).toEqual([SEMI_SPACE_FLAG]);
    expect(memoryFlags(['--heap_growing_percent=20'], {}, ['sweep'])).toEqual([SEMI_SPACE_FLAG]);
    expect(memoryFlags(['--max-semi-space-size=16', '--heap-growing-percent=50'], {}, ['sweep'])).toEqual([]);
  });

  it('`trellis sweep` starts Node again with the flags, same arguments and process; `trellis start` is left alone, and an operator\'s own semi-space size is kept', () => {
    const source = readFileSync(join(import.meta.dirname, '../../bin/trellis.js'), 'utf8');
    expect(source).toMatch(/^await ensureSupportedNode\(fileURLToPath\(import\.meta\.url\)\);\nensureMemoryFlags\(fileURLToPath\(import\.meta\.url\)\);$/m);
    // A script that starts as bin/trellis.js does and says what its Node was started with.
    const dir = mkdtempSync(join(tmpdir(), 'trellis-launcher-'));
    try {
      const script = join(dir, 'launched.mjs');
      const launcher = pathToFileURL(join(import.meta.dirname, '../../bin/node-launcher.js')).href;
      writeFileSync(
        script,
        `import { fileURLToPath } from 'node:url';\nimport { ensureMemoryFlags } from '${launcher}';\nensureMemoryFlags(fileURLToPath(import.meta.url));\nconsole.log(JSON.stringify({ pid: process.pid, execArgv: process.execArgv, args: process.argv.slice(2) }));\n`,
      );
      const launch = (env: Record<string, string>, args = ['sweep', '--school', 'a b']) => {
        const run = spawnSync(process.execPath, [script, ...args], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '', ...env } });
        expect(run.stderr).toBe('');
        const said = JSON.parse(run.stdout) as { pid: number; execArgv: string[]; args: string[] };
        // The same process became Node again: no parent is left waiting for a child.
        expect(said.pid).toBe(run.pid);
        return said;
      };
      const plain = launch({});
      expect(plain.execArgv).toEqual([SEMI_SPACE_FLAG, HEAP_GROWING_FLAG]);
      expect(plain.args).toEqual(['sweep', '--school', 'a b']);
      // Node refuses V8's growth flag in NODE_OPTIONS, so an operator sets it on the command line.
      const own = launch({ NODE_OPTIONS: '--max-semi-space-size=32' });
      expect(own.execArgv).toEqual([HEAP_GROWING_FLAG]);
      expect(own.args).toEqual(['sweep', '--school', 'a b']);
      const server = launch({}, ['start']);
      expect(server.execArgv).toEqual([]);
      expect(server.args).toEqual(['start']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('on Node 20 with no newer Node to be had, `trellis` stops with the one sentence and no stack trace', () => {
    const oldNode = '/usr/bin/node';
    const version = existsSync(oldNode) ? spawnSync(oldNode, ['--version'], { encoding: 'utf8' }).stdout.trim() : '';
    if (!isOlderThan(version)) {
      // Said plainly, not skipped: the sentence itself is checked above.
      console.warn(`\n*** The Node 20 run did NOT happen: ${oldNode} is ${version || 'missing'}, not an old Node. ***\n`);
      expect(cannotRelaunchMessage(version || '20.0.0')).toMatch(/^Trellis needs Node/);
      return;
    }
    // As the relaunched process, it cannot fetch another Node and must give up.
    const run = spawnSync(oldNode, [join(import.meta.dirname, '../../bin/trellis.js'), 'help'], { encoding: 'utf8', env: { ...process.env, TRELLIS_NODE_RELAUNCHED: '1' } });
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toBe(cannotRelaunchMessage(version));
    expect(run.stdout).toBe('');
  });
});
