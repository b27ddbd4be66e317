import ExcelJS from 'exceljs';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { policyToYaml } from '../../src/core/policy/load-policy.ts';
import { PRESET_INPUTS } from '../../src/core/policy/presets/index.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminRoutes, NOT_CONFIGURED, SIGN_IN_LIMIT } from '../../src/admin-console/admin-routes.ts';
import type { AdminConsole } from '../../src/core/admin/admin-console.ts';
import type { AdminSessions, AttemptLimiter } from '../../src/core/admin/admin-ports.ts';
import { keyNotifications } from '../../src/core/notifications/notification-queue.ts';
import { say } from '../../src/core/conversations/engine/outgoing-message.ts';
import { fixedClock } from '../../src/core/time/clock.ts';
import { silentLogger } from '../../src/logging/logger.ts';
import { startHttpServer } from '../../src/server/http-server.ts';
import { PrismaNotificationQueue } from '../../src/storage/prisma/prisma-notification-queue.ts';
import { runTrellisWith } from '../support/run-cli.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { readFile } from 'node:fs/promises';
import { type AdminWorld, ConsoleClient, rosterCsv, seedSchools, startAdminWorld, TERMS } from './support/admin-world.ts';

const NOW = '2026-11-23T10:00:00Z';
const ALPHA_ADMIN = { sub: 'alpha-admin', email: 'Ops@Alpha.example' };
const TRUST_ADMIN = { sub: 'north-lead', email: 'it@north.example' };
const BETA_ADMIN = { sub: 'beta-admin', email: 'office@beta.example' };

let db: TestDatabase;
let world: AdminWorld;

beforeAll(async () => {
  db = await createTestDatabase();
  await seedSchools(db.url, NOW);
  for (const [email, scope] of [
    ['ops@alpha.example', ['--school', 'alpha']],
    ['it@north.example', ['--trust', 'north']],
    ['office@beta.example', ['--school', 'beta']],
  ] as const) {
    const run = await runTrellisWith({ databaseUrl: db.url, at: NOW }, 'admins', 'add', email, ...scope);
    expect(run.code).toBe(0);
  }
  world = await startAdminWorld(db.url, fixedClock(NOW));
});
afterAll(async () => {
  await world?.close();
  await db?.drop();
});

describe('signing in to the admin console', () => {
  it('without its OpenID Connect settings, /admin answers with one sentence saying it is not configured', async () => {
    const server = await startHttpServer({ host: '127.0.0.1', port: 0, routes: adminRoutes({ console: {} as AdminConsole, config: undefined, sessions: {} as AdminSessions, limiter: {} as AttemptLimiter, clock: fixedClock(NOW), log: silentLogger }), healthy: async () => true });
    try {
      for (const path of ['/admin', '/admin/sign-in', '/admin/schools/alpha']) {
        const response = await fetch(`${server.url}${path}`);
        expect(response.status).toBe(503);
        expect(await response.text()).toBe(`${NOT_CONFIGURED}\n`);
      }
    } finally {
      await server.close();
    }
  });

  it('a school administrator signs in through the provider (code, PKCE, state, nonce) and sees their school only', async () => {
    const client = new ConsoleClient(world.url);
    const before = await client.get('/admin');
    expect(await before.text()).toMatch(/<h1>Sign in<\/h1>/);
    const home = await client.signedIn(world.provider, ALPHA_ADMIN);
    expect(home).toMatch(/Signed in as ops@alpha\.example/);
    expect(home).toContain('Alpha Academy');
    expect(home).not.toContain('Beta School');
    expect(home).not.toContain('Gamma Primary');
    const overview = await client.get('/admin/schools/alpha');
    expect(overview.status).toBe(200);
    const text = await overview.text();
    expect(text).toMatch(/<dt>Staff on the roster<\/dt><dd>5<\/dd>/);
    expect(text).toMatch(/15:30 to 17:00/);
  });

  it('the session cookie is HttpOnly, SameSite=Lax and limited to /admin; signing out ends it', async () => {
    const client = new ConsoleClient(world.url);
    world.provider.signInAs(ALPHA_ADMIN);
    const start = await client.get('/admin/sign-in');
    const back = await fetch(start.headers.get('location')!, { redirect: 'manual' });
    const callback = await fetch(back.headers.get('location')!, { redirect: 'manual', headers: { cookie: start.headers.getSetCookie()[0]!.split(';')[0]! } });
    const session = callback.headers.getSetCookie().find((line) => line.startsWith('trellis_admin='));
    expect(session).toMatch(/; Path=\/admin; Max-Age=28800; HttpOnly; SameSite=Lax$/);

    await client.signedIn(world.provider, ALPHA_ADMIN);
    const copied = client.cookie('trellis_admin')!;
    const out = await client.post('/admin/sign-out', new URLSearchParams({ csrf: await client.csrf('/admin') }));
    expect(out.status).toBe(303);
    expect(client.hasSession()).toBe(false);
    expect(await (await client.get('/admin/schools/alpha')).status).toBe(303);
    // The session is ended on the server: a copy of the cookie taken before signing out no longer works.
    const thief = new ConsoleClient(world.url);
    thief.setCookie('trellis_admin', copied);
    const stolen = await thief.get('/admin/schools/alpha');
    expect(stolen.status).toBe(303);
    expect(stolen.headers.get('location')).toBe('/admin');
    expect(thief.hasSession()).toBe(false);
  });

  it('a forged state is refused and no session is made', async () => {
    const issued = world.provider.tokensIssued();
    const client = new ConsoleClient(world.url);
    const response = await client.signIn(world.provider, ALPHA_ADMIN, (url) => {
      url.searchParams.set('state', 'forged-state');
      return url;
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/could not be checked/);
    expect(client.hasSession()).toBe(false);
    // The code was never exchanged: the state is checked before the token request.
    expect(world.provider.tokensIssued()).toBe(issued);
  });

  it('a callback with no sign-in started in this browser is refused', async () => {
    const client = new ConsoleClient(world.url);
    world.provider.signInAs(ALPHA_ADMIN);
    const other = new ConsoleClient(world.url);
    const start = await other.get('/admin/sign-in');
    const atProvider = await fetch(start.headers.get('location')!, { redirect: 'manual' });
    const response = await client.get(atProvider.headers.get('location')!);
    expect(response.status).toBe(400);
    expect(client.hasSession()).toBe(false);
  });

  it('someone signed in who administers no school is refused, and so is an unverified e-mail of an administrator', async () => {
    const stranger = new ConsoleClient(world.url);
    const refused = await stranger.signIn(world.provider, { sub: 'x', email: 'teacher@alpha.example' });
    expect(refused.status).toBe(403);
    expect(await refused.text()).toMatch(/You are signed in as teacher@alpha\.example, who is not an administrator of any school/);
    expect(stranger.hasSession()).toBe(false);
    expect((await stranger.get('/admin/schools/alpha')).status).toBe(303);

    const unverified = new ConsoleClient(world.url);
    const response = await unverified.signIn(world.provider, { ...ALPHA_ADMIN, emailVerified: false });
    expect(response.status).toBe(403);
    expect(await response.text()).toMatch(/did not confirm a verified e-mail address/);
    expect(unverified.hasSession()).toBe(false);
  });
});

describe('who sees which school', () => {
  it('an administrator of school A cannot see school B, on any page', async () => {
    const client = new ConsoleClient(world.url);
    await client.signedIn(world.provider, ALPHA_ADMIN);
    for (const page of ['', '/reach', '/deliveries', '/access-requests', '/roster', '/reminders', '/terms', '/policy', '/chat', '/admins']) {
      const response = await client.get(`/admin/schools/beta${page}`);
      expect(response.status).toBe(404);
      const text = await response.text();
      expect(text).toMatch(/no such school among the schools you administer/);
      expect(text).not.toContain('Beta School');
      expect(text).not.toContain('beta.example');
    }
    for (const odd of ['/admin/schools/%zz/reach', '/admin/schools/ALPHA', '/admin/schools/alpha/nothing-here', '/admin/elsewhere']) {
      const response = await client.get(odd);
      expect(response.status).toBe(404);
      expect(await response.text()).toMatch(/There is no such page in the admin console\./);
    }
    const post = await client.post('/admin/schools/beta/reminders', new URLSearchParams({ csrf: await client.csrf('/admin/schools/alpha/reminders'), window: '08:00-09:00' }));
    expect(post.status).toBe(404);
    const beta = await db.prisma.school.findUniqueOrThrow({ where: { slug: 'beta' } });
    expect((beta.policy as { reminders: { window: unknown } }).reminders.window).toEqual({ start: '15:30', end: '17:00' });
    // And the other way round.
    const betaAdmin = new ConsoleClient(world.url);
    const home = await betaAdmin.signedIn(world.provider, BETA_ADMIN);
    expect(home).toContain('Beta School');
    expect(home).not.toContain('Alpha Academy');
    expect((await betaAdmin.get('/admin/schools/beta/reach')).status).toBe(200);
    expect((await betaAdmin.get('/admin/schools/alpha/reach')).status).toBe(404);
  });

  it('an administrator removed with trellis admins remove loses the school at their next page', async () => {
    const cli = (...argv: string[]) => runTrellisWith({ databaseUrl: db.url, at: NOW }, ...argv);
    expect((await cli('admins', 'add', 'temp@alpha.example', '--school', 'alpha')).code).toBe(0);
    const client = new ConsoleClient(world.url);
    await client.signedIn(world.provider, { sub: 'temp', email: 'temp@alpha.example' });
    expect((await client.get('/admin/schools/alpha/reach')).status).toBe(200);
    expect((await cli('admins', 'remove', 'temp@alpha.example', '--school', 'alpha')).code).toBe(0);
    // The removal ended their session at once: the next page asks them to sign in.
    const next = await client.get('/admin/schools/alpha/reach');
    expect(next.status).toBe(303);
    expect(next.headers.get('location')).toBe('/admin');
    expect(await (await client.get('/admin')).text()).toMatch(/<h1>Sign in<\/h1>/);
    expect(await db.prisma.adminSession.count({ where: { email: 'temp@alpha.example', endedAt: null } })).toBe(0);
  });

  it('an administrator sees their own sessions and ends another of them at once; another person\'s session cannot be ended from theirs', async () => {
    const office = new ConsoleClient(world.url);
    const laptop = new ConsoleClient(world.url);
    const other = new ConsoleClient(world.url);
    await office.signedIn(world.provider, { ...BETA_ADMIN, sub: 'beta-office' });
    await laptop.signedIn(world.provider, BETA_ADMIN);
    await other.signedIn(world.provider, TRUST_ADMIN);
    const page = await (await office.get('/admin/sessions')).text();
    expect(page).toMatch(/<h1>Your sessions<\/h1>/);
    expect(page).toContain('This session (use Sign out)');
    const ids = [...page.matchAll(/name="id" value="([^"]+)"/g)].map((m) => m[1]!);
    expect(ids.length).toBeGreaterThanOrEqual(1);
    const otherSession = (await db.prisma.adminSession.findFirstOrThrow({ where: { email: 'it@north.example', endedAt: null }, orderBy: { createdAt: 'desc' } })).id;
    expect(ids).not.toContain(otherSession);

    const csrf = /name="csrf" value="([^"]+)"/.exec(page)![1]!;
    const foreign = await office.post('/admin/sessions', new URLSearchParams({ csrf, id: otherSession }));
    expect(await foreign.text()).toContain('That session had already ended.');
    expect((await other.get('/admin/schools/alpha')).status).toBe(200);

    for (const id of ids) expect((await office.post('/admin/sessions', new URLSearchParams({ csrf, id }))).status).toBe(200);
    const ended = await laptop.get('/admin/schools/beta');
    expect(ended.status).toBe(303);
    expect((await office.get('/admin/schools/beta')).status).toBe(200);
  });

  it('sign-in starts and callbacks are limited per client address (a plain 429 page with Retry-After), counted apart for each address', async () => {
    const noisy = new ConsoleClient(world.url);
    for (let i = 0; i < SIGN_IN_LIMIT; i++) expect((await noisy.get('/admin/sign-in')).status).toBe(303);
    const refused = await noisy.get('/admin/sign-in');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    const text = await refused.text();
    expect(text).toMatch(/<h1>Too many sign-in attempts<\/h1>/);
    expect(text).not.toMatch(/at .*\.(ts|js)/);
    for (let i = 0; i < SIGN_IN_LIMIT; i++) expect((await noisy.get('/admin/callback?code=x&state=y')).status).toBe(400);
    expect((await noisy.get('/admin/callback?code=x&state=y')).status).toBe(429);
    // Someone else (another address) still signs in.
    await new ConsoleClient(world.url).signedIn(world.provider, ALPHA_ADMIN);
  });

  it('a trust administrator sees every school of the trust and none of another trust', async () => {
    const client = new ConsoleClient(world.url);
    const home = await client.signedIn(world.provider, TRUST_ADMIN);
    expect(home).toContain('Alpha Academy');
    expect(home).toContain('Gamma Primary');
    expect(home).not.toContain('Beta School');
    expect((await client.get('/admin/schools/gamma/reach')).status).toBe(200);
    expect((await client.get('/admin/schools/beta/reach')).status).toBe(404);
  });

  it('who can be reached lists every active person with the reason, from the one reach rule', async () => {
    const client = new ConsoleClient(world.url);
    await client.signedIn(world.provider, ALPHA_ADMIN);
    const text = await (await client.get('/admin/schools/alpha/reach')).text();
    expect(text).toMatch(/Slack reaches 0 of 5, Teams 0 of 5; 0 by at least one, 5 by neither\./);
    expect(text).toMatch(/<th scope="row">Teacher T1<\/th><td>t1@alpha\.example<\/td><td>teacher<\/td><td>No: [^<]+<\/td><td>No: [^<]+<\/td>/);

    // What Slack last refused for someone is the reason the page gives.
    const t2 = await db.prisma.person.findFirstOrThrow({ where: { email: 't2@alpha.example' } });
    await db.prisma.slackReachFailure.create({ data: { personId: t2.id, workspace: 'T123ABC456', outcome: 'deactivated', detail: 'Slack answered account_inactive to a message', attemptedAt: new Date('2026-11-30T19:00:00Z') } });
    const after = await (await client.get('/admin/schools/alpha/reach')).text();
    await db.prisma.slackReachFailure.deleteMany({ where: { personId: t2.id } });
    expect(after).toMatch(/<th scope="row">Teacher T2<\/th><td>t2@alpha\.example<\/td><td>teacher<\/td><td>No: Slack account deactivated; workspace T123ABC456, Slack answered account_inactive to a message<\/td>/);
  });

  it('002 §22–24: who can be reached shows the head’s own reviewers, how each is reached or why not, from the same report as trellis reach', async () => {
    const client = new ConsoleClient(world.url);
    await client.signedIn(world.provider, ALPHA_ADMIN);
    const before = await (await client.get('/admin/schools/alpha/reach')).text();
    expect(before).toContain('<h2>The head’s own reviewers</h2>');
    expect(before).toMatch(/Who the policy says reviews the head \(002 §22–24 [^)]*\)\)\./);
    expect(before).toMatch(/<tr><th scope="row">No one named<\/th><td><\/td><td>the governors appointed to review the head<\/td><td>No: not reached until the school names them \(`trellis school contact`\), so the head is reminded instead<\/td><\/tr>/);

    expect((await runTrellisWith({ databaseUrl: db.url, at: NOW }, 'school', 'contact', 'alpha', '--as', 'governors-panel', '--name', 'Gill Governor', '--email', 'gill@governors.example')).code).toBe(0);
    const named = await (await client.get('/admin/schools/alpha/reach')).text();
    expect((await runTrellisWith({ databaseUrl: db.url, at: NOW }, 'school', 'contact', 'alpha', '--remove', 'Gill Governor')).code).toBe(0);
    // The console here runs without SMTP: the governor is named but not e-mailed, and the page says so.
    expect(named).toMatch(/<tr><th scope="row">Gill Governor<\/th><td>gill@governors\.example<\/td><td>the governors appointed to review the head<\/td><td>No: not e-mailed: SMTP_URL and SMTP_FROM are not set, so the head is reminded instead<\/td><\/tr>/);
  });
});

describe('changes made in the console', () => {
  it('a roster upload is previewed line by line (problems, people not in the file, a reviewer over five reviewees, 002 §25) with nothing written, then applied as a second step and audited', async () => {
    const client = new ConsoleClient(world.url);
    await client.signedIn(world.provider, ALPHA_ADMIN);
    const peopleBefore = await db.prisma.person.count({ where: { school: { slug: 'alpha' } } });
    // t3 leaves, five new teachers join under one manager (seven reviewees, over 002 §25's five), one line is bad.
    const csv = rosterCsv('alpha', ['t1', 't2', 'n1', 'n2', 'n3', 'n4', 'n5'], ['bad@alpha.example,Bad Line,wizard,,,,2020-09-01,permanent,,']);
    const form = new FormData();
    form.set('csrf', await client.csrf('/admin/schools/alpha/roster'));
    form.set('file', new File([csv], 'staff.csv', { type: 'text/csv' }));
    form.set('mapping', '');
    const preview = await client.post('/admin/schools/alpha/roster/preview', form);
    expect(preview.status).toBe(200);
    const page = await preview.text();
    expect(page).toMatch(/staff\.csv: 9 of 10 lines can be loaded \(5 new\), 1 has a problem\. Nothing has changed yet\./);
    expect(page).toMatch(/<tr><td>11<\/td><td>bad@alpha\.example<\/td><td><\/td><td class="error">Not loaded: [^<]*wizard/);
    expect(page).toMatch(/<tr><td>6<\/td><td>n1@alpha\.example<\/td><td>Teacher N1<\/td><td>Added as new<\/td><\/tr>/);
    expect(page).toMatch(/1 person on the roster is not in the file:<\/p><ul><li>Teacher T3 \(t3@alpha\.example\)<\/li>/);
    expect(page).toMatch(/Mo Manager would review 7 people \(Teacher N1, [^)]*\); the policy expects at most 5 \(002 §25\)/);
    expect(await db.prisma.person.count({ where: { school: { slug: 'alpha' } } })).toBe(peopleBefore);

    const apply = new URLSearchParams({ csrf: /name="csrf" value="([^"]+)"/.exec(page)![1]!, file: /name="file" value="([^"]+)"/.exec(page)![1]!, name: 'staff.csv', mapping: '', leavers: 'mark' });
    const applied = await client.post('/admin/schools/alpha/roster/apply', apply);
    expect(applied.status).toBe(200);
    expect(await applied.text()).toMatch(/Loaded 9 staff: 5 new, \d+ changed, \d+ unchanged; 1 marked as leavers\./);
    expect(await db.prisma.person.findFirstOrThrow({ where: { email: 't3@alpha.example' } })).toMatchObject({ active: false });
    expect(await db.prisma.person.count({ where: { school: { slug: 'alpha' }, active: true } })).toBe(9);
    const audit = await db.prisma.auditEvent.findFirstOrThrow({ where: { action: 'roster.imported', school: { slug: 'alpha' } }, orderBy: { at: 'desc' } });
    expect(audit.details).toMatchObject({ created: 5, leavers: 1, by: 'ops@alpha.example' });
  });

  it('an Excel workbook with its own column names is previewed through a mapping, problems numbered by Excel row, and the mapping is only remembered once applied', async () => {
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('Staff');
    sheet.addRow(['Work Email', 'Forename', 'Surname', 'Job Title', 'Manager Email']);
    sheet.addRow(['boss@gamma.example', 'Bea', 'Boss', 'headteacher', '']);
    sheet.addRow(['teach@gamma.example', 'Tej', 'Teacher', 'teacher', 'boss@gamma.example']);
    sheet.addRow(['lost@gamma.example', 'Lou', 'Lost', 'teacher', 'nobody@gamma.example']);
    const bytes = Buffer.from(await book.xlsx.writeBuffer());
    const client = new ConsoleClient(world.url);
    await client.signedIn(world.provider, TRUST_ADMIN);
    const mapping = 'email=Work Email,full_name=Forename+Surname,role=Job Title,line_manager_email=Manager Email';
    const form = new FormData();
    form.set('csrf', await client.csrf('/admin/schools/gamma/roster'));
    form.set('file', new File([bytes], 'staff.xlsx'));
    form.set('mapping', mapping);
    const preview = await (await client.post('/admin/schools/gamma/roster/preview', form)).text();
    expect(preview).toMatch(/staff\.xlsx: 2 of 3 rows can be loaded \(2 new\), 1 has a problem\./);
    expect(preview).toMatch(/<tr><td>3<\/td><td>teach@gamma\.example<\/td><td>Tej Teacher<\/td><td>Added as new<\/td><\/tr>/);
    expect(preview).toMatch(/<tr><td>4<\/td><td>lost@gamma\.example<\/td><td><\/td><td class="error">Not loaded: line_manager_email nobody@gamma\.example is not a valid row of this file<\/td><\/tr>/);
    const gamma = await db.prisma.school.findUniqueOrThrow({ where: { slug: 'gamma' } });
    expect(gamma.rosterColumnMap).toBeNull();

    const apply = new URLSearchParams({ csrf: /name="csrf" value="([^"]+)"/.exec(preview)![1]!, file: bytes.toString('base64'), name: 'staff.xlsx', mapping, leavers: 'list' });
    expect(await (await client.post('/admin/schools/gamma/roster/apply', apply)).text()).toMatch(/Loaded 2 staff: 2 new, 0 changed, 0 unchanged\./);
    expect((await db.prisma.school.findUniqueOrThrow({ where: { slug: 'gamma' } })).rosterColumnMap).not.toBeNull();
    expect(await db.prisma.person.findFirstOrThrow({ where: { email: 'teach@gamma.example' }, include: { lineManager: true } })).toMatchObject({ fullName: 'Tej Teacher', lineManager: { email: 'boss@gamma.example' } });
  });

  it('a file whose columns are not Trellis\'s is shown with its header row and a column picker; the columns chosen preview it, travel to the apply step, and are remembered for the next file of that shape', async () => {
    const csv = ['Email Address,First Name,Last Name,Post,Line Manager Email', 'pat@gamma.example,Pat,Principal,headteacher,', 'sam@gamma.example,Sam,Smith,teacher,pat@gamma.example'].join('\n');
    const client = new ConsoleClient(world.url);
    await client.signedIn(world.provider, TRUST_ADMIN);
    const upload = new FormData();
    upload.set('csrf', await client.csrf('/admin/schools/gamma/roster'));
    upload.set('file', new File([csv], 'mis-staff.csv'));
    const asked = await client.post('/admin/schools/gamma/roster/preview', upload);
    expect(asked.status).toBe(200);
    const picker = await asked.text();
    expect(picker).toMatch(/<h1>Roster: choose the file&#39;s columns<\/h1>/);
    expect(picker).toMatch(/The file's first row names 5 column\(s\): <strong>Email Address<\/strong>, <strong>First Name<\/strong>, <strong>Last Name<\/strong>, <strong>Post<\/strong>, <strong>Line Manager Email<\/strong>\./);
    expect(picker).toMatch(/<label for="column-email">E-mail address \(required\)<\/label><select id="column-email" name="column-email"><option value="">Not in the file<\/option><option value="Email Address">Email Address<\/option>/);
    expect(picker).toMatch(/<label for="column-full_name-2">Full name, second part/);

    const chosen = new URLSearchParams({
      csrf: /name="csrf" value="([^"]+)"/.exec(picker)![1]!,
      file: /name="file" value="([^"]+)"/.exec(picker)![1]!,
      name: 'mis-staff.csv',
      'column-email': 'Email Address',
      'column-full_name': 'First Name',
      'column-full_name-2': 'Last Name',
      'column-role': 'Post',
      'column-line_manager_email': 'Line Manager Email',
      'column-department': '',
    });
    const previewed = await client.post('/admin/schools/gamma/roster/preview', chosen);
    expect(previewed.status).toBe(200);
    const preview = await previewed.text();
    expect(preview).toMatch(/mis-staff\.csv: 2 of 2 lines can be loaded \(2 new\), 0 have problems\./);
    expect(preview).toMatch(/<tr><td>3<\/td><td>sam@gamma\.example<\/td><td>Sam Smith<\/td><td>Added as new<\/td><\/tr>/);
    expect(preview).toMatch(/<option value="Post" selected>Post<\/option>/);
    const before = (await db.prisma.school.findUniqueOrThrow({ where: { slug: 'gamma' } })).rosterColumnMap;

    const applyForm = /<form method="post" action="\/admin\/schools\/gamma\/roster\/apply">([\s\S]*?)<\/form>/.exec(preview)![1]!;
    const apply = new URLSearchParams([...applyForm.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1]!, m[2]!] as [string, string]));
    expect(apply.get('column-full_name-2')).toBe('Last Name');
    expect((await db.prisma.school.findUniqueOrThrow({ where: { slug: 'gamma' } })).rosterColumnMap).toEqual(before);
    expect(await (await client.post('/admin/schools/gamma/roster/apply', apply)).text()).toMatch(/Loaded 2 staff: 2 new, 0 changed, 0 unchanged\./);
    expect((await db.prisma.school.findUniqueOrThrow({ where: { slug: 'gamma' } })).rosterColumnMap).toEqual({ email: ['Email Address'], full_name: ['First Name', 'Last Name'], role: ['Post'], line_manager_email: ['Line Manager Email'] });

    // The next file of that shape needs no choosing: the remembered columns are used and shown chosen.
    const again = new FormData();
    again.set('csrf', await client.csrf('/admin/schools/gamma/roster'));
    again.set('file', new File([csv], 'mis-staff-december.csv'));
    const remembered = await client.post('/admin/schools/gamma/roster/preview', again);
    expect(remembered.status).toBe(200);
    const text = await remembered.text();
    expect(text).toMatch(/The file was read with the columns remembered for this school from its last import\./);
    expect(text).toMatch(/<select id="column-full_name-2" name="column-full_name-2"><option value="">Not in the file<\/option>(<option value="[^"]+">[^<]+<\/option>)*<option value="Last Name" selected>Last Name<\/option>/);
  });

  it('a file that is not a roster is refused on the upload page with the reason, and nothing changes', async () => {
    const client = new ConsoleClient(world.url);
    await client.signedIn(world.provider, ALPHA_ADMIN);
    const form = new FormData();
    form.set('csrf', await client.csrf('/admin/schools/alpha/roster'));
    form.set('file', new File([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0, 0, 0, 0])], 'old.xls'));
    const refused = await client.post('/admin/schools/alpha/roster/preview', form);
    expect(refused.status).toBe(400);
    expect(await refused.text()).toMatch(/<p class="problem" role="alert" id="file-problem">old\.xls: This is an old-style Excel file \(\.xls\)\. .* Nothing was loaded\.<\/p>/);
  });

  it('a failed delivery is re-sent through the outbox resend and audited; another school’s dead letter is left alone', async () => {
    const queue = new PrismaNotificationQueue(db.prisma);
    const t1 = await db.prisma.person.findFirstOrThrow({ where: { email: 't1@alpha.example' } });
    const b1 = await db.prisma.person.findFirstOrThrow({ where: { email: 't1@beta.example' } });
    await queue.queue(keyNotifications('test:alpha', [{ personId: t1.id, messages: [say('Your plan was agreed.')] }]), new Date(NOW));
    await queue.queue(keyNotifications('test:beta', [{ personId: b1.id, messages: [say('Your plan was agreed.')] }]), new Date(NOW));
    // Both gave up after their retries, as the delivery job leaves a dead letter.
    await db.prisma.nudgeOutbox.updateMany({ where: { key: { in: ['notify:test:alpha:0', 'notify:test:beta:0'] } }, data: { status: 'failed', attempts: 12, lastError: 'no channel can reach them' } });
    const alphaRow = await db.prisma.nudgeOutbox.findUniqueOrThrow({ where: { key: 'notify:test:alpha:0' } });
    const betaRow = await db.prisma.nudgeOutbox.findUniqueOrThrow({ where: { key: 'notify:test:beta:0' } });

    const client = new ConsoleClient(world.url);
    await client.signedIn(world.provider, ALPHA_ADMIN);
    const list = await (await client.get('/admin/schools/alpha/deliveries')).text();
    expect(list).toContain('t1@alpha.example');
    expect(list).not.toContain('t1@beta.example');
    expect(list).not.toContain('Your plan was agreed');
    const form = new URLSearchParams({ csrf: await client.csrf('/admin/schools/alpha/deliveries') });
    form.append('id', alphaRow.id);
    form.append('id', betaRow.id);
    const resent = await client.post('/admin/schools/alpha/deliveries', form);
    expect(resent.status).toBe(200);
    expect(await resent.text()).toMatch(/1 delivery was queued again/);
    expect(await db.prisma.nudgeOutbox.findUniqueOrThrow({ where: { id: alphaRow.id } })).toMatchObject({ status: 'pending', attempts: 0 });
    expect(await db.prisma.nudgeOutbox.findUniqueOrThrow({ where: { id: betaRow.id } })).toMatchObject({ status: 'failed' });
    const jobs = await db.prisma.$queryRaw<{ key: string }[]>`SELECT key FROM graphile_worker._private_jobs WHERE key = ${alphaRow.key}`;
    expect(jobs).toHaveLength(1);
    const audit = await db.prisma.auditEvent.findFirstOrThrow({ where: { action: 'outbox.resent' } });
    expect(audit.details).toEqual({ by: 'ops@alpha.example', outbox: [alphaRow.id] });
  });

  it('a POST without the session’s CSRF token, or from another origin, is refused and changes nothing', async () => {
    const client = new ConsoleClient(world.url);
    await client.signedIn(world.provider, ALPHA_ADMIN);
    const noToken = await client.post('/admin/schools/alpha/reminders', new URLSearchParams({ window: '07:00-08:00' }));
    expect(noToken.status).toBe(403);
    const wrongToken = await client.post('/admin/schools/alpha/reminders', new URLSearchParams({ csrf: 'guessed', window: '07:00-08:00' }));
    expect(wrongToken.status).toBe(403);
    const token = await client.csrf('/admin/schools/alpha/reminders');
    const crossSite = await client.post('/admin/schools/alpha/reminders', new URLSearchParams({ csrf: token, window: '07:00-08:00' }), { origin: 'https://evil.example' });
    expect(crossSite.status).toBe(403);
    expect(await crossSite.text()).toMatch(/sent from another site/);
    // Another signed-in administrator's token is not this session's.
    const other = new ConsoleClient(world.url);
    await other.signedIn(world.provider, TRUST_ADMIN);
    const borrowed = await client.post('/admin/schools/alpha/reminders', new URLSearchParams({ csrf: await other.csrf('/admin/schools/alpha/reminders'), window: '07:00-08:00' }));
    expect(borrowed.status).toBe(403);
    const alpha = await db.prisma.school.findUniqueOrThrow({ where: { slug: 'alpha' } });
    expect((alpha.policy as { reminders: { window: unknown } }).reminders.window).toEqual({ start: '15:30', end: '17:00' });
  });

  it('the reminder window is changed with the token, audited with who changed it, and a bad one is named on its field', async () => {
    const client = new ConsoleClient(world.url);
    await client.signedIn(world.provider, ALPHA_ADMIN);
    const bad = await client.post('/admin/schools/alpha/reminders', new URLSearchParams({ csrf: await client.csrf('/admin/schools/alpha/reminders'), window: '17:00-15:30' }));
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/<p class="error" id="window-problem">The reminder window must end after it starts \(17:00 to 15:30\)\.<\/p>[\s\S]*aria-invalid="true"/);
    const saved = await client.post('/admin/schools/alpha/reminders', new URLSearchParams({ csrf: await client.csrf('/admin/schools/alpha/reminders'), window: '16:00-17:30' }));
    expect(saved.status).toBe(200);
    expect(await saved.text()).toMatch(/reminders now go out between 16:00 and 17:30/);
    const alpha = await db.prisma.school.findUniqueOrThrow({ where: { slug: 'alpha' } });
    expect((alpha.policy as { reminders: { window: unknown } }).reminders.window).toEqual({ start: '16:00', end: '17:30' });
    const audit = await db.prisma.auditEvent.findFirstOrThrow({ where: { action: 'school.updated', schoolId: alpha.id }, orderBy: { at: 'desc' } });
    expect(audit.details).toMatchObject({ by: 'ops@alpha.example', change: 'reminder window', reminderWindow: '16:00-17:30' });
  });

  it('the policy page shows the preset a school runs and where it differs; a chosen file is checked with each problem at its field, compared with its preset, and used only once confirmed', async () => {
    const client = new ConsoleClient(world.url);
    await client.signedIn(world.provider, TRUST_ADMIN);
    const view = await (await client.get('/admin/schools/gamma/policy')).text();
    expect(view).toMatch(/This school runs <strong>preset:whmat<\/strong>, based on the preset <strong>whmat<\/strong>\./);
    expect(view).toMatch(/Where it differs from the preset<\/h2><p>No differences\.<\/p>/);

    const whmat = parseYaml(policyToYaml(PRESET_INPUTS.whmat!)) as { reminders?: Record<string, unknown> };
    const upload = async (name: string, document: unknown) => {
      const form = new FormData();
      form.set('csrf', await client.csrf('/admin/schools/gamma/policy'));
      form.set('kind', 'file');
      form.set('file', new File([toYaml(document)], name));
      return client.post('/admin/schools/gamma/policy/check', form);
    };
    const bad = await upload('broken.yaml', { ...whmat, colour: 'green', reminders: { ...whmat.reminders, overdueEverySchoolDays: 0 } });
    expect(bad.status).toBe(400);
    const problems = await bad.text();
    expect(problems).toMatch(/broken\.yaml has 2 problems; nothing was changed\./);
    expect(problems).toMatch(/<tr><th scope="row"><code>colour<\/code><\/th><td>[^<]+<\/td><\/tr>/);
    expect(problems).toMatch(/<tr><th scope="row"><code>reminders\.overdueEverySchoolDays<\/code><\/th><td>[^<]+<\/td><\/tr>/);

    const good = await upload('gamma.yaml', { ...whmat, reminders: { ...whmat.reminders, overdueEverySchoolDays: 3 } });
    expect(good.status).toBe(200);
    const checked = await good.text();
    expect(checked).toMatch(/is a valid policy with \d+ obligation rules\. Nothing has changed yet\./);
    expect(checked).toMatch(/Settings that would change<\/caption>.*<tr><th scope="row"><code>reminders\.overdueEverySchoolDays<\/code><\/th><td>5<\/td><td>3<\/td><\/tr><\/tbody>/s);
    expect(checked).toMatch(/Compared with the preset it came from \(whmat\)/);
    expect((await db.prisma.school.findUniqueOrThrow({ where: { slug: 'gamma' } })).policySource).toBe('preset:whmat');

    const confirm = new URLSearchParams({ csrf: /name="csrf" value="([^"]+)"/.exec(checked)![1]!, file: /name="file" value="([^"]+)"/.exec(checked)![1]!, name: 'gamma.yaml' });
    const applied = await client.post('/admin/schools/gamma/policy/apply', confirm);
    expect(applied.status).toBe(200);
    expect(await applied.text()).toMatch(/The school now runs upload:gamma\.yaml\. Everyone's obligations were recomputed/);
    const gamma = await db.prisma.school.findUniqueOrThrow({ where: { slug: 'gamma' } });
    expect(gamma.policySource).toBe('upload:gamma.yaml');
    expect((gamma.policy as { reminders: { overdueEverySchoolDays: number } }).reminders.overdueEverySchoolDays).toBe(3);
    const audit = await db.prisma.auditEvent.findFirstOrThrow({ where: { action: 'school.updated', schoolId: gamma.id }, orderBy: { at: 'desc' } });
    expect(audit.details).toMatchObject({ by: 'it@north.example', change: 'policy', settingsChanged: '1', policySource: 'upload:gamma.yaml' });
    const after = await (await client.get('/admin/schools/gamma/policy')).text();
    expect(after).toMatch(/<tr><th scope="row"><code>reminders\.overdueEverySchoolDays<\/code><\/th><td>5<\/td><td>3<\/td><\/tr>/);
  });

  it('new term dates are checked with each problem at its field, shown as the calendar they make, then used once confirmed, obligations recomputed and the change audited', async () => {
    const client = new ConsoleClient(world.url);
    await client.signedIn(world.provider, BETA_ADMIN);
    const upload = async (name: string, text: string) => {
      const form = new FormData();
      form.set('csrf', await client.csrf('/admin/schools/beta/terms'));
      form.set('file', new File([text], name));
      return client.post('/admin/schools/beta/terms/check', form);
    };
    const original = await readFile(TERMS, 'utf8');
    const bad = await upload('bad.yaml', original.replace('end: 2026-12-18', 'end: 2026-08-18'));
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/<tr><th scope="row"><code>terms\[0\]\.end<\/code><\/th><td>2026-08-18 is before the term&#39;s start 2026-09-02<\/td><\/tr>/);

    // One more closure day, on a Monday in term: one school day fewer.
    const good = await upload('terms-2026.yaml', original.replace('closures: [2026-09-01,', 'closures: [2026-09-01, 2026-12-14,'));
    expect(good.status).toBe(200);
    const checked = await good.text();
    expect(checked).toMatch(/terms-2026\.yaml: 192 school days in 2026\/27 \(now 193\)\. Nothing has changed yet\./);
    expect(checked).toMatch(/<td class="closure">14<span class="visually-hidden">, closure day<\/span><\/td>/);
    const beta = await db.prisma.school.findUniqueOrThrow({ where: { slug: 'beta' } });
    expect((beta.termDates as { closures: string[] }).closures).not.toContain('2026-12-14');

    const confirm = new URLSearchParams({ csrf: /name="csrf" value="([^"]+)"/.exec(checked)![1]!, file: /name="file" value="([^"]+)"/.exec(checked)![1]!, name: 'terms-2026.yaml' });
    const applied = await client.post('/admin/schools/beta/terms/apply', confirm);
    expect(applied.status).toBe(200);
    expect(await applied.text()).toMatch(/The school's term dates are now those of terms-2026\.yaml\. Everyone's obligations were recomputed/);
    const after = await db.prisma.school.findUniqueOrThrow({ where: { slug: 'beta' } });
    expect((after.termDates as { closures: string[] }).closures).toContain('2026-12-14');
    const audit = await db.prisma.auditEvent.findFirstOrThrow({ where: { action: 'school.updated', schoolId: beta.id }, orderBy: { at: 'desc' } });
    expect(audit.details).toMatchObject({ by: 'office@beta.example', change: 'term dates', file: 'terms-2026.yaml' });
    expect(await (await client.get('/admin/schools/beta/terms?year=2026')).text()).toMatch(/192 school days in 2026\/27/);
  });

  it('term dates can be picked from the files shipped with Trellis: checked and shown first, used once confirmed, the shipped file named in the audit trail; a name not shipped is refused on its field', async () => {
    const client = new ConsoleClient(world.url);
    await client.signedIn(world.provider, TRUST_ADMIN);
    const page = await (await client.get('/admin/schools/gamma/terms')).text();
    // Every file in config/terms is offered (more may be added there: these three are shipped today).
    for (const name of ['england-2026-27.yaml', 'england-2026-28.yaml', 'scotland-2026-27.yaml']) expect(page).toContain(`<option value="${name}">${name}</option>`);
    expect(page).toMatch(/<label for="terms-shipped">Term dates shipped with Trellis<\/label>/);
    const check = async (shipped: string) => {
      const form = new FormData();
      form.set('csrf', await client.csrf('/admin/schools/gamma/terms'));
      form.set('kind', 'shipped');
      form.set('shipped', shipped);
      return client.post('/admin/schools/gamma/terms/check', form);
    };
    const missing = await check('../../package.json');
    expect(missing.status).toBe(400);
    expect(await missing.text()).toMatch(/<tr><th scope="row"><code>shipped<\/code><\/th><td>should be one of the term-date files shipped with Trellis \([^)]*scotland-2026-27\.yaml[^)]*\)<\/td><\/tr>/);

    const checked = await check('scotland-2026-27.yaml');
    expect(checked.status).toBe(200);
    const text = await checked.text();
    expect(text).toMatch(/config\/terms\/scotland-2026-27\.yaml: \d+ school days in 2026\/27 \(now 193\)\. Nothing has changed yet\./);
    const gamma = await db.prisma.school.findUniqueOrThrow({ where: { slug: 'gamma' } });
    expect((gamma.termDates as { region: string }).region).toBe('england-and-wales');

    const confirm = new URLSearchParams({ csrf: /name="csrf" value="([^"]+)"/.exec(text)![1]!, shipped: /name="shipped" value="([^"]+)"/.exec(text)![1]! });
    const applied = await client.post('/admin/schools/gamma/terms/apply', confirm);
    expect(applied.status).toBe(200);
    expect(await applied.text()).toMatch(/The school's term dates are now those of config\/terms\/scotland-2026-27\.yaml\./);
    const after = await db.prisma.school.findUniqueOrThrow({ where: { slug: 'gamma' } });
    expect((after.termDates as { region: string }).region).toBe('scotland');
    const audit = await db.prisma.auditEvent.findFirstOrThrow({ where: { action: 'school.updated', schoolId: gamma.id }, orderBy: { at: 'desc' } });
    expect(audit.details).toMatchObject({ by: 'it@north.example', change: 'term dates', file: 'config/terms/scotland-2026-27.yaml' });
  });

  it('term dates show the year as the school calendar counts it: school days per month, half terms and holidays', async () => {
    const client = new ConsoleClient(world.url);
    await client.signedIn(world.provider, ALPHA_ADMIN);
    const text = await (await client.get('/admin/schools/alpha/terms?year=2026')).text();
    expect(text).toMatch(/<h1>Term dates 2026\/27<\/h1>/);
    expect(text).toMatch(/<caption>August 2027: 0 school days<\/caption>/);
    expect(text).toMatch(/<td class="bank-holiday">25<span class="visually-hidden">, bank holiday<\/span><\/td>/);
    expect(text).toMatch(/<td class="half-term">\d+<span class="visually-hidden">, half term<\/span><\/td>/);
    expect(text).toMatch(/<td class="school-day">23<span class="visually-hidden">, school day<\/span><\/td>/);
  });
});
