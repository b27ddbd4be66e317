import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTrellisWith } from '../support/run-cli.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

const TERMS = join(import.meta.dirname, '../../config/terms/england-2026-28.yaml');
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';

let db: TestDatabase;
const trellis = (...argv: string[]) => runTrellisWith({ databaseUrl: db.url, at: '2026-09-07T09:00:00Z' }, ...argv);

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

const recorded = async () => (await db.prisma.schoolChatWorkspace.findMany({ include: { school: { select: { slug: true } } }, orderBy: [{ platform: 'asc' }, { tenantId: 'asc' }] })).map((w) => [w.school.slug, w.platform, w.tenantId]);

describe('trellis school set --slack-team / --teams-tenant', () => {
  it('records the workspaces and tenants a school uses, with the school, or on its own later; twice changes nothing', async () => {
    const created = await trellis('school', 'set', 'washwood', '--policy', 'whmat', '--terms', TERMS, '--slack-team', 'T0WASHWOOD', '--teams-tenant', TENANT.toUpperCase());
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/Recorded Slack workspace T0WASHWOOD for "washwood"/);
    expect(created.stdout).toMatch(new RegExp(`Recorded Teams tenant ${TENANT} for "washwood"`));

    const more = await trellis('school', 'set', 'washwood', '--slack-team', 'E0GRIDORG', '--slack-team', 'T0WASHWOOD');
    expect(more.code).toBe(0);
    expect(more.stdout).toMatch(/Slack workspace T0WASHWOOD was already recorded/);
    expect(await recorded()).toEqual([
      ['washwood', 'slack', 'E0GRIDORG'],
      ['washwood', 'slack', 'T0WASHWOOD'],
      ['washwood', 'teams', TENANT],
    ]);
  });

  it('refuses ids that are not a Slack workspace or Entra tenant id, or a school that does not exist, in plain words', async () => {
    const badSlack = await trellis('school', 'set', 'washwood', '--slack-team', 'https://washwood.slack.com');
    expect(badSlack.code).toBe(1);
    expect(badSlack.stderr).toMatch(/--slack-team must be a Slack workspace id/);
    const badTeams = await trellis('school', 'set', 'washwood', '--teams-tenant', 'washwood.onmicrosoft.com');
    expect(badTeams.code).toBe(1);
    expect(badTeams.stderr).toMatch(/--teams-tenant must be a Microsoft Entra tenant id/);
    const missing = await trellis('school', 'set', 'nowhere', '--slack-team', 'T0NOWHERE');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/There is no school "nowhere" yet/);
    expect(badSlack.stderr + badTeams.stderr + missing.stderr).not.toMatch(/\bat .*\.ts:\d+/);
  });

  it('trellis school forget removes a workspace or tenant the school no longer uses, audited as the console’s removal is, and says when one was not recorded', async () => {
    const forgot = await trellis('school', 'forget', 'washwood', '--slack-team', 'E0GRIDORG', '--teams-tenant', TENANT);
    expect(forgot.stderr).toBe('');
    expect(forgot.stdout).toContain('Slack workspace E0GRIDORG is no longer recorded for "washwood".');
    expect(forgot.stdout).toContain(`Teams tenant ${TENANT} is no longer recorded for "washwood".`);
    expect(await recorded()).toEqual([['washwood', 'slack', 'T0WASHWOOD']]);
    const audit = await db.prisma.auditEvent.findMany({ where: { action: 'chat-workspace.removed' }, orderBy: { at: 'asc' } });
    expect(audit.map((a) => a.details)).toEqual([
      { platform: 'slack', tenant: 'E0GRIDORG' },
      { platform: 'teams', tenant: TENANT },
    ]);
    const again = await trellis('school', 'forget', 'washwood', '--slack-team', 'E0GRIDORG');
    expect(again).toMatchObject({ code: 1, stderr: expect.stringMatching(/^Slack workspace E0GRIDORG is not recorded for "washwood"/) });
    const nothing = await trellis('school', 'forget', 'washwood');
    expect(nothing).toMatchObject({ code: 1, stderr: expect.stringMatching(/^Give one school id and the --slack-team or --teams-tenant ids to forget/) });
  });
});
