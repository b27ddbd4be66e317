import { copyFile, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { runTrellisWith } from '../support/run-cli.ts';

const ROSTER = join(import.meta.dirname, '../fixtures/rosters/small-school.csv');
const TERMS = join(import.meta.dirname, '../../config/terms/england-2026-28.yaml');

let db: TestDatabase;
let dir: string;
const trellis = (...argv: string[]) => runTrellisWith({ databaseUrl: db.url, at: '2026-09-07T09:00:00Z' }, ...argv);

beforeAll(async () => {
  db = await createTestDatabase();
  dir = await mkdtemp(join(tmpdir(), 'trellis-roster-'));
});
afterAll(() => db.drop());

async function personId(email: string): Promise<string> {
  return (await db.prisma.person.findFirstOrThrow({ where: { email } })).id;
}

describe('trellis migrate', () => {
  it('says the database is up to date once migrated', async () => {
    const { code, stdout } = await trellis('migrate');
    expect(code).toBe(0);
    expect(stdout).toMatch(/up to date/);
  });
});

describe('trellis school set', () => {
  it('refuses a broken term file before touching the database', async () => {
    const bad = join(dir, 'bad-terms.yaml');
    await writeFile(bad, 'region: mars\nterms: []\n');
    const { code, stderr } = await trellis('school', 'set', 'washwood', '--policy', 'whmat', '--terms', bad);
    expect(code).toBe(1);
    expect(stderr).toMatch(/region/);
    expect(await db.prisma.school.count()).toBe(0);
  });

  it('refuses a school id that is not a short slug', async () => {
    const { code, stderr } = await trellis('school', 'set', 'Washwood Heath', '--policy', 'whmat', '--terms', TERMS);
    expect(code).toBe(1);
    expect(stderr).toMatch(/lower-case letters, digits and dashes/);
  });

  it('creates a school in a trust with a preset and term dates, then updates it', async () => {
    const first = await trellis('school', 'set', 'washwood', '--policy', 'whmat', '--terms', TERMS, '--name', 'Washwood Heath Academy', '--trust', 'whmat');
    expect(first.stderr).toBe('');
    expect(first.stdout).toMatch(/Created school "washwood" \(Washwood Heath Academy\)/);
    const again = await trellis('school', 'set', 'washwood', '--policy', 'whmat', '--terms', TERMS);
    expect(again.stdout).toMatch(/Updated school "washwood" \(Washwood Heath Academy\)/);
    const school = await db.prisma.school.findUniqueOrThrow({ where: { slug: 'washwood' }, include: { trust: true } });
    expect(school).toMatchObject({ policySource: 'preset:whmat', region: 'england-and-wales', trust: { slug: 'whmat' } });
  });
});

describe('trellis import roster', () => {
  it('loads staff, their managers and coaches, every covered person’s obligations and the excluded colleagues’ termly check-ins (004 §2.1, §2.2, §4.3, §6.3)', async () => {
    const { code, stdout, stderr } = await trellis('import', 'roster', ROSTER, '--school', 'washwood');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/Loaded 9 of 9 staff into "washwood": 9 new, 0 changed, 0 unchanged/);
    // 36 for the covered (plus two growth-diary prompts for each of the six covered staff, 004 Appendix A, and a peer
    // observation for each of the four teachers and leaders among them, 004 §7.5) (the January starter’s first check-in is their spring one, 004 §4.3, §6.3), and 7 termly
    // check-ins for the ECT, the agency worker and the short contract up to its end (004 §2.2).
    expect(stdout).toMatch(/Obligations for 2026\/27: 60 added/);

    const t1 = await db.prisma.person.findFirstOrThrow({ where: { email: 't1@school.example' }, include: { lineManager: true } });
    expect(t1.lineManager?.email).toBe('hod.maths@school.example');
    const spring = await db.prisma.obligation.findFirstOrThrow({ where: { personId: t1.id, key: { endsWith: ':spring-check-in' } } });
    expect(spring.dueOn.toISOString().slice(0, 10)).toBe('2027-02-12');
    expect(spring.ownerPersonId).toBe(await personId('hod.maths@school.example'));
    expect(spring.rule).toContain('004 §6.3');

    const coach = await db.prisma.reviewerAssignment.findFirstOrThrow({ where: { revieweeId: await personId('t3@school.example'), kind: 'coach' } });
    expect(coach.reviewerId).toBe(await personId('deputy@school.example'));
  });

  it('records who is excluded and why (004 §2.1)', async () => {
    const cycles = await db.prisma.cycle.findMany({ where: { status: 'excluded' }, include: { person: true }, orderBy: { person: { email: 'asc' } } });
    expect(cycles.map((c) => [c.person.email, c.exclusionReason?.replace(/ \(004 [^()]*\)$/, '')])).toEqual([
      ['agency@school.example', 'Agency workers are not covered by this policy'],
      ['t2@school.example', 'Staff in statutory induction (ECTs/NQTs) follow their induction programme instead'],
      ['temp@school.example', 'Contracts shorter than one term are not covered by this policy'],
    ]);
  });

  it('changes nothing when the same file is imported again', async () => {
    const before = await Promise.all([db.prisma.person.count(), db.prisma.obligation.count(), db.prisma.reviewerAssignment.count(), db.prisma.cycle.count()]);
    const { code, stdout } = await trellis('import', 'roster', ROSTER, '--school', 'washwood');
    expect(code).toBe(0);
    expect(stdout).toMatch(/0 new, 0 changed, 9 unchanged/);
    expect(stdout).toMatch(/0 added, 0 moved, 0 removed, 60 unchanged/);
    expect(await Promise.all([db.prisma.person.count(), db.prisma.obligation.count(), db.prisma.reviewerAssignment.count(), db.prisma.cycle.count()])).toEqual(before);
  });

  it('keeps the reviewer history when a line manager changes, and re-points open obligations (002 §29)', async () => {
    const changed = join(dir, 'changed.csv');
    const text = await readFile(ROSTER, 'utf8');
    await writeFile(changed, text.replace('t1@school.example,Tara One,teacher,hod.maths@school.example', 't1@school.example,Tara One,teacher,deputy@school.example'));
    const t1 = await personId('t1@school.example');
    const done = await db.prisma.obligation.findFirstOrThrow({ where: { personId: t1, key: { endsWith: ':self-reflection' } } });
    await db.prisma.obligation.update({ where: { id: done.id }, data: { status: 'done', completedAt: new Date('2026-09-05T10:00:00Z') } });

    const { code, stdout } = await trellis('import', 'roster', changed, '--school', 'washwood');
    expect(code).toBe(0);
    expect(stdout).toMatch(/0 new, 1 changed, 8 unchanged/);
    const assignments = await db.prisma.reviewerAssignment.findMany({ where: { revieweeId: t1, kind: 'reviewer' }, orderBy: { createdAt: 'asc' } });
    expect(assignments.map((a) => [a.reviewerId, a.endsOn?.toISOString().slice(0, 10) ?? null])).toEqual([
      [await personId('hod.maths@school.example'), '2026-09-07'],
      [await personId('deputy@school.example'), null],
    ]);
    const spring = await db.prisma.obligation.findFirstOrThrow({ where: { personId: t1, key: { endsWith: ':spring-check-in' } } });
    expect(spring.ownerPersonId).toBe(await personId('deputy@school.example'));
    // A finished obligation is someone's record: it is never rewritten.
    expect((await db.prisma.obligation.findUniqueOrThrow({ where: { id: done.id } })).status).toBe('done');
  });

  it('reports each bad line with its number and reason, loads the good ones, and exits 1', async () => {
    const bad = join(dir, 'bad.csv');
    await writeFile(
      bad,
      [
        'email,full_name,role,line_manager_email,flags,start_date',
        'head@school.example,Helen Head,headteacher,,,',
        'new1@school.example,Nia New,wizard,head@school.example,,',
        'new2@school.example,Ned New,teacher,nobody@school.example,,',
        'new3@school.example,Nat New,teacher,new1@school.example,,',
        'new4@school.example,Noor New,teacher,head@school.example,ect;sparkly,',
        'new5@school.example,Neil New,teacher,head@school.example,,2026-02-30',
        'not-an-email,Nobody,teacher,head@school.example,,',
        'head@school.example,Helen Again,headteacher,,,',
        'new6@school.example,Nell New,teaching-assistant,head@school.example,,2026-09-14',
      ].join('\n'),
    );
    const { code, stdout, stderr } = await trellis('import', 'roster', bad, '--school', 'washwood');
    expect(code).toBe(1);
    expect(stdout).toMatch(/Loaded 2 of 9 staff/);
    expect(stderr).toMatch(/7 lines were not loaded/);
    expect(stderr).toMatch(/line 3 \(new1@school.example\): role "wizard" should be one of/);
    expect(stderr).toMatch(/line 4 \(new2@school.example\): line_manager_email nobody@school.example is not a valid row of this file/);
    expect(stderr).toMatch(/line 5 \(new3@school.example\): line_manager_email new1@school.example is not a valid row/);
    expect(stderr).toMatch(/line 6 \(new4@school.example\): flags: "sparkly" not known/);
    expect(stderr).toMatch(/line 7 \(new5@school.example\): start_date "2026-02-30"/);
    expect(stderr).toMatch(/line 8 \(not-an-email\): email "not-an-email" is not an e-mail address/);
    expect(stderr).toMatch(/line 9 \(head@school.example\): head@school.example is already on line 2/);
    expect(await db.prisma.person.findFirst({ where: { email: 'new6@school.example' } })).not.toBeNull();
    expect(await db.prisma.person.findFirst({ where: { email: 'new1@school.example' } })).toBeNull();
  });

  it('refuses a file without the required columns, loading nothing', async () => {
    const bad = join(dir, 'columns.csv');
    await writeFile(bad, 'email,name,role\na@school.example,A,teacher\n');
    const before = await db.prisma.person.count();
    const { code, stderr } = await trellis('import', 'roster', bad, '--school', 'washwood');
    expect(code).toBe(1);
    expect(stderr).toMatch(/needs the columns full_name, line_manager_email/);
    expect(await db.prisma.person.count()).toBe(before);
  });

  it('refuses broken CSV quoting with the line, loading nothing', async () => {
    const bad = join(dir, 'quotes.csv');
    await writeFile(bad, 'email,full_name,role,line_manager_email\n"a@school.example,A,teacher,head@school.example\n');
    const { code, stderr } = await trellis('import', 'roster', bad, '--school', 'washwood');
    expect(code).toBe(1);
    expect(stderr).toMatch(/not valid CSV/);
    expect(stderr).not.toMatch(/at .*node_modules/);
  });

  it('tells the user to create an unknown school first', async () => {
    const copy = join(dir, 'copy.csv');
    await copyFile(ROSTER, copy);
    const { code, stderr } = await trellis('import', 'roster', copy, '--school', 'nowhere');
    expect(code).toBe(1);
    expect(stderr).toMatch(/There is no school "nowhere" yet: create it first with trellis school set nowhere/);
  });

  it('moves deadlines when the school switches policy: 31 October held back before half term (002 §31 after 004)', async () => {
    const { code, stdout } = await trellis('school', 'set', 'washwood', '--policy', 'thomas-alleyne', '--terms', TERMS);
    expect(code).toBe(0);
    expect(stdout).toMatch(/Obligations: \d+ added, \d+ moved, \d+ removed/);
    const t1 = await personId('t1@school.example');
    const plan = await db.prisma.obligation.findFirstOrThrow({ where: { personId: t1, key: { endsWith: ':plan-agreed' } } });
    expect(plan.dueOn.toISOString().slice(0, 10)).toBe('2026-10-23');
    const ta = await db.prisma.cycle.findFirstOrThrow({ where: { person: { email: 'ta1@school.example' } } });
    expect(ta.status).toBe('excluded');
  });

  it('keeps deadlines started by events (an appeal window, 002 §16) when the roster is imported again', async () => {
    const t1 = await personId('t1@school.example');
    const cycle = await db.prisma.cycle.findFirstOrThrow({ where: { personId: t1 } });
    const window = await db.prisma.obligation.create({
      data: { key: `appeal-window:${cycle.id}`, cycleId: cycle.id, personId: t1, kind: 'appeal-window', label: 'Last day to appeal', opensOn: new Date('2026-07-01'), dueOn: new Date('2026-07-15'), ownerRole: 'reviewee', rule: '002 §16' },
    });
    const copy = join(dir, 'again.csv');
    await copyFile(ROSTER, copy);
    expect((await trellis('import', 'roster', copy, '--school', 'washwood')).code).toBe(0);
    expect((await trellis('school', 'set', 'washwood', '--policy', 'thomas-alleyne', '--terms', TERMS)).code).toBe(0);
    expect(await db.prisma.obligation.findUnique({ where: { id: window.id } })).toMatchObject({ status: 'open', kind: 'appeal-window' });
  });
});

describe('trellis start', () => {
  it('opens the database, lists the schools with their staff counts and serves /healthz until stopped', async () => {
    const stop = new AbortController();
    const listening = Promise.withResolvers<string>();
    const onOut = (text: string) => {
      const match = /Listening on (\S+)/.exec(text);
      if (match) listening.resolve(match[1]!);
    };
    const started = runTrellisWith({ databaseUrl: db.url, at: '2026-09-07T09:00:00Z', env: { PORT: '0' }, stop: stop.signal, onOut }, 'start');
    const url = await Promise.race([listening.promise, started.then((run) => Promise.reject(new Error(`start ended early: ${run.stderr}`)))]);
    const health = await fetch(`${url}/healthz`);
    stop.abort();
    const { code, stdout } = await started;
    expect(health.status).toBe(200);
    expect(code).toBe(0);
    expect(stdout).toMatch(/database ready on DATABASE_URL/);
    expect(stdout).toMatch(/washwood: Washwood Heath Academy, 1[0-9] staff \(preset:thomas-alleyne\)/);
  });

  it('refuses an unknown option with the usage', async () => {
    const { code, stderr } = await trellis('start', '--bogus');
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/Usage: trellis start/);
  });
});

