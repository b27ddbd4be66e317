import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTrellisWith } from '../support/run-cli.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

const ROSTER = join(import.meta.dirname, '../fixtures/rosters/small-school.csv');
const TERMS = join(import.meta.dirname, '../../config/terms/england-2026-28.yaml');
const REF = { serviceUrl: 'https://smba.trafficmanager.net/uk/', conversationId: 'a:1', tenantId: 'tenant-1', botId: 'bot' };

let db: TestDatabase;
const trellis = (...argv: string[]) => runTrellisWith({ databaseUrl: db.url, at: '2026-09-07T09:00:00Z' }, ...argv);

async function account(email: string, platform: 'slack' | 'teams', userId: string, facts: { reachable?: boolean; ref?: boolean } = {}) {
  const person = await db.prisma.person.findFirstOrThrow({ where: { email } });
  await db.prisma.platformIdentity.create({
    data: { personId: person.id, platform, tenantId: platform === 'slack' ? 'T1' : 'tenant-1', platformUserId: userId, reachable: facts.reachable ?? true, ...(facts.ref === true ? { conversationRef: REF } : {}) },
  });
}

beforeAll(async () => {
  db = await createTestDatabase();
  expect((await trellis('school', 'set', 'washwood', '--policy', 'whmat', '--terms', TERMS)).code).toBe(0);
  // The agency worker has left: a leaver is not listed.
  const dir = await mkdtemp(join(tmpdir(), 'trellis-reach-'));
  const withoutAgency = join(dir, 'roster.csv');
  await writeFile(withoutAgency, (await readFile(ROSTER, 'utf8')).replace(/\nagency@school\.example[^\n]*/, ''));
  expect((await trellis('import', 'roster', ROSTER, '--school', 'washwood')).code).toBe(0);
  expect((await trellis('import', 'roster', withoutAgency, '--school', 'washwood', '--leavers', 'mark')).code).toBe(0);
  await account('head@school.example', 'slack', 'U-HEAD');
  await account('head@school.example', 'teams', 'aad-head', { ref: true });
  await account('deputy@school.example', 'slack', 'U-DEP', { reachable: false });
  await account('hod.maths@school.example', 'teams', 'aad-hod', { ref: true, reachable: false });
  await account('t1@school.example', 'teams', 'aad-t1');
  await account('t2@school.example', 'teams', 'aad-t2', { ref: true });
});
afterAll(() => db.drop());

describe('trellis reach', () => {
  it('lists every active person with whether Slack and Teams reach them, the reason when not, the totals, and how the head’s own reviewer is reached (004 §9.1)', async () => {
    const { code, stdout, stderr } = await trellis('reach', '--school', 'washwood');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toBe('Who Trellis can reach at "washwood" (8 active staff):');
    const lineOf = (email: string) => lines.find((line) => line.includes(`<${email}>`));
    expect(lineOf('head@school.example')).toBe('  Helen Head <head@school.example>, headteacher. Slack: yes. Teams: yes.');
    expect(lineOf('deputy@school.example')).toMatch(/Slack: no, Slack refused messages to their account \(deactivated, or the app cannot message them\)\. Teams: no, never opened Trellis in Teams \(the app is not installed for them\)\.$/);
    expect(lineOf('hod.maths@school.example')).toMatch(/Slack: no, no Slack account linked yet.*Teams: no, removed or blocked Trellis in Teams/);
    expect(lineOf('t1@school.example')).toMatch(/Teams: no, known in Teams but has no personal chat with Trellis/);
    expect(lineOf('t2@school.example')).toMatch(/Teams: yes\.$/);
    expect(lineOf('agency@school.example')).toBeUndefined();
    expect(lines.at(-3)).toBe('Slack reaches 1 of 8, Teams 2 of 8; 2 by at least one, 6 by neither.');
    // 004 §9.1: the head's own reviewer, not on the roster and not named yet, so the head is reminded instead.
    expect(lines.slice(-2)).toEqual([
      'The head’s own reviewers:',
      '  No one named (the external school improvement partner): not reached until the school names them (`trellis school contact`), so the head is reminded instead (004 §9.1 (an external school improvement partner who is suitably qualified)).',
    ]);
  });

  it('gives the same facts as JSON with --json', async () => {
    const { code, stdout } = await trellis('reach', '--school', 'washwood', '--json');
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as { school: string; people: { email: string; slack: { reachable: boolean; reason?: string }; teams: { reachable: boolean; reason?: string } }[]; totals: Record<string, number> };
    expect(report.school).toBe('washwood');
    expect(report.totals).toEqual({ people: 8, slack: 1, teams: 2, either: 2, neither: 6 });
    expect(report.people.map((p) => p.email)).toContain('ta1@school.example');
    expect(report.people.find((p) => p.email === 'hod.maths@school.example')).toMatchObject({ slack: { reachable: false }, teams: { reachable: false, reason: expect.stringMatching(/removed or blocked/) } });
    expect(report.people.find((p) => p.email === 't2@school.example')).toMatchObject({ teams: { reachable: true, how: 'personal chat with Trellis in Teams' } });
  });

  it('says plainly when the school is unknown or not given', async () => {
    const unknown = await trellis('reach', '--school', 'nowhere');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/There is no school "nowhere"/);
    const missing = await trellis('reach');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/Give the school with --school/);
  });
});
