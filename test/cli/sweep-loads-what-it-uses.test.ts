import { spawn } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setUpSchool } from '../core/reminders/support/school-year.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

const TRELLIS = fileURLToPath(new URL('../../bin/trellis.js', import.meta.url));
const RECORDER = fileURLToPath(new URL('../support/record-loaded-modules.mjs', import.meta.url));

/**
 * What a sweep with no chat channel has no use for: chat SDKs, the bot and its dialogs, the server,
 * documents, e-mail, the job engine's worker (the sweep queues its jobs; the server delivers them),
 * and a worldwide holiday library (UK bank holidays are computed from their rules).
 */
const UNUSED = ['/date-holidays', '/@slack/bolt/', '/@slack/web-api/', '/@microsoft/teams.', '/pdfkit/', '/exceljs/', '/vega/', '/vega-lite/', '/nodemailer/', '/src/scheduler/job-worker.ts', '/src/core/bot/trellis-bot.ts', '/src/core/conversations/dialogs/all-dialogs.ts', '/src/channels/slack/', '/src/channels/teams/', '/src/channels/playground/', '/src/server/', '/src/admin-console/'];

/**
 * Prisma's client: the generated client and its runtime, the driver adapter, and the query compiler
 * the runtime loads at the first query. A sweep with no chat channel runs on a `pg` pool alone.
 */
const PRISMA = ['/src/generated/prisma/', '/@prisma/client/', '/@prisma/adapter-pg/', 'query_compiler'];

let db: TestDatabase;
let dir: string;

beforeAll(async () => {
  db = await createTestDatabase();
  dir = await mkdtemp(join(tmpdir(), 'trellis-sweep-loads-'));
  await setUpSchool(db.url, dir, 'lean', 'whmat');
});
afterAll(() => db.drop());

/** `trellis …` as a child process, as from a terminal, with the modules it loaded. */
async function trellisLoading(...args: string[]): Promise<{ code: number | null; stdout: string; loaded: string[] }> {
  const out = join(dir, `loaded-${args[0]}-${Date.now()}.txt`);
  const child = spawn(process.execPath, ['--import', RECORDER, TRELLIS, ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? dir, DATABASE_URL: db.url, LOG_LEVEL: 'error', LOADED_MODULES_OUT: out },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, stdout, loaded: (await readFile(out, 'utf8')).split('\n') };
}

const unusedIn = (loaded: readonly string[]) => UNUSED.filter((part) => loaded.some((url) => url.includes(part)));
const prismaIn = (loaded: readonly string[]) => PRISMA.filter((part) => loaded.some((url) => url.includes(part)));

describe('trellis sweep loads only what it uses', () => {
  it('with no chat channel configured it sweeps and says the digests stay queued, without loading a chat SDK, the bot, the server, PDF, spreadsheet or chart libraries, e-mail, the job engine\'s worker or a worldwide holiday library', async () => {
    const swept = await trellisLoading('sweep', '--at', '2026-10-15T16:00:00+01:00', '--school', 'lean');
    expect(swept.code).toBe(0);
    expect(swept.stdout).toMatch(/^lean: \d+ reminders queued, \d+ digests? queued/m);
    expect(swept.stdout).toContain('No chat channel is configured (Slack or Teams): the digests stay queued');
    expect(unusedIn(swept.loaded)).toEqual([]);
  });

  it("with no chat channel configured, a sweep and a dry run run on a pg pool alone: Prisma's client, its adapter and its query compiler are never loaded", async () => {
    const swept = await trellisLoading('sweep', '--at', '2026-10-16T16:00:00+01:00', '--school', 'lean');
    expect(swept.code).toBe(0);
    expect(swept.stdout).toMatch(/^lean: \d+ reminders queued, \d+ digests? queued/m);
    expect(prismaIn(swept.loaded)).toEqual([]);
    const dryRun = await trellisLoading('sweep', '--at', '2026-10-19T16:00:00+01:00', '--school', 'lean', '--dry-run');
    expect(dryRun.code).toBe(0);
    expect(dryRun.stdout).toMatch(/^lean: \d+ digests? would be queued/m);
    expect(prismaIn(dryRun.loaded)).toEqual([]);
  });

  it("the check sees them when they load: help loads every command, and with them the Teams SDK, PDF and chart libraries and Prisma's client", async () => {
    const help = await trellisLoading('help');
    expect(help.code).toBe(0);
    expect(unusedIn(help.loaded)).toEqual(expect.arrayContaining(['/@microsoft/teams.', '/pdfkit/', '/vega/']));
    expect(prismaIn(help.loaded)).toEqual(expect.arrayContaining(['/src/generated/prisma/', '/@prisma/client/', '/@prisma/adapter-pg/']));
  });
});
