// `trellis export person EMAIL`: an administrator answers a subject access request with the same
// two files a person gets from `/growth my-records` (002 §44; UK GDPR right of access).
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMINISTRATOR_EXPORT, seenByLines } from '../../src/core/reports/who-has-seen.ts';
import { PrismaAccessLogStore } from '../../src/storage/prisma/prisma-access-relationships.ts';
import { runTrellisWith } from '../support/run-cli.ts';
import { seedEveryRecord } from '../support/seed-every-record.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { pdfText } from '../core/reports/governors-year.ts';

let db: TestDatabase;
let out: string;
const trellis = (...argv: string[]) => runTrellisWith({ databaseUrl: db.url, at: '2026-11-30T12:00:00Z' }, ...argv);

beforeAll(async () => {
  db = await createTestDatabase();
  out = await mkdtemp(join(tmpdir(), 'trellis-export-'));
  for (const slug of ['north', 'south']) {
    const school = await db.prisma.school.create({ data: { slug, name: `${slug} school`, policy: {}, policySource: 'tpat', termDates: {} } });
    const head = await db.prisma.person.create({ data: { schoolId: school.id, email: `head@${slug}.example`, fullName: 'Ada Head', role: 'headteacher' } });
    const person = await db.prisma.person.create({ data: { schoolId: school.id, email: 'sam@trust.example', fullName: 'Sam Supply', role: 'teacher', lineManagerId: head.id } });
    await seedEveryRecord(db.prisma, { schoolId: school.id, personId: person.id, otherId: head.id, year: 2025, text: `diary at ${slug}` });
  }
});
afterAll(() => db.drop());

describe('trellis export person (002 §44)', () => {
  it('002 §44: writes the readable document and the JSON file for one person in one school, and records that it did', async () => {
    const { code, stdout, stderr } = await trellis('export', 'person', 'Sam@Trust.example', '--school', 'north', '--out', out);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/Sam Supply \(north school\): \d+ records/);
    const files = (await readdir(out)).sort();
    expect(files).toEqual(['trellis-records-sam-supply-2026-11-30.html', 'trellis-records-sam-supply-2026-11-30.json', 'trellis-records-sam-supply-2026-11-30.pdf']);
    const json = JSON.parse(await readFile(join(out, files[1] ?? ''), 'utf8')) as { tables: { diary_entries: { body: string }[] } };
    expect(json.tables.diary_entries.map((d) => d.body)).toEqual(['diary at north']);
    expect(await readFile(join(out, files[0] ?? ''), 'utf8')).toContain('diary at north');
    expect(await pdfText(new Uint8Array(await readFile(join(out, files[2] ?? ''))))).toContain('diary at north');
    const sam = await db.prisma.person.findFirstOrThrow({ where: { email: 'sam@trust.example', school: { slug: 'north' } } });
    expect(await db.prisma.auditEvent.findMany({ where: { action: 'records.exported' }, select: { actorId: true, subjectId: true, details: true } })).toEqual([
      { actorId: null, subjectId: sam.id, details: { via: 'cli' } },
    ]);
  });

  it('002 §18, §44: the person sees the administrator’s export in “who has seen my records”, and their own `my-records` is not listed', async () => {
    const sam = await db.prisma.person.findFirstOrThrow({ where: { email: 'sam@trust.example', school: { slug: 'north' } } });
    await db.prisma.auditEvent.create({ data: { actorId: sam.id, action: 'records.exported', subjectType: 'person', subjectId: sam.id, at: new Date('2026-11-30T13:00:00Z'), details: { via: 'chat' } } });
    const lines = seenByLines(await new PrismaAccessLogStore(db.prisma).seenBy(sam.id, 50), '2026-11-30');
    expect(lines.filter((line) => line.text === ADMINISTRATOR_EXPORT)).toEqual([{ when: 'Mon 30 Nov', text: ADMINISTRATOR_EXPORT }]);
    expect(lines.filter((line) => line.text.includes('exported'))).toHaveLength(1);
  });

  it('002 §44: `trellis records export --person EMAIL --format pdf` writes only the PDF, and an unknown format is named plainly', async () => {
    const pdfOnly = await mkdtemp(join(tmpdir(), 'trellis-export-pdf-'));
    const { code, stdout } = await trellis('records', 'export', '--person', 'sam@trust.example', '--school', 'south', '--format', 'pdf', '--out', pdfOnly);
    expect(code).toBe(0);
    expect(stdout).toContain('trellis-records-sam-supply-2026-11-30.pdf');
    expect(await readdir(pdfOnly)).toEqual(['trellis-records-sam-supply-2026-11-30.pdf']);
    const text = await pdfText(new Uint8Array(await readFile(join(pdfOnly, 'trellis-records-sam-supply-2026-11-30.pdf'))));
    expect(text).toContain('diary at south');
    expect(text).not.toContain('diary at north');
    const wrong = await trellis('records', 'export', '--person', 'sam@trust.example', '--format', 'docx');
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('--format must be one of pdf, html, json, not “docx”');
    expect(wrong.stderr).not.toMatch(/\bat .*\.ts:\d+/);
  });

  it('002 §44: asks which school when the e-mail is on two rosters, and says plainly when nobody has it', async () => {
    const twice = await trellis('export', 'person', 'sam@trust.example', '--out', out);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain('several schools (north, south)');
    const nobody = await trellis('export', 'person', 'nobody@trust.example', '--out', out);
    expect(nobody.code).toBe(1);
    expect(nobody.stderr).toContain('Nobody with the e-mail nobody@trust.example');
    expect(nobody.stderr).not.toMatch(/\bat .*\.ts:\d+/);
    const wrong = await trellis('export', 'people');
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('trellis export person EMAIL');
  });
});
