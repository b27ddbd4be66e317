import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTrellisWith } from '../support/run-cli.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

const TERMS = join(import.meta.dirname, '../../config/terms/england-2026-28.yaml');

let db: TestDatabase;
let dir: string;
const trellis = (...argv: string[]) => runTrellisWith({ databaseUrl: db.url, at: '2026-09-07T09:00:00Z' }, ...argv);

beforeAll(async () => {
  db = await createTestDatabase();
  dir = await mkdtemp(join(tmpdir(), 'trellis-roster-xlsx-'));
  for (const slug of ['sheet-school', 'mapped-school']) {
    const { code, stderr } = await trellis('school', 'set', slug, '--policy', 'whmat', '--terms', TERMS);
    expect(stderr).toBe('');
    expect(code).toBe(0);
  }
});
afterAll(() => db.drop());

/** Writes a workbook the way Excel would save one: the roster on the first sheet, another sheet after it. */
async function workbook(name: string, rows: ExcelJS.CellValue[][]): Promise<string> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('Staff');
  for (const [at, row] of rows.entries()) sheet.getRow(at + 1).values = row;
  book.addWorksheet('Notes').addRow(['email', 'full_name', 'role', 'line_manager_email']).commit();
  const path = join(dir, name);
  await book.xlsx.writeFile(path);
  return path;
}

const staffOf = (slug: string) => db.prisma.person.findMany({ where: { school: { slug } }, orderBy: { email: 'asc' }, include: { lineManager: true } });

describe('trellis import roster FILE.xlsx', () => {
  it('reads the first sheet through the same checks as a CSV: dates typed as dates, e-mails typed as links', async () => {
    const path = await workbook('staff.xlsx', [
      ['email', 'full_name', 'role', 'line_manager_email', 'start_date', 'flags'],
      ['head@sheet.example', 'Hana Head', 'headteacher', null, new Date('2015-09-01T00:00:00Z'), null],
      [{ text: 'T1@Sheet.example', hyperlink: 'mailto:t1@sheet.example' }, { richText: [{ text: 'Tariq ' }, { text: 'One', font: { bold: true } }] }, 'Teacher', 'head@sheet.example', new Date('2020-09-01T00:00:00Z'), 'ups'],
    ]);
    const { code, stdout, stderr } = await trellis('import', 'roster', path, '--school', 'sheet-school');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/Loaded 2 of 2 staff into "sheet-school": 2 new/);
    const people = await staffOf('sheet-school');
    expect(people.map((p) => [p.email, p.fullName, p.role, p.startDate?.toISOString().slice(0, 10), p.lineManager?.email ?? null, p.flags])).toEqual([
      ['head@sheet.example', 'Hana Head', 'headteacher', '2015-09-01', null, []],
      ['t1@sheet.example', 'Tariq One', 'teacher', '2020-09-01', 'head@sheet.example', ['ups']],
    ]);
  });

  it('reads roles and contracts written as words, "Teaching Assistant" and "Fixed Term"', async () => {
    const path = await workbook('words.xlsx', [
      ['email', 'full_name', 'role', 'line_manager_email', 'start_date', 'contract', 'contract_end'],
      ['head@sheet.example', 'Hana Head', 'Headteacher', null, null, 'Permanent', null],
      ['ta@sheet.example', 'Tam Assistant', 'Teaching Assistant', 'head@sheet.example', new Date('2026-09-01T00:00:00Z'), 'Fixed Term', new Date('2027-07-21T00:00:00Z')],
    ]);
    const { code, stderr } = await trellis('import', 'roster', path, '--school', 'sheet-school', '--leavers', 'keep');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const ta = await db.prisma.person.findFirstOrThrow({ where: { email: 'ta@sheet.example' } });
    expect([ta.role, ta.contract, ta.contractEnd?.toISOString().slice(0, 10)]).toEqual(['teaching-assistant', 'fixed-term', '2027-07-21']);
  });

  it('names each bad cell by the row number Excel shows, blank rows counted, and loads the good rows', async () => {
    const path = await workbook('bad.xlsx', [
      ['email', 'full_name', 'role', 'line_manager_email', 'start_date'],
      ['head@sheet.example', 'Hana Head', 'headteacher', null, null],
      [],
      ['t2@sheet.example', 'Tia Two', 'wizard', 'head@sheet.example', null],
      ['t3@sheet.example', 'Tom Three', 'teacher', 'head@sheet.example', '2026-02-30'],
      ['t4@sheet.example', 'Tao Four', 'teacher', 'nobody@sheet.example', null],
      ['head@sheet.example', 'Hana Again', 'headteacher', null, null],
      ['t5@sheet.example', 'Tess Five', 'teacher', 'head@sheet.example', new Date('2026-09-14T00:00:00Z')],
    ]);
    const { code, stdout, stderr } = await trellis('import', 'roster', path, '--school', 'sheet-school', '--leavers', 'keep');
    expect(code).toBe(1);
    expect(stdout).toMatch(/Loaded 2 of 6 staff/);
    expect(stderr).toMatch(/4 rows were not loaded/);
    expect(stderr).toMatch(/row 4 \(t2@sheet.example\): role "wizard" should be one of/);
    expect(stderr).toMatch(/row 5 \(t3@sheet.example\): start_date "2026-02-30" should be a real date/);
    expect(stderr).toMatch(/row 6 \(t4@sheet.example\): line_manager_email nobody@sheet.example is not a valid row of this file/);
    expect(stderr).toMatch(/row 7 \(head@sheet.example\): head@sheet.example is already on row 2/);
    expect(stderr).not.toMatch(/at .*node_modules/);
    expect(await db.prisma.person.findFirst({ where: { email: 't5@sheet.example' } })).not.toBeNull();
  });

  it('refuses a file that is not a workbook, and an old .xls, in plain words, loading nothing', async () => {
    const broken = join(dir, 'broken.xlsx');
    await writeFile(broken, Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.from('not really a zip')]));
    const before = await db.prisma.person.count();
    const zip = await trellis('import', 'roster', broken, '--school', 'sheet-school');
    expect(zip.code).toBe(1);
    expect(zip.stderr).toMatch(/not an Excel workbook Trellis can read .*Nothing was loaded/s);
    const old = join(dir, 'old.xls');
    await writeFile(old, Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]));
    const xls = await trellis('import', 'roster', old, '--school', 'sheet-school');
    expect(xls.code).toBe(1);
    expect(xls.stderr).toMatch(/old-style Excel file \(\.xls\).*save it as an Excel Workbook \(\.xlsx\) or as CSV/);
    expect(await db.prisma.person.count()).toBe(before);
  });

  it('names the missing columns of a sheet in its first row', async () => {
    const path = await workbook('columns.xlsx', [['Email', 'Name', 'Role'], ['a@sheet.example', 'A', 'teacher']]);
    const { code, stderr } = await trellis('import', 'roster', path, '--school', 'sheet-school');
    expect(code).toBe(1);
    expect(stderr).toMatch(/needs the columns full_name, line_manager_email in its first row \(it has: Email, Name, Role\)\. If they are there under other names, map them with --map/);
  });
});

const MIS_EXPORT = [
  'Work Email,Forename,Surname,Job Title,Manager Email,Employment Start,Personal Email',
  'boss@mapped.example,Bea,Boss,headteacher,,2012-09-01,bea@home.example',
  'ta@mapped.example,Tam,Assistant,teaching-assistant,boss@mapped.example,2022-01-04,tam@home.example',
  'teach@mapped.example,Tej,Teacher,teacher,boss@mapped.example,2019-09-01,tej@home.example',
].join('\n');

describe('trellis import roster --map', () => {
  it('reads a file with its own headers through the mapping given, joining forename and surname, and remembers the mapping', async () => {
    const path = join(dir, 'export.csv');
    await writeFile(path, MIS_EXPORT);
    const map = 'email=Work Email,Full name=Forename+Surname,role=Job Title,line_manager_email=Manager Email,start_date=Employment Start';
    const { code, stdout, stderr } = await trellis('import', 'roster', path, '--school', 'mapped-school', '--map', map);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/Read with the column mapping: email=Work Email,full_name=Forename\+Surname,.* \(remembered for the next file of this shape\)/);
    expect(stdout).toMatch(/Loaded 3 of 3 staff into "mapped-school": 3 new/);
    const people = await staffOf('mapped-school');
    expect(people.map((p) => [p.email, p.fullName, p.lineManager?.email ?? null, p.startDate?.toISOString().slice(0, 10)])).toEqual([
      ['boss@mapped.example', 'Bea Boss', null, '2012-09-01'],
      ['ta@mapped.example', 'Tam Assistant', 'boss@mapped.example', '2022-01-04'],
      ['teach@mapped.example', 'Tej Teacher', 'boss@mapped.example', '2019-09-01'],
    ]);
    const school = await db.prisma.school.findUniqueOrThrow({ where: { slug: 'mapped-school' } });
    expect(school.rosterColumnMap).toEqual({ email: ['Work Email'], full_name: ['Forename', 'Surname'], role: ['Job Title'], line_manager_email: ['Manager Email'], start_date: ['Employment Start'] });
  });

  it('reads the next file of the same shape with the remembered mapping, with no flag', async () => {
    const path = join(dir, 'export-next.csv');
    await writeFile(path, `${MIS_EXPORT}\nnew@mapped.example,Nia,New,support,boss@mapped.example,2026-09-01,nia@home.example`);
    const { code, stdout, stderr } = await trellis('import', 'roster', path, '--school', 'mapped-school');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/Read with the column mapping remembered for this school: email=Work Email/);
    expect(stdout).toMatch(/Loaded 4 of 4 staff into "mapped-school": 1 new, 0 changed, 3 unchanged/);
  });

  it('reads a file in Trellis’s own columns as it is, even with a mapping remembered', async () => {
    const path = join(dir, 'own.csv');
    await writeFile(
      path,
      ['email,full_name,role,line_manager_email,start_date', 'boss@mapped.example,Bea Boss,headteacher,,2012-09-01', 'ta@mapped.example,Tam Assistant,teaching-assistant,boss@mapped.example,2022-01-04', 'teach@mapped.example,Tej Teacher,teacher,boss@mapped.example,2019-09-01', 'new@mapped.example,Nia New,support,boss@mapped.example,2026-09-01'].join('\n'),
    );
    const { code, stdout } = await trellis('import', 'roster', path, '--school', 'mapped-school');
    expect(code).toBe(0);
    expect(stdout).not.toMatch(/column mapping/);
    expect(stdout).toMatch(/0 new, 0 changed, 4 unchanged/);
  });

  it('maps an XLSX sheet the same way, with bad rows named by their Excel row', async () => {
    const path = await workbook('export.xlsx', [
      ['Work Email', 'Forename', 'Surname', 'Job Title', 'Manager Email', 'Employment Start'],
      ['boss@mapped.example', 'Bea', 'Boss', 'headteacher', null, new Date('2012-09-01T00:00:00Z')],
      ['ta@mapped.example', 'Tam', 'Assistant', 'teaching-assistant', 'boss@mapped.example', new Date('2022-01-04T00:00:00Z')],
      ['teach@mapped.example', 'Tej', 'Teacher', 'teacher', 'boss@mapped.example', new Date('2019-09-01T00:00:00Z')],
      ['new@mapped.example', null, null, 'support', 'boss@mapped.example', new Date('2026-09-01T00:00:00Z')],
    ]);
    const { code, stdout, stderr } = await trellis('import', 'roster', path, '--school', 'mapped-school');
    expect(code).toBe(1);
    expect(stdout).toMatch(/remembered for this school/);
    expect(stdout).toMatch(/Loaded 3 of 4 staff/);
    expect(stderr).toMatch(/row 5 \(new@mapped.example\): full_name is empty/);
  });

  it('names a mapped column the file does not have, and the field it was for, loading nothing', async () => {
    const path = join(dir, 'export-renamed.csv');
    await writeFile(path, MIS_EXPORT.replace('Work Email', 'Email Address'));
    const before = await db.prisma.person.count();
    const given = await trellis('import', 'roster', path, '--school', 'mapped-school', '--map', 'email=Work Email,full_name=Forename+Last Name,role=Job Title,line_manager_email=Manager Email');
    expect(given.code).toBe(1);
    expect(given.stderr).toMatch(/The column mapping names "Work Email" \(for email\), "Last Name" \(for full_name\), which the file does not have \(it has: Email Address, Forename, Surname, .*\)\. Nothing was loaded/);
    const remembered = await trellis('import', 'roster', path, '--school', 'mapped-school');
    expect(remembered.code).toBe(1);
    expect(remembered.stderr).toMatch(/neither Trellis's columns nor the shape remembered for this school: The column mapping names "Work Email" \(for email\)/);
    expect(await db.prisma.person.count()).toBe(before);
    // A failed mapping is not remembered.
    expect((await db.prisma.school.findUniqueOrThrow({ where: { slug: 'mapped-school' } })).rosterColumnMap).toMatchObject({ email: ['Work Email'], full_name: ['Forename', 'Surname'] });
  });

  it('refuses an unknown field, a pair without "=", and both --map and --mapping, in plain words', async () => {
    const path = join(dir, 'export.csv');
    const unknown = await trellis('import', 'roster', path, '--school', 'mapped-school', '--map', 'e-mail address=Work Email');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/"e-mail address" is not one of Trellis's roster fields \(email, full_name, role, line_manager_email, department/);
    const noEquals = await trellis('import', 'roster', path, '--school', 'mapped-school', '--map', 'email');
    expect(noEquals.stderr).toMatch(/"email" in the column mapping should be field=column/);
    const both = await trellis('import', 'roster', path, '--school', 'mapped-school', '--map', 'email=Work Email', '--mapping', join(dir, 'm.json'));
    expect(both.stderr).toMatch(/with --map or with --mapping FILE.json, not both/);
  });

  it('takes the mapping from a JSON file, and says what is wrong with one that is not a mapping', async () => {
    const mappingFile = join(dir, 'mapping.json');
    await writeFile(mappingFile, JSON.stringify({ email: 'Work Email', full_name: ['Forename', 'Surname'], role: 'Job Title', line_manager_email: 'Manager Email' }));
    const path = join(dir, 'export.csv');
    const { code, stdout } = await trellis('import', 'roster', path, '--school', 'mapped-school', '--mapping', mappingFile, '--leavers', 'keep');
    expect(code).toBe(0);
    expect(stdout).toMatch(/Read with the column mapping: email=Work Email,full_name=Forename\+Surname,role=Job Title,line_manager_email=Manager Email \(remembered/);
    const broken = join(dir, 'broken.json');
    await writeFile(broken, '{"email": 3}');
    const bad = await trellis('import', 'roster', path, '--school', 'mapped-school', '--mapping', broken);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/should be a JSON object of field names to a column name or a list of column names/);
  });
});

describe('trellis import roster FILE.csv saved by Excel on Windows', () => {
  it('reads a CSV that is not UTF-8 as Windows-1252, so accented names survive', async () => {
    const path = join(dir, 'windows.csv');
    const text = 'email,full_name,role,line_manager_email\nhead@sheet.example,Hana Head,headteacher,\nsian@sheet.example,Siân Jones,teacher,head@sheet.example\n';
    await writeFile(path, Buffer.from(text, 'latin1'));
    const { code, stderr } = await trellis('import', 'roster', path, '--school', 'sheet-school', '--leavers', 'keep');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect((await db.prisma.person.findFirstOrThrow({ where: { email: 'sian@sheet.example' } })).fullName).toBe('Siân Jones');
  });
});
