import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runTrellisWith } from '../support/run-cli.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

const TERMS = join(import.meta.dirname, '../../config/terms/england-2026-28.yaml');
const AT = '2026-09-07T09:00:00Z';

let db: TestDatabase;
const trellis = (...argv: string[]) => runTrellisWith({ databaseUrl: db.url, at: AT }, ...argv);

beforeAll(async () => {
  db = await createTestDatabase();
  expect((await trellis('school', 'set', 'kingsmead', '--policy', 'kingsmead', '--terms', TERMS, '--trust', 'east')).code).toBe(0);
});
afterAll(() => db.drop());

it('trellis admins adds, lists and removes the administrators of a school and of a trust, each change audited', async () => {
  const added = await trellis('admins', 'add', 'Office@Kingsmead.example', '--school', 'kingsmead');
  expect(added).toMatchObject({ code: 0, stdout: 'office@kingsmead.example can now use the admin console for school "kingsmead".\n' });
  expect((await trellis('admins', 'add', 'office@kingsmead.example', '--school', 'kingsmead')).stdout).toBe('office@kingsmead.example could already use the admin console for school "kingsmead".\n');
  expect((await trellis('admins', 'add', 'it@east.example', '--trust', 'east')).code).toBe(0);
  const list = await trellis('admins', 'list');
  expect(list.stdout).toMatch(/^it@east\.example: every school of trust "east", since \d{4}-\d\d-\d\d\noffice@kingsmead\.example: school "kingsmead", since \d{4}-\d\d-\d\d\n$/);
  const removed = await trellis('admins', 'remove', 'office@kingsmead.example', '--school', 'kingsmead');
  expect(removed.stdout).toMatch(/^office@kingsmead\.example can no longer use the admin console for school "kingsmead"/);
  expect(await db.prisma.adminGrant.count()).toBe(1);
  const audit = await db.prisma.auditEvent.findMany({ where: { action: { in: ['admin.added', 'admin.removed'] } }, orderBy: { at: 'asc' } });
  expect(audit.map((event) => [event.action, event.details])).toEqual([
    ['admin.added', { email: 'office@kingsmead.example' }],
    ['admin.added', { email: 'it@east.example' }],
    ['admin.removed', { email: 'office@kingsmead.example' }],
  ]);
});

it('trellis admins says plainly what is wrong: an unknown school, not an e-mail, both or neither scope', async () => {
  expect(await trellis('admins', 'add', 'a@b.example', '--school', 'nowhere')).toMatchObject({ code: 1, stderr: 'There is no school "nowhere".\n' });
  expect(await trellis('admins', 'add', 'not-an-email', '--school', 'kingsmead')).toMatchObject({ code: 1, stderr: '"not-an-email" is not an e-mail address.\n' });
  expect((await trellis('admins', 'add', 'a@b.example', '--school', 'kingsmead', '--trust', 'east')).stderr).toMatch(/^Give --school SCHOOL or --trust TRUST \(one of them\)\./);
  expect((await trellis('admins', 'add', 'a@b.example')).stderr).toMatch(/^Give --school SCHOOL or --trust TRUST/);
  expect((await trellis('admins', 'promote', 'a@b.example')).stderr).toMatch(/^Say add, remove or list\./);
  expect((await trellis('admins', 'remove', 'a@b.example', '--school', 'kingsmead')).stdout).toBe('a@b.example was not an administrator of school "kingsmead": nothing changed.\n');
});
