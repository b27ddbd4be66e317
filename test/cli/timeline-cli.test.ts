import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { runTrellis } from '../support/run-cli.ts';

const TERMS_2026_27 = `region: england-and-wales
terms:
  - { name: autumn, start: 2026-09-02, end: 2026-12-18, halfTerm: { start: 2026-10-26, end: 2026-10-30 } }
  - { name: spring, start: 2027-01-05, end: 2027-03-26, halfTerm: { start: 2027-02-15, end: 2027-02-19 } }
  - { name: summer, start: 2027-04-12, end: 2027-07-21, halfTerm: { start: 2027-05-31, end: 2027-06-04 } }
closures: [2026-09-01, 2027-01-04]
`;

let dir: string;
let termsFile: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trellis-cli-'));
  termsFile = join(dir, 'terms.yaml');
  await writeFile(termsFile, TERMS_2026_27);
});

describe('trellis timeline', () => {
  it('prints a JSON array of { kind, opens, due, owner, rule }, with 31 October held back to the last school day before half term (002 §14, §31, §48)', async () => {
    const { code, stdout, stderr } = await runTrellis('timeline', '--policy', 'thomas-alleyne', '--role', 'teacher', '--start', '2020-09-01', '--academic-year', '2026', '--terms', termsFile, '--json');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const rows = JSON.parse(stdout) as { kind: string; opens: string; due: string; owner: string; rule: string }[];
    expect(rows.map(({ kind, opens, due, owner }) => ({ kind, opens, due, owner }))).toEqual([
      { kind: 'self-reflection', opens: '2026-09-01', due: '2026-10-15', owner: 'reviewee' },
      { kind: 'plan-agreed', opens: '2026-09-01', due: '2026-10-23', owner: 'reviewer' },
      { kind: 'graded-observation', opens: '2026-09-02', due: '2026-12-18', owner: 'reviewer' },
      { kind: 'interim-review', opens: '2027-02-22', due: '2027-03-25', owner: 'reviewer' },
      { kind: 'end-of-cycle-review', opens: '2027-06-07', due: '2027-10-22', owner: 'reviewer' },
    ]);
    expect(rows[1]!.rule).toContain('002 §31');
  });

  it('prints { excluded: true, reason } for someone the policy excludes, with the termly check-ins they still get (004 §2.1.1, §2.2)', async () => {
    const { code, stdout } = await runTrellis('timeline', '--policy', 'whmat', '--role', 'teacher', '--start', '2026-09-01', '--academic-year', '2026', '--contract', 'agency', '--json');
    expect(code).toBe(0);
    const excluded = JSON.parse(stdout) as { excluded: boolean; reason: string; obligations: { id: string; owner: string }[] };
    expect(excluded).toMatchObject({ excluded: true, reason: expect.stringContaining('Agency workers') });
    expect(excluded.obligations.map((o) => [o.id, o.owner])).toEqual([
      ['excluded-check-in:autumn', 'reviewer'],
      ['excluded-check-in:spring', 'reviewer'],
      ['excluded-check-in:summer', 'reviewer'],
    ]);
  });

  it('accepts flags and estimates term dates when no file is given (004 §4.2)', async () => {
    const { code, stdout } = await runTrellis('timeline', '--policy', 'whmat', '--role', 'teacher', '--start', '2020-09-01', '--academic-year', '2027', '--flags', 'upr,tlr', '--json');
    expect(code).toBe(0);
    const kinds = (JSON.parse(stdout) as { kind: string }[]).map((row) => row.kind);
    expect(kinds).toContain('self-reflection');
    expect(kinds).not.toContain('upr-application');
  });

  it.each([
    [['--policy', 'nope', '--role', 'teacher', '--academic-year', '2026'], /neither a preset/],
    [['--policy', 'whmat', '--role', 'wizard', '--academic-year', '2026'], /--role must be one of/],
    [['--policy', 'whmat', '--role', 'teacher', '--academic-year', '26/27'], /--academic-year must be a whole number/],
    [['--policy', 'whmat', '--role', 'teacher', '--academic-year', '2026', '--start', '2026-02-30'], /real date/],
    [['--policy', 'whmat', '--role', 'teacher', '--academic-year', '2026', '--flags', 'ect,wizard'], /Unknown flag "wizard"/],
    [['--policy', 'whmat', '--role', 'teacher', '--academic-year', '2026', '--terms', '/no/such/terms.yaml'], /Cannot find the term dates file/],
    [['--policy', 'whmat', '--role', 'teacher', '--academic-year', '2026', '--bogus'], /Unknown option '--bogus'/],
  ])('refuses bad arguments %j with a plain message and exit 1', async (args, message) => {
    const { code, stdout, stderr } = await runTrellis('timeline', ...args);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
    expect(stderr).not.toMatch(/\bat .*\.ts:\d+/);
  });

  it('explains a broken term dates file with each problem’s path', async () => {
    const bad = join(dir, 'bad-terms.yaml');
    await writeFile(bad, TERMS_2026_27.replace('start: 2027-01-05', 'start: 2027-02-31'));
    const { code, stderr } = await runTrellis('timeline', '--policy', 'whmat', '--role', 'teacher', '--academic-year', '2026', '--terms', bad);
    expect(code).toBe(1);
    expect(stderr).toMatch(/terms\[1\]\.start/);
  });
});

describe('trellis calendar add-working-days', () => {
  it.each([
    // 002 §16: 10 working days across Christmas 2026 (25 and 28 Dec) and New Year.
    [['2026-12-18', '10'], '2027-01-06'],
    // Easter 2027: Good Friday 26 March and Easter Monday 29 March.
    [['2027-03-25', '1'], '2027-03-30'],
    // Across the October 2026 clock change.
    [['2026-10-23', '1'], '2026-10-26'],
    // The given day is day 0.
    [['2026-10-21', '0'], '2026-10-21'],
    // Scotland's 2 January: 2 Jan 2027 is a Saturday, so Monday 4 January is the holiday.
    [['2026-12-31', '1', '--region', 'scotland'], '2027-01-05'],
    [['2026-12-31', '1'], '2027-01-04'],
  ])('%j → %s', async (args, expected) => {
    const { code, stdout } = await runTrellis('calendar', 'add-working-days', ...args);
    expect(code).toBe(0);
    expect(stdout.trim()).toBe(expected);
  });

  it('does not count a closure day from a terms file (policy closures are non-working days)', async () => {
    const { stdout } = await runTrellis('calendar', 'add-working-days', '2026-12-31', '1', '--terms', termsFile);
    // 1 Jan is a bank holiday and 4 Jan 2027 a closure in the terms file.
    expect(stdout.trim()).toBe('2027-01-05');
  });

  it('refuses a date that is not real', async () => {
    const { code, stderr } = await runTrellis('calendar', 'add-working-days', '2026-13-01', '3');
    expect(code).toBe(1);
    expect(stderr).toMatch(/real date/);
  });
});

describe('trellis policy', () => {
  it('lists the four presets', async () => {
    const { stdout } = await runTrellis('policy', 'list');
    expect(stdout).toMatch(/kingsmead[\s\S]*thomas-alleyne[\s\S]*tpat[\s\S]*whmat/);
  });

  it('shows a preset as YAML that validates after copying (a school adapting a preset)', async () => {
    const { stdout } = await runTrellis('policy', 'show', 'whmat');
    const file = join(dir, 'our-policy.yaml');
    await writeFile(file, stdout.replace('name: Professional Growth Policy', 'name: Our Growth Policy'));
    const { code, stdout: verdict } = await runTrellis('policy', 'validate', file);
    expect(code).toBe(0);
    expect(verdict).toMatch(/valid policy: "Our Growth Policy"/);
  });

  it('exits 1 listing each problem’s path and reason', async () => {
    const file = join(dir, 'broken-policy.yaml');
    const { stdout } = await runTrellis('policy', 'show', 'tpat');
    await writeFile(file, stdout.replace('typicalMinutes: 15', 'typicalMinutes: lots').replace('retentionYears: 6', 'retentionYears: 0'));
    const { code, stderr } = await runTrellis('policy', 'validate', file);
    expect(code).toBe(1);
    expect(stderr).toMatch(/checkIns\.typicalMinutes: /);
    expect(stderr).toMatch(/confidentiality\.retentionYears: /);
  });
});

describe('the trellis executable', () => {
  it('runs from bin/trellis.js as `npx trellis` would, exiting non-zero on bad input', async () => {
    const run = promisify(execFile);
    const ok = await run(process.execPath, ['bin/trellis.js', 'calendar', 'add-working-days', '2026-12-18', '10']);
    expect(ok.stdout.trim()).toBe('2027-01-06');
    await expect(run(process.execPath, ['bin/trellis.js', 'calendar', 'add-working-days', 'soon', '10'])).rejects.toMatchObject({ code: 1, stderr: expect.stringMatching(/real date/) });
  });
});
