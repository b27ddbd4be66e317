import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/time/clock.ts';
import { runTrellisWith } from '../support/run-cli.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { type AdminWorld, ConsoleClient, rosterCsv, seedSchools, startAdminWorld } from './support/admin-world.ts';

const CHROMIUM = '/usr/bin/chromium';
const DOCS = join(import.meta.dirname, '../../docs');
const NOW = '2026-11-23T10:00:00Z';
const ADMIN = { sub: 'alpha-admin', email: 'ops@alpha.example' };

let db: TestDatabase;
let world: AdminWorld;

beforeAll(async () => {
  db = await createTestDatabase();
  await seedSchools(db.url, NOW);
  expect((await runTrellisWith({ databaseUrl: db.url, at: NOW }, 'admins', 'add', ADMIN.email, '--school', 'alpha')).code).toBe(0);
  // An access request waiting for the head, whose reason the console must not show.
  const [hod, t1] = await Promise.all(['hod@alpha.example', 't1@alpha.example'].map((email) => db.prisma.person.findFirstOrThrow({ where: { email } })));
  await db.prisma.accessGrant.create({ data: { requesterId: hod!.id, subjectId: t1!.id, reason: 'A confidential concern', status: 'requested', requestedAt: new Date('2026-11-20T09:00:00Z') } });
  // A Slack workspace and a Teams tenant recorded for alpha, for the chat workspaces page.
  const alpha = await db.prisma.school.findUniqueOrThrow({ where: { slug: 'alpha' } });
  await db.prisma.schoolChatWorkspace.createMany({ data: [{ schoolId: alpha.id, platform: 'slack', tenantId: 'T0ALPHA001' }, { schoolId: alpha.id, platform: 'teams', tenantId: '0a1b2c3d-1111-2222-3333-444455556666' }] });
  world = await startAdminWorld(db.url, fixedClock(NOW));
});
afterAll(async () => {
  await world?.close();
  await db?.drop();
});

it('an administrator signs in with the keyboard and visits every page of the console in Chromium with no console errors, and nothing confidential shows', async () => {
  if (!existsSync(CHROMIUM)) {
    // Said plainly, not skipped: the same pages are still fetched and checked without a browser.
    console.warn(`\n*** The admin console BROWSER test did NOT run: there is no Chromium at ${CHROMIUM}. Fetching the pages without a browser instead. ***\n`);
    const client = new ConsoleClient(world.url);
    await client.signedIn(world.provider, ADMIN);
    for (const path of ['', '/reach', '/deliveries', '/access-requests', '/roster', '/reminders', '/terms', '/policy', '/chat', '/admins']) expect((await client.get(`/admin/schools/alpha${path}`)).status).toBe(200);
    return;
  }
  const browser: Browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') problems.push(`console ${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('response', (response) => {
      if (response.status() >= 400) problems.push(`${response.status()} ${response.url()}`);
    });

    world.provider.signInAs(ADMIN);
    await page.goto(`${world.url}/admin`);
    // The first Tab reaches the skip link; the focus is drawn.
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement?.textContent')).toBe('Skip to main content');
    expect(await page.evaluate('getComputedStyle(document.activeElement).outlineStyle')).toBe('solid');
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement?.textContent')).toBe('Sign in');
    await Promise.all([page.waitForURL(`${world.url}/admin`), page.keyboard.press('Enter')]);
    await expect.poll(() => page.locator('h1').textContent()).toBe('Your schools');
    await page.getByRole('link', { name: 'Alpha Academy' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Overview');

    // One h1, and every form control has a label.
    const accessible = async () => {
      expect(await page.locator('h1').count()).toBe(1);
      const unlabelled = await page.evaluate(
        "[...document.querySelectorAll('input:not([type=hidden]), select, textarea')].filter((el) => el.labels.length === 0 && !el.getAttribute('aria-label')).map((el) => el.outerHTML)",
      );
      expect(unlabelled).toEqual([]);
    };
    const visit = async (link: string, heading: RegExp) => {
      await page.getByRole('navigation', { name: 'Alpha Academy' }).getByRole('link', { name: link }).click();
      await expect.poll(() => page.locator('h1').textContent()).toMatch(heading);
      expect(await page.getByRole('link', { name: link }).getAttribute('aria-current')).toBe('page');
      await accessible();
    };
    await visit('Who can be reached', /^Who can be reached$/);
    await expect.poll(() => page.getByRole('row', { name: /Teacher T1/ }).textContent()).toMatch(/t1@alpha\.exampleteacherNo: /);
    // The head's own reviewers (002 §22–24), each with how Trellis reaches them or why not.
    expect(await page.getByRole('heading', { level: 2, name: 'The head’s own reviewers' }).count()).toBe(1);
    expect(await page.getByRole('table', { name: 'The head’s reviewers and how Trellis reaches them' }).getByRole('row', { name: /the governors appointed to review the head/ }).textContent()).toMatch(/No: not reached until the school names them/);
    await page.screenshot({ path: join(DOCS, 'admin-reach.png'), fullPage: true });
    await visit('Failed deliveries', /^Failed deliveries$/);
    await visit('Access requests', /^Access requests$/);
    expect(await page.getByRole('table').textContent()).toMatch(/Mo ManagerTeacher T12026-11-20/);
    expect(await page.content()).not.toContain('confidential concern');
    await visit('Term dates', /^Term dates 2026\/27$/);
    await page.screenshot({ path: join(DOCS, 'admin-terms.png'), fullPage: true });
    // A term-dates file shipped with Trellis, picked from the list and checked before use.
    await page.getByLabel('Term dates shipped with Trellis').selectOption('england-2026-27.yaml');
    await page.getByRole('button', { name: 'Check these term dates' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Term dates: check before using');
    expect(await page.getByRole('status').textContent()).toMatch(/^config\/terms\/england-2026-27\.yaml: \d+ school days in 2026\/27 \(now \d+\)\. Nothing has changed yet\.$/);
    await page.getByRole('link', { name: 'Cancel' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Term dates 2026/27');
    await visit('Policy', /^Policy$/);
    await page.getByLabel('A preset').selectOption('tpat');
    await page.getByRole('button', { name: 'Check this preset' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Policy: check before using');
    expect(await page.getByRole('table', { name: 'Settings that would change' }).getByRole('row').count()).toBeGreaterThan(10);
    await visit('Reminder window', /^Reminder window$/);
    await page.getByLabel('Daily window (24-hour, London time)').fill('15:45-17:15');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByRole('status').textContent()).toMatch(/between 15:45 and 17:15/);

    await visit('Roster', /^Roster$/);
    // A staff export with its own column names: the picker, every select labelled, then the preview.
    const mis = ['Email Address,Forename,Surname,Post,Line Manager Email', ...rosterCsv('alpha', ['t1']).split('\n').slice(1).map((line) => {
      const [email, name, role, manager] = line.split(',');
      const [first, ...rest] = name!.split(' ');
      return [email, first, rest.join(' '), role, manager].join(',');
    })].join('\n');
    await page.getByLabel('Roster file (CSV or .xlsx)').setInputFiles({ name: 'mis-export.csv', mimeType: 'text/csv', buffer: Buffer.from(mis) });
    await page.getByRole('button', { name: 'Check the file' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe("Roster: choose the file's columns");
    await accessible();
    await page.getByLabel('E-mail address (required)', { exact: true }).selectOption('Email Address');
    await page.getByLabel('Full name (required)', { exact: true }).selectOption('Forename');
    await page.getByLabel('Full name, second part (optional, such as the surname)').selectOption('Surname');
    await page.getByLabel('Role (required)', { exact: true }).selectOption('Post');
    await page.screenshot({ path: join(DOCS, 'admin-roster-columns.png'), fullPage: true });
    await page.getByRole('button', { name: 'Check the file with these columns' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Roster: check before applying');
    expect(await page.getByRole('status').textContent()).toMatch(/mis-export\.csv: 3 of 3 lines can be loaded \(0 new\)/);
    await accessible();
    await page.getByRole('link', { name: 'Choose another file' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Roster');
    await page.getByLabel('Roster file (CSV or .xlsx)').setInputFiles({ name: 'staff.csv', mimeType: 'text/csv', buffer: Buffer.from(rosterCsv('alpha', ['t1', 't2', 't3', 'new1'], ['oops@alpha.example,Oops,teacher,nobody@alpha.example,,,2020-09-01,permanent,,'])) });
    await page.getByRole('button', { name: 'Check the file' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Roster: check before applying');
    expect(await page.getByRole('status').textContent()).toMatch(/6 of 7 lines can be loaded \(1 new\), 1 has a problem/);
    await page.screenshot({ path: join(DOCS, 'admin-roster-preview.png'), fullPage: true });
    await page.getByRole('button', { name: 'Apply this roster' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Roster applied');
    expect(await page.getByRole('status').textContent()).toMatch(/Loaded 6 staff: 1 new/);

    await visit('Chat workspaces', /^Chat workspaces$/);
    expect(await page.getByRole('table', { name: /Slack workspaces and Enterprise Grid orgs bound to Alpha Academy/ }).textContent()).toContain('T0ALPHA001');
    expect(await page.getByRole('table', { name: /Microsoft Teams tenants bound to Alpha Academy/ }).textContent()).toContain('0a1b2c3d-1111-2222-3333-444455556666');
    // Record a Slack workspace with the keyboard, then remove it with its own labelled button.
    await page.getByLabel('Slack workspace or Enterprise Grid org id').fill('T0ALPHA002');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByRole('status').textContent()).toMatch(/^Slack workspace T0ALPHA002 is now recorded for Alpha Academy/);
    await accessible();
    await page.screenshot({ path: join(DOCS, 'admin-chat.png'), fullPage: true });
    await page.getByRole('button', { name: 'Remove T0ALPHA002 from Alpha Academy' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toBe('Slack workspace T0ALPHA002 is no longer recorded for Alpha Academy.');
    expect(await page.getByRole('table', { name: /Slack workspaces and Enterprise Grid orgs bound to Alpha Academy/ }).textContent()).not.toContain('T0ALPHA002');

    // Administrators: name one with the keyboard, then remove them with their own labelled button.
    await visit('Administrators', /^Administrators$/);
    await page.getByLabel('E-mail address').fill('bursar@alpha.example');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByRole('status').textContent()).toBe('bursar@alpha.example can now use the admin console for Alpha Academy.');
    await accessible();
    await page.screenshot({ path: join(DOCS, 'admin-administrators.png'), fullPage: true });
    await page.getByRole('button', { name: 'Remove bursar@alpha.example as administrator of Alpha Academy' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toMatch(/^bursar@alpha\.example can no longer use the admin console for Alpha Academy/);
    expect(await page.getByRole('table', { name: 'Administrators of Alpha Academy' }).textContent()).not.toContain('bursar@');

    // Your sessions: this one is listed, and says to use Sign out.
    await page.getByRole('link', { name: 'Your sessions' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Your sessions');
    await accessible();
    expect(await page.getByRole('table').textContent()).toContain('This session (use Sign out)');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toBe('You are signed out.');
    expect(problems).toEqual([]);
  } finally {
    await browser.close();
  }
  // A real browser visiting a dozen pages: minutes on a loaded machine, never a failure for it.
}, 180_000);
