import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTrellisWith } from '../support/run-cli.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

const TERMS = join(import.meta.dirname, '../../config/terms/england-2026-28.yaml');

let db: TestDatabase;
let roster: string;
const trellis = (...argv: string[]) => runTrellisWith({ databaseUrl: db.url, at: '2026-09-07T09:00:00Z' }, ...argv);

/** A head, a deputy on the leadership scale and a head of maths, each line-managing six teachers. */
function rosterCsv(): string {
  const lines = ['email,full_name,role,line_manager_email,flags', 'head@s.example,Helen Head,headteacher,,', 'deputy@s.example,Dev Deputy,leader,head@s.example,leadership-scale', 'hod@s.example,Mo Maths,teacher,head@s.example,tlr'];
  for (let i = 1; i <= 6; i++) lines.push(`m${i}@s.example,Maths Teacher ${i},teacher,hod@s.example,`, `e${i}@s.example,English Teacher ${i},teacher,deputy@s.example,`);
  lines.push('ta@s.example,Tia Assistant,teaching-assistant,hod@s.example,');
  return `${lines.join('\n')}\n`;
}

beforeAll(async () => {
  db = await createTestDatabase();
  const dir = await mkdtemp(join(tmpdir(), 'trellis-review-load-'));
  roster = join(dir, 'staff.csv');
  await writeFile(roster, rosterCsv());
});
afterAll(() => db.drop());

describe('import roster: how many people one reviewer reviews', () => {
  it('002 §25: names a line manager with more than five reviewees and who they are, but not one on the leadership scale, and still loads everyone', async () => {
    expect((await trellis('school', 'set', 'alleyne', '--policy', 'thomas-alleyne', '--terms', TERMS)).code).toBe(0);
    const { code, stdout } = await trellis('import', 'roster', roster, '--school', 'alleyne');
    expect(code).toBe(0);
    expect(stdout).toMatch(/Loaded 16 of 16 staff/);
    const notes = stdout.split('\n').filter((line) => line.startsWith('Note:'));
    expect(notes).toEqual([
      'Note: Mo Maths reviews 6 people (Maths Teacher 1, Maths Teacher 2, Maths Teacher 3, Maths Teacher 4, Maths Teacher 5, Maths Teacher 6); the policy expects at most 5 (002 §25–29). Ask the head to confirm the exception or to name another reviewer.',
    ]);
  });

  it('says nothing under a policy with no such limit (004 §3.9)', async () => {
    expect((await trellis('school', 'set', 'washwood', '--policy', 'whmat', '--terms', TERMS)).code).toBe(0);
    const { code, stdout } = await trellis('import', 'roster', roster, '--school', 'washwood');
    expect(code).toBe(0);
    expect(stdout).not.toMatch(/^Note:/m);
  });
});
