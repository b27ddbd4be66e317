import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTrellisWith } from '../support/run-cli.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

const ROSTER = join(import.meta.dirname, '../fixtures/rosters/small-school.csv');
const TERMS = join(import.meta.dirname, '../../config/terms/england-2026-28.yaml');

let db: TestDatabase;
let dir: string;
/** Thursday 11 February 2027, the week before February half term. */
const trellis = (at: string, ...argv: string[]) => runTrellisWith({ databaseUrl: db.url, at }, ...argv);

beforeAll(async () => {
  db = await createTestDatabase();
  dir = await mkdtemp(join(tmpdir(), 'trellis-transfer-'));
});
afterAll(() => db.drop());

async function personId(email: string): Promise<string> {
  return (await db.prisma.person.findFirstOrThrow({ where: { email } })).id;
}

async function moveTara(slug: string, policy: string): Promise<{ stdout: string; file: string }> {
  expect((await trellis('2026-09-07T09:00:00Z', 'school', 'set', slug, '--policy', policy, '--terms', TERMS)).stderr).toBe('');
  const roster = (await readFile(ROSTER, 'utf8')).replaceAll('@school.example', `@${slug}.example`);
  const first = join(dir, `${slug}-1.csv`);
  await writeFile(first, roster);
  expect((await trellis('2026-09-07T09:00:00Z', 'import', 'roster', first, '--school', slug)).code).toBe(0);
  const file = join(dir, `${slug}-2.csv`);
  await writeFile(file, roster.replace(`t1@${slug}.example,Tara One,teacher,hod.maths@${slug}.example`, `t1@${slug}.example,Tara One,teacher,deputy@${slug}.example`));
  const { code, stdout } = await trellis('2027-02-11T09:00:00Z', 'import', 'roster', file, '--school', slug);
  expect(code).toBe(0);
  return { stdout, file };
}

describe('trellis import roster: a move to a new post part-way through the cycle', () => {
  it('004 §4.4: the original appraiser is asked for a check-in before the new post; the new appraiser takes over the open items; importing again adds nothing', async () => {
    const { stdout, file } = await moveTara('washwood', 'whmat');
    expect(stdout).toContain('Moved to a new post part-way through the cycle: Tara One <t1@washwood.example>. Dev Deputy reviews them from today');
    expect(stdout).toContain('Mo Maths, their reviewer before the move, is asked to hold a check-in with them by 2027-02-24');
    const tara = await personId('t1@washwood.example');
    const checkIn = await db.prisma.obligation.findFirstOrThrow({ where: { personId: tara, key: { contains: ':transfer-check-in:' } } });
    expect(checkIn).toMatchObject({ kind: 'check-in', ownerRole: 'reviewer', ownerPersonId: await personId('hod.maths@washwood.example'), status: 'open' });
    expect(checkIn.rule).toMatch(/^004 §4\.4/);
    expect([checkIn.opensOn.toISOString().slice(0, 10), checkIn.dueOn.toISOString().slice(0, 10)]).toEqual(['2027-02-11', '2027-02-24']);
    const summer = await db.prisma.obligation.findFirstOrThrow({ where: { personId: tara, status: 'open', key: { endsWith: ':summer-check-in' } } });
    expect(summer.ownerPersonId).toBe(await personId('deputy@washwood.example'));

    const again = await trellis('2027-02-11T09:00:00Z', 'import', 'roster', file, '--school', 'washwood');
    expect(again.stdout).not.toContain('Moved to a new post');
    expect(await db.prisma.obligation.count({ where: { personId: tara, key: { contains: ':transfer-check-in:' } } })).toBe(1);
  });

  it('002 §35: the import says the head decides whether the cycle begins again and whether to change the reviewer, and asks for no check-in', async () => {
    const { stdout } = await moveTara('alleyne', 'thomas-alleyne');
    expect(stdout).toContain('The head decides whether their cycle begins again and whether to change the reviewer (002 §35); until then the cycle carries on, reviewed by Dev Deputy.');
    expect(await db.prisma.obligation.count({ where: { personId: await personId('t1@alleyne.example'), key: { contains: ':transfer-check-in:' } } })).toBe(0);
  });
});
