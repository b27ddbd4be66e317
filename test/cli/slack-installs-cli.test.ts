import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTrellisWith } from '../support/run-cli.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

const TERMS = join(import.meta.dirname, '../../config/terms/england-2026-28.yaml');

let db: TestDatabase;
const trellis = (...argv: string[]) => runTrellisWith({ databaseUrl: db.url, at: '2026-09-07T09:00:00Z' }, ...argv);

beforeAll(async () => {
  db = await createTestDatabase();
  expect((await trellis('school', 'set', 'washwood', '--policy', 'whmat', '--terms', TERMS, '--slack-team', 'T0WASH')).code).toBe(0);
  // What "Add to Slack" stores: the sealed installation, which listing never opens (no TRELLIS_ENCRYPTION_KEY is given here).
  await db.prisma.slackInstallation.create({ data: { installKey: 'T0WASH', teamId: 'T0WASH', secret: 'v1.sealed', installedAt: new Date('2026-09-01T10:00:00Z') } });
  await db.prisma.slackInstallation.create({ data: { installKey: 'T0NEW', teamId: 'T0NEW', secret: 'v1.sealed', installedAt: new Date('2026-09-03T10:00:00Z') } });
});
afterAll(() => db.drop());

describe('trellis slack installs', () => {
  it('lists each Add to Slack install with the schools that record it, says which is not set up, and shows no token', async () => {
    const run = await trellis('slack', 'installs');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      [
        'Slack installs (2):',
        '  workspace T0WASH, installed 2026-09-01; serves washwood',
        '  workspace T0NEW, installed 2026-09-03; not set up: no school records it (trellis school set SCHOOL --slack-team T0NEW)',
        '',
      ].join('\n'),
    );
    expect(run.stdout).not.toContain('sealed');
    const json = JSON.parse((await trellis('slack', 'installs', '--json')).stdout) as { key: string; schools: string[] }[];
    expect(json.map((i) => [i.key, i.schools])).toEqual([
      ['T0WASH', ['washwood']],
      ['T0NEW', []],
    ]);
  });

  it('--remove forgets one install, and an unknown one gets a plain message', async () => {
    const removed = await trellis('slack', 'installs', '--remove', 'T0NEW');
    expect(removed.code).toBe(0);
    expect(removed.stdout).toMatch(/^Removed the Slack install T0NEW: Trellis no longer answers that workspace or sends to it\./);
    expect(await db.prisma.slackInstallation.findMany({ select: { installKey: true } })).toEqual([{ installKey: 'T0WASH' }]);
    const unknown = await trellis('slack', 'installs', '--remove', 'T0NEW');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('There is no Slack install "T0NEW". Run trellis slack installs to see them.\n');
    expect((await trellis('slack', 'nonsense')).stderr).toContain('trellis slack installs [--remove TEAM_OR_ORG_ID] [--json]');
  });
});
