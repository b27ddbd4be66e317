import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTrellisWith } from '../support/run-cli.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

const ROSTER = join(import.meta.dirname, '../fixtures/rosters/small-school.csv');
const TERMS = join(import.meta.dirname, '../../config/terms/england-2026-28.yaml');
const AT = '2026-09-07T09:00:00Z';

let db: TestDatabase;
let dir: string;
const trellis = (...argv: string[]) => runTrellisWith({ databaseUrl: db.url, at: AT }, ...argv);

/** A school on the preset with the small roster and the trust's CEO on it as a trust leader. */
async function school(slug: string, policy: string): Promise<void> {
  expect((await trellis('school', 'set', slug, '--policy', policy, '--terms', TERMS)).stderr).toBe('');
  const roster = `${(await readFile(ROSTER, 'utf8')).replaceAll('@school.example', `@${slug}.example`).trimEnd()}\nceo@${slug}.example,Cas Ceo,trust-leader,,Trust,,2015-09-01,permanent,,\n`;
  const file = join(dir, `${slug}.csv`);
  await writeFile(file, roster);
  expect((await trellis('import', 'roster', file, '--school', slug)).code).toBe(0);
}

beforeAll(async () => {
  db = await createTestDatabase();
  dir = await mkdtemp(join(tmpdir(), 'trellis-owners-'));
  await school('alleyne', 'thomas-alleyne');
  await school('washwood', 'whmat');
});
afterAll(() => db.drop());

describe('trellis timeline --school --email: who owes each item and who is reminded', () => {
  it('shows a teacher’s items owed by their reviewer by name and e-mail, and who is reminded (002 §25, §31)', async () => {
    const { code, stdout } = await trellis('timeline', '--school', 'alleyne', '--email', 't1@alleyne.example');
    expect(code).toBe(0);
    expect(stdout).toContain('Tara One <t1@alleyne.example>, alleyne, 2026/27');
    expect(stdout).toMatch(/2026-09-01 → 2026-10-23 {2}Performance planning: three targets agreed: owed by Mo Maths <hod\.maths@alleyne\.example>; reminded: Mo Maths <hod\.maths@alleyne\.example> {2}\[002 §31/);
    expect(stdout).toMatch(/Reflection before the planning meeting: owed by Tara One <t1@alleyne\.example>; reminded: Tara One/);
    const json = JSON.parse((await trellis('timeline', '--school', 'alleyne', '--email', 'T1@alleyne.example', '--json')).stdout) as { items: { id: string; owners: string[]; reminded: string | null }[] };
    expect(json.items.find((i) => i.id === 'plan-agreed')).toMatchObject({ owners: ['Mo Maths <hod.maths@alleyne.example>'], reminded: 'Mo Maths <hod.maths@alleyne.example>' });
  });

  it('002 §22–24: the head’s items are owed by the governors named as contacts and the trust’s CEO, who chairs, and reminded to the head, who takes part, to the CEO in their digest and to a governor with an address by e-mail when SMTP is configured', async () => {
    const before = await trellis('timeline', '--school', 'alleyne', '--email', 'head@alleyne.example');
    expect(before.stdout).toContain('Reviewed by: the governors appointed to review the head (no one named: `trellis school contact`); Cas Ceo <ceo@alleyne.example> (the trust’s CEO, chairing) (002 §22–24');

    expect((await trellis('school', 'contact', 'alleyne', '--as', 'external-adviser', '--name', 'Sam Sip')).stderr).toMatch(
      /Thomas Alleyne's High School's policy has the head reviewed by governors-panel and trust-ceo \(002 §22–24 .*\), not the external school improvement partner: use --as governors-panel or --as trust-ceo\./,
    );
    expect((await trellis('school', 'contact', 'alleyne', '--as', 'governors-panel', '--name', 'Gill Governor', '--email', 'not-an-address')).stderr).toContain('"not-an-address" is not an e-mail address.');
    const added = await trellis('school', 'contact', 'alleyne', '--as', 'governors-panel', '--name', 'Gill Governor', '--email', 'gill@governors.example');
    expect(added.stdout).toContain('Gill Governor <gill@governors.example> is named as the governors appointed to review the head (002 §22–24');
    await trellis('school', 'contact', 'alleyne', '--as', 'governors-panel', '--name', 'Gus Governor');
    expect((await trellis('school', 'contact', 'alleyne')).stdout).toContain('  Gill Governor <gill@governors.example>: the governors appointed to review the head\n  Gus Governor: the governors appointed to review the head');

    const { stdout } = await trellis('timeline', '--school', 'alleyne', '--email', 'head@alleyne.example');
    expect(stdout).toContain(
      'Reviewed by: Gill Governor <gill@governors.example> (the governors appointed to review the head); Gus Governor (the governors appointed to review the head); Cas Ceo <ceo@alleyne.example> (the trust’s CEO, chairing)',
    );
    // Without SMTP configured the governors are not e-mailed: the head is reminded, and the CEO gets a copy in their digest.
    expect(stdout).toMatch(
      /Head teacher’s performance planning: owed by Gill Governor <gill@governors\.example> \(the governors appointed to review the head\); Gus Governor .*; Cas Ceo <ceo@alleyne\.example> \(the trust’s CEO, chairing\); reminded: Helen Head <head@alleyne\.example>; Cas Ceo <ceo@alleyne\.example> \(the trust’s CEO, chairing, in their digest\) {2}\[002 §31/,
    );
    // With SMTP configured, the governor with an address is e-mailed too; the one without is not.
    const smtp = { SMTP_URL: 'smtp://127.0.0.1:2525', SMTP_FROM: 'trellis@alleyne.example' };
    const emailed = await runTrellisWith({ databaseUrl: db.url, at: AT, env: smtp }, 'timeline', '--school', 'alleyne', '--email', 'head@alleyne.example');
    expect(emailed.stdout).toMatch(
      /Head teacher’s annual review: owed by .*; reminded: Helen Head <head@alleyne\.example>; Gill Governor <gill@governors\.example> \(the governors appointed to review the head, by e-mail\); Cas Ceo <ceo@alleyne\.example> \(the trust’s CEO, chairing, in their digest\) {2}\[002 §31/,
    );
    expect(emailed.stdout).not.toMatch(/reminded: [^[]*Gus Governor/);
    const json = JSON.parse((await runTrellisWith({ databaseUrl: db.url, at: AT, env: smtp }, 'timeline', '--school', 'alleyne', '--email', 'head@alleyne.example', '--json')).stdout) as { items: { id: string; reminded: string | null }[] };
    expect(json.items.find((i) => i.id === 'head-end-of-cycle-review')?.reminded).toBe(
      'Helen Head <head@alleyne.example>; Gill Governor <gill@governors.example> (the governors appointed to review the head, by e-mail); Cas Ceo <ceo@alleyne.example> (the trust’s CEO, chairing, in their digest)',
    );

    expect((await trellis('school', 'contact', 'alleyne', '--remove', 'Gus Governor')).stdout).toContain('Gus Governor is no longer named');
    expect((await trellis('school', 'contact', 'alleyne', '--remove', 'Nobody')).stderr).toContain('No contact called "Nobody" is named for this school.');
  });

  it('004 §9.1: a WHMAT head is reviewed by the external school improvement partner, shown as the body until the school names them, then e-mailed what the head is reminded of when SMTP is configured', async () => {
    const { stdout } = await trellis('timeline', '--school', 'washwood', '--email', 'head@washwood.example');
    expect(stdout).toContain('Reviewed by: the external school improvement partner (no one named: `trellis school contact`) (004 §9.1');
    await trellis('school', 'contact', 'washwood', '--as', 'external-adviser', '--name', 'Sam Sip', '--email', 'sam@sip.example');
    expect((await trellis('timeline', '--school', 'washwood', '--email', 'head@washwood.example')).stdout).toContain('Reviewed by: Sam Sip <sam@sip.example> (the external school improvement partner) (004 §9.1');
    // The head has no one over them on the roster, so they are reminded of their appraiser's spring check-in themselves, and the partner is e-mailed when SMTP is configured; the CEO, whom 004 does not name, gets no copy.
    const smtp = { SMTP_URL: 'smtp://127.0.0.1:2525', SMTP_FROM: 'trellis@washwood.example' };
    const emailed = (await runTrellisWith({ databaseUrl: db.url, at: AT, env: smtp }, 'timeline', '--school', 'washwood', '--email', 'head@washwood.example')).stdout;
    expect(emailed).toMatch(/Spring check-in[^\n]*reminded: Helen Head <head@washwood\.example>; Sam Sip <sam@sip\.example> \(the external school improvement partner, by e-mail\) {2}\[004/);
    expect(emailed).not.toContain('Cas Ceo');
  });

  it('refuses plainly an unknown school or e-mail, and --school mixed with --policy', async () => {
    expect((await trellis('timeline', '--school', 'nowhere', '--email', 'x@y.example')).stderr).toContain('There is no school "nowhere".');
    const unknown = await trellis('timeline', '--school', 'alleyne', '--email', 'nobody@alleyne.example');
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('Nobody active at "alleyne" has the e-mail nobody@alleyne.example');
    expect((await trellis('timeline', '--school', 'alleyne', '--email', 't1@alleyne.example', '--policy', 'whmat')).stderr).toContain('leave out --policy, --role and --start');
  });
});
