import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AlreadyRunningError, findRunningServer, startEmbeddedDatabase } from '../../src/storage/db/embedded-database.ts';
import { runTrellisWith } from '../support/run-cli.ts';

describe('a second Trellis on the same data folder', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  const newDataDir = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'trellis-running-'));
    chmodSync(dir, 0o755); // reachable by the postgres user when running as root
    dirs.push(dir);
    return dir;
  };

  it('is told plainly that Trellis is already running, with the process and port, instead of a PostgreSQL failure', async () => {
    const dataDir = join(newDataDir(), 'postgres');
    const first = await startEmbeddedDatabase({ dataDir });
    try {
      const second = startEmbeddedDatabase({ dataDir });
      await expect(second).rejects.toBeInstanceOf(AlreadyRunningError);
      await expect(second).rejects.toThrow(`Trellis is already running on the data folder`);
      await expect(second).rejects.toThrow(`on port ${first.port}`);
      expect(findRunningServer(dataDir)?.port).toBe(first.port);
      expect(findRunningServer(dataDir)?.ownerPid).toBe(process.pid);
    } finally {
      await first.stop();
    }
    expect(findRunningServer(dataDir)).toBeUndefined();
  });

  it('a second `trellis start` on the same data folder prints that one sentence and exits 1, with no stack trace', async () => {
    const dataDir = newDataDir();
    const first = await startEmbeddedDatabase({ dataDir: join(dataDir, 'postgres') });
    try {
      const second = await runTrellisWith({ env: { TRELLIS_DATA_DIR: dataDir, PORT: '0' } }, 'start');
      expect(second.code).toBe(1);
      expect(second.stderr).toMatch(new RegExp(`^Trellis is already running on the data folder ${dataDir} \\(process ${process.pid}, its PostgreSQL is process \\d+ on port ${first.port}\\)\\. `));
      expect(second.stderr).not.toMatch(/Something went wrong|Embedded PostgreSQL did not start|\n\s+at /);
    } finally {
      await first.stop();
    }
  });

  it('ignores a lock file left behind by a process that is gone', () => {
    const dataDir = join(newDataDir(), 'postgres');
    mkdirSync(dataDir);
    // Pids are below the kernel's pid_max (at most 2^22), so this one cannot be alive.
    writeFileSync(join(dataDir, 'postmaster.pid'), `${2 ** 22 + 1}\n${dataDir}\n0\n5432\n`);
    expect(findRunningServer(dataDir)).toBeUndefined();
  });
});
